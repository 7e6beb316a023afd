"""Several signed reviews in one zip file, written to disk rather than memory.

The admin's "Download the selected signed reviews (zip)" asks for it as a background
job (partnerships/jobs), which writes it with `write_signed_reviews_zip`.
"""

import logging
import zipfile
from collections.abc import Iterable

from partnerships.reports.models import SignedReview

logger = logging.getLogger(__name__)


class DamagedReviewsError(Exception):
    """Some of the selected stored PDFs no longer have their SHA-256."""

    def __init__(self, report_ids: list[str]):
        super().__init__(f"Damaged stored signed reviews: {', '.join(report_ids)}")
        self.report_ids = report_ids


def write_signed_reviews_zip(path, review_ids: Iterable[int]) -> None:
    """The reviews' stored PDFs, as a zip file at `path`; refused (DamagedReviewsError)
    when any is damaged: a zip that silently lacked a review, or held a damaged one,
    would mislead. The caller removes the file then."""
    damaged = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        # PDFs are compressed already; one review at a time keeps memory flat.
        for pk in review_ids:
            review = SignedReview.objects.filter(pk=pk).first()
            if review is None:
                continue  # deleted since it was selected: nothing to put in
            if not review.stored_bytes_intact:
                damaged.append(review.report_id)
            elif not damaged:
                archive.writestr(review.filename, bytes(review.pdf))
    if damaged:
        logger.error(
            "Zip of signed reviews refused: stored PDFs damaged (SHA-256 mismatch): %s",
            ", ".join(damaged),
        )
        raise DamagedReviewsError(damaged)
