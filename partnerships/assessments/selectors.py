"""Reads about assessments, in a fixed number of queries whatever their size."""

from datetime import datetime

from partnerships.accounts.models import Agency, User
from partnerships.assessments import scoring
from partnerships.assessments.models import (
    Answer,
    Assessment,
    Attachment,
    GateAnswer,
    ProposalRevision,
    StatusChange,
)
from partnerships.checklists.models import Framework
from partnerships.integrity.row_versions import row_version, row_versions, versions_fingerprint
from partnerships.proposals.models import Proposal


def principle_weights(framework: Framework) -> dict[str, int]:
    """The framework's weight of each principle, by key, in the principles' order."""
    return dict(
        framework.principle_weights.order_by("principle__number").values_list(
            "principle__key", "weight"
        )
    )


def framework_scoring_inputs(
    framework: Framework,
) -> tuple[list[scoring.CriterionSpec], dict[str, int]]:
    """The criteria and principle weights the engine needs, in two queries."""
    criteria = [
        scoring.CriterionSpec(code=code, principle=principle, weight=weight, is_key=is_key)
        for code, principle, weight, is_key in framework.criteria.values_list(
            "code", "principle__key", "weight", "is_key"
        )
    ]
    return criteria, principle_weights(framework)


def _scorecard(
    framework: Framework,
    criteria: list[scoring.CriterionSpec],
    weights: dict[str, int],
    answers: dict[str, scoring.AnswerValue],
) -> scoring.ScoreCard:
    return scoring.score(
        criteria=criteria,
        answers=answers,
        principle_weights=weights,
        engage_threshold=framework.engage_threshold,
        conditions_threshold=framework.conditions_threshold,
    )


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
    return _scorecard(assessment.framework, criteria, weights, answers)


def criteria_by_principle(assessment: Assessment) -> list[dict]:
    """The framework's criteria grouped under their principles, in order (one query)."""
    # The principle's source too: pages and reports cite it under each principle.
    criteria = assessment.framework.criteria.select_related("principle__source").order_by(
        "principle__number", "position", "code"
    )
    groups: list[dict] = []
    for criterion in criteria:
        if not groups or groups[-1]["principle"].pk != criterion.principle_id:
            groups.append({"principle": criterion.principle, "criteria": []})
        groups[-1]["criteria"].append(criterion)
    return groups


def attachments_by_criterion(assessment: Assessment) -> dict[int, list[Attachment]]:
    grouped: dict[int, list[Attachment]] = {}
    for attachment in assessment.attachments.all():
        grouped.setdefault(attachment.criterion_id, []).append(attachment)
    return grouped


def assessment_summary(assessment: Assessment, card: scoring.ScoreCard | None = None) -> dict:
    """The scorecard and the principles' groups of criteria, each with its score."""
    card = card or assessment_scorecard(assessment)
    return {"card": card, "groups": _with_scores(criteria_by_principle(assessment), card)}


def _with_scores(groups: list[dict], card: scoring.ScoreCard) -> list[dict]:
    scores = {p.principle: p for p in card.principles}
    for group in groups:
        group["score"] = scores.get(group["principle"].key)
    return groups


def assessment_sheet(assessment: Assessment) -> dict:
    """Everything answered, principle by principle: each group's rows are
    (criterion, answer or None, attachments), and the scorecard of those answers (four
    queries). Shared by the page and the PDF report."""
    groups = criteria_by_principle(assessment)
    answers = {a.criterion_id: a for a in assessment.answers.all()}
    attachments = attachments_by_criterion(assessment)
    criteria = [criterion for group in groups for criterion in group["criteria"]]
    card = _scorecard(
        assessment.framework,
        [
            scoring.CriterionSpec(
                code=c.code, principle=c.principle.key, weight=c.weight, is_key=c.is_key
            )
            for c in criteria
        ],
        principle_weights(assessment.framework),
        {
            c.code: scoring.AnswerValue(
                rating=answers[c.pk].rating, not_applicable=answers[c.pk].not_applicable
            )
            for c in criteria
            if c.pk in answers
        },
    )
    for group in _with_scores(groups, card):
        group["rows"] = [
            (c, answers.get(c.pk), attachments.get(c.pk, [])) for c in group["criteria"]
        ]
    return {"card": card, "groups": groups}


def assessment_last_save(assessment: Assessment) -> tuple[User | None, datetime | None]:
    """Who last changed the assessment, its answers, gate or attachments, and when,
    from the audit trail (four queries)."""
    latest = [
        history.select_related("history_user").order_by("-history_date", "-history_id").first()
        for history in [
            Assessment.history.filter(id=assessment.pk),
            Answer.history.filter(assessment_id=assessment.pk),
            GateAnswer.history.filter(assessment_id=assessment.pk),
            Attachment.history.filter(assessment_id=assessment.pk),
        ]
    ]
    rows = [row for row in latest if row is not None]
    if not rows:
        return None, None
    last = max(rows, key=lambda row: row.history_date)
    return last.history_user, last.history_date


def assessment_row_versions() -> list[str]:
    """SQL over an assessment `a`: the row versions of it and of the rows it names (its
    proposal with the agency, framework, assessor, reviewer and pinned revision), for the
    readers that show or compare them (see `row_versions`)."""
    users = User._meta.db_table
    return [
        row_version("a"),
        row_versions(
            f"FROM {Proposal._meta.db_table} x LEFT JOIN {Agency._meta.db_table} y "
            "ON y.id = x.agency_id WHERE x.id = a.proposal_id",
            "x", "y",
        ),
        row_versions(f"FROM {Framework._meta.db_table} x WHERE x.id = a.framework_id", "x"),
        row_versions(f"FROM {users} x WHERE x.id = a.assessor_id", "x"),
        row_versions(f"FROM {users} x WHERE x.id = a.reviewer_id", "x"),
        row_versions(f"FROM {ProposalRevision._meta.db_table} x WHERE x.id = a.revision_id", "x"),
    ]  # fmt: skip


def header_and_history_versions(assessment_id: int) -> str | None:
    """The row versions of what an assessment's header and history show (the assessment
    and the rows it names; its status changes with their users), for `{% kept %}`."""
    return versions_fingerprint(
        [
            *assessment_row_versions(),
            row_versions(
                f"FROM {StatusChange._meta.db_table} x LEFT JOIN {User._meta.db_table} y "
                "ON y.id = x.user_id WHERE x.assessment_id = a.id",
                "x", "y",
            ),
        ],
        f"FROM {Assessment._meta.db_table} a WHERE a.id = %s",
        [assessment_id],
    )  # fmt: skip
