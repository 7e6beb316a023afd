"""Reads about assessments, in a fixed number of queries whatever their size."""

from partnerships.assessments import scoring
from partnerships.assessments.models import Assessment
from partnerships.checklists.models import Framework


def framework_scoring_inputs(
    framework: Framework,
) -> tuple[list[scoring.CriterionSpec], dict[str, int]]:
    """The criteria and principle weights the engine needs, in two queries."""
    weights = dict(
        framework.principle_weights.order_by("principle__number").values_list(
            "principle__key", "weight"
        )
    )
    criteria = [
        scoring.CriterionSpec(code=code, principle=principle, weight=weight, is_key=is_key)
        for code, principle, weight, is_key in framework.criteria.values_list(
            "code", "principle__key", "weight", "is_key"
        )
    ]
    return criteria, weights


def assessment_scorecard(
    assessment: Assessment, answers: dict[str, scoring.AnswerValue] | None = None
) -> scoring.ScoreCard:
    """Score an assessment by the framework version it pins (three queries).

    With `answers` (criterion code -> value), score those instead of the stored
    ones: a preview of answers not saved yet.
    """
    criteria, weights = framework_scoring_inputs(assessment.framework)
    if answers is None:
        answers = {
            code: scoring.AnswerValue(rating=rating, not_applicable=not_applicable)
            for code, rating, not_applicable in assessment.answers.filter(
                criterion__framework_id=assessment.framework_id
            ).values_list("criterion__code", "rating", "not_applicable")
        }
    framework = assessment.framework
    return scoring.score(
        criteria=criteria,
        answers=answers,
        principle_weights=weights,
        engage_threshold=framework.engage_threshold,
        conditions_threshold=framework.conditions_threshold,
    )
