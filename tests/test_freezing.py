"""Decided assessments and published frameworks never change, whatever the path."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnerships.assessments.models import Answer, Assessment, Attachment, GateAnswer, StatusChange
from partnerships.assessments.services import (
    AnswerInput,
    assessment_save_answers,
    attachment_add,
    gate_save,
)
from partnerships.checklists.models import Criterion, Framework, FrameworkStatus, PrincipleWeight
from partnerships.checklists.services import framework_create_version
from partnerships.frozen import FrozenRecordError
from partnerships.partners.models import Partner
from tests.factories import AssessmentFactory, CriterionFactory, FrameworkFactory, ProposalFactory
from tests.helpers import pdf_upload

pytestmark = pytest.mark.django_db


def test_decided_answers_cannot_change_through_the_service(decided):
    criterion = decided.framework.criteria.get(code="TR-1")
    with pytest.raises(FrozenRecordError):
        assessment_save_answers(
            assessment=decided, user=None, answers=[AnswerInput(criterion=criterion, rating=0)]
        )
    with pytest.raises(PermissionDenied):
        assessment_save_answers(
            assessment=decided,
            user=decided.assessor,
            answers=[AnswerInput(criterion=criterion, rating=0)],
        )
    assert decided.answers.get(criterion=criterion).rating == 2


def test_decided_answers_cannot_change_through_the_models(decided):
    answer = decided.answers.first()
    answer.rating = 0
    with pytest.raises(FrozenRecordError):
        answer.save()
    with pytest.raises(FrozenRecordError):
        answer.delete()
    with pytest.raises(FrozenRecordError):
        Answer.objects.filter(assessment=decided).update(rating=0)
    with pytest.raises(FrozenRecordError):
        decided.answers.all().delete()
    with pytest.raises(FrozenRecordError):
        Answer.objects.bulk_create([Answer(assessment=decided, criterion=answer.criterion)])
    assert not decided.answers.filter(rating=0).exists()


def test_answers_cannot_be_moved_into_a_decided_assessment(decided, proposal):
    other = AssessmentFactory(proposal=ProposalFactory(agency=proposal.agency))
    stray = Answer.objects.create(
        assessment=other, criterion=decided.framework.criteria.first(), rating=1
    )
    with pytest.raises(FrozenRecordError):
        Answer.objects.filter(pk=stray.pk).update(assessment=decided)
    stray.assessment = decided
    with pytest.raises(FrozenRecordError):
        stray.save()


def test_decided_gate_attachments_and_history_cannot_change(decided):
    question_answer = decided.gate_answers.first()
    question_answer.response = "yes"
    with pytest.raises(FrozenRecordError):
        question_answer.save()
    with pytest.raises(FrozenRecordError):
        GateAnswer.objects.filter(assessment=decided).update(note="changed")
    with pytest.raises((FrozenRecordError, PermissionDenied)):
        gate_save(
            assessment=decided,
            user=decided.assessor,
            responses={question_answer.question: ("yes", "x")},
        )
    with pytest.raises(FrozenRecordError):
        Attachment.objects.filter(assessment=decided).delete()
    with pytest.raises(PermissionDenied):
        attachment_add(
            assessment=decided,
            user=decided.assessor,
            criterion=decided.framework.criteria.first(),
            upload=pdf_upload(),
        )
    with pytest.raises(FrozenRecordError):
        StatusChange.objects.filter(assessment=decided).update(note="rewritten")
    with pytest.raises(FrozenRecordError):
        decided.status_changes.first().delete()


def test_the_decided_assessment_itself_cannot_change(decided):
    decided.decided_outcome = "do_not_engage"
    with pytest.raises(FrozenRecordError):
        decided.save()
    with pytest.raises(FrozenRecordError):
        Assessment.objects.filter(pk=decided.pk).update(status="draft")
    with pytest.raises(FrozenRecordError):
        decided.delete()
    decided.refresh_from_db()
    assert decided.decided_outcome == "engage"


def test_the_pinned_framework_never_changes(draft):
    newer = framework_create_version(framework=draft.framework, version="9.0")
    with pytest.raises(FrozenRecordError):
        Assessment.objects.filter(pk=draft.pk).update(framework=newer)
    draft.framework = newer
    with pytest.raises(FrozenRecordError):
        draft.save()


def test_an_assessment_cannot_pin_a_draft_framework(proposal, assessor):
    with pytest.raises(ValidationError, match="published framework"):
        Assessment.objects.create(
            proposal=proposal, assessor=assessor, framework=FrameworkFactory()
        )


def test_scores_only_count_answers_to_the_pinned_frameworks_criteria(draft):
    stranger = CriterionFactory(code="TR-1")  # same code, another framework
    Answer.objects.create(assessment=draft, criterion=stranger, rating=3)
    from partnerships.assessments.selectors import assessment_scorecard

    assert assessment_scorecard(draft).answered == 0


# The holes an independent review found in the framework guarantee


def test_reverse_add_cannot_move_a_draft_criterion_into_a_published_framework():
    published = Framework.objects.current()
    stray = CriterionFactory()
    with pytest.raises(FrozenRecordError):
        published.criteria.add(stray)
    with pytest.raises(FrozenRecordError):
        Criterion.objects.filter(pk=stray.pk).update(framework=published)
    assert published.criteria.count() == 33


def test_upserts_cannot_overwrite_published_rows():
    published = Framework.objects.current()
    criterion = published.criteria.get(code="IN-1")
    criterion.is_key = False
    with pytest.raises(FrozenRecordError):
        Criterion.objects.bulk_create(
            [criterion], update_conflicts=True, unique_fields=["id"], update_fields=["is_key"]
        )
    with pytest.raises(FrozenRecordError):
        Framework.objects.bulk_create(
            [Framework(pk=published.pk, name="x", version="1.0")],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["status"],
        )
    assert published.criteria.get(code="IN-1").is_key
    with pytest.raises(FrozenRecordError):
        PrincipleWeight.objects.bulk_create(
            [], update_conflicts=True, unique_fields=["id"], update_fields=["weight"]
        )


def test_a_framework_cannot_be_published_without_a_date_or_twice():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(name="Other", version="1", status=FrameworkStatus.PUBLISHED)
    current = Framework.objects.current()
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(
            name=current.name,
            version="7",
            status=FrameworkStatus.PUBLISHED,
            published_at=current.published_at,
        )


def test_partner_economy_group_follows_the_country_on_every_path():
    partner = Partner.objects.bulk_create(
        [Partner(legal_name="Bulk Ltd", partner_type="other", country="GE")]
    )[0]
    assert Partner.objects.get(pk=partner.pk).economy_group == "transition"
    Partner.objects.filter(pk=partner.pk).update(country="CA")
    assert Partner.objects.get(pk=partner.pk).economy_group == "developed"


def test_a_queryset_bulk_create_meets_the_same_rule(decided):
    criterion = decided.framework.criteria.get(code="TR-2")
    answer = Answer(assessment=decided, criterion=criterion, rating=0)
    with pytest.raises(FrozenRecordError):
        Answer.objects.all().bulk_create([answer])
    with pytest.raises(FrozenRecordError):
        Answer.objects.all().bulk_create(
            [answer],
            update_conflicts=True,
            unique_fields=["assessment", "criterion"],
            update_fields=["rating"],
        )
