import django_filters
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from partnerships.accounts.models import Agency
from partnerships.accounts.roles import Role
from partnerships.assessments.choices import AssessmentStatus, Outcome
from partnerships.assessments.models import Assessment
from partnerships.partners.economies import EconomyGroup
from partnerships.partners.models import Partner

NOT_ASSESSED = "none"


def with_latest_assessment(queryset):
    """Annotate each proposal with its latest assessment's id, status and outcomes."""
    latest = Assessment.objects.filter(proposal=OuterRef("pk")).order_by("-created_at", "-pk")
    return queryset.annotate(
        latest_assessment_id=Subquery(latest.values("pk")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        latest_computed_outcome=Subquery(latest.values("computed_outcome")[:1]),
        latest_decided_outcome=Subquery(latest.values("decided_outcome")[:1]),
        latest_score=Subquery(latest.values("overall_score")[:1]),
    )


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
        field_name="partners",
        queryset=Partner.objects.order_by("legal_name"),
        empty_label=_("Any partner"),
        distinct=True,
    )
    economy_group = django_filters.ChoiceFilter(
        label=_("Partner economy group"),
        field_name="partners__economy_group",
        choices=EconomyGroup.choices,
        empty_label=_("Any economy group"),
        distinct=True,
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.all(), empty_label=_("Any agency")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_role(Role.OVERSIGHT):
            del self.filters["agency"]

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(partners__legal_name__icontains=word)
                | Q(partners__other_names__icontains=word)
            )
        return queryset.distinct() if words else queryset

    def filter_status(self, queryset, name, value):
        if value == NOT_ASSESSED:
            return queryset.filter(latest_status__isnull=True)
        return queryset.filter(latest_status=value)

    def filter_outcome(self, queryset, name, value):
        # A decision replaces the computed outcome.
        return queryset.filter(
            Q(latest_decided_outcome=value)
            | Q(latest_decided_outcome="", latest_computed_outcome=value)
        )
