"""Writes to assessments: answers, the exclusion gate, attachments.

Views, the admin and commands all go through these; the workflow's transitions
are in `workflow.py`.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnerships.accounts.models import User
from partnerships.assessments import permissions
from partnerships.assessments.attachments import check_upload
from partnerships.assessments.models import (
    Answer,
    Assessment,
    Attachment,
    ExclusionQuestion,
    GateAnswer,
    PrincipleScore,
)
from partnerships.assessments.scoring import ScoreCard
from partnerships.assessments.selectors import assessment_scorecard
from partnerships.checklists.models import Criterion, Framework
from partnerships.partners import economies
from partnerships.principles.models import Principle
from partnerships.proposals.models import Proposal


@dataclass(frozen=True)
class AnswerInput:
    criterion: Criterion
    rating: int | None = None
    not_applicable: bool = False
    justification: str = ""
    evidence_notes: str = ""
    comment: str = ""


class InvalidAnswers(ValidationError):
    """Some answers were refused; `by_criterion` maps each criterion code to its error."""

    def __init__(self, by_criterion: dict[str, ValidationError]):
        self.by_criterion = by_criterion
        super().__init__(
            [f"{code}: {message}" for code, e in by_criterion.items() for message in e.messages]
        )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def assessment_create(
    *, proposal: Proposal, assessor: User, framework: Framework | None = None
) -> Assessment:
    """Start an assessment pinned to a published framework (by default the current one)."""
    framework = framework or Framework.objects.current()
    if framework is None or framework.status != "published":
        raise ValidationError(_("No published checklist framework is available."))
    assessment = Assessment.objects.create(
        proposal=proposal,
        assessor=assessor,
        framework=framework,
        classification_edition=economies.EDITION,
    )
    assessment_refresh_scores(assessment=assessment)
    return assessment


def assessment_refresh_scores(*, assessment: Assessment) -> ScoreCard:
    """Store the engine's figures on the assessment, for lists, filters and the portfolio."""
    card = assessment_scorecard(assessment)
    assessment.computed_outcome = card.outcome
    assessment.overall_score = card.overall_percent
    assessment.coverage = card.coverage_percent
    assessment.save(update_fields=["computed_outcome", "overall_score", "coverage", "updated_at"])
    principle_ids = dict(Principle.objects.values_list("key", "pk"))
    PrincipleScore.objects.filter(assessment=assessment).delete()
    PrincipleScore.objects.bulk_create(
        PrincipleScore(
            assessment=assessment,
            principle_id=principle_ids[score.principle],
            score=score.percent,
            applicable=score.applicable,
            answered=score.answered,
        )
        for score in card.principles
    )
    return card


def _answer_fill(answer: Answer, data: AnswerInput) -> Answer:
    answer.rating = data.rating
    answer.not_applicable = data.not_applicable
    answer.justification = data.justification.strip()
    answer.evidence_notes = data.evidence_notes.strip()
    answer.comment = data.comment.strip()
    answer.full_clean(exclude=["assessment"], validate_unique=False)
    return answer


@transaction.atomic
def assessment_save_answers(
    *,
    assessment: Assessment,
    user: User | None,
    answers: Iterable[AnswerInput],
    author: User | None = None,
) -> ScoreCard:
    """Record several answers at once, all or none, then re-score once.

    `user` None is for trusted callers (data loading, the admin); anyone else must be
    allowed to edit the assessment. Refused answers raise `InvalidAnswers`. `author`
    (default: `user`) is who the audit trail names, e.g. the administrator in the admin.
    """
    author = author or user
    if user is not None:
        _require(permissions.can_edit(user, assessment), _("You cannot edit this assessment."))
    existing = {a.criterion_id: a for a in assessment.answers.all()}
    to_create, to_update, errors = [], [], {}
    for data in answers:
        answer = existing.get(data.criterion.pk) or Answer(assessment=assessment)
        answer.criterion = data.criterion
        try:
            _answer_fill(answer, data)
        except ValidationError as error:
            errors[data.criterion.code] = error
            continue
        (to_update if answer.pk else to_create).append(answer)
    if errors:
        raise InvalidAnswers(errors)
    # With history rows, so that the audit trail knows who gave each answer.
    bulk_create_with_history(to_create, Answer, default_user=author)
    for answer in to_update:
        if author is not None:  # else the request's user, recorded by the middleware
            answer._history_user = author
        answer.save()
    return assessment_refresh_scores(assessment=assessment)


def answer_save(
    *, assessment: Assessment, criterion: Criterion, user: User | None = None, **fields
):
    """Record the answer to one criterion and re-score the assessment."""
    try:
        assessment_save_answers(
            assessment=assessment, user=user, answers=[AnswerInput(criterion=criterion, **fields)]
        )
    except InvalidAnswers as error:
        raise error.by_criterion[criterion.code] from None
    return Answer.objects.get(assessment=assessment, criterion=criterion)


@transaction.atomic
def gate_save(
    *, assessment: Assessment, user: User, responses: Mapping[ExclusionQuestion, tuple[str, str]]
) -> list[GateAnswer]:
    """Record the exclusion gate: for each question a response (yes/no/unknown) and a note."""
    _require(permissions.can_edit(user, assessment), _("You cannot edit this assessment."))
    existing = {g.question_id: g for g in assessment.gate_answers.all()}
    saved, errors = [], {}
    for question, (response, note) in responses.items():
        gate_answer = existing.get(question.pk) or GateAnswer(
            assessment=assessment, question=question
        )
        gate_answer.response = response
        gate_answer.note = note.strip()
        try:
            gate_answer.full_clean(exclude=["assessment", "question"], validate_unique=False)
        except ValidationError as error:
            errors[question.key] = error
            continue
        saved.append(gate_answer)
    if errors:
        raise ValidationError(errors)
    for gate_answer in saved:
        gate_answer._history_user = user
        gate_answer.save()
    return saved


def gate_is_complete(assessment: Assessment) -> bool:
    asked = ExclusionQuestion.objects.active()
    return assessment.gate_answers.filter(question__in=asked).count() == asked.count()


def gate_concerns(assessment: Assessment) -> list[GateAnswer]:
    """The questions answered "yes": the assessment cannot end in Engage."""
    return list(assessment.gate_answers.filter(response="yes").select_related("question"))


def attachment_add(
    *, assessment: Assessment, user: User, criterion: Criterion, upload: UploadedFile
) -> Attachment:
    """Store a file as evidence for a criterion, with its SHA-256."""
    _require(permissions.can_edit(user, assessment), _("You cannot edit this assessment."))
    if criterion.framework_id != assessment.framework_id:
        raise ValidationError(_("This criterion is not part of the assessment's framework."))
    content_type = check_upload(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        assessment=assessment,
        criterion=criterion,
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    attachment._history_user = user
    attachment.save()
    return attachment


def attachment_delete(*, attachment: Attachment, user: User) -> None:
    # The file stays on disk: a re-assessment may share it, and storage is append-only.
    _require(
        permissions.can_edit(user, attachment.assessment), _("You cannot edit this assessment.")
    )
    attachment._history_user = user
    attachment.delete()
