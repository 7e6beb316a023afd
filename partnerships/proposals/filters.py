import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from partnerships.accounts.models import Agency
from partnerships.accounts.roles import Role
from partnerships.assessments.choices import AssessmentStatus, Outcome
from partnerships.partners.economies import EconomyGroup
from partnerships.partners.models import Partner
from partnerships.proposals.models import ProposalPartner
from partnerships.search import words_match

NOT_ASSESSED = "none"
# The proposal's newest assessment, through the stored pointer (assessments/latest.py).
NEWEST = "latest_assessment__assessment__"


def _with_partner(**conditions) -> Exists:
    """The proposal has a partner meeting `conditions`: EXISTS rather than a join, so
    that a proposal is listed once and nothing needs DISTINCT."""
    return Exists(ProposalPartner.objects.filter(proposal=OuterRef("pk"), **conditions))


class ProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Assessment status"),
        choices=[(NOT_ASSESSED, _("Not assessed yet")), *AssessmentStatus.choices],
        method="filter_status",
        empty_label=_("Any status"),
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=Outcome.choices,
        method="filter_outcome",
        empty_label=_("Any outcome"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=Partner.objects.all(),
        method="filter_partner",
        empty_label=_("Any partner"),
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
        if not user.has_role(Role.OVERSIGHT):
            del self.filters["agency"]

    def search(self, queryset, name, value):
        # Each word in the title, the summary or a partner's names.
        for word in value.split():
            partners = Partner.objects.filter(words_match(word, "legal_name", "other_names"))
            queryset = queryset.filter(
                words_match(word, "title", "summary")
                | Q(pk__in=ProposalPartner.objects.filter(partner__in=partners).values("proposal"))
            )
        return queryset

    def filter_status(self, queryset, name, value):
        if value == NOT_ASSESSED:
            return queryset.filter(latest_assessment__isnull=True)
        return queryset.filter(**{f"{NEWEST}status": value})

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
