"""Import the UN Security Council Consolidated List (consolidated.xml).

From a file (gzip-compressed or not), or, without one, fetched from SANCTIONS_LIST_URL
(https only, from SANCTIONS_ALLOWED_HOSTS); run daily by cron (README). The new list
replaces the old one in one transaction and records what changed: entries added,
removed and renamed (printed here, shown in the admin); hits on removed entries are
marked delisted. A malformed or truncated file, or a list older than the one in force
(unless --allow-older, which the list's audit trail records), leaves the list in force
and says why. Every partner is then screened against the new list by a background task
on the "screening" queue: with the database task backend a worker (`make worker`) runs
it; with the immediate backend (the SQLite default) it runs here, and the hits it
opened are printed. Reviewers of the agencies working with a newly matched partner are
told by e-mail.
"""

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from partnerships.sanctions.importing import (
    FetchRefusedError,
    ListFormatError,
    OlderListError,
    import_list,
    read_source,
)
from partnerships.sanctions.models import ScreeningHit
from partnerships.sanctions.services import partners_rescreen

SHOWN_CHANGES = 20  # per kind; the admin shows them all


def screening_report(command: BaseCommand, result) -> list[ScreeningHit] | None:
    """The hits a screening task opened, once it ran (None while it waits for a worker);
    a failed one stops the command with its error."""
    if result.status == TaskResultStatus.FAILED:
        error = result.errors[-1].traceback.strip().splitlines()[-1] if result.errors else ""
        raise CommandError(f"Screening the partners failed: {error}")
    if result.status != TaskResultStatus.SUCCESSFUL:
        command.stdout.write(
            f"Screening every partner is queued (task {result.id}); a worker opens the hits "
            "(manage.py db_worker --queue-name screening)."
        )
        return None
    return list(ScreeningHit.objects.filter(pk__in=result.return_value["opened"]).order_by("pk"))


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "source", nargs="?", help="Path of consolidated.xml (default: SANCTIONS_LIST_URL)."
        )
        parser.add_argument(
            "--allow-older",
            action="store_true",
            help="Import a list generated before the one in force (recorded in its history).",
        )

    def handle(self, *args, source, allow_older, **options):
        try:
            sanctions_list = import_list(
                read_source(source), source=source or "SANCTIONS_LIST_URL", allow_older=allow_older
            )
        except (ListFormatError, OlderListError, FetchRefusedError, OSError) as error:
            where = source or "SANCTIONS_LIST_URL"
            raise CommandError(f"{where}: {error} The list in force stays.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported the list of {sanctions_list.date_generated:%Y-%m-%d %H:%M %Z}: "
                f"{sanctions_list.individuals} individuals, {sanctions_list.entities} entities."
            )
        )
        self._changes(sanctions_list)
        hits = screening_report(self, partners_rescreen(sanctions_list=sanctions_list))
        if hits is not None:
            self.stdout.write(f"Screening opened {len(hits)} new hits.")
            for hit in hits:
                self.stdout.write(f"  {hit.partner_name} ~ {hit.matched_name} ({hit.score})")

    def _changes(self, sanctions_list) -> None:
        previous = sanctions_list.previous
        if previous is None:
            return
        replaced = f"{previous.date_generated:%Y-%m-%d %H:%M %Z}"
        if sanctions_list.older_than_previous:
            self.stdout.write(
                self.style.WARNING(
                    f"Older than the list it replaces ({replaced}): "
                    "imported as asked (--allow-older)."
                )
            )
        self.stdout.write(
            f"Since the list of {replaced}: {sanctions_list.added} "
            f"added, {sanctions_list.removed} removed, {sanctions_list.renamed} renamed."
        )
        changes = sanctions_list.changes
        for kind, label in (("added", "+"), ("removed", "-")):
            for data_id, reference, name in changes.get(kind, [])[:SHOWN_CHANGES]:
                self.stdout.write(f"  {label} {reference or data_id} {name}")
        for data_id, reference, name, dropped, new in changes.get("renamed", [])[:SHOWN_CHANGES]:
            self.stdout.write(
                f"  ~ {reference or data_id} {name}: {len(dropped)} names dropped, {len(new)} added"
            )
