from django.db import migrations

from partnerships.assessments.latest import latest_assessment_rebuild


def fill(apps, schema_editor):
    latest_assessment_rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_latest_assessment")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
