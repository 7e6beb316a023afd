"""The integrity triggers (partnerships/integrity/triggers.py) on the tables of decided
records. Later `migrate` runs recreate them from the models as they then stand."""

from django.db import migrations

from partnerships.integrity import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection, apps)


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        # The latest migration of each app whose tables the triggers protect.
        ("assessments", "0005_revisions_versions"),
        ("checklists", "0003_history"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
