from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerships.i18n import Localized


class SourceParagraph(models.Model):
    """A paragraph of a UN document, in English and Chinese, that the app cites."""

    document = models.CharField(_("document symbol"), max_length=40)
    document_title_en = models.CharField(max_length=200)
    document_title_zh = models.CharField(max_length=200)
    paragraph = models.CharField(_("paragraph"), max_length=20)
    text_en = models.TextField()
    text_zh = models.TextField()
    text_en_verified = models.BooleanField(
        default=False,
        help_text=_(
            "Checked against the official document. Unverified texts are marked in the app."
        ),
    )
    text_zh_verified = models.BooleanField(default=False)
    source_note = models.TextField(blank=True)

    document_title = Localized("document_title")
    text = Localized("text")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "paragraph"], name="unique_source_paragraph"
            )
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        return f"{self.document}, para. {self.paragraph}"


class Principle(models.Model):
    """One of the eight principles of A/RES/56/76, operative paragraph 2."""

    key = models.SlugField(max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(unique=True, help_text=_("Order in paragraph 2"))
    source = models.ForeignKey(SourceParagraph, on_delete=models.PROTECT, related_name="principles")
    short_name_en = models.CharField(max_length=80)
    short_name_zh = models.CharField(max_length=80)
    wording_en = models.CharField(max_length=300)
    wording_zh = models.CharField(max_length=300)
    wording_en_verified = models.BooleanField(
        default=False, help_text=_("Checked against the official English text.")
    )

    short_name = Localized("short_name")
    wording = Localized("wording")

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_name_en}"

    @property
    def citation(self) -> str:
        return self.source.citation
