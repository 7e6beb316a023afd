"""Import the UN Security Council Consolidated List (consolidated.xml) from a file or URL.

The new list replaces the old one in one transaction; a malformed or truncated file leaves
the previous list in place and says what is wrong. Every partner is then screened against
it by a background task on the "screening" queue: with the database task backend a worker
(`make worker`) runs it; with the immediate backend (the SQLite default) it runs here,
and the hits it opened are printed.
"""

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from partnerships.sanctions.importing import ListFormatError, import_list, read_source
from partnerships.sanctions.models import ScreeningHit
from partnerships.sanctions.services import partners_rescreen


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
        parser.add_argument("source", help="Path or http(s) URL of consolidated.xml")

    def handle(self, *args, source, **options):
        try:
            sanctions_list = import_list(read_source(source), source=source)
        except (ListFormatError, OSError) as error:
            raise CommandError(f"{source}: {error} The previous list stays in force.") from None
        imported = (
            f"Imported the list of {sanctions_list.date_generated:%Y-%m-%d %H:%M %Z}: "
            f"{sanctions_list.individuals} individuals, {sanctions_list.entities} entities."
        )
        hits = screening_report(self, partners_rescreen(sanctions_list=sanctions_list))
        if hits is None:
            self.stdout.write(self.style.SUCCESS(imported))
            return
        self.stdout.write(self.style.SUCCESS(f"{imported} Screening opened {len(hits)} new hits."))
        for hit in hits:
            self.stdout.write(f"  {hit.partner_name} ~ {hit.matched_name} ({hit.score})")
