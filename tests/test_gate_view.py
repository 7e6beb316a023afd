"""The exclusion gate: every question answered about every partner of the proposal."""

import re

import pytest
from django.core.exceptions import ValidationError

from partnerships.assessments import workflow
from partnerships.assessments.models import ExclusionQuestion, GateAnswer
from partnerships.assessments.revisions import assessed_content, gate_views, live_content
from partnerships.assessments.services import (
    GateItem,
    gate_concerns,
    gate_is_complete,
    gate_items,
    gate_save,
)
from tests.factories import PartnerFactory, ProposalPartnerFactory
from tests.helpers import answer_all, gate_fields, in_review, pass_gate, with_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def funder(proposal):
    """A second partner of the proposal, after its lead."""
    return ProposalPartnerFactory(
        proposal=proposal, partner__legal_name="Zephyr Funding Ltd.", role="funder"
    ).partner


@pytest.fixture
def lead(proposal):
    return proposal.partner_links.get(role="lead").partner


def gate_url(assessment):
    return f"/assessments/{assessment.pk}/gate/"


def test_the_gate_comes_before_the_criteria(client, assessor, draft):
    client.force_login(assessor)
    response = client.get(f"/assessments/{draft.pk}/answers/")
    assert response["Location"] == gate_url(draft)


def test_each_question_is_asked_about_each_partner_by_name(client, assessor, draft, lead, funder):
    client.force_login(assessor)
    page = client.get(gate_url(draft)).content.decode()
    questions = list(ExclusionQuestion.objects.active())
    assert page.count('role="radiogroup"') == 2 * len(questions)
    blocks = dict(
        block.split('"', 1) for block in page.split('<fieldset class="card mb-3" id="question-')[1:]
    )
    assert list(blocks) == [question.key for question in questions]
    for question in questions:
        # The lead first, then the funder, under each question.
        block = blocks[question.key]
        assert block.index(lead.legal_name) < block.index(funder.legal_name)
        assert f'aria-label="{question.question_en} — {funder.legal_name}"' in block


def test_a_yes_about_one_partner_counts_for_the_proposal(
    client, assessor, reviewer, draft, lead, funder
):
    client.force_login(assessor)
    data = gate_fields(draft, about=funder, tobacco=("yes", "The funder owns a cigarette brand."))
    response = client.post(gate_url(draft), with_version(draft, data), follow=True)
    assert response.redirect_chain[-1][0] == f"/assessments/{draft.pk}/answers/"
    assert "cannot end in Engage" in response.content.decode()
    assert draft.gate_answers.count() == 2 * ExclusionQuestion.objects.active().count()
    assert draft.gate_answers.get(question__key="tobacco", partner=lead).response == "no"
    assert draft.gate_answers.get(question__key="tobacco", partner=funder).response == "yes"

    answer_all(draft)
    workflow.assessment_submit(assessment=draft, user=assessor)
    workflow.assessment_start_review(assessment=draft, user=reviewer)
    problems = workflow.decision_problems(
        draft, outcome="engage", note="Fine.", conditions="", justification=""
    )
    assert (
        problems["outcome"]
        == 'The exclusion gate raised a concern: the outcome cannot be "Engage".'
    )
    assert problems["justification"] == (
        "The exclusion gate raised a concern: justify the decision in writing."
    )

    # The pinned snapshot, the page and the report name the partner of each answer.
    gate = assessed_content(draft)["gate"]
    tobacco = [g for g in gate if g["key"] == "tobacco"]
    assert [(g["partner_name"], g["response"]) for g in tobacco] == [
        (lead.legal_name, "no"),
        (funder.legal_name, "yes"),
    ]
    client.force_login(reviewer)
    page = client.get(f"/assessments/{draft.pk}/").content.decode()
    assert "The gate raised a concern" in page
    assert funder.legal_name in page


def test_errors_name_the_question_and_the_partner_and_keep_what_was_typed(
    client, assessor, draft, lead, funder
):
    client.force_login(assessor)
    data = gate_fields(draft, about=funder, tobacco=("yes", ""), weapons=("unknown", "Checking."))
    del data[f"sanctions-v1-p{lead.pk}-response"]  # the first question left open about the lead
    response = client.post(gate_url(draft), with_version(draft, data))
    assert response.status_code == 400
    page = response.content.decode()
    start = page.index('id="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "Nothing was saved. These answers need a correction:" in summary
    # In the gate's order: the question's number and wording, the partner, the error.
    links = re.findall(r'<a class="alert-link" href="#(gate-[^"]+)">([^<]+)</a>: ([^<]+)', summary)
    assert links == [
        (f"gate-sanctions-v1-p{lead.pk}", numbered("sanctions", lead), "This field is required."),
        (
            f"gate-tobacco-v1-p{funder.pk}",
            numbered("tobacco", funder),
            "Explain a “yes” or “unknown” in the note.",
        ),
    ]
    assert all(f'<fieldset id="{anchor}"' in page for anchor, _text, _error in links)
    # Marked for static/js/first-error.js, which brings the first one into view.
    first = page.index('aria-invalid="true"')
    assert page.rindex("<fieldset ", 0, first) == page.index(f'<fieldset id="{links[0][0]}"')
    assert f'id="id_tobacco-v1-p{funder.pk}-note" rows="2" class="form-control is-invalid"' in page
    assert "js/first-error.js" in page
    # What was typed stays.
    assert ">Checking.</textarea>" in page
    assert re.search(
        rf'value="unknown" class="form-check-input" id="id_weapons-v1-p{funder.pk}-response_2"'
        r"[^>]*checked",
        page,
    )
    assert not draft.gate_answers.exists()


def numbered(key, partner) -> str:
    questions = list(ExclusionQuestion.objects.active())
    [question] = [q for q in questions if q.key == key]
    return f"{questions.index(question) + 1}. {question.question_en} — {partner.legal_name}"


def test_a_partner_added_after_the_gate_must_be_screened_too(client, assessor, draft, lead):
    pass_gate(draft)
    assert gate_is_complete(draft)
    newcomer = ProposalPartnerFactory(proposal=draft.proposal, role="implementer").partner
    assert not gate_is_complete(draft)
    assert "Complete the exclusion gate." in workflow.submission_problems(draft)

    client.force_login(assessor)
    page = client.get(gate_url(draft)).content.decode()
    # The lead's answers stay; the newcomer's are asked.
    assert re.search(rf'id="id_tobacco-v1-p{lead.pk}-response_0"[^>]*checked', page)
    assert not re.search(rf'id="id_tobacco-v1-p{newcomer.pk}-response_\d"[^>]*checked', page)
    pass_gate(draft)
    assert gate_is_complete(draft)


def test_a_partner_removed_from_the_proposal_no_longer_counts(draft, lead, funder):
    pass_gate(draft)
    concern = gate_items(draft)[1]  # the first question, about the funder
    assert concern.partner == funder
    gate_save(
        assessment=draft,
        user=draft.assessor,
        responses={concern: ("yes", "The funder is under investigation.")},
    )
    assert [a.partner for a in gate_concerns(draft)] == [funder]
    draft.proposal.partner_links.filter(partner=funder).delete()
    assert gate_concerns(draft) == []
    assert gate_is_complete(draft)
    assert {g["partner_id"] for g in assessed_content_now(draft)} == {lead.pk}
    # The next save of the gate drops the answers about the partner that left.
    pass_gate(draft)
    assert not draft.gate_answers.filter(partner=funder).exists()


def assessed_content_now(assessment):
    return live_content(assessment)["gate"]


def test_the_service_refuses_an_answer_about_a_partner_not_on_the_proposal(draft):
    stranger = PartnerFactory(legal_name="Not A Partner Ltd.")
    question = ExclusionQuestion.objects.active().first()
    item = GateItem(question, stranger)
    with pytest.raises(ValidationError, match="does not ask"):
        gate_save(assessment=draft, user=draft.assessor, responses={item: ("no", "")})
    assert not draft.gate_answers.exists()


def test_answers_recorded_before_the_gate_asked_per_partner_still_count(reviewer, draft):
    """Decided records keep their gate as signed: one answer for the whole proposal."""
    question = ExclusionQuestion.objects.active().get(key="tobacco")
    GateAnswer.objects.create(
        assessment=draft, question=question, partner=None, response="yes", note="Whole proposal."
    )
    assert [a.question for a in gate_concerns(draft)] == [question]
    legacy = {
        "gate": [
            {
                "key": "tobacco",
                "version": 1,
                "question_en": question.question_en,
                "question_zh": question.question_zh,
                "response": "yes",
                "note": "Whole proposal.",
            }
        ]
    }
    [view] = gate_views(legacy)
    assert (view.partner_name, view.response) == ("", "yes")


def test_only_the_assessor_may_answer_the_gate(client, assessor, teammate, outsider, draft):
    client.force_login(assessor)
    assert client.get(gate_url(draft)).status_code == 200
    client.force_login(teammate)
    assert client.get(gate_url(draft)).status_code == 403
    assert client.post(gate_url(draft), with_version(draft, gate_fields(draft))).status_code == 403
    client.force_login(outsider)
    assert client.get(gate_url(draft)).status_code == 404
    assert client.post(gate_url(draft), with_version(draft, gate_fields(draft))).status_code == 404
    assert not draft.gate_answers.exists()


def test_the_gate_of_a_submitted_assessment_is_closed_to_its_assessor(
    client, assessor, reviewer, draft
):
    in_review(draft, reviewer)
    client.force_login(assessor)
    response = client.post(gate_url(draft), with_version(draft, gate_fields(draft)))
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{draft.pk}/"
