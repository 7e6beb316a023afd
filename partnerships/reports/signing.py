"""PAdES signatures with pyHanko: the agency's key signs, a visible box names the reviewer."""

import functools
import hashlib
from io import BytesIO
from pathlib import Path

from django.conf import settings
from pyhanko import stamp
from pyhanko.pdf_utils import layout, text
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from partnerships.reports.documents import SignatureBox

FIELD_NAME = "ReviewerSignature"


class SigningError(Exception):
    """The report could not be signed: the message says why."""


@functools.cache
def _load_signer(path: str, mtime: float, passphrase: str) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=path, passphrase=passphrase.encode())
    if signer is None:
        raise SigningError(f"Cannot read the signing key in {path}: wrong passphrase or file.")
    return signer


def signing_signer() -> signers.SimpleSigner:
    path = Path(settings.SIGNING_PKCS12_PATH)
    if not path.exists():
        raise SigningError(
            f"No signing certificate at {path}: set SIGNING_PKCS12_PATH, or run "
            "`python manage.py create_signing_certificate` on a developer's machine."
        )
    return _load_signer(str(path), path.stat().st_mtime, settings.SIGNING_PKCS12_PASSPHRASE)


def certificate_summary(signer: signers.SimpleSigner) -> tuple[str, str]:
    """The signing certificate's subject and SHA-256 fingerprint."""
    cert = signer.signing_cert
    return cert.subject.human_friendly, hashlib.sha256(cert.dump()).hexdigest()


def _stamp_style() -> stamp.TextStampStyle:
    """The signature's own appearance: the exact signing time, in the box's lower corner.

    The box's text (reviewer, role, date) is part of the page, laid out by WeasyPrint
    in the report's fonts, Chinese included; a built-in PDF font for the ASCII time
    keeps signing fast (no font to embed).
    """
    return stamp.TextStampStyle(
        stamp_text="%(signed_at)s: %(ts)s",
        text_box_style=text.TextBoxStyle(font_size=7),
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(left=6, bottom=4),
        ),
    )


def sign_pdf(pdf: bytes, *, box: SignatureBox, name: str, reason: str) -> bytes:
    """Sign `pdf` (PAdES B-B) with a visible signature in `box`."""
    signer = signing_signer()
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=box.page, box=box.box)
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        name=name,
        location=settings.SIGNING_LOCATION or None,
    )
    pdf_signer = signers.PdfSigner(metadata, signer=signer, stamp_style=_stamp_style())
    output = pdf_signer.sign_pdf(
        writer,
        appearance_text_params={"signed_at": "Signed (UTC)"},
    )
    return output.getvalue()
