import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerships.assessments.models import Assessment
from partnerships.frozen import Immutable


class SignedReview(Immutable):
    """The signed PDF report of a decided assessment, stored once and never regenerated."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="signed_review"
    )
    report_id = models.CharField(_("report ID"), max_length=40, unique=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer"),
    )
    signer_name = models.CharField(_("signed for"), max_length=200)
    signer_role = models.CharField(_("role"), max_length=100)
    certificate_subject = models.CharField(_("certificate"), max_length=300)
    certificate_sha256 = models.CharField(_("certificate SHA-256"), max_length=64)
    signed_at = models.DateTimeField(_("signed"))

    frozen_message = "A signed review never changes."

    class Meta(Immutable.Meta):
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return self.report_id

    @property
    def filename(self) -> str:
        return f"{self.report_id}.pdf"

    @property
    def stored_bytes_intact(self) -> bool:
        """Whether the stored PDF still has the SHA-256 recorded when it was signed."""
        return hashlib.sha256(bytes(self.pdf)).hexdigest() == self.sha256
