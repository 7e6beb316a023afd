"""Screen partners against the sanctions list in force and print the new hits."""

from django.core.management.base import BaseCommand, CommandError

from partnerships.partners.models import Partner
from partnerships.sanctions.models import SanctionsList, ScreeningHit
from partnerships.sanctions.screening import screen_partners


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--partner", type=int, help="Screen this partner only.")

    def handle(self, *args, partner, **options):
        if SanctionsList.current() is None:
            raise CommandError("No sanctions list imported: run import_sanctions first.")
        partners = Partner.objects.filter(pk=partner) if partner else Partner.objects.all()
        if partner and not partners.exists():
            raise CommandError(f"No partner {partner}.")
        new = {hit.pk for hit in screen_partners(partners)}
        hits = ScreeningHit.objects.filter(partner__in=partners).order_by("partner_name")
        for hit in hits:
            mark = "new " if hit.pk in new else "    "
            self.stdout.write(
                f"{mark}{hit.partner_name} ~ {hit.matched_name} [{hit.entry_reference}] "
                f"score {hit.score}, {hit.get_status_display()}"
            )
        self.stdout.write(
            f"Screened {partners.count()} partners: {len(new)} new hits, {hits.count()} in all."
        )
