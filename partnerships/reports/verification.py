"""Is this PDF a review this app signed, intact and unchanged? One answer for the
command line and the public page alike."""

import hashlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from partnerships.reports.models import SignedReview


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    review: SignedReview | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok


def trust_roots() -> list[x509.Certificate]:
    roots = []
    for name in settings.SIGNING_TRUST_ROOTS:
        path = Path(name)
        if not path.exists():
            continue
        data = path.read_bytes()
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        roots.append(x509.Certificate.load(data))
    return roots


def verify_review_pdf(data: bytes) -> Verification:
    """Check the signature (intact, covering the whole file, by a trusted certificate)
    and that the file is, byte for byte, a review stored by this app."""
    result = Verification()
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # a damaged or hostile file: say so, never crash
        result.add(_("Readable PDF"), False, str(error)[:200])
        return result
    if not result.add(
        _("Digital signature present"), bool(signatures), "" if signatures else _("none found")
    ):
        return result
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(
            signature, ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        )
    except Exception as error:
        result.add(_("Signature intact"), False, str(error)[:200])
        return result
    result.add(
        _("Signature intact"),
        status.intact and status.valid,
        "" if status.intact and status.valid else _("the signed content was changed"),
    )
    result.add(
        _("Signature covers the whole file"),
        status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        ""
        if status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        else _("content was added after signing"),
    )
    result.add(
        _("Signed by a trusted certificate"),
        status.trusted,
        status.signing_cert.subject.human_friendly,
    )
    sha256 = hashlib.sha256(data).hexdigest()
    result.review = (
        SignedReview.objects.select_related("assessment__proposal__agency")
        .filter(sha256=sha256)
        .first()
    )
    result.add(
        _("Matches a review stored by this app"),
        result.review is not None,
        result.review.report_id
        if result.review
        else _("no stored review has this SHA-256: %(h)s") % {"h": sha256},
    )
    return result
