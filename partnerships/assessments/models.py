import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.accounts.scoping import visible_to
from partnerships.assessments.choices import (
    DECIDED_STATUSES,
    DECISION_OUTCOMES,
    EDITABLE_STATUSES,
    REVIEW_STATUSES,
    AssessmentStatus,
    GateResponse,
    Outcome,
    Rating,
)
from partnerships.checklists.models import Criterion, Framework
from partnerships.frozen import (
    Freezable,
    FreezableManager,
    FreezableQuerySet,
    FrozenRecordError,
    Immutable,
)
from partnerships.i18n import Localized
from partnerships.proposals.models import Proposal, ProposalPartner

DECIDED_MESSAGE = "This assessment is decided: its answers, gate and attachments cannot change."


class AssessmentQuerySet(FreezableQuerySet):
    def for_user(self, user):
        """The assessments a user may see: their agency's, or every agency's for Oversight."""
        return visible_to(self, user, "proposal__agency_id")


class Assessment(Freezable):
    """One assessment of a proposal, scored by the framework version it pins."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("proposal")
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("assessor"),
    )
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("framework version"),
    )
    classification_edition = models.CharField(
        _("economy classification edition"), max_length=40, editable=False
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reassessments",
        verbose_name=_("pre-filled from"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )

    # Kept in step with the answers by the scoring service, for lists and filters.
    computed_outcome = models.CharField(
        _("computed outcome"),
        max_length=24,
        choices=Outcome.choices,
        default=Outcome.INCOMPLETE,
        editable=False,
    )
    overall_score = models.DecimalField(
        _("overall score (%)"), max_digits=4, decimal_places=1, null=True, editable=False
    )
    coverage = models.DecimalField(
        _("coverage (%)"), max_digits=4, decimal_places=1, null=True, editable=False
    )

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        null=True,
        blank=True,
        verbose_name=_("reviewer"),
    )
    decided_outcome = models.CharField(
        _("decided outcome"), max_length=24, choices=DECISION_OUTCOMES, blank=True
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    decision_justification = models.TextField(
        _("justification"),
        blank=True,
        help_text=_(
            "Required when the decision departs from the computed outcome or the exclusion "
            "gate raised a concern."
        ),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # What was assessed, pinned when submitted and again when decided (revisions.py).
    revision = models.ForeignKey(
        "ProposalRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("assessed revision"),
    )
    # Bumped by every save of the draft: a save based on an older version is refused
    # instead of silently overwriting someone else's answers (optimistic locking).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = FreezableManager.from_queryset(AssessmentQuerySet)()
    frozen_message = DECIDED_MESSAGE
    # An assessment is always scored by the framework version it started with.
    immutable_fields = ("proposal", "framework")

    class Meta(Freezable.Meta):
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["computed_outcome"]),
            # "The newest assessment of a proposal" (latest.py), and the period filter.
            models.Index(fields=["proposal", "created_at", "id"]),
            models.Index(fields=["created_at", "id"]),
            # My work's lists: an agency's recent decisions, and what waits for review.
            models.Index(
                fields=["-decided_at", "-id"],
                condition=Q(status__in=sorted(DECIDED_STATUSES)),
                name="assessment_recent_decisions",
            ),
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=sorted(REVIEW_STATUSES)),
                name="assessment_review_queue",
            ),
        ]

    def __str__(self) -> str:
        return _("Assessment %(pk)s of %(proposal)s") % {"pk": self.pk, "proposal": self.proposal}

    def save(self, *args, **kwargs):
        if self._state.adding and self.framework.status != "published":
            raise ValidationError(_("An assessment pins a published framework."))
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            # Only the services' lock moves the version: a full save (e.g. the admin's)
            # must not write back the version it read, which would revive stale forms.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "version"
            ]
        super().save(*args, **kwargs)

    @classmethod
    def frozen_q(cls) -> Q:
        return Q(status__in=DECIDED_STATUSES)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES

    @property
    def outcome(self) -> str:
        """The reviewer's decision once there is one, else the engine's outcome."""
        return self.decided_outcome or self.computed_outcome

    def get_outcome_display(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""

    @classmethod
    def shown_as_pinned_q(cls) -> Q:
        """The assessments shown, counted and exported from their pinned revision rather
        than from the proposal as it stands: the decided ones (as `pinned_for`)."""
        return Q(status__in=DECIDED_STATUSES, revision__isnull=False)

    @staticmethod
    def pinned_for(status: str, revision_id: int | None) -> bool:
        """`shown_as_pinned_q` for an assessment's values read from the database (exports
        and the portfolio's pointer rows read values, not models)."""
        return status in DECIDED_STATUSES and revision_id is not None

    @property
    def shows_pinned(self) -> bool:
        return self.pinned_for(self.status, self.revision_id)

    @property
    def assessed_title(self) -> str:
        """The proposal's title as decided (its pinned revision), else as it stands."""
        if self.shows_pinned:
            return self.revision.title
        return self.proposal.title


class AssessmentPart(Freezable):
    """A row that belongs to an assessment and freezes with it."""

    frozen_parent = "assessment"
    frozen_message = DECIDED_MESSAGE

    class Meta(Freezable.Meta):
        abstract = True

    @classmethod
    def frozen_q(cls) -> Q:
        return Q(assessment__status__in=DECIDED_STATUSES)


class Answer(AssessmentPart):
    """The assessor's answer to one criterion: a rating 0–3, or N/A with a justification."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=Rating.choices, null=True, blank=True
    )
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    justification = models.TextField(
        _("justification"),
        blank=True,
        help_text=_('Required when the criterion is "not applicable".'),
    )
    evidence_notes = models.TextField(_("evidence notes"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta(AssessmentPart.Meta):
        ordering = ["criterion__principle__number", "criterion__position", "criterion__code"]
        # The portfolio's "criteria most often not met": a small index of the zeros only.
        indexes = [
            models.Index(
                fields=["assessment", "criterion"], condition=Q(rating=0), name="answer_not_met"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_answer_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=0, rating__lte=3),
                name="answer_rating_0_to_3",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(not_applicable=False),
                name="answer_rated_or_not_applicable",
                violation_error_message=_("An answer is either rated or not applicable, not both."),
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | ~Q(justification=""),
                name="answer_not_applicable_justified",
                violation_error_message=_('"Not applicable" needs a justification.'),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.not_applicable:
            return str(_("Not applicable"))
        if self.rating is None:
            return str(_("Unanswered"))
        return self.get_rating_display()

    @property
    def is_answered(self) -> bool:
        return self.not_applicable or self.rating is not None

    def clean(self) -> None:
        errors = {}
        if self.not_applicable and self.rating is not None:
            errors["rating"] = _("Choose a rating or “not applicable”, not both.")
        if self.not_applicable and self.criterion_id and not self.criterion.allows_not_applicable:
            errors["not_applicable"] = _("This criterion always applies: rate it.")
        if self.not_applicable and not self.justification.strip():
            errors["justification"] = _("Explain why the criterion is not applicable.")
        if (
            self.assessment_id
            and self.criterion_id
            and self.criterion.framework_id != self.assessment.framework_id
        ):
            errors["criterion"] = _("This criterion is not part of the assessment's framework.")
        if errors:
            raise ValidationError(errors)


ANSWERED_QUESTION_MESSAGE = _(
    "This question was answered: its wording stays as answered. Create a new version."
)


class ExclusionQuestionQuerySet(models.QuerySet):
    def active(self):
        """The questions the gate asks now: the newest version of each."""
        return self.filter(retired_at__isnull=True)

    def answered(self):
        return self.filter(pk__in=GateAnswer._base_manager.values("question_id"))

    def update(self, **kwargs):
        if set(kwargs) & set(ExclusionQuestion.WORDING_FIELDS) and self.answered().exists():
            raise FrozenRecordError(ANSWERED_QUESTION_MESSAGE)
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("update_conflicts"):
            raise FrozenRecordError("Upserts could reword answered questions: save one by one.")
        return super().bulk_create(objs, *args, **kwargs)


class ExclusionQuestion(models.Model):
    """A screening question of the exclusion gate (reference data, DOMAIN.md §2).

    Once answered, a question's wording stays as it was answered: a change is a new
    version of the question, and the old version is retired.
    """

    key = models.SlugField(max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    question_en = models.TextField()
    question_zh = models.TextField()
    guidance_en = models.TextField(blank=True)
    guidance_zh = models.TextField(blank=True)
    basis = models.CharField(max_length=200, blank=True)

    question = Localized("question")
    guidance = Localized("guidance")

    TEXT_FIELDS = ("question_en", "question_zh", "guidance_en", "guidance_zh", "basis")
    # What an answer answered: fixed once any assessment answers this version.
    WORDING_FIELDS = ("key", "version", *TEXT_FIELDS)

    objects = ExclusionQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="one_question_version"),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(retired_at__isnull=True),
                name="one_active_question_version",
            ),
        ]

    def __str__(self) -> str:
        return self.question_en

    def save(self, *args, **kwargs):
        if self.pk is not None and self.wording_changed() and self.is_answered():
            raise FrozenRecordError(ANSWERED_QUESTION_MESSAGE)
        super().save(*args, **kwargs)

    def is_answered(self) -> bool:
        return self.pk is not None and GateAnswer._base_manager.filter(question=self).exists()

    def wording_changed(self) -> bool:
        stored = type(self)._base_manager.filter(pk=self.pk).values(*self.WORDING_FIELDS).first()
        return stored is not None and any(
            stored[name] != getattr(self, name) for name in self.WORDING_FIELDS
        )


class GateAnswerQuerySet(FreezableQuerySet):
    def current(self, assessment: "Assessment") -> "GateAnswerQuerySet":
        """The assessment's answers that count: those about a partner of its proposal now,
        and those recorded before the gate asked per partner (no partner: the whole proposal)."""
        partners = ProposalPartner.objects.filter(proposal_id=assessment.proposal_id)
        return self.filter(assessment=assessment).filter(
            Q(partner__isnull=True) | Q(partner__in=partners.values("partner_id"))
        )


class GateAnswer(AssessmentPart):
    """The answer to one exclusion question about one partner: yes, no or unknown, with a note."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="gate_answers"
    )
    question = models.ForeignKey(ExclusionQuestion, on_delete=models.PROTECT, related_name="+")
    # Empty on answers recorded before the gate asked per partner: they answered for the
    # whole proposal, and decided records keep them as they were signed.
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    response = models.CharField(_("answer"), max_length=8, choices=GateResponse.choices)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = FreezableManager.from_queryset(GateAnswerQuerySet)()

    class Meta(AssessmentPart.Meta):
        ordering = ["question__position", "question__key", "partner__legal_name", "partner_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question", "partner"],
                condition=Q(partner__isnull=False),
                name="one_gate_answer_per_question_and_partner",
            ),
            models.UniqueConstraint(
                fields=["assessment", "question"],
                condition=Q(partner__isnull=True),
                name="one_gate_answer_per_question",
            ),
            models.CheckConstraint(
                condition=Q(response="no") | ~Q(note=""),
                name="gate_concern_explained",
                violation_error_message=_('Explain a "yes" or "unknown" in the note.'),
            ),
        ]

    def __str__(self) -> str:
        about = f" ({self.partner})" if self.partner_id else ""
        return f"{self.question.key}{about}: {self.response}"


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # A fresh folder per file keeps the original name readable and never overwrites.
    return f"attachments/{attachment.assessment_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class Attachment(AssessmentPart):
    """Evidence for one criterion: a stored file with its SHA-256."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="attachments")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta(AssessmentPart.Meta):
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class PrincipleScore(AssessmentPart):
    """An assessment's score for one principle, as the scoring engine computed it: kept
    in the database so that portfolio figures and exports aggregate there."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="principle_scores"
    )
    principle = models.ForeignKey(
        "principles.Principle", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    applicable = models.PositiveSmallIntegerField()
    answered = models.PositiveSmallIntegerField()

    class Meta(AssessmentPart.Meta):
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "principle"], name="one_score_per_principle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.principle_id}: {self.score}"


class StatusChange(Immutable):
    """One step of an assessment's workflow; the timeline is never rewritten."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=12, choices=AssessmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=AssessmentStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    frozen_message = "The status history cannot be rewritten."
    # Nothing is added after the decision either: the workflow writes a step's row
    # before it moves the assessment.
    frozen_parent = "assessment"

    class Meta(Immutable.Meta):
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class RevisionStage(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DECIDED = "decided", _("Decided")


REVISION_MESSAGE = "A revision of what was assessed never changes."


class ProposalRevision(Immutable):
    """What an assessment assessed, as it stood when it was submitted or decided: the
    proposal's fields, its partners, the exclusion gate and the screening hits.

    `content` is the whole snapshot (see revisions.py); the columns beside it repeat
    what lists and portfolio figures aggregate in the database.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="revisions", editable=False
    )
    stage = models.CharField(_("stage"), max_length=10, choices=RevisionStage.choices)
    content = models.JSONField(encoder=DjangoJSONEncoder)
    sha256 = models.CharField("SHA-256", max_length=64)
    title = models.CharField(_("title"), max_length=300)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True)
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    frozen_message = REVISION_MESSAGE

    class Meta(Immutable.Meta):
        ordering = ["created_at", "pk"]
        verbose_name = _("assessed revision")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_stage_display()}, {self.created_at:%Y-%m-%d %H:%M})"


class RevisionPartner(Immutable):
    """A partner of a revision, as classified then."""

    revision = models.ForeignKey(
        ProposalRevision, on_delete=models.PROTECT, related_name="partners"
    )
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20)
    legal_name = models.CharField(_("legal name"), max_length=300)
    partner_type = models.CharField(_("type"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    economy_group = models.CharField(_("economy group"), max_length=12)
    region = models.CharField(_("region"), max_length=12, blank=True)
    classification_edition = models.CharField(max_length=40)

    frozen_message = REVISION_MESSAGE

    class Meta(Immutable.Meta):
        ordering = ["revision", "pk"]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.role})"


def _principle_score_field(number: int) -> models.DecimalField:
    return models.DecimalField(
        _("principle %(number)s score") % {"number": number},
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )


class LatestAssessment(models.Model):
    """A proposal's newest assessment, and the figures of its newest one not withdrawn.

    Lists show a proposal by its newest assessment (`assessment`); the portfolio counts
    each proposal once, by its newest assessment that was not withdrawn (`counted`),
    and aggregates the copies of that assessment's figures kept here, one narrow row
    per proposal, instead of joining assessments, proposals and principle scores for
    every figure. Kept by `latest.latest_assessment_refresh()`, which the services
    call whenever an assessment is created, scored or moved, or a proposal saved.
    """

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, primary_key=True, related_name="latest_assessment"
    )
    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="latest_of"
    )
    counted = models.OneToOneField(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="counted_of"
    )
    # The counted assessment's figures (empty when there is none).
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, blank=True)
    # The decision, or "pending" until there is one.
    outcome = models.CharField(max_length=24, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    # The first day of `created_at`'s quarter (UTC), which the dashboard groups by:
    # stored, not computed from every row at each view.
    quarter = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_seconds = models.PositiveIntegerField(null=True, blank=True)
    overall_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    # What the portfolio counts of a decided assessment: its pinned revision (None:
    # the proposal as it stands). Its partners are copied into `PortfolioPartner`.
    pinned_revision = models.ForeignKey(
        "ProposalRevision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The eight principles of resolution 56/76, paragraph 2, by their number.
    principle_1 = _principle_score_field(1)
    principle_2 = _principle_score_field(2)
    principle_3 = _principle_score_field(3)
    principle_4 = _principle_score_field(4)
    principle_5 = _principle_score_field(5)
    principle_6 = _principle_score_field(6)
    principle_7 = _principle_score_field(7)
    principle_8 = _principle_score_field(8)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "created_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["decision_seconds"]),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.assessment_id} / {self.counted_id}"


class PortfolioPartner(models.Model):
    """A partner the portfolio counts for a proposal.

    For a proposal whose counted assessment is decided, a partner of its pinned
    revision, with its type, group and region as then classified (`pinned`); otherwise
    a partner as it stands, whose type, group and region are read from the registry.
    The lead partner's row carries the proposal's value (the revision's when pinned),
    so that a value counts once. The agency and date are the counted assessment's,
    copied so that the dashboard filters this table alone. Kept with `LatestAssessment`
    by `latest.latest_assessment_refresh()`.
    """

    # The proposal whose `LatestAssessment` row this belongs to (not a key to that row,
    # so that a rebuild deletes those in one statement).
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    pinned = models.BooleanField(default=False)
    role = models.CharField(max_length=20)
    # As the pinned revision classified the partner; empty when not pinned.
    partner_type = models.CharField(max_length=20, blank=True)
    economy_group = models.CharField(max_length=12, blank=True)
    region = models.CharField(max_length=12, blank=True)
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["agency", "created_at"], name="portfolio_partner_agency"),
            models.Index(fields=["created_at"], name="portfolio_partner_created"),
            # The dashboard's partners by group and region: the distinct pinned
            # classifications read from the index alone, and the live rows' partners
            # without a scan of the pinned ones (at 100,000 proposals, 125 → 78 ms).
            models.Index(
                fields=["partner", "economy_group", "region"],
                condition=models.Q(pinned=True),
                name="portfolio_partner_pinned",
            ),
            models.Index(
                fields=["partner"], condition=models.Q(pinned=False), name="portfolio_partner_live"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.partner_id} ({self.role})"
