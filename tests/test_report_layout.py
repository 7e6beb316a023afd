"""The report's layout keeps everything it shows: each criterion with its rating and
notes, and the principle-score chart with a bar and a figure per principle."""

import base64
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from partnerships.assessments import workflow
from partnerships.assessments.services import AnswerInput, assessment_save_answers
from partnerships.reports.charts import principle_scores_image, principle_scores_svg
from partnerships.reports.models import SignedReview
from partnerships.reports.services import review_decide
from tests.helpers import pass_gate

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return " ".join(text.split())


def unhyphenated(text: str) -> str:
    """pdftotext joins a word broken at its hyphen ("anti-⏎personnel") without it."""
    return flat(text).replace("-", "")


def pdf_text(data: bytes, tmp_path) -> str:
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    return flat(
        subprocess.run(
            ["pdftotext", str(source), "-"], capture_output=True, text=True, check=True
        ).stdout
    )


def test_every_criterion_shows_its_rating_and_notes(draft, reviewer, tmp_path):
    criteria = list(draft.framework.criteria.all())
    not_applicable = next(c for c in criteria if c.allows_not_applicable)
    answers = [
        AnswerInput(criterion=not_applicable, not_applicable=True, justification="No board.")
        if criterion == not_applicable
        else AnswerInput(
            criterion=criterion,
            rating=(3, 2, 1)[index % 3],
            evidence_notes=f"Evidence note {criterion.code}.",
            comment=f"Comment {criterion.code}.",
        )
        for index, criterion in enumerate(criteria)
    ]
    assessment_save_answers(assessment=draft, user=draft.assessor, answers=answers)
    pass_gate(draft)
    workflow.assessment_submit(assessment=draft, user=draft.assessor)
    workflow.assessment_start_review(assessment=draft, user=reviewer)
    draft.refresh_from_db()
    review_decide(
        assessment=draft,
        user=reviewer,
        outcome=draft.computed_outcome,
        note="Decided.",
        conditions="Quarterly reports."
        if draft.computed_outcome == "engage_with_conditions"
        else "",
    )

    text = pdf_text(bytes(SignedReview.objects.get().pdf), tmp_path)
    words = unhyphenated(text)
    for answer in draft.answers.select_related("criterion"):
        code = answer.criterion.code
        assert f"{code} · {answer.display_value}" in text or (
            answer.criterion.is_key and f"{code} key · {answer.display_value}" in text
        ), code
        assert unhyphenated(answer.criterion.question_en) in words, code
        if answer.not_applicable:
            assert "Justification: No board." in text
        else:
            assert f"Evidence: Evidence note {code}." in text
            assert f"Comment: Comment {code}." in text


def _group(number: int, name: str, percent):
    return {
        "principle": SimpleNamespace(number=number, short_name=name),
        "score": SimpleNamespace(percent=None if percent is None else Decimal(percent)),
    }


def test_the_chart_has_a_bar_and_a_figure_per_principle():
    groups = [_group(1, "Common purpose", "91.7"), _group(2, "Transparency", "40")]
    svg = principle_scores_svg(groups, title="Score (%)")
    assert svg.count("<rect") == 2
    assert "1. Common purpose" in svg and ">91.7<" in svg
    assert "2. Transparency" in svg and ">40.0<" in svg
    # Principle 1 is drawn first, at the top.
    assert svg.index("1. Common purpose") < svg.index("2. Transparency")


def test_a_principle_that_does_not_apply_has_no_bar_and_says_so():
    groups = [_group(1, "Common purpose", "50"), _group(7, "Balanced representation", None)]
    with translation.override("zh-hans"):
        svg = principle_scores_svg(groups, title="得分（%）")
    assert svg.count("<rect") == 1
    assert "7. Balanced representation" in svg
    assert "不适用" in svg  # "N/A" in the report's language


def test_names_are_escaped_and_the_image_is_the_same_svg():
    groups = [_group(1, "R&D <partners>", "75")]
    svg = principle_scores_svg(groups, title="Score (%)")
    assert "R&amp;D &lt;partners&gt;" in svg
    image = principle_scores_image(groups, title="Score (%)")
    assert image.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(image.split(",", 1)[1]).decode() == svg
