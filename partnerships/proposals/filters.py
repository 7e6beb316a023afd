import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from partnerships.accounts.models import Agency
from partnerships.accounts.roles import Role
from partnerships.assessments.choices import (
    STATUS_GROUP_MEMBERS,
    AssessmentStatus,
    Outcome,
    StatusGroup,
)
from partnerships.assessments.home import ME, waiting_for_review
from partnerships.partners.economies import EconomyGroup
from partnerships.partners.models import Partner
from partnerships.partners.scoping import PROPOSALS_SCOPE, partners_visible_to
from partnerships.partners.widgets import PartnerSearchSelect
from partnerships.proposals.models import ProposalPartner

NOT_ASSESSED = "none"


class StatusSelect(forms.Select):
    """One status, or group of statuses, chosen in the form; several may come from a link
    (?status=a&status=b): when they are exactly a group's, the select shows that group,
    so that filtering further keeps them."""

    multiple_values = True  # read by templates/_filter_field.html

    def value_from_datadict(self, data, files, name):
        values = [value for value in data.getlist(name) if value]
        for group, members in STATUS_GROUP_MEMBERS.items():
            if len(values) > 1 and set(values) == set(members):
                return [group.value]
        return values


# The proposal's newest assessment, through the stored pointer (assessments/latest.py).
NEWEST = "latest_assessment__assessment__"


def _with_partner(**conditions) -> Exists:
    """The proposal has a partner meeting `conditions`: EXISTS rather than a join, so
    that a proposal is listed once and nothing needs DISTINCT."""
    return Exists(ProposalPartner.objects.filter(proposal=OuterRef("pk"), **conditions))


class ProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    # One status, or a group of them (My work's links: awaiting decision, decided), from
    # the form's select; several statuses from a link (StatusSelect).
    status = django_filters.MultipleChoiceFilter(
        label=_("Assessment status"),
        choices=[
            ("", _("Any status")),
            (NOT_ASSESSED, _("Not assessed yet")),
            *AssessmentStatus.choices,
            *StatusGroup.choices,
        ],
        method="filter_status",
        widget=StatusSelect,
    )
    # My work's links: the newest assessment is mine, or waits for my review.
    assessor = django_filters.ChoiceFilter(
        choices=[(ME, ME)], method="filter_assessor", widget=forms.HiddenInput
    )
    review = django_filters.ChoiceFilter(
        choices=[(ME, ME)], method="filter_review", widget=forms.HiddenInput
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=Outcome.choices,
        method="filter_outcome",
        empty_label=_("Any outcome"),
    )
    # A search-as-you-type box: the registry is far too big to render as options.
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=Partner.objects.none(),
        method="filter_partner",
        empty_label=_("Any partner"),
        widget=PartnerSearchSelect(scope=PROPOSALS_SCOPE),
    )
    economy_group = django_filters.ChoiceFilter(
        label=_("Partner economy group"),
        choices=EconomyGroup.choices,
        method="filter_economy_group",
        empty_label=_("Any economy group"),
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.all(), empty_label=_("Any agency")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_user = user
        if not user.has_role(Role.OVERSIGHT):
            del self.filters["agency"]
        # Only partners of proposals the user may see: another partner would list
        # nothing, and its name is not theirs to learn through this filter.
        self.filters["partner"].queryset = partners_visible_to(user, attachable=False)

    def search(self, queryset, name, value):
        return queryset.matching(value)

    def filter_status(self, queryset, name, value):
        statuses = {
            status
            for chosen in value
            if chosen != NOT_ASSESSED
            for status in STATUS_GROUP_MEMBERS.get(chosen, [chosen])
        }
        condition = Q(**{f"{NEWEST}status__in": sorted(statuses)})
        if NOT_ASSESSED in value:
            condition |= Q(latest_assessment__isnull=True)
        return queryset.filter(condition)

    def filter_assessor(self, queryset, name, value):
        return queryset.filter(**{f"{NEWEST}assessor_id": self.request_user.pk})

    def filter_review(self, queryset, name, value):
        return queryset.filter(
            latest_assessment__assessment__in=waiting_for_review(self.request_user)
        )

    def filter_outcome(self, queryset, name, value):
        # A decision replaces the computed outcome.
        return queryset.filter(
            Q(**{f"{NEWEST}decided_outcome": value})
            | Q(**{f"{NEWEST}decided_outcome": "", f"{NEWEST}computed_outcome": value})
        )

    def filter_partner(self, queryset, name, value):
        return queryset.filter(_with_partner(partner=value))

    def filter_economy_group(self, queryset, name, value):
        return queryset.filter(_with_partner(partner__economy_group=value))
