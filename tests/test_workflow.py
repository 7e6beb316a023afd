import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from partnerships.accounts.roles import Role
from partnerships.assessments import workflow
from partnerships.assessments.choices import AssessmentStatus as Status
from partnerships.assessments.choices import Outcome
from partnerships.assessments.models import Answer, Attachment
from partnerships.assessments.services import attachment_add
from partnerships.checklists.models import Framework
from partnerships.checklists.services import framework_create_version, framework_publish
from partnerships.principles.models import Principle
from partnerships.reports.services import review_decide
from tests.factories import CriterionFactory, UserFactory
from tests.helpers import answer_all, approve, in_review, pass_gate, pdf_upload, submit

pytestmark = pytest.mark.django_db


def history(assessment):
    return list(assessment.status_changes.values_list("from_status", "to_status", "user__username"))


# Submitting


def test_submitting_needs_the_gate_and_every_applicable_answer(draft):
    with pytest.raises(ValidationError) as error:
        workflow.assessment_submit(assessment=draft, user=draft.assessor)
    assert "Complete the exclusion gate." in error.value.messages
    assert "Answer every applicable criterion (33 still unanswered)." in error.value.messages

    pass_gate(draft)
    answer_all(draft, BR_3="na")
    workflow.assessment_submit(assessment=draft, user=draft.assessor)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.submitted_at


def test_only_the_assessor_submits(draft, teammate, reviewer):
    pass_gate(draft)
    answer_all(draft)
    for user in [teammate, reviewer]:
        with pytest.raises(PermissionDenied):
            workflow.assessment_submit(assessment=draft, user=user)


def test_submission_emails_the_agencys_reviewers_only(
    draft, reviewer, other_agency, django_capture_on_commit_callbacks
):
    UserFactory(agency=other_agency, roles=[Role.REVIEWER], email="elsewhere@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft)
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert draft.proposal.title in mail.outbox[0].subject
    assert f"/assessments/{draft.pk}/" in mail.outbox[0].body


# Four eyes


def test_the_assessor_cannot_review_their_own_assessment_even_as_a_reviewer(draft, assessor):
    assessor.groups.add(Group.objects.get(name="Reviewer"))
    assessor = type(assessor).objects.get(pk=assessor.pk)
    submit(draft)
    with pytest.raises(PermissionDenied):
        workflow.assessment_start_review(assessment=draft, user=assessor)


def test_a_reviewer_of_another_agency_cannot_review(draft, other_agency):
    stranger = UserFactory(agency=other_agency, roles=[Role.REVIEWER])
    submit(draft)
    with pytest.raises(PermissionDenied):
        workflow.assessment_start_review(assessment=draft, user=stranger)


def test_only_the_reviewer_who_took_it_up_decides(draft, reviewer, agency):
    colleague = UserFactory(agency=agency, roles=[Role.REVIEWER])
    in_review(draft, reviewer)
    with pytest.raises(PermissionDenied):
        workflow.assessment_return(assessment=draft, user=colleague, note="x")
    with pytest.raises(PermissionDenied):
        review_decide(assessment=draft, user=colleague, outcome="engage", note="x")


def test_oversight_cannot_act(draft, oversight, reviewer):
    oversight.groups.add(Group.objects.get(name="Reviewer"))
    submit(draft)
    with pytest.raises(PermissionDenied):  # a reviewer, but of another agency
        workflow.assessment_start_review(assessment=draft, user=oversight)


# Returning and deciding


def test_return_needs_a_note_and_goes_back_to_the_assessor(
    draft, reviewer, django_capture_on_commit_callbacks
):
    in_review(draft, reviewer)
    with pytest.raises(ValidationError) as error:
        workflow.assessment_return(assessment=draft, user=reviewer, note="  ")
    assert "note" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assessment_return(assessment=draft, user=reviewer, note="Add evidence for AC-2.")
    assert draft.status == Status.RETURNED
    assert draft.is_editable
    assert mail.outbox[0].to == [draft.assessor.email]
    assert "Add evidence for AC-2." in mail.outbox[0].body

    answer_all(draft, AC_2=2)
    workflow.assessment_submit(assessment=draft, user=draft.assessor)
    assert [to for _, to, _ in history(draft)] == [
        "draft", "submitted", "in_review", "returned", "submitted",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"outcome": "engage", "note": ""}, "note", "A decision needs a note."),
        (
            {"outcome": "engage_with_conditions", "note": "ok", "justification": "why"},
            "conditions",
            "State the conditions of engagement.",
        ),
        (
            {"outcome": "do_not_engage", "note": "no"},
            "justification",
            "departs from the computed outcome",
        ),
        ({"outcome": "incomplete", "note": "x"}, "outcome", "Choose an outcome."),
    ],
    ids=["note", "conditions", "departure", "outcome"],
)
def test_decision_rules(draft, reviewer, fields, field, message):
    in_review(draft, reviewer)
    with pytest.raises(ValidationError) as error:
        review_decide(assessment=draft, user=reviewer, **fields)
    assert message in " ".join(error.value.message_dict[field])
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_approving_records_the_decision(draft, reviewer, django_capture_on_commit_callbacks):
    in_review(draft, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(assessment=draft, user=reviewer, outcome="engage", note="Fine.")
    draft.refresh_from_db()
    assert (draft.status, draft.decided_outcome, draft.reviewer) == (
        Status.APPROVED,
        "engage",
        reviewer,
    )
    assert draft.decided_at
    assert draft.is_decided
    assert sorted(m.to[0] for m in mail.outbox) == sorted([draft.assessor.email, reviewer.email])
    assert history(draft)[-1] == ("in_review", "approved", reviewer.username)


def test_departing_from_the_computed_outcome_with_a_justification(draft, reviewer):
    in_review(draft, reviewer)
    review_decide(
        assessment=draft,
        user=reviewer,
        outcome="engage_with_conditions",
        note="Engage, with safeguards.",
        conditions="Annual audit.",
        justification="New partner: we want an audit in the first year.",
    )
    assert draft.status == Status.APPROVED
    assert draft.decision_justification.startswith("New partner")


def test_rejecting(draft, reviewer):
    in_review(draft, reviewer, IN_1=0)
    draft.refresh_from_db()
    assert draft.computed_outcome == Outcome.DO_NOT_ENGAGE
    review_decide(assessment=draft, user=reviewer, outcome="do_not_engage", note="Sanctioned.")
    assert draft.status == Status.REJECTED


def test_a_gate_concern_forbids_engage_and_requires_a_justification(draft, reviewer):
    pass_gate(draft, {"tobacco": ("yes", "Owns a cigarette brand.")})
    answer_all(draft)
    workflow.assessment_submit(assessment=draft, user=draft.assessor)
    workflow.assessment_start_review(assessment=draft, user=reviewer)
    with pytest.raises(ValidationError) as error:
        review_decide(
            assessment=draft, user=reviewer, outcome="engage", note="ok", justification="x"
        )
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        review_decide(assessment=draft, user=reviewer, outcome="do_not_engage", note="no")
    assert "justification" in error.value.message_dict
    review_decide(
        assessment=draft,
        user=reviewer,
        outcome="do_not_engage",
        note="no",
        justification="Tobacco.",
    )
    assert draft.status == Status.REJECTED


def test_withdrawing(draft, teammate):
    with pytest.raises(PermissionDenied):
        workflow.assessment_withdraw(assessment=draft, user=teammate, note="Not mine.")
    with pytest.raises(ValidationError) as error:
        workflow.assessment_withdraw(assessment=draft, user=draft.assessor, note="  ")
    assert "note" in error.value.message_dict
    assert draft.status == Status.DRAFT
    workflow.assessment_withdraw(assessment=draft, user=draft.assessor, note="Partner pulled out.")
    assert draft.status == Status.WITHDRAWN
    assert not draft.is_editable
    with pytest.raises(PermissionDenied):
        pass_gate(draft)


# Re-assessment


def test_a_new_assessment_is_refused_while_one_is_in_progress(draft):
    with pytest.raises(ValidationError, match="already has an assessment in progress"):
        workflow.assessment_start(proposal=draft.proposal, user=draft.assessor)


def test_reassessment_is_prefilled_from_the_last_approved_one(draft, reviewer):
    criterion = draft.framework.criteria.get(code="TR-1")
    attachment_add(assessment=draft, user=draft.assessor, criterion=criterion, upload=pdf_upload())
    approve(draft, reviewer, TR_1=2)

    again = workflow.assessment_start(proposal=draft.proposal, user=draft.assessor)
    assert again.based_on == draft
    assert again.status == Status.DRAFT
    assert again.answers.count() == 33
    assert again.answers.get(criterion__code="TR-1").rating == 2
    assert not again.gate_answers.exists()
    copied = Attachment.objects.get(assessment=again)
    assert copied.sha256 == draft.attachments.get().sha256
    assert copied.file.read() == b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_reassessment_on_a_new_version_carries_only_unchanged_criteria(draft, reviewer):
    approve(draft, reviewer)
    old = Framework.objects.current()
    new = framework_create_version(framework=old, version="2.0")
    new.criteria.filter(code="TR-2").update(question_en="Reworded question.")
    CriterionFactory(
        framework=new, principle=Principle.objects.get(key="transparency"), code="TR-5"
    )
    framework_publish(framework=new)

    again = workflow.assessment_start(proposal=draft.proposal, user=draft.assessor)
    assert again.framework == new
    carried = set(again.answers.values_list("criterion__code", flat=True))
    assert "TR-2" not in carried
    assert "TR-5" not in carried
    assert len(carried) == 32
    assert all(code in carried for code in ["TR-1", "IN-1", "CP-1"])
    assert not Answer.objects.filter(assessment=again).exclude(criterion__framework=new).exists()
