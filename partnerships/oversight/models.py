from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerships.partners.economies import EconomyGroup


class RepresentationTarget(models.Model):
    """The share of partners an administrator wants from an economy group (principle 7)."""

    economy_group = models.CharField(
        _("economy group"), max_length=12, choices=EconomyGroup.choices, unique=True
    )
    target_share = models.PositiveSmallIntegerField(
        _("target share of partners (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["economy_group"]
        verbose_name = _("representation target")

    def __str__(self) -> str:
        return f"{self.get_economy_group_display()}: {self.target_share} %"
