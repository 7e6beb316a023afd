"""Screen partners against the sanctions list in force and print the new hits.

One partner (--partner) is screened here and now. The whole registry is screened by a
background task on the "screening" queue, as after an import: the immediate backend (the
SQLite default) runs it here and the hits are printed; with the database backend a worker
(`make worker`) runs it.
"""

from django.core.management.base import BaseCommand, CommandError

from partnerships.partners.models import Partner
from partnerships.sanctions.management.commands.import_sanctions import screening_report
from partnerships.sanctions.models import SanctionsList, ScreeningHit
from partnerships.sanctions.screening import screen_partners
from partnerships.sanctions.services import partners_rescreen


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--partner", type=int, help="Screen this partner only.")

    def handle(self, *args, partner, **options):
        sanctions_list = SanctionsList.current()
        if sanctions_list is None:
            raise CommandError("No sanctions list imported: run import_sanctions first.")
        if partner:
            partners = Partner.objects.filter(pk=partner)
            if not partners.exists():
                raise CommandError(f"No partner {partner}.")
            new = {hit.pk for hit in screen_partners(partners)}
        else:
            partners = Partner.objects.all()
            opened = screening_report(self, partners_rescreen(sanctions_list=sanctions_list))
            if opened is None:
                return
            new = {hit.pk for hit in opened}
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
