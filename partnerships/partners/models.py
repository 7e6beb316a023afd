from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from partnerships.partners import economies
from partnerships.partners.economies import EconomyGroup
from partnerships.search import words_match


class PartnerType(models.TextChoices):
    BUSINESS_LARGE = "business_large", _("Business — large enterprise")
    BUSINESS_SME = "business_sme", _("Business — small or medium-sized enterprise")
    FOUNDATION = "foundation", _("Foundation")
    NGO = "ngo", _("NGO / civil society")
    ACADEMIC = "academic", _("Academic or research institution")
    GOVERNMENT = "government", _("Government")
    MULTILATERAL = "multilateral", _("Multilateral organization")
    OTHER = "other", _("Other")


class HttpsURLField(models.URLField):
    """A URL field whose form adds https:// to an address typed without a scheme."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class PartnerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # The group follows the country on every path, bulk updates included.
        if "country" in kwargs:
            country = str(kwargs["country"])
            kwargs["economy_group"] = economies.economy_group_of(country)
            kwargs["region"] = economies.region_of(country)
            kwargs["classification_edition"] = economies.EDITION
        return super().update(**kwargs)

    def matching(self, text: str):
        """Partners whose legal name or other names hold every word of `text`, in any case
        (the pickers' search; see partnerships/search.py for the indexes)."""
        partners = self
        for word in text.split():
            partners = partners.filter(words_match(word, "legal_name", "other_names"))
        return partners

    def in_proposals(self, proposals):
        """Partners of any of these proposals: an EXISTS, so no join and no DISTINCT."""
        links = self.model.proposals.through.objects.filter(
            partner=OuterRef("pk"), proposal__in=proposals
        )
        return self.filter(Exists(links))


class PartnerManager(models.Manager.from_queryset(PartnerQuerySet)):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for partner in objs:
            partner.classify()
        return super().bulk_create(objs, *args, **kwargs)


class Partner(models.Model):
    """An organization the UN may partner with, kept in one registry for every agency."""

    legal_name = models.CharField(_("legal name"), max_length=300)
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Trading names, former names, names in other scripts: one per line."),
    )
    partner_type = models.CharField(_("type"), max_length=20, choices=PartnerType.choices)
    country = CountryField(_("country"), help_text=_("Country of registration or headquarters."))
    economy_group = models.CharField(
        _("economy group"), max_length=12, choices=EconomyGroup.choices, editable=False
    )
    region = models.CharField(_("region"), max_length=12, editable=False, db_index=True, default="")
    classification_edition = models.CharField(
        _("classification edition"), max_length=40, editable=False
    )
    global_compact_participant = models.BooleanField(
        _("UN Global Compact participant"), default=False
    )
    website = HttpsURLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PartnerManager()

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(economy_group__in=EconomyGroup.values), name="partner_economy_group_set"
            )
        ]
        indexes = [models.Index(fields=["economy_group"]), models.Index(fields=["partner_type"])]

    def __str__(self) -> str:
        return self.legal_name

    def save(self, *args, **kwargs):
        self.classify()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "country" in update_fields:
            kwargs["update_fields"] = {
                *update_fields, "economy_group", "region", "classification_edition",
            }  # fmt: skip
        super().save(*args, **kwargs)

    @property
    def choice_label(self) -> str:
        """The name and country, as the partner pickers show it (country in the user's
        language)."""
        return f"{self.legal_name} ({self.country.name})"

    @property
    def other_names_list(self) -> list[str]:
        return self.split_other_names(self.other_names)

    @staticmethod
    def split_other_names(text: str) -> list[str]:
        """Other names are kept one a line."""
        return [name.strip() for name in text.splitlines() if name.strip()]

    def clean(self) -> None:
        # Derive the group first, so that validation sees it (an unknown country is
        # reported at the country field).
        if self.country.code in economies.classifications():
            self.classify()

    def classify(self) -> None:
        """The group is derived from the country, never typed in."""
        self.economy_group = economies.economy_group_of(self.country.code)
        self.region = economies.region_of(self.country.code)
        self.classification_edition = economies.EDITION


class KeyPersonRole(models.TextChoices):
    HEAD = "head", _("Head of the organization")
    BOARD = "board", _("Board member")
    OWNER = "owner", _("Owner with a significant share")


class KeyPerson(models.Model):
    """Someone who runs, governs or owns a partner: screened against listed individuals."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="key_people", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=10, choices=KeyPersonRole.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner", "role", "name", "pk"]
        verbose_name = _("key person")
        verbose_name_plural = _("key people")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"
