"""Check a review PDF: signature intact and covering the whole file, made by a trusted
certificate (SIGNING_TRUST_ROOTS), the file equal to a review stored by the app, and the
database still saying what the record embedded in the signed file says.
Prints what the signed review says (from its embedded record) and exits 0 when all
hold; exits 1 and says which check failed, and which fields differ, otherwise."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.reports.verification import SignedSummary, verify_review_pdf

MARKS = {True: "ok  ", False: "FAIL", None: "n/a "}


def described(summary: SignedSummary) -> str:
    signed = f" on {summary.date:%Y-%m-%d %H:%M %Z}" if summary.date else ""
    return (
        f"{summary.report_id}: {summary.proposal} ({summary.agency}), outcome "
        f"{summary.outcome}, signed by {summary.signer}{signed}"
    )


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        result = verify_review_pdf(file.read_bytes())
        for check in result.checks:
            self.stdout.write(
                f"{MARKS[check.ok]} {check.name}" + (f": {check.detail}" if check.detail else "")
            )
            for line in check.lines:
                self.stdout.write(f"       {line}")
        if not result.ok:
            if result.record is not None:  # the signature vouches for what the file says
                self.stdout.write(f"The signed review says: {described(result.summary)}.")
            raise CommandError(f"{file} is NOT a valid signed review.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"Valid signed review {described(result.summary)}."))
