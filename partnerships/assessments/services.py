"""Writes to assessments. Views, the admin and commands all go through these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.accounts.models import User
from partnerships.assessments.models import Answer, Assessment
from partnerships.assessments.scoring import ScoreCard
from partnerships.assessments.selectors import assessment_scorecard
from partnerships.checklists.models import Criterion, Framework
from partnerships.partners import economies
from partnerships.proposals.models import Proposal


def assessment_create(
    *, proposal: Proposal, assessor: User, framework: Framework | None = None
) -> Assessment:
    """Start an assessment pinned to a published framework (by default the current one)."""
    framework = framework or Framework.objects.current()
    if framework is None or framework.status != "published":
        raise ValidationError(_("No published checklist framework is available."))
    assessment = Assessment(
        proposal=proposal,
        assessor=assessor,
        framework=framework,
        classification_edition=economies.EDITION,
    )
    assessment.save()
    assessment_refresh_scores(assessment=assessment)
    return assessment


def assessment_refresh_scores(*, assessment: Assessment) -> ScoreCard:
    """Store the engine's figures on the assessment, for lists and filters."""
    card = assessment_scorecard(assessment)
    assessment.computed_outcome = card.outcome
    assessment.overall_score = card.overall_percent
    assessment.coverage = card.coverage_percent
    assessment.save(update_fields=["computed_outcome", "overall_score", "coverage", "updated_at"])
    return card


@transaction.atomic
def answer_save(
    *,
    assessment: Assessment,
    criterion: Criterion,
    rating: int | None = None,
    not_applicable: bool = False,
    justification: str = "",
    evidence_notes: str = "",
    comment: str = "",
) -> Answer:
    """Record the answer to one criterion and re-score the assessment."""
    answer = Answer.objects.filter(assessment=assessment, criterion=criterion).first() or Answer(
        assessment=assessment, criterion=criterion
    )
    answer.rating = rating
    answer.not_applicable = not_applicable
    answer.justification = justification.strip()
    answer.evidence_notes = evidence_notes.strip()
    answer.comment = comment.strip()
    answer.full_clean(exclude=["assessment"], validate_unique=False)
    answer.save()
    assessment_refresh_scores(assessment=assessment)
    return answer
