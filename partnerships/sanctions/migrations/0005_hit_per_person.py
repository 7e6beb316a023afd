from django.db import migrations, models


def detach_older_duplicates(apps, schema_editor):
    """A person renamed since was hit under each name: one hit stays theirs (a decided
    one first, then the newest), the others keep the name they were made on (as for a
    person removed). Reversing this migration fails once two namesakes of one partner
    each have a hit on an entry: the constraint it brings back is on the name."""
    ScreeningHit = apps.get_model("sanctions", "ScreeningHit")
    seen = set()
    hits = ScreeningHit.objects.filter(person__isnull=False).order_by("-created_at", "-pk")
    for hit in sorted(hits, key=lambda hit: hit.status == "open"):  # stable: newest first
        key = (hit.person_id, hit.entry_data_id)
        if key in seen:
            # An update of the link only: the hit's record of the match is unchanged.
            ScreeningHit.objects.filter(pk=hit.pk).update(person=None)
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_key_people"),
        ("sanctions", "0004_key_people"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="screeninghit",
            name="one_hit_per_person_and_entry",
        ),
        migrations.RunPython(detach_older_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="screeninghit",
            constraint=models.UniqueConstraint(
                condition=models.Q(("person__isnull", False)),
                fields=("person", "entry_data_id"),
                name="one_hit_per_person_and_entry",
            ),
        ),
    ]
