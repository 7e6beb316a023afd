"""Check every stored signed review: its stored bytes against their SHA-256, its
signature (intact, covering the whole file, by a trusted certificate), and the record
embedded in it against the database.

A decided assessment without a signed review (a decision that did not go through the
review) is a problem too. Prints one line per problem (report ID, what is wrong) and a
summary line; exits 1 when anything is wrong, 0 when all is well (with `-v 0`, a good run
prints nothing, for cron). Run it daily and after every restore of the database.
Reviews are read one at a time, so memory stays flat whatever their number.
"""

from django.core.management.base import BaseCommand, CommandError

from partnerships.assessments.choices import DECIDED_STATUSES
from partnerships.assessments.models import Assessment
from partnerships.reports.models import SignedReview
from partnerships.reports.verification import stored_review_integrity


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--report-id", help="Check only this review (e.g. UNDP-2025-00042).")

    def handle(self, *args, report_id=None, **options):
        reviews = SignedReview.objects.order_by("pk")
        if report_id:
            reviews = reviews.filter(report_id=report_id)
            if not reviews.exists():
                raise CommandError(f"No signed review {report_id}.")
        checked = broken = not_compared = 0
        for pk in reviews.values_list("pk", flat=True).iterator():
            review = SignedReview.objects.select_related(
                "assessment__proposal__agency",
                "assessment__revision",
                "assessment__framework",
                "assessment__assessor",
                "assessment__reviewer",
            ).get(pk=pk)
            checked += 1
            try:
                integrity = stored_review_integrity(review)
            except Exception as error:  # one bad row is one problem line, not a stopped run
                self.stdout.write(f"{review.report_id}: could not be checked: {error!r}")
                broken += 1
                continue
            for problem in integrity.problems:
                self.stdout.write(f"{review.report_id}: {problem}")
            if options["verbosity"] > 0 or not integrity.ok:
                for notice in integrity.notices:
                    self.stdout.write(f"{review.report_id}: note: {notice}")
            broken += not integrity.ok
            not_compared += bool(integrity.ok and integrity.notices)
        unsigned = 0
        if not report_id:
            for pk in (
                Assessment.objects.filter(status__in=DECIDED_STATUSES, signed_review__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            ):
                self.stdout.write(f"Assessment {pk}: decided, but it has no signed review.")
                unsigned += 1
        summary = (
            f"Checked {checked} signed review{'s' if checked != 1 else ''}: "
            f"{checked - broken} intact, {broken} with problems."
        )
        if unsigned:
            summary += f" {unsigned} decided assessments without a signed review."
            broken += unsigned
        if not_compared:
            summary += f" {not_compared} signed before records were embedded: not compared."
        if broken:
            self.stdout.write(self.style.ERROR(summary))
            raise CommandError(
                f"{broken} signed review{'s' if broken != 1 else ''} with problems.", returncode=1
            )
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(summary))
