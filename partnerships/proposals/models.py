from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from partnerships.accounts.models import Agency
from partnerships.accounts.scoping import visible_to
from partnerships.assessments.choices import DECIDED_STATUSES, REVIEW_STATUSES
from partnerships.frozen import Freezable, FreezableManager, FreezableQuerySet, FrozenRecordError
from partnerships.i18n import Localized
from partnerships.partners.models import Partner
from partnerships.search import words_match


class ContributionType(models.Model):
    """What partners bring: financial, in-kind, technology, expertise (reference data)."""

    key = models.SlugField(max_length=30, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    name_en = models.CharField(max_length=100)
    name_zh = models.CharField(max_length=100)

    name = Localized("name")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead partner")
    CO_PARTNER = "co_partner", _("Co-partner")
    FUNDER = "funder", _("Funder")
    IMPLEMENTER = "implementer", _("Implementer")


LOCKED_MESSAGE = _("An assessment of this proposal is under review: it cannot change now.")
AGENCY_FIXED_MESSAGE = _(
    "An assessment of this proposal was submitted or decided: it stays with its agency."
)


class ProposalQuerySet(FreezableQuerySet):
    def for_user(self, user):
        """The proposals a user may see: their agency's, or every agency's for Oversight."""
        return visible_to(self, user, "agency_id")

    def matching(self, text: str):
        """Each word in the title, the summary or a partner's names. The ids matching
        each way are united, so that each way is answered by its own (trigram) index."""
        queryset = self
        for word in text.split():
            partners = Partner.objects.filter(words_match(word, "legal_name", "other_names"))
            matching = (
                Proposal.objects.filter(words_match(word, "title", "summary"))
                .order_by()
                .values("pk")
                .union(
                    ProposalPartner.objects.filter(partner__in=partners)
                    .order_by()
                    .values("proposal_id")
                )
            )
            queryset = queryset.filter(pk__in=matching)
        return queryset

    def update(self, **kwargs):
        """The portfolio's copies (assessments.LatestAssessment and PortfolioPartner)
        follow an agency or value set on many proposals at once."""
        agency = kwargs.get("agency", kwargs.get("agency_id"))
        if agency is not None:
            moved = self.exclude(agency_id=getattr(agency, "pk", agency))
            if moved.filter(Proposal.agency_fixed_q()).exists():
                raise FrozenRecordError(AGENCY_FIXED_MESSAGE)
            for copy in ("LatestAssessment", "PortfolioPartner"):
                apps.get_model("assessments", copy).objects.filter(
                    proposal__in=self.values("pk")
                ).update(agency_id=getattr(agency, "pk", agency))
        revalued = {"value", "currency"} & kwargs.keys()
        # Read before the update, which may change what the queryset selects.
        pks = list(self.values_list("pk", flat=True)) if revalued else []
        updated = super().update(**kwargs)
        if revalued:
            own = Proposal.objects.filter(pk=OuterRef("proposal_id"))
            apps.get_model("assessments", "PortfolioPartner").objects.filter(
                proposal__in=pks, pinned=False, role=PartnerRole.LEAD
            ).update(
                value=Subquery(own.values("value")[:1]),
                currency=Subquery(own.values("currency")[:1]),
            )
        return updated


class Proposal(Freezable):
    """A proposed partnership. While an assessment of it waits for or is under review it
    cannot change (the reviewer sees what was submitted); once an assessment was
    submitted or decided it stays with its agency, whose reviewers and signed record
    it belongs to."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("agency")
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    objectives = models.TextField(_("objectives"))
    partners = models.ManyToManyField(
        Partner, through="ProposalPartner", related_name="proposals", verbose_name=_("partners")
    )
    contribution_types = models.ManyToManyField(
        ContributionType, blank=True, related_name="proposals", verbose_name=_("contribution types")
    )
    value = models.DecimalField(
        _("value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Total value of the partners' contributions."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[
            RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code, e.g. USD."))
        ],
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    countries = CountryField(_("countries covered"), multiple=True, blank=True)
    requests_un_name_or_emblem = models.BooleanField(
        _("use of the UN name or emblem requested"), default=False
    )
    un_name_or_emblem_use = models.TextField(_("intended use of the UN name or emblem"), blank=True)
    requests_exclusivity = models.BooleanField(_("exclusivity requested"), default=False)
    exclusivity_details = models.TextField(_("exclusivity requested: details"), blank=True)
    complementarity = models.TextField(
        _("complementarity with public resources"),
        blank=True,
        help_text=_(
            "How the partners' resources complement, rather than replace, public resources."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = FreezableManager.from_queryset(ProposalQuerySet)()
    frozen_message = LOCKED_MESSAGE

    class Meta(Freezable.Meta):
        ordering = ["-created_at", "-pk"]
        # The proposals list's order, for everyone and for one agency.
        indexes = [
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["agency", "created_at", "id"]),
            models.Index(fields=["agency", "id"], name="proposal_agency_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="proposal_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="proposal_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # What save() refuses, told to forms (the admin's too) as a validation error.
        if self.is_stored_frozen():
            raise ValidationError(LOCKED_MESSAGE)
        if self.moves_fixed_agency():
            raise ValidationError(AGENCY_FIXED_MESSAGE)

    def save(self, *args, **kwargs):
        if self.moves_fixed_agency():
            raise FrozenRecordError(AGENCY_FIXED_MESSAGE)
        super().save(*args, **kwargs)

    @classmethod
    def frozen_q(cls) -> Q:
        return Q(assessments__status__in=REVIEW_STATUSES)

    @classmethod
    def agency_fixed_q(cls) -> Q:
        return Q(assessments__status__in=REVIEW_STATUSES | DECIDED_STATUSES)

    def agency_is_fixed(self) -> bool:
        return (
            self.pk is not None
            and type(self)._base_manager.filter(pk=self.pk).filter(self.agency_fixed_q()).exists()
        )

    def moves_fixed_agency(self) -> bool:
        """Whether saving would move to another agency a proposal that stays with its own."""
        if self.pk is None:
            return False
        stored = type(self)._base_manager.filter(pk=self.pk).filter(self.agency_fixed_q())
        return stored.exclude(agency_id=self.agency_id).exists()


class ProposalPartner(Freezable):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="proposal_links")
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices)

    history = HistoricalRecords()
    frozen_parent = "proposal"
    frozen_message = LOCKED_MESSAGE

    class Meta(Freezable.Meta):
        ordering = ["proposal", "role", "partner__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "partner"], name="unique_partner_per_proposal"
            ),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(role="lead"),
                name="one_lead_partner_per_proposal",
                violation_error_message=_("A proposal has one lead partner."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_role_display()})"

    @classmethod
    def frozen_q(cls) -> Q:
        return Q(proposal__assessments__status__in=REVIEW_STATUSES)


@receiver(m2m_changed, sender=Proposal.contribution_types.through)
def refuse_contributions_of_locked_proposals(sender, instance, action, reverse, pk_set, **kwargs):
    """Contribution types are part of what was submitted: they lock with the proposal."""
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    if reverse:  # from a contribution type: `pk_set` holds proposals (None when clearing)
        proposals = Proposal.objects.filter(
            pk__in=instance.proposals.values("pk") if pk_set is None else pk_set
        )
    else:
        proposals = Proposal.objects.filter(pk=instance.pk)
    if proposals.filter(Proposal.frozen_q()).exists():
        raise FrozenRecordError(LOCKED_MESSAGE)
