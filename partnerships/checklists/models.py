from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.frozen import Freezable, FreezableManager, FreezableQuerySet
from partnerships.i18n import Localized
from partnerships.principles.models import Principle

WEIGHT_VALIDATORS = [MinValueValidator(1), MaxValueValidator(10)]
PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class FrameworkQuerySet(FreezableQuerySet):
    def published(self):
        return self.filter(status=FrameworkStatus.PUBLISHED)

    def current(self) -> "Framework | None":
        """The most recently published framework: what a new assessment pins."""
        return self.published().order_by(F("published_at").desc(nulls_last=True), "-pk").first()


class Framework(Freezable):
    """A versioned checklist. Once published it never changes; a change is a new version."""

    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    engage_threshold = models.PositiveSmallIntegerField(
        _("Engage from (%)"),
        default=75,
        validators=PERCENT_VALIDATORS,
        help_text=_("Overall score at or above which the proposed outcome is Engage."),
    )
    conditions_threshold = models.PositiveSmallIntegerField(
        _("Engage with conditions from (%)"),
        default=50,
        validators=PERCENT_VALIDATORS,
        help_text=_(
            "Overall score at or above which the proposed outcome is Engage with conditions."
        ),
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_versions",
        verbose_name=_("based on"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    description = Localized("description")

    objects = FreezableManager.from_queryset(FrameworkQuerySet)()

    class Meta(Freezable.Meta):
        ordering = ["name", "-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_framework_version"),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(status=FrameworkStatus.PUBLISHED),
                name="one_published_version_per_checklist",
            ),
            models.CheckConstraint(
                condition=Q(status=FrameworkStatus.DRAFT) | Q(published_at__isnull=False),
                name="framework_published_with_date",
            ),
            models.CheckConstraint(
                condition=Q(conditions_threshold__lte=F("engage_threshold"))
                & Q(engage_threshold__lte=100),
                name="framework_thresholds_ordered",
                violation_error_message=_(
                    "The Engage threshold must be at least the Engage-with-conditions threshold."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    frozen_message = "A published or retired framework cannot change: create a new version."

    @classmethod
    def frozen_q(cls) -> Q:
        return ~Q(status=FrameworkStatus.DRAFT)

    # Publishing only moves forward: draft -> published -> retired. After
    # publication the one change allowed is retirement, saved with update_fields.
    _RETIREMENT_FIELDS = frozenset({"status", "retired_at"})

    def refuse_if_frozen(self, update_fields=None) -> None:
        is_retirement = (
            self.status == FrameworkStatus.RETIRED
            and update_fields
            and set(update_fields) <= self._RETIREMENT_FIELDS
            and Framework.objects.filter(pk=self.pk, status=FrameworkStatus.PUBLISHED).exists()
        )
        if not is_retirement:
            super().refuse_if_frozen(update_fields)

    @property
    def is_draft(self) -> bool:
        return self.status == FrameworkStatus.DRAFT


class FrameworkPart(Freezable):
    """Base of the rows that make up a framework's content: they change only in a draft."""

    frozen_parent = "framework"
    frozen_message = "This framework is published: its content cannot change. Create a new version."

    class Meta(Freezable.Meta):
        abstract = True

    @classmethod
    def frozen_q(cls) -> Q:
        return ~Q(framework__status=FrameworkStatus.DRAFT)


class PrincipleWeight(FrameworkPart):
    """How much a principle counts in the overall score of a framework."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="principle_weights"
    )
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT_VALIDATORS)

    history = HistoricalRecords()

    class Meta(FrameworkPart.Meta):
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "principle"], name="unique_principle_weight"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="principle_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.principle.short_name_en} × {self.weight}"


class Criterion(FrameworkPart):
    """A question under one principle, rated 0–3 by the assessor."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    principle = models.ForeignKey(
        Principle, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("principle")
    )
    code = models.CharField(_("code"), max_length=12, help_text=_("For example TR-2"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question_en = models.TextField(_("question (English)"))
    question_zh = models.TextField(_("question (Chinese)"))
    guidance_en = models.TextField(_("guidance for the assessor (English)"))
    guidance_zh = models.TextField(_("guidance for the assessor (Chinese)"))
    evidence_en = models.TextField(_("evidence expected (English)"))
    evidence_zh = models.TextField(_("evidence expected (Chinese)"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT_VALIDATORS)
    allows_not_applicable = models.BooleanField(
        _("may be not applicable"),
        default=True,
        help_text=_('Untick for criteria that always apply: "not applicable" is then refused.'),
    )
    is_key = models.BooleanField(
        _("key criterion"),
        default=False,
        help_text=_('Rated "not met", a key criterion forces the outcome Do not engage.'),
    )
    basis = models.CharField(
        _("basis"), max_length=200, blank=True, help_text=_("Where the criterion comes from.")
    )

    history = HistoricalRecords()
    question = Localized("question")
    guidance = Localized("guidance")
    evidence = Localized("evidence")

    class Meta(FrameworkPart.Meta):
        ordering = ["principle__number", "position", "code"]
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_criterion_code"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.code
