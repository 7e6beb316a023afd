from django.db import migrations


class Migration(migrations.Migration):
    """Filled the pointer rows; 0010 now fills them (and their partners) with the live
    rebuild, which needs the fields this state does not have yet."""

    dependencies = [("assessments", "0006_latest_assessment")]

    operations = []
