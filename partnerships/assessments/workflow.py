"""The assessment workflow: Draft → Submitted → In review → Approved | Rejected,
with Returned (back to the assessor) and Withdrawn. Every transition is stored."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnerships.accounts.models import User
from partnerships.assessments import notifications, permissions
from partnerships.assessments.choices import AssessmentStatus, Outcome
from partnerships.assessments.latest import latest_assessment_refresh
from partnerships.assessments.models import (
    Answer,
    Assessment,
    Attachment,
    RevisionStage,
    StatusChange,
)
from partnerships.assessments.revisions import revision_pin
from partnerships.assessments.selectors import assessment_scorecard
from partnerships.assessments.services import (
    assessment_create,
    assessment_refresh_scores,
    gate_concerns,
    gate_is_complete,
)
from partnerships.checklists.models import Criterion, Framework
from partnerships.proposals.models import Proposal
from partnerships.sanctions.models import HitStatus
from partnerships.sanctions.services import proposal_hits

Status = AssessmentStatus
APPROVING_OUTCOMES = {Outcome.ENGAGE, Outcome.ENGAGE_WITH_CONDITIONS}


def _lock(assessment: Assessment) -> None:
    """Hold the assessment's row for this transaction and read its current state, so that
    two people acting at once (or a double click) cannot both move it."""
    Assessment.objects.select_for_update().only("pk").get(pk=assessment.pk)
    assessment.refresh_from_db()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You cannot do this with this assessment."))


def _move(assessment: Assessment, *, to: str, user: User, note: str = "", fields=()) -> None:
    # The history row is written first: once the assessment is decided it is frozen.
    StatusChange.objects.create(
        assessment=assessment, from_status=assessment.status, to_status=to, user=user, note=note
    )
    assessment.status = to
    assessment._history_user = user  # the audit trail's author, inside or outside a request
    assessment.save(update_fields=["status", "updated_at", *fields])
    latest_assessment_refresh(proposal_id=assessment.proposal_id)


def submission_problems(assessment: Assessment) -> list[str]:
    """What stops the assessment from being submitted; empty when it is ready."""
    problems = []
    if not gate_is_complete(assessment):
        problems.append(_("Complete the exclusion gate."))
    card = assessment_scorecard(assessment)
    missing = card.applicable - card.answered
    if missing:
        problems.append(
            _("Answer every applicable criterion (%(n)s still unanswered).") % {"n": missing}
        )
    elif card.applicable == 0:
        problems.append(_("At least one criterion must apply."))
    open_hits = proposal_hits(assessment.proposal).filter(status=HitStatus.OPEN)
    for hit in open_hits:
        problems.append(
            _("A reviewer must clear or confirm the sanctions screening hit on %(partner)s.")
            % {"partner": hit.partner_name}
        )
    return problems


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user: User) -> Assessment:
    _lock(assessment)
    # The proposal too: an edit in flight finishes before its revision is pinned.
    Proposal.objects.select_for_update().only("pk").get(pk=assessment.proposal_id)
    _require(permissions.can_edit(user, assessment))
    problems = submission_problems(assessment)
    if problems:
        raise ValidationError(problems)
    assessment_refresh_scores(assessment=assessment)
    assessment.submitted_at = timezone.now()
    assessment.revision = revision_pin(assessment=assessment, stage=RevisionStage.SUBMITTED)
    _move(assessment, to=Status.SUBMITTED, user=user, fields=["submitted_at", "revision"])
    notifications.notify_submitted(assessment)
    return assessment


@transaction.atomic
def assessment_start_review(*, assessment: Assessment, user: User) -> Assessment:
    _lock(assessment)
    _require(permissions.can_start_review(user, assessment))
    assessment.reviewer = user
    _move(assessment, to=Status.IN_REVIEW, user=user, fields=["reviewer"])
    return assessment


@transaction.atomic
def assessment_return(*, assessment: Assessment, user: User, note: str) -> Assessment:
    _lock(assessment)
    _require(permissions.can_decide(user, assessment))
    if not note.strip():
        raise ValidationError({"note": _("Tell the assessor what to change.")})
    _move(assessment, to=Status.RETURNED, user=user, note=note.strip())
    notifications.notify_returned(assessment, note.strip())
    return assessment


def decision_problems(
    assessment: Assessment, *, outcome: str, note: str, conditions: str, justification: str
) -> dict[str, str]:
    """Field errors that stop this decision; empty when it may be recorded."""
    problems = {}
    if outcome not in {o.value for o in Outcome} - {Outcome.INCOMPLETE}:
        problems["outcome"] = _("Choose an outcome.")
    if not note.strip():
        problems["note"] = _("A decision needs a note.")
    if outcome == Outcome.ENGAGE_WITH_CONDITIONS and not conditions.strip():
        problems["conditions"] = _("State the conditions of engagement.")
    hits = set(proposal_hits(assessment.proposal).values_list("status", flat=True))
    if outcome in APPROVING_OUTCOMES and HitStatus.CONFIRMED in hits:
        problems["outcome"] = _(
            "A partner is confirmed on the UN sanctions list: the outcome must be Do not engage."
        )
    elif outcome in APPROVING_OUTCOMES and HitStatus.OPEN in hits:
        problems["outcome"] = _(
            "A sanctions screening hit on a partner is open: clear or confirm it before engaging."
        )
    concerns = gate_concerns(assessment)
    if concerns and outcome == Outcome.ENGAGE:
        problems["outcome"] = _(
            'The exclusion gate raised a concern: the outcome cannot be "Engage".'
        )
    if not justification.strip():
        if concerns:
            problems["justification"] = _(
                "The exclusion gate raised a concern: justify the decision in writing."
            )
        elif outcome and outcome != assessment.computed_outcome:
            problems["justification"] = _(
                "The decision departs from the computed outcome (%(computed)s): justify it."
            ) % {"computed": Outcome(assessment.computed_outcome).label}
    return problems


@transaction.atomic
def assessment_decide(
    *,
    assessment: Assessment,
    user: User,
    outcome: str,
    note: str,
    conditions: str = "",
    justification: str = "",
    seal: Callable[[Assessment], object],
) -> Assessment:
    """Approve (Engage, Engage with conditions) or reject (Do not engage) the assessment.

    What was assessed is pinned as the decided revision. `seal` then makes the decided
    record (the signed report: `reports.services.review_decide` passes it) in the same
    transaction: if it raises, the assessment stays undecided.
    """
    _lock(assessment)
    _require(permissions.can_decide(user, assessment))
    problems = decision_problems(
        assessment, outcome=outcome, note=note, conditions=conditions, justification=justification
    )
    if problems:
        raise ValidationError(problems)
    assessment.decided_outcome = outcome
    assessment.decision_note = note.strip()
    assessment.conditions = conditions.strip() if outcome == Outcome.ENGAGE_WITH_CONDITIONS else ""
    assessment.decision_justification = justification.strip()
    assessment.decided_at = timezone.now()
    assessment.revision = revision_pin(assessment=assessment, stage=RevisionStage.DECIDED)
    status = Status.APPROVED if outcome in APPROVING_OUTCOMES else Status.REJECTED
    _move(
        assessment,
        to=status,
        user=user,
        note=note.strip(),
        fields=[
            "decided_outcome",
            "decision_note",
            "conditions",
            "decision_justification",
            "decided_at",
            "revision",
        ],
    )
    seal(assessment)
    notifications.notify_decided(assessment)
    return assessment


@transaction.atomic
def assessment_withdraw(*, assessment: Assessment, user: User, note: str) -> Assessment:
    """End the assessment; the reason stays in its history."""
    _lock(assessment)
    _require(permissions.can_withdraw(user, assessment))
    if not note.strip():
        raise ValidationError({"note": _("Say why the assessment is withdrawn.")})
    _move(assessment, to=Status.WITHDRAWN, user=user, note=note.strip())
    return assessment


def _criterion_key(criterion: Criterion) -> tuple:
    """What must be equal for an answer to carry over to another framework version."""
    return (
        criterion.code,
        criterion.principle_id,
        criterion.question_en,
        criterion.question_zh,
        criterion.weight,
        criterion.is_key,
    )


def last_approved(proposal: Proposal) -> Assessment | None:
    return (
        proposal.assessments.filter(status=Status.APPROVED).order_by("-decided_at", "-pk").first()
    )


@transaction.atomic
def assessment_start(*, proposal: Proposal, user: User) -> Assessment:
    """A new assessment, pre-filled from the proposal's last approved one if there is one.

    On a newer framework version, answers (and their attachments) carry over only
    for criteria that did not change; new or changed criteria start empty. The
    exclusion gate always starts empty: screening is done afresh each time.
    """
    if not permissions.can_assess(user, proposal):
        raise PermissionDenied(_("You cannot assess proposals of this agency."))
    if proposal.assessments.exclude(
        status__in=[Status.APPROVED, Status.REJECTED, Status.WITHDRAWN]
    ):
        raise ValidationError(_("This proposal already has an assessment in progress."))
    previous = last_approved(proposal)
    framework = Framework.objects.current()
    assessment = assessment_create(proposal=proposal, assessor=user, framework=framework)
    StatusChange.objects.create(
        assessment=assessment, from_status="", to_status=Status.DRAFT, user=user
    )
    if previous is None:
        return assessment
    assessment.based_on = previous
    assessment.save(update_fields=["based_on"])
    new_criteria = {_criterion_key(c): c for c in assessment.framework.criteria.all()}
    carried, answers = {}, []
    for answer in previous.answers.select_related("criterion"):
        criterion = new_criteria.get(_criterion_key(answer.criterion))
        if criterion is not None:
            carried[answer.criterion_id] = criterion
            answers.append(
                Answer(
                    assessment=assessment,
                    criterion=criterion,
                    rating=answer.rating,
                    not_applicable=answer.not_applicable,
                    justification=answer.justification,
                    evidence_notes=answer.evidence_notes,
                    comment=answer.comment,
                )
            )
    bulk_create_with_history(answers, Answer, default_user=user)
    attachments = [
        Attachment(
            assessment=assessment,
            criterion=carried[old.criterion_id],
            file=old.file.name,
            original_name=old.original_name,
            content_type=old.content_type,
            size=old.size,
            sha256=old.sha256,
            uploaded_by=old.uploaded_by,
        )
        for old in previous.attachments.all()
        if old.criterion_id in carried
    ]
    bulk_create_with_history(attachments, Attachment, default_user=user)
    assessment_refresh_scores(assessment=assessment)
    return assessment
