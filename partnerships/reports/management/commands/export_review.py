"""Write the review of an assessment to a file: the stored signed PDF of a decided
assessment, or a draft preview (marked as such) of an undecided one."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnerships.assessments.models import Assessment
from partnerships.reports.documents import DamagedReviewError, review_document


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _ in settings.LANGUAGES] + ["zh"],
            help="Language of a draft preview (a signed review keeps its own).",
        )

    def handle(self, *args, assessment_id, output: Path, language, **options):
        assessment = Assessment.objects.filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment {assessment_id}.")
        language = "zh-hans" if language == "zh" else language
        try:
            document = review_document(assessment, language=language)
        except DamagedReviewError as error:
            raise CommandError(
                f"{error} Nothing was written: restore it from a backup, then run "
                "`python manage.py check_records`."
            ) from error
        output.write_bytes(document.content)
        kind = "signed review" if assessment.is_decided else "DRAFT preview (not signed)"
        self.stdout.write(
            f"Wrote {output}: {kind} {document.filename}, {len(document.content)} bytes."
        )
