from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.accounts.roles import Role
from partnerships.assessments.choices import (
    DECISION_OUTCOMES,
    AssessmentStatus,
    Outcome,
    Rating,
)
from partnerships.checklists.models import Criterion, Framework
from partnerships.proposals.models import Proposal


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """The assessments a user may see: their agency's, or every agency's for Oversight."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.OVERSIGHT):
            return self
        return self.filter(proposal__agency_id=user.agency_id)


class Assessment(models.Model):
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
    departure_justification = models.TextField(
        _("justification for departing from the computed outcome"), blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["computed_outcome"])]

    def __str__(self) -> str:
        return f"Assessment {self.pk} of {self.proposal}"


class Answer(models.Model):
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

    class Meta:
        ordering = ["criterion__principle__number", "criterion__position", "criterion__code"]
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

    def clean(self) -> None:
        errors = {}
        if self.not_applicable and self.rating is not None:
            errors["rating"] = _("An answer is either rated or not applicable, not both.")
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
