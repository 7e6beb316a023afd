from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from partnerships.frozen import FrozenRecordError
from partnerships.i18n import Localized
from partnerships.principles.models import Principle

WEIGHT_VALIDATORS = [MinValueValidator(1), MaxValueValidator(10)]
PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class FrameworkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=FrameworkStatus.PUBLISHED)

    def current(self) -> "Framework | None":
        """The most recently published framework: what a new assessment pins."""
        return self.published().order_by("-published_at", "-pk").first()

    def update(self, **kwargs):
        if self.exclude(status=FrameworkStatus.DRAFT).exists():
            raise FrozenRecordError("Published and retired frameworks cannot be updated.")
        return super().update(**kwargs)

    def delete(self):
        if self.exclude(status=FrameworkStatus.DRAFT).exists():
            raise FrozenRecordError("Published and retired frameworks cannot be deleted.")
        return super().delete()


class Framework(models.Model):
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

    description = Localized("description")

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_framework_version"),
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

    # Publishing only moves forward: draft -> published -> retired. After
    # publication the one change allowed is retirement, saved with update_fields.
    _RETIREMENT_FIELDS = frozenset({"status", "retired_at"})

    def save(self, *args, **kwargs):
        stored = self._stored_status()
        if stored is not None and stored != FrameworkStatus.DRAFT:
            update_fields = set(kwargs.get("update_fields") or ())
            is_retirement = (
                stored == FrameworkStatus.PUBLISHED
                and self.status == FrameworkStatus.RETIRED
                and update_fields
                and update_fields <= self._RETIREMENT_FIELDS
            )
            if not is_retirement:
                raise FrozenRecordError(
                    f"{self} is {stored}: it cannot change. Create a new version instead."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = self._stored_status()
        if stored is not None and stored != FrameworkStatus.DRAFT:
            raise FrozenRecordError(f"{self} is {stored}: it cannot be deleted.")
        return super().delete(*args, **kwargs)

    def _stored_status(self) -> str | None:
        """The status in the database, whatever this instance holds in memory."""
        if self.pk is None:
            return None
        return Framework.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def is_draft(self) -> bool:
        return self.status == FrameworkStatus.DRAFT


class FrameworkPartQuerySet(models.QuerySet):
    """Rows that belong to a framework may change only while it is a draft."""

    def _refuse_if_frozen(self) -> None:
        if self.exclude(framework__status=FrameworkStatus.DRAFT).exists():
            raise FrozenRecordError("This framework is published: its content cannot change.")

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()


class FrameworkPartManager(models.Manager.from_queryset(FrameworkPartQuerySet)):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        framework_ids = {obj.framework_id for obj in objs}
        if (
            Framework.objects.filter(pk__in=framework_ids)
            .exclude(status=FrameworkStatus.DRAFT)
            .exists()
        ):
            raise FrozenRecordError("This framework is published: its content cannot change.")
        return super().bulk_create(objs, *args, **kwargs)


class FrameworkPart(models.Model):
    """Base of the rows that make up a framework's content (each has a `framework`)."""

    objects = FrameworkPartManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self) -> None:
        framework_ids = {self.framework_id}
        if self.pk is not None:
            framework_ids |= set(
                type(self).objects.filter(pk=self.pk).values_list("framework_id", flat=True)
            )
        if (
            Framework.objects.filter(pk__in=framework_ids)
            .exclude(status=FrameworkStatus.DRAFT)
            .exists()
        ):
            raise FrozenRecordError(
                "This framework is published: its content cannot change. Create a new version."
            )


class PrincipleWeight(FrameworkPart):
    """How much a principle counts in the overall score of a framework."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="principle_weights"
    )
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT_VALIDATORS)

    class Meta:
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
    is_key = models.BooleanField(
        _("key criterion"),
        default=False,
        help_text=_('Rated "not met", a key criterion forces the outcome Do not engage.'),
    )
    basis = models.CharField(
        _("basis"), max_length=200, blank=True, help_text=_("Where the criterion comes from.")
    )

    question = Localized("question")
    guidance = Localized("guidance")
    evidence = Localized("evidence")

    class Meta:
        ordering = ["principle__number", "position", "code"]
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_criterion_code"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.code
