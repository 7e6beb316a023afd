"""The review report: one entry point renders it, for previews and signed finals alike.

`review_document()` answers (filename, content type, bytes), like pretix's
renderers: a decided assessment's stored signed PDF, or a draft preview.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from partnerships.accounts.roles import Role
from partnerships.assessments import revisions
from partnerships.assessments.models import Assessment
from partnerships.assessments.selectors import assessment_sheet
from partnerships.reports.charts import principle_scores_svg
from partnerships.reports.fonts import report_fonts

PDF = "application/pdf"
SIGNATURE_ANCHOR = "signature-box"
CSS_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF uses points (1/72 in)
SIGNATURE_BOX_MM = (95, 30)


@dataclass(frozen=True)
class Document:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: page index and a box in PDF points."""

    page: int
    box: tuple[int, int, int, int]


def report_id(assessment: Assessment) -> str:
    return f"{assessment.proposal.agency.acronym}-{assessment.created_at:%Y}-{assessment.pk:05d}"


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
            "gate_concerns": [answer for answer in gate if answer.response == "yes"],
            "hits": revisions.hit_views(content),
            "timeline": assessment.status_changes.select_related("user"),
            "assessor_roles": _role_names(assessment.assessor),
            "reviewer": reviewer,
            "reviewer_roles": _role_names(reviewer),
            "signer_role": signer_role(assessment),
            "verify_url": f"{settings.SITE_URL}/verify/",
            "chart_svg": principle_scores_svg(context["groups"], title=_("Score (%)")),
        }
    )
    return context


def render_review_pdf(
    assessment: Assessment, *, language: str, draft: bool, signer=None
) -> tuple[bytes, SignatureBox | None]:
    """The report as PDF bytes, and where its signature box landed (finals only)."""
    with translation.override(language):
        html = render_to_string(
            "reports/review.html", report_context(assessment, draft=draft, signer=signer)
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
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
    return document.write_pdf(), box


def review_document(assessment: Assessment, *, language: str) -> Document:
    """The stored signed PDF of a decided assessment, else a draft preview in `language`."""
    signed = getattr(assessment, "signed_review", None)
    if signed is not None:
        return Document(signed.filename, PDF, bytes(signed.pdf))
    pdf, _box = render_review_pdf(assessment, language=language, draft=True)
    return Document(f"{report_id(assessment)}-DRAFT-{language}.pdf", PDF, pdf)
