"""The report's layout keeps everything it shows: each criterion with its rating and
notes, and each principle's score as a bar beside its figure."""

import re
import subprocess

import pytest

from partnerships.assessments import workflow
from partnerships.assessments.selectors import assessment_scorecard
from partnerships.assessments.services import AnswerInput, assessment_save_answers
from partnerships.reports.documents import review_html
from partnerships.reports.models import SignedReview
from tests.helpers import answer_all, decide_as_computed, pass_gate

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
    decide_as_computed(draft, reviewer)

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


def test_each_principle_has_a_bar_of_its_score_beside_its_figure(draft):
    answer_all(draft, rating=3, CP_1=1, UA_2=2, TR_1="na", TR_2="na", TR_3="na", TR_4="na")
    html = review_html(draft, language="en", draft=True)
    rows = dict(
        re.findall(r'<tr><td>(\d)\. [^<]*</td>\s*<td><div class="bar">(.*?)</div></td>', html, re.S)
    )
    card = assessment_scorecard(draft)
    assert len(rows) == len(card.principles) == 8
    for number, principle in enumerate(card.principles, start=1):
        bar = rows[str(number)]
        if principle.percent is None:  # Transparency: every criterion not applicable
            assert bar == ""
        else:
            assert f'style="width: {principle.percent:.1f}%"' in bar
    assert rows["1"] != rows["3"]  # the bars differ as the scores do
