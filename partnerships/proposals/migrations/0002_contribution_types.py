from django.db import migrations

CONTRIBUTION_TYPES = [
    ("financial", "Financial", "财政资源"),
    ("in_kind", "In-kind", "实物"),
    ("technology", "Technology", "技术"),
    ("expertise", "Technical or managerial expertise", "技术或管理专门知识"),
]


def load(apps, schema_editor):
    ContributionType = apps.get_model("proposals", "ContributionType")
    for position, (key, name_en, name_zh) in enumerate(CONTRIBUTION_TYPES):
        ContributionType.objects.update_or_create(
            key=key, defaults={"position": position, "name_en": name_en, "name_zh": name_zh}
        )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
