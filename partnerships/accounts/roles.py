"""The four roles, kept as Django groups so administrators manage them in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ASSESSOR = "Assessor", _("Assessor")
    REVIEWER = "Reviewer", _("Reviewer")
    OVERSIGHT = "Oversight", _("Oversight")
    ADMINISTRATOR = "Administrator", _("Administrator")


# Models whose admin pages each role may use. Assessors and reviewers work in the
# staff pages, not the admin; oversight reads everything; administrators manage
# reference data and accounts.
_APP_LABELS = [
    "accounts", "principles", "checklists", "partners", "proposals", "assessments", "reports",
    "oversight", "sanctions",
]  # fmt: skip


def ensure_role_groups(sender=None, using="default", apps=None, **kwargs) -> None:
    """Create the role groups and give Oversight and Administrator their permissions.

    Runs after every migrate, so new models' permissions are granted too.
    """
    from django.contrib.auth.models import Group, Permission

    if sender is not None and sender.label not in {*_APP_LABELS, "auth"}:
        return

    groups = {role: Group.objects.using(using).get_or_create(name=role.value)[0] for role in Role}
    permissions = Permission.objects.using(using).filter(content_type__app_label__in=_APP_LABELS)
    groups[Role.OVERSIGHT].permissions.add(*permissions.filter(codename__startswith="view_"))
    groups[Role.ADMINISTRATOR].permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label__in=[*_APP_LABELS, "auth"])
    )
