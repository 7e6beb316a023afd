"""Agency scoping: what a user may see."""

from django.db.models import QuerySet

from partnerships.accounts.roles import Role


def visible_to(queryset: QuerySet, user, agency_field: str) -> QuerySet:
    """Rows of the user's agency; every agency's for Oversight; nothing for anonymous users."""
    if not user.is_authenticated:
        return queryset.none()
    if user.has_role(Role.OVERSIGHT):
        return queryset
    return queryset.filter(**{agency_field: user.agency_id})
