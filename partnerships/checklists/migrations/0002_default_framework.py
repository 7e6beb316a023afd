"""Load and publish the default checklist, version 1.0, from its data file.

The file is named after the version it holds and never edited afterwards: a
changed checklist is a new file, loaded by a new migration as a new version.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "a_res_56_76_checklist_v1.json"
TEXT_FIELDS = [
    "question_en", "question_zh", "guidance_en", "guidance_zh", "evidence_en", "evidence_zh",
]  # fmt: skip


def load(apps, schema_editor):
    Framework = apps.get_model("checklists", "Framework")
    PrincipleWeight = apps.get_model("checklists", "PrincipleWeight")
    Criterion = apps.get_model("checklists", "Criterion")
    Principle = apps.get_model("principles", "Principle")

    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    if Framework.objects.filter(name=data["name"], version=data["version"]).exists():
        return
    framework = Framework.objects.create(
        name=data["name"],
        version=data["version"],
        description_en=data["description_en"],
        description_zh=data["description_zh"],
        engage_threshold=data["engage_threshold"],
        conditions_threshold=data["conditions_threshold"],
        status="published",
        published_at=timezone.now(),
    )
    principles = {p.key: p for p in Principle.objects.all()}
    PrincipleWeight.objects.bulk_create(
        PrincipleWeight(framework=framework, principle=principle, weight=1)
        for principle in principles.values()
    )
    positions: dict[str, int] = {}
    criteria = []
    for item in data["criteria"]:
        position = positions[item["principle"]] = positions.get(item["principle"], 0) + 1
        criteria.append(
            Criterion(
                framework=framework,
                principle=principles[item["principle"]],
                code=item["code"],
                position=position,
                weight=item["weight"],
                is_key=item["is_key"],
                allows_not_applicable=item["allows_not_applicable"],
                basis=item["basis"],
                **{field: item[field] for field in TEXT_FIELDS},
            )
        )
    Criterion.objects.bulk_create(criteria)


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0001_initial"),
        ("principles", "0002_load_principles"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
