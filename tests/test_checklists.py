import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from partnerships.assessments.selectors import assessment_scorecard
from partnerships.assessments.services import answer_save, assessment_create
from partnerships.checklists import services
from partnerships.checklists.models import Criterion, Framework, FrameworkStatus, PrincipleWeight
from partnerships.frozen import FrozenRecordError
from partnerships.principles.models import Principle
from tests.factories import CriterionFactory, FrameworkFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

DEFAULT_NAME = "A/RES/56/76 partnership principles checklist"


@pytest.fixture
def default():
    return Framework.objects.get(name=DEFAULT_NAME, version="1.0")


def complete_draft(version="2.0", name=DEFAULT_NAME) -> Framework:
    draft = FrameworkFactory(name=name, version=version)
    for principle in Principle.objects.all():
        CriterionFactory(framework=draft, principle=principle, code=f"{principle.number}-1")
    return draft


# The default framework


def test_default_framework_is_published_and_current(default):
    assert default.status == FrameworkStatus.PUBLISHED
    assert default.published_at is not None
    assert Framework.objects.current() == default
    assert (default.engage_threshold, default.conditions_threshold) == (75, 50)


def test_default_framework_has_three_or_more_criteria_per_principle(default):
    counts = dict(
        Principle.objects.annotate(
            n=Count("criteria", filter=Q(criteria__framework=default))
        ).values_list("key", "n")
    )
    assert len(counts) == 8
    assert all(n >= 3 for n in counts.values()), counts


def test_default_criteria_are_bilingual_and_actionable(default):
    for criterion in default.criteria.all():
        for field in ["question", "guidance", "evidence"]:
            english, chinese = getattr(criterion, f"{field}_en"), getattr(criterion, f"{field}_zh")
            assert len(english) > 20, (criterion.code, field)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), (criterion.code, field)
        assert criterion.basis
        assert criterion.code.split("-")[0] in {"CP", "TR", "UA", "MB", "AC", "RM", "BR", "IN"}


def test_default_key_criteria_cover_sanctions_emblem_and_public_funding(default):
    key = {c.code: c for c in default.criteria.filter(is_key=True).select_related("principle")}
    assert "sanctions" in key["IN-1"].question_en
    assert key["IN-1"].principle.key == "independence_neutrality"
    assert "emblem" in key["RM-1"].question_en
    assert "consent" in key["RM-1"].question_en
    assert "substitute" in key["MB-1"].question_en
    assert "government resources" in key["MB-1"].question_en


def test_default_framework_weighs_every_principle(default):
    assert list(default.principle_weights.values_list("principle__number", "weight")) == [
        (n, 1) for n in range(1, 9)
    ]


# A published framework never changes


def test_published_framework_cannot_be_saved_with_changes(default):
    default.engage_threshold = 60
    with pytest.raises(FrozenRecordError):
        default.save()
    default.refresh_from_db()
    assert default.engage_threshold == 75


def test_published_framework_cannot_be_reverted_to_draft(default):
    default.status = FrameworkStatus.DRAFT
    with pytest.raises(FrozenRecordError):
        default.save(update_fields=["status"])


def test_published_framework_cannot_be_updated_or_deleted_in_bulk(default):
    with pytest.raises(FrozenRecordError):
        Framework.objects.filter(pk=default.pk).update(engage_threshold=10)
    with pytest.raises(FrozenRecordError):
        Framework.objects.filter(pk=default.pk).delete()
    with pytest.raises(FrozenRecordError):
        default.delete()
    assert Framework.objects.get(pk=default.pk).engage_threshold == 75


def test_published_criteria_cannot_change_by_any_model_path(default):
    criterion = default.criteria.first()
    criterion.question_en = "Changed"
    with pytest.raises(FrozenRecordError):
        criterion.save()
    with pytest.raises(FrozenRecordError):
        criterion.delete()
    with pytest.raises(FrozenRecordError):
        Criterion.objects.filter(framework=default).update(weight=5)
    with pytest.raises(FrozenRecordError):
        default.criteria.all().delete()
    with pytest.raises(FrozenRecordError):
        CriterionFactory(framework=default, code="NEW-1")
    with pytest.raises(FrozenRecordError):
        Criterion.objects.bulk_create(
            [Criterion(framework=default, principle=criterion.principle, code="X")]
        )
    with pytest.raises(FrozenRecordError):
        PrincipleWeight.objects.filter(framework=default).update(weight=3)
    assert not default.criteria.filter(question_en="Changed").exists()
    assert default.criteria.count() == 33


def test_a_draft_criterion_cannot_move_into_a_published_framework(default):
    criterion = CriterionFactory()
    criterion.framework = default
    with pytest.raises(FrozenRecordError):
        criterion.save()


def test_draft_framework_content_can_change():
    criterion = CriterionFactory()
    criterion.weight = 3
    criterion.save()
    Criterion.objects.filter(pk=criterion.pk).update(is_key=True)
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.is_key) == (3, True)
    criterion.framework.delete()
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


# Publishing, retiring, new versions


def test_publishing_an_incomplete_draft_says_what_is_missing():
    draft = FrameworkFactory()
    CriterionFactory(framework=draft)
    with pytest.raises(ValidationError) as error:
        services.framework_publish(framework=draft)
    assert "Principle 1. Common purpose has no criterion." in error.value.messages
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT


def test_publishing_a_new_version_retires_the_previous_one(default):
    draft = complete_draft()
    services.framework_publish(framework=draft)
    default.refresh_from_db()
    assert default.status == FrameworkStatus.RETIRED
    assert default.retired_at
    assert Framework.objects.current() == draft


def test_retired_framework_cannot_change(default):
    services.framework_retire(framework=default)
    default.engage_threshold = 10
    with pytest.raises(FrozenRecordError):
        default.save()
    with pytest.raises(ValidationError):
        services.framework_retire(framework=default)


def test_new_version_copies_weights_and_criteria_into_an_editable_draft(default):
    draft = services.framework_create_version(framework=default, version="1.1")
    assert draft.status == FrameworkStatus.DRAFT
    assert draft.based_on == default
    assert draft.criteria.count() == default.criteria.count()
    assert list(draft.criteria.values_list("code", "question_zh", "is_key", "weight")) == list(
        default.criteria.values_list("code", "question_zh", "is_key", "weight")
    )
    assert draft.principle_weights.count() == 8
    draft.criteria.filter(code="TR-1").update(question_en="Reworded")
    assert default.criteria.get(code="TR-1").question_en != "Reworded"


def test_new_version_number_must_be_free(default):
    with pytest.raises(ValidationError):
        services.framework_create_version(framework=default, version="1.0")


def test_thresholds_must_be_ordered():
    draft = FrameworkFactory.build(engage_threshold=40, conditions_threshold=60)
    with pytest.raises(ValidationError) as error:
        draft.full_clean()
    assert "at least the Engage-with-conditions threshold" in str(error.value)


# Assessments stay on the version they pinned


def test_an_assessment_is_scored_by_its_pinned_version_after_a_new_one_is_published(default):
    proposal = ProposalFactory()
    assessor = UserFactory(agency=proposal.agency)
    assessment = assessment_create(proposal=proposal, assessor=assessor)
    for criterion in default.criteria.all():
        answer_save(assessment=assessment, criterion=criterion, rating=3)

    draft = services.framework_create_version(framework=default, version="2.0")
    CriterionFactory(framework=draft, principle=Principle.objects.get(number=1), code="CP-9")
    services.framework_publish(framework=draft)

    assessment.refresh_from_db()
    card = assessment_scorecard(assessment)
    assert assessment.framework == default
    assert card.applicable == default.criteria.count() == 33
    assert card.coverage == 1
    later = assessment_create(proposal=proposal, assessor=assessor)
    assert later.framework == draft
    assert assessment_scorecard(later).applicable == 34
