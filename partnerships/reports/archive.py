"""Several signed reviews in one zip file, written to disk rather than memory."""

import tempfile
import zipfile

from django.http import FileResponse

from partnerships.reports.models import SignedReview


def signed_reviews_zip(reviews) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        # PDFs are compressed already; one review at a time keeps memory flat.
        for pk in SignedReview.objects.filter(pk__in=reviews.values("pk")).values_list(
            "pk", flat=True
        ):
            review = SignedReview.objects.get(pk=pk)
            archive.writestr(review.filename, bytes(review.pdf))
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename="signed-reviews.zip", content_type="application/zip"
    )
