from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.partners.models import KeyPerson, KeyPersonRole, Partner


class SanctionsList(models.Model):
    """One import of the Security Council Consolidated List; the newest is in force.

    It records what changed since the list it replaced: entries added, removed, and
    entries whose names changed (`changes`: DATAID, reference and names of each).
    """

    date_generated = models.DateTimeField(_("list generated"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=500)
    individuals = models.PositiveIntegerField(default=0)
    entities = models.PositiveIntegerField(default=0)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced list"),
    )
    # Imported with --allow-older: generated before the list it replaced.
    older_than_previous = models.BooleanField(_("older than the list it replaced"), default=False)
    added = models.PositiveIntegerField(_("entries added"), default=0)
    removed = models.PositiveIntegerField(_("entries removed"), default=0)
    renamed = models.PositiveIntegerField(_("entries renamed"), default=0)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("sanctions list")

    def __str__(self) -> str:
        return f"{self.date_generated:%Y-%m-%d} ({self.individuals + self.entities})"

    @classmethod
    def current(cls) -> "SanctionsList | None":
        return cls.objects.order_by("-imported_at", "-pk").first()


class EntryKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTITY = "entity", _("Entity")


class SanctionsEntry(models.Model):
    sanctions_list = models.ForeignKey(
        SanctionsList, on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    data_id = models.CharField("DATAID", max_length=20)
    name = models.CharField(_("name"), max_length=500)
    name_original_script = models.CharField(
        _("name in original script"), max_length=500, blank=True
    )
    un_list_type = models.CharField(_("list"), max_length=100, blank=True)
    reference_number = models.CharField(_("reference number"), max_length=50, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    comments = models.TextField(blank=True)
    # An individual's dates of birth as listed: {"date": "1960-01-31"}, {"year": 1960} or
    # {"from": 1958, "to": 1962}; nationalities as ISO codes (names the app could not
    # read as a country are left out).
    birth_dates = models.JSONField(_("dates of birth"), default=list, blank=True)
    nationalities = models.JSONField(_("nationalities"), default=list, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = _("sanctions entries")
        constraints = [
            models.UniqueConstraint(
                fields=["sanctions_list", "data_id"], name="one_entry_per_dataid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference_number or self.data_id} {self.name}"


class NameQuality(models.TextChoices):
    PRIMARY = "primary", _("Primary name")
    ORIGINAL_SCRIPT = "original", _("Original script")
    GOOD = "good", _("Good quality alias")
    AKA = "aka", _("a.k.a.")
    FKA = "fka", _("f.k.a. (former name)")
    LOW = "low", _("Low quality alias")


class SanctionsName(models.Model):
    """Every name an entry is known by, normalised once at import for matching."""

    entry = models.ForeignKey(SanctionsEntry, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=500)
    quality = models.CharField(max_length=10, choices=NameQuality.choices)
    normalized = models.CharField(max_length=500)

    def __str__(self) -> str:
        return self.name


class HitStatus(models.TextChoices):
    OPEN = "open", _("Open: to be reviewed")
    CLEARED = "cleared", _("Cleared: a false match")
    CONFIRMED = "confirmed", _("Confirmed: the partner is listed")
    DELISTED = "delisted", _("Closed: the entry was removed from the list")


class ScreeningHit(models.Model):
    """A potential match of a partner with a listed entry, for a person to clear or confirm.

    It keeps what was matched (names, score, list date) even after the list is replaced.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="screening_hits")
    # A hit on one of the partner's key people (None: on the partner's own names).
    person = models.ForeignKey(
        KeyPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="screening_hits"
    )
    person_name = models.CharField(_("person"), max_length=200, blank=True)
    person_role = models.CharField(_("person's role"), max_length=10, blank=True)
    entry = models.ForeignKey(
        SanctionsEntry, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entry_data_id = models.CharField("DATAID", max_length=20)
    entry_reference = models.CharField(_("reference number"), max_length=50, blank=True)
    entry_name = models.CharField(_("listed name"), max_length=500)
    matched_name = models.CharField(_("matched listed name"), max_length=500)
    partner_name = models.CharField(_("partner name"), max_length=500)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    # How the score was made (matching.NameMatch.as_dict and the listed name's quality).
    explanation = models.JSONField(_("how the score was made"), default=dict, blank=True)
    list_date = models.DateTimeField(_("list generated"))
    status = models.CharField(max_length=10, choices=HitStatus.choices, default=HitStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The entry left the list (generated then): an open hit closes, a decided one keeps
    # its decision and this mark.
    delisted_at = models.DateTimeField(_("delisted by the list of"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "entry_data_id"],
                condition=models.Q(person_name=""),
                name="one_hit_per_partner_and_entry",
            ),
            # Per person recorded, not per name: two namesakes on a board are two people.
            models.UniqueConstraint(
                fields=["person", "entry_data_id"],
                condition=models.Q(person__isnull=False),
                name="one_hit_per_person_and_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_name} ~ {self.entry_name} ({self.score})"

    @property
    def status_label(self) -> str:
        return self.get_status_display()

    @property
    def person_role_label(self) -> str:
        labels = dict(KeyPersonRole.choices)
        return str(labels.get(self.person_role, self.person_role))
