"""The review report: one entry point renders it, for previews and signed finals alike.

`review_document()` answers (filename, content type, bytes), like pretix's
renderers: a decided assessment's stored signed PDF, or a draft preview.
"""

import functools
import gc
import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files

import pydyf
import weasyprint.css
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document as WeasyDocument
from weasyprint.text.fonts import FontConfiguration

from partnerships.accounts.roles import Role
from partnerships.assessments import revisions
from partnerships.assessments.models import Assessment
from partnerships.assessments.selectors import assessment_sheet
from partnerships.reports.fonts import report_fonts
from partnerships.reports.models import SignedReview
from partnerships.reports.record import decided_record, record_attachment, report_id

logger = logging.getLogger(__name__)

PDF = "application/pdf"
SIGNATURE_ANCHOR = "signature-box"
CSS_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF uses points (1/72 in)
SIGNATURE_BOX_MM = (95, 30)


@dataclass(frozen=True)
class Document:
    filename: str
    content_type: str
    content: bytes


class DamagedReviewError(Exception):
    """The stored signed PDF no longer has its SHA-256: it must not be served."""

    def __init__(self, review: SignedReview):
        super().__init__(f"The stored signed review {review.report_id} is damaged.")
        self.review = review


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: page index and a box in PDF points."""

    page: int
    box: tuple[int, int, int, int]


def _page_counter_css() -> str:
    """ "page X of Y" in the active language, as a CSS `content` value."""
    text = _("page %(page)s of %(pages)s")
    text = text.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')
    return f'"{text}"'


def signer_role(assessment: Assessment) -> str:
    """The role the signature states, in the active language."""
    return _("Reviewer (approving officer), %(agency)s") % {
        "agency": assessment.proposal.agency.acronym
    }


def _role_names(user) -> str:
    return ", ".join(str(role.label) for role in Role if user and user.has_role(role))


def report_context(assessment: Assessment, *, draft: bool, signer=None) -> dict:
    """What the report shows; called with the report's language active."""
    context = assessment_sheet(assessment)
    # A final is rendered once the decision has pinned what was assessed.
    content = revisions.assessed_content(assessment)
    gate = revisions.gate_views(content)
    reviewer = signer or assessment.reviewer
    context.update(
        {
            "assessment": assessment,
            "report_id": report_id(assessment),
            "draft": draft,
            "fonts": report_fonts(),
            "page_counter_css": _page_counter_css(),
            "signature_box_mm": SIGNATURE_BOX_MM,
            "generated_at": timezone.now(),
            "assessed": revisions.proposal_view(content),
            "partners": revisions.partner_views(content),
            "gate_answers": gate,
            "gate_concerns": revisions.gate_concerns(gate),
            "hits": revisions.hit_views(content),
            "timeline": assessment.status_changes.select_related("user"),
            "assessor_roles": _role_names(assessment.assessor),
            "reviewer": reviewer,
            "reviewer_roles": _role_names(reviewer),
            "signer_role": signer_role(assessment),
            "verify_url": f"{settings.SITE_URL}/verify/",
        }
    )
    return context


def review_html(assessment: Assessment, *, language: str, draft: bool, signer=None) -> str:
    """The report as HTML, in `language`."""
    with translation.override(language):
        return render_to_string(
            "reports/review.html", report_context(assessment, draft=draft, signer=signer)
        )


_per_thread = threading.local()

# Python's cyclic garbage collector runs a pass every 700 new objects, and a full pass
# over the whole process (some 150 000 objects: Django, fonts, templates) once enough
# objects have outlived two passes. A report makes some 300 000 objects that all live
# until it is written, so those passes found nothing to free, moved the report's boxes
# into the oldest generation, and set off a full pass every other report: a fifth of
# the render + sign time. While a report is made the collector is paused; at the end
# one pass over the youngest generation, the objects made since, frees the report's
# cycles (some 18 000 objects). The cost is paid there, by the report, not deferred.
_collector_lock = threading.Lock()
_collector_pauses = 0  # reports being made, in any thread, that paused the collector


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector for the block (reentrant, across threads),
    then collect the young objects once when the last block ends. Put the block around
    a call, so that what it made is unreachable by then."""
    global _collector_pauses
    with _collector_lock:
        pausing = _collector_pauses > 0 or gc.isenabled()  # leave a disabled one alone
        if pausing:
            _collector_pauses += 1
            gc.disable()
    try:
        yield
    finally:
        if pausing:
            with _collector_lock:
                _collector_pauses -= 1
                if _collector_pauses == 0:
                    gc.enable()
                    gc.collect(0)


def _font_config() -> FontConfiguration:
    """WeasyPrint's fonts, kept per thread: a new FontConfiguration per report loads
    every face again (Noto Sans CJK is some 20 MB), a tenth of the render. Safe to
    share because the report declares no @font-face, the only thing a document adds to
    it; per thread because Pango's font map is not thread-safe."""
    config = getattr(_per_thread, "font_config", None)
    if config is None:
        config = _per_thread.font_config = FontConfiguration()
    return config


# WeasyPrint's user-agent stylesheet gives every element of the document styles for
# six pseudo-elements (`::marker` and the CSS GCPM `::footnote-call`, `::footnote-marker`,
# `::note-call`, `::note-marker`, `::note-callback`): a quarter of the time WeasyPrint
# spends on styles went to computing those 2 400 styles for the report's 400 elements,
# none of which is a list item or a footnote. The report's copy of that stylesheet keeps
# `::marker` for list items only and has no note rules (the report has no
# `float: footnote`); everything else is WeasyPrint's own stylesheet, word for word.
_UNIVERSAL_PSEUDO_RULES = {
    r"^::marker \{": "li::marker, summary::marker {",
    r"^::footnote-call \{[^}]*\}\n": "",
    r"^::footnote-marker \{[^}]*\}\n": "",
    r"^::note-call \{[^}]*\}\n": "",
    r"^::note-marker \{[^}]*\}\n": "",
    r"^::note-callback \{[^}]*\}\n": "",
}


@functools.cache
def _report_ua_stylesheet() -> CSS:
    text = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    for pattern, replacement in _UNIVERSAL_PSEUDO_RULES.items():
        text, found = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
        if not found:  # a newer WeasyPrint: its stylesheet is still right, only slower
            logger.warning("WeasyPrint's user-agent stylesheet has no rule %r.", pattern)
    return CSS(string=text, counter_style=CounterStyle())


class _ReportHTML(HTML):
    """The report's HTML, styled by WeasyPrint's user-agent stylesheet without the
    pseudo-element rules that apply to every element (see above)."""

    def _ua_stylesheets(self, forms=False):
        return [_report_ua_stylesheet()]


# The template's first <style> (SHARED_STYLE) is the same for every report in a language
# and draft state: it is parsed once and kept (a tenth of WeasyPrint's styling time went
# to parsing it for each report). The HTML keeps it, for any other renderer; WeasyPrint
# gets it parsed, and the HTML without it. The other <style>, the page's margin boxes
# (report ID, agency, checklist), differs from report to report and is parsed each time.
SHARED_STYLE = '<style id="report-shared-style">'
_SHARED_STYLE_RE = re.compile(re.escape(SHARED_STYLE) + r"(.*?)</style>", re.DOTALL)


@functools.lru_cache(maxsize=16)
def _shared_stylesheet(text: str) -> CSS:
    return CSS(string=text, base_url=str(settings.BASE_DIR))


def layout_review(html: str) -> WeasyDocument:
    """The report laid out in pages by WeasyPrint."""
    stylesheets = []
    if shared := _SHARED_STYLE_RE.search(html):
        stylesheets.append(_shared_stylesheet(shared.group(1)))
        html = html[: shared.start()] + html[shared.end() :]
    return _ReportHTML(string=html, base_url=str(settings.BASE_DIR)).render(
        font_config=_font_config(), stylesheets=stylesheets
    )


def signature_box(document: WeasyDocument) -> SignatureBox | None:
    """Where the signature box landed, on the last page that has one."""
    box = None
    for index, page in enumerate(document.pages):
        if SIGNATURE_ANCHOR in page.anchors:
            # The anchor's box, top-left origin in CSS px; PDF boxes start bottom-left in pt.
            x1, y1, x2, y2 = page.anchors[SIGNATURE_ANCHOR]
            page_height = page.height * CSS_PX_TO_PT
            box = SignatureBox(
                page=index,
                box=(  # whole points: pyHanko lays out on integers
                    round(x1 * CSS_PX_TO_PT),
                    round(page_height - y2 * CSS_PX_TO_PT),
                    round(x2 * CSS_PX_TO_PT),
                    round(page_height - y1 * CSS_PX_TO_PT),
                ),
            )
    return box


def write_review_pdf(document: WeasyDocument, assessment: Assessment, *, draft: bool) -> bytes:
    """The laid-out report as PDF bytes; a final embeds its decided record (record.py),
    which the signature then covers; a draft preview embeds none: it records no decision."""
    if draft:
        return document.write_pdf()
    return document.write_pdf(
        attachments=[record_attachment(decided_record(assessment))],
        finisher=_associate_embedded_files,
    )


def render_review_pdf(
    assessment: Assessment, *, language: str, draft: bool, signer=None
) -> tuple[bytes, SignatureBox | None]:
    """The report as PDF bytes, and where its signature box landed (finals only)."""
    with collector_paused():
        return _render_review_pdf(assessment, language=language, draft=draft, signer=signer)


def _render_review_pdf(assessment, *, language, draft, signer):
    document = layout_review(review_html(assessment, language=language, draft=draft, signer=signer))
    box = None if draft else signature_box(document)
    return write_review_pdf(document, assessment, draft=draft), box


def _associate_embedded_files(_document, pdf: pydyf.PDF) -> None:
    """Declare the embedded record an associated file of the document (/AF, as PDF 2.0
    and PDF/A-3 do), the data the report is a rendering of."""
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, dict) and pdf_object.get("Type") == "/Filespec":
            pdf_object["AFRelationship"] = "/Data"
            pdf.catalog.setdefault("AF", pydyf.Array()).append(pdf_object.reference)


def review_document(assessment: Assessment, *, language: str) -> Document:
    """The stored signed PDF of a decided assessment, else a draft preview in `language`.

    Raises DamagedReviewError, and logs an error, when the stored PDF is damaged.
    """
    signed = getattr(assessment, "signed_review", None)
    if signed is not None:
        if not signed.stored_bytes_intact:
            logger.error(
                "Stored signed review %s (assessment %s) is damaged: its bytes no longer "
                "have the SHA-256 %s recorded at signing; not served.",
                signed.report_id,
                assessment.pk,
                signed.sha256,
            )
            raise DamagedReviewError(signed)
        return Document(signed.filename, PDF, bytes(signed.pdf))
    pdf, _box = render_review_pdf(assessment, language=language, draft=True)
    return Document(f"{report_id(assessment)}-DRAFT-{language}.pdf", PDF, pdf)
