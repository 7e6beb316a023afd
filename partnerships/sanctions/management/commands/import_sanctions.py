"""Import the UN Security Council Consolidated List (consolidated.xml) from a file or URL.

The new list replaces the old one in one transaction; a malformed or truncated file leaves
the previous list in place and says what is wrong. Every partner is then screened.
"""

from django.core.management.base import BaseCommand, CommandError

from partnerships.sanctions.importing import ListFormatError, import_list, read_source
from partnerships.sanctions.screening import screen_partners


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("source", help="Path or http(s) URL of consolidated.xml")

    def handle(self, *args, source, **options):
        try:
            sanctions_list = import_list(read_source(source), source=source)
        except (ListFormatError, OSError) as error:
            raise CommandError(f"{source}: {error} The previous list stays in force.") from None
        hits = screen_partners()
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported the list of {sanctions_list.date_generated:%Y-%m-%d %H:%M %Z}: "
                f"{sanctions_list.individuals} individuals, {sanctions_list.entities} entities. "
                f"Screening opened {len(hits)} new hits."
            )
        )
        for hit in hits:
            self.stdout.write(f"  {hit.partner_name} ~ {hit.matched_name} ({hit.score})")
