from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.assessments.choices import Outcome
from partnerships.assessments.models import Answer, Assessment
from partnerships.assessments.selectors import assessment_scorecard
from partnerships.assessments.services import answer_save, assessment_create
from partnerships.checklists.models import Framework
from partnerships.checklists.services import framework_retire
from tests.factories import CriterionFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return Framework.objects.current()


@pytest.fixture
def assessment(agency, assessor):
    return assessment_create(proposal=ProposalFactory(agency=agency), assessor=assessor)


def answer_all(assessment, rating=3, **overrides):
    for criterion in assessment.framework.criteria.all():
        answer_save(
            assessment=assessment, criterion=criterion, rating=overrides.get(criterion.code, rating)
        )


def test_a_new_assessment_pins_the_current_framework_and_classification(assessment, framework):
    assert assessment.framework == framework
    assert assessment.classification_edition == "WESP 2025"
    assert assessment.status == "draft"
    assert assessment.computed_outcome == Outcome.INCOMPLETE
    assert assessment.coverage == Decimal("0.0")
    assert assessment.overall_score is None


def test_no_assessment_without_a_published_framework(agency, assessor, framework):
    framework_retire(framework=framework)
    with pytest.raises(ValidationError, match="No published checklist framework"):
        assessment_create(proposal=ProposalFactory(agency=agency), assessor=assessor)


def test_answers_keep_the_stored_scores_in_step(assessment):
    answer_all(assessment, rating=3)
    assessment.refresh_from_db()
    assert (assessment.computed_outcome, assessment.overall_score, assessment.coverage) == (
        Outcome.ENGAGE, Decimal("100.0"), Decimal("100.0"),
    )  # fmt: skip

    answer_save(
        assessment=assessment, criterion=assessment.framework.criteria.get(code="IN-1"), rating=0
    )
    assessment.refresh_from_db()
    assert assessment.computed_outcome == Outcome.DO_NOT_ENGAGE
    assert assessment_scorecard(assessment).key_failures == ("IN-1",)


def test_two_thirds_everywhere_engages_with_conditions(assessment):
    answer_all(assessment, rating=2)
    assessment.refresh_from_db()
    assert assessment.overall_score == Decimal("66.7")
    assert assessment.computed_outcome == Outcome.ENGAGE_WITH_CONDITIONS


def test_saving_an_answer_again_replaces_it(assessment):
    criterion = assessment.framework.criteria.get(code="TR-1")
    answer_save(assessment=assessment, criterion=criterion, rating=1, comment="first")
    answer_save(assessment=assessment, criterion=criterion, rating=2, comment="  second  ")
    answer = Answer.objects.get(assessment=assessment, criterion=criterion)
    assert (answer.rating, answer.comment) == (2, "second")


def test_not_applicable_needs_a_justification(assessment):
    criterion = assessment.framework.criteria.get(code="BR-3")
    with pytest.raises(ValidationError) as error:
        answer_save(
            assessment=assessment, criterion=criterion, not_applicable=True, justification="   "
        )
    assert "justification" in error.value.message_dict
    assert not Answer.objects.filter(assessment=assessment).exists()

    answer_save(
        assessment=assessment, criterion=criterion, not_applicable=True, justification="No board."
    )
    assert Answer.objects.get(assessment=assessment).display_value == "Not applicable"


def test_rated_and_not_applicable_at_once_is_refused(assessment):
    criterion = assessment.framework.criteria.get(code="BR-3")
    with pytest.raises(ValidationError) as error:
        answer_save(
            assessment=assessment,
            criterion=criterion,
            rating=2,
            not_applicable=True,
            justification="x",
        )
    assert "rating" in error.value.message_dict


def test_rating_out_of_scale_is_refused(assessment):
    criterion = assessment.framework.criteria.get(code="BR-3")
    with pytest.raises(ValidationError):
        answer_save(assessment=assessment, criterion=criterion, rating=4)


def test_a_criterion_from_another_framework_is_refused(assessment):
    stranger = CriterionFactory()
    with pytest.raises(ValidationError) as error:
        answer_save(assessment=assessment, criterion=stranger, rating=2)
    assert "criterion" in error.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [
        {"rating": 5},
        {"rating": 2, "not_applicable": True, "justification": "x"},
        {"not_applicable": True, "justification": ""},
    ],
    ids=["rating-5", "rated-and-na", "na-unjustified"],
)
def test_the_database_refuses_inconsistent_answers(assessment, fields):
    criterion = assessment.framework.criteria.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(assessment=assessment, criterion=criterion, **fields)


def test_one_answer_per_criterion(assessment):
    criterion = assessment.framework.criteria.first()
    Answer.objects.create(assessment=assessment, criterion=criterion, rating=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(assessment=assessment, criterion=criterion, rating=2)


def test_scorecard_query_count_does_not_grow_with_answers(assessment, django_assert_num_queries):
    with django_assert_num_queries(3):
        assessment_scorecard(assessment)
    answer_all(assessment, rating=2)
    with django_assert_num_queries(3):
        card = assessment_scorecard(assessment)
    assert card.answered == 33


def test_for_user_scopes_assessments(agency, assessor, outsider, oversight, assessment):
    assert list(Assessment.objects.for_user(assessor)) == [assessment]
    assert not Assessment.objects.for_user(outsider).exists()
    assert list(Assessment.objects.for_user(oversight)) == [assessment]
