"""Several signed reviews in one zip file, written to disk rather than memory."""

import logging
import tempfile
import zipfile

from django.http import FileResponse

from partnerships.reports.models import SignedReview

logger = logging.getLogger(__name__)


class DamagedReviewsError(Exception):
    """Some of the selected stored PDFs no longer have their SHA-256."""

    def __init__(self, report_ids: list[str]):
        super().__init__(f"Damaged stored signed reviews: {', '.join(report_ids)}")
        self.report_ids = report_ids


def signed_reviews_zip(reviews) -> FileResponse:
    """The reviews' stored PDFs; refused (DamagedReviewsError) when any is damaged: a
    zip that silently lacked a review, or held a damaged one, would mislead."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    damaged = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        # PDFs are compressed already; one review at a time keeps memory flat.
        for pk in SignedReview.objects.filter(pk__in=reviews.values("pk")).values_list(
            "pk", flat=True
        ):
            review = SignedReview.objects.get(pk=pk)
            if not review.stored_bytes_intact:
                damaged.append(review.report_id)
            elif not damaged:
                archive.writestr(review.filename, bytes(review.pdf))
    if damaged:
        spool.close()
        logger.error(
            "Zip of signed reviews refused: stored PDFs damaged (SHA-256 mismatch): %s",
            ", ".join(damaged),
        )
        raise DamagedReviewsError(damaged)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename="signed-reviews.zip", content_type="application/zip"
    )
