"""Check a review PDF: signature intact and covering the whole file, made by a trusted
certificate (SIGNING_TRUST_ROOTS), and the file equal to a review stored by the app.
Exits 0 and prints the review when all hold; exits 1 and says which failed otherwise."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.reports.verification import verify_review_pdf


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        result = verify_review_pdf(file.read_bytes())
        for check in result.checks:
            mark = "ok  " if check.ok else "FAIL"
            self.stdout.write(
                f"{mark} {check.name}" + (f": {check.detail}" if check.detail else "")
            )
        if not result.ok:
            raise CommandError(f"{file} is NOT a valid signed review.", returncode=1)
        review = result.review
        assessment = review.assessment
        self.stdout.write(
            self.style.SUCCESS(
                f"Valid signed review {review.report_id}: {assessment.proposal.title} "
                f"({assessment.proposal.agency.acronym}), outcome "
                f"{assessment.get_decided_outcome_display()}, signed by {review.signer_name} "
                f"on {review.signed_at:%Y-%m-%d %H:%M %Z}."
            )
        )
