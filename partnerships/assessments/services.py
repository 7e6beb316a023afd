"""Writes to assessments: answers, the exclusion gate, attachments.

Views, the admin and commands all go through these; the workflow's transitions
are in `workflow.py`.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnerships.accounts.models import User
from partnerships.assessments import permissions
from partnerships.assessments.attachments import check_upload
from partnerships.assessments.choices import REVIEW_STATUSES
from partnerships.assessments.latest import latest_assessment_refresh
from partnerships.assessments.models import (
    Answer,
    Assessment,
    Attachment,
    ExclusionQuestion,
    GateAnswer,
    PrincipleScore,
)
from partnerships.assessments.revisions import ROLE_ORDER
from partnerships.assessments.scoring import ScoreCard
from partnerships.assessments.selectors import assessment_last_save, assessment_scorecard
from partnerships.checklists.models import Criterion, Framework
from partnerships.partners import economies
from partnerships.partners.models import Partner
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


class StaleAssessment(ValidationError):
    """Someone saved the assessment after the version a form was based on: saving the
    form would overwrite their work. Carries the stored version and who saved last, when."""

    def __init__(self, *, version: int, saved_by: User | None, saved_at: datetime | None):
        self.version, self.saved_by, self.saved_at = version, saved_by, saved_at
        super().__init__(
            _("Someone saved this assessment while you were editing: nothing was saved."),
            code="stale",
        )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock_for_save(
    assessment: Assessment, *, user: User | None, expected_version: int | None
) -> None:
    """Hold the assessment's row until the transaction ends, refuse a save based on an
    older version (`expected_version` None: the caller is trusted not to overwrite, e.g.
    the admin) and move the version on, once per save: an open form is then stale.

    Call inside a transaction, before writing anything."""
    stored = Assessment.objects.select_for_update().only("status", "version").get(pk=assessment.pk)
    assessment.status = stored.status  # may have moved since the caller read it
    if user is not None:
        _require(permissions.can_edit(user, assessment), _("You cannot edit this assessment."))
    elif assessment.status in REVIEW_STATUSES:  # four eyes: trusted callers included
        raise ValidationError(_("This assessment is under review: its answers cannot change now."))
    if expected_version is not None and stored.version != expected_version:
        saved_by, saved_at = assessment_last_save(assessment)
        raise StaleAssessment(version=stored.version, saved_by=saved_by, saved_at=saved_at)
    Assessment.objects.filter(pk=assessment.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    assessment.version = stored.version + 1


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
    assessment_refresh_scores(assessment=assessment)  # and the proposal's pointers
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
    latest_assessment_refresh(proposal_id=assessment.proposal_id)
    return card


def _answer_fill(answer: Answer, data: AnswerInput) -> Answer:
    answer.rating = data.rating
    answer.not_applicable = data.not_applicable
    answer.justification = data.justification.strip()
    answer.evidence_notes = data.evidence_notes.strip()
    answer.comment = data.comment.strip()
    # The criterion is a stored row given by the caller (its framework is checked in clean).
    answer.full_clean(exclude=["assessment", "criterion"], validate_unique=False)
    return answer


def answer_check(data: AnswerInput) -> None:
    """Raise the model's ValidationError (by field) when `data` is not a valid answer,
    without saving: forms show the rules' messages at their fields."""
    _answer_fill(Answer(criterion=data.criterion), data)


@transaction.atomic
def assessment_save_answers(
    *,
    assessment: Assessment,
    user: User | None,
    answers: Iterable[AnswerInput],
    author: User | None = None,
    expected_version: int | None = None,
    uploads: Iterable[tuple[Criterion, UploadedFile]] = (),
) -> ScoreCard:
    """Record several answers (and evidence files) at once, all or none, then re-score once.

    `user` None is for trusted callers (data loading, the admin); anyone else must be
    allowed to edit the assessment. Refused answers raise `InvalidAnswers`; a save based
    on `expected_version` when someone saved since raises `StaleAssessment`. `author`
    (default: `user`) is who the audit trail names, e.g. the administrator in the admin.
    """
    author = author or user
    _lock_for_save(assessment, user=user, expected_version=expected_version)
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
    for criterion, upload in uploads:
        _attachment_store(assessment=assessment, user=author, criterion=criterion, upload=upload)
    if author is not None:
        assessment._history_user = author
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


@dataclass(frozen=True)
class GateItem:
    """One thing the gate asks: an exclusion question about one partner of the proposal."""

    question: ExclusionQuestion
    partner: Partner

    @property
    def key(self) -> tuple[int, int]:
        return (self.question.pk, self.partner.pk)


def gate_items(assessment: Assessment) -> list[GateItem]:
    """What the gate asks now: every active question about every partner of the proposal,
    question by question, the partners in the proposal's order (lead first)."""
    partners = [
        link.partner
        for link in sorted(
            assessment.proposal.partner_links.select_related("partner"),
            key=lambda link: (ROLE_ORDER.get(link.role, 99), link.partner.legal_name, link.pk),
        )
    ]
    return [
        GateItem(question, partner)
        for question in ExclusionQuestion.objects.active()
        for partner in partners
    ]


@transaction.atomic
def gate_save(
    *,
    assessment: Assessment,
    user: User,
    responses: Mapping[GateItem, tuple[str, str]],
    expected_version: int | None = None,
) -> list[GateAnswer]:
    """Record the exclusion gate: for each question about each partner, a response
    (yes/no/unknown) and a note. Only what the gate asks now can be answered.

    Based on `expected_version` when someone saved since: `StaleAssessment`."""
    _lock_for_save(assessment, user=user, expected_version=expected_version)
    asked = {item.key for item in gate_items(assessment)}
    existing = {(g.question_id, g.partner_id): g for g in assessment.gate_answers.all()}
    saved, errors = [], {}
    for item, (response, note) in responses.items():
        if item.key not in asked:
            raise ValidationError(
                _("The gate does not ask “%(question)s” about %(partner)s now.")
                % {"question": item.question.question, "partner": item.partner.legal_name}
            )
        gate_answer = existing.get(item.key) or GateAnswer(
            assessment=assessment, question=item.question, partner=item.partner
        )
        gate_answer.response = response
        gate_answer.note = note.strip()
        try:
            gate_answer.full_clean(
                exclude=["assessment", "question", "partner"], validate_unique=False
            )
        except ValidationError as error:
            errors[f"{item.question.key}:{item.partner.pk}"] = error
            continue
        saved.append(gate_answer)
    if errors:
        raise ValidationError(errors)
    for gate_answer in saved:
        gate_answer._history_user = user
        gate_answer.save()
    # Give way to the answers saved now: those to a retired version of a question, those
    # about a partner the proposal no longer has, and those for the whole proposal.
    answered = {item.question.key for item in responses}
    for replaced in assessment.gate_answers.filter(question__key__in=answered).select_related(
        "question"
    ):
        if (replaced.question_id, replaced.partner_id) not in asked:
            replaced._history_user = user
            replaced.delete()
    return saved


def gate_is_complete(assessment: Assessment) -> bool:
    """Every question the gate asks now is answered, about every partner."""
    asked = {item.key for item in gate_items(assessment)}
    answered = set(assessment.gate_answers.values_list("question_id", "partner_id"))
    return asked <= answered


@transaction.atomic
def exclusion_question_new_version(*, question: ExclusionQuestion, user: User) -> ExclusionQuestion:
    """Retire `question` and put in its place a new version with the same wording, to edit.

    Answers keep pointing to the version they answered; the gate asks the new one, so a
    draft that answered the old version must answer again."""
    _require(
        user.has_perm("assessments.change_exclusionquestion"),
        _("Only administrators change exclusion questions."),
    )
    current = ExclusionQuestion.objects.select_for_update().get(pk=question.pk)
    if current.retired_at is not None:
        raise ValidationError(_("This version is retired: make a new version of the current one."))
    current.retired_at = timezone.now()
    current.save(update_fields=["retired_at"])  # first: one active version per key
    latest = ExclusionQuestion.objects.filter(key=current.key).aggregate(Max("version"))
    return ExclusionQuestion.objects.create(
        key=current.key,
        version=latest["version__max"] + 1,
        position=current.position,
        **{name: getattr(current, name) for name in ExclusionQuestion.TEXT_FIELDS},
    )


def gate_concerns(assessment: Assessment) -> list[GateAnswer]:
    """The questions answered "yes" about any partner: the assessment cannot end in Engage."""
    return list(
        GateAnswer.objects.current(assessment)
        .filter(response="yes")
        .select_related("question", "partner")
    )


@transaction.atomic
def attachment_add(
    *, assessment: Assessment, user: User, criterion: Criterion, upload: UploadedFile
) -> Attachment:
    """Store a file as evidence for a criterion, with its SHA-256. Like any save, it makes
    forms opened before it stale, so that they cannot be saved without seeing it."""
    _lock_for_save(assessment, user=user, expected_version=None)
    return _attachment_store(assessment=assessment, user=user, criterion=criterion, upload=upload)


def _attachment_store(
    *, assessment: Assessment, user: User | None, criterion: Criterion, upload: UploadedFile
) -> Attachment:
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


@transaction.atomic
def attachment_delete(*, attachment: Attachment, user: User) -> None:
    # The file stays on disk: a re-assessment may share it, and storage is append-only.
    _lock_for_save(attachment.assessment, user=user, expected_version=None)
    attachment._history_user = user
    attachment.delete()
