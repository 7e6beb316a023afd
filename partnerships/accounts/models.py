from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from partnerships.accounts.roles import Role


class Agency(models.Model):
    """A UN entity whose staff use the app; it scopes what they see."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, unique=True)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.acronym


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", verbose_name=_("agency")
    )

    REQUIRED_FIELDS = ["email", "agency"]

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read once per request (groups named after `Role`)."""
        names = {group.name for group in self.groups.all()}
        return frozenset(role for role in Role if role.value in names)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def reads_portfolio(self) -> bool:
        """Oversight reads every agency's portfolio, a Reviewer their agency's."""
        return self.has_role(Role.OVERSIGHT) or self.has_role(Role.REVIEWER)
