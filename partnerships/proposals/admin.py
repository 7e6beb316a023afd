from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partnerships.proposals.models import (
    ContributionType,
    PartnerRole,
    Proposal,
    ProposalPartner,
)


class OneLeadFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        leads = [
            form
            for form in self.forms
            if form.cleaned_data.get("role") == PartnerRole.LEAD
            and not form.cleaned_data.get("DELETE")
        ]
        if len(leads) > 1:
            raise ValidationError(_("A proposal has one lead partner."))


class ProposalPartnerInline(admin.TabularInline):
    model = ProposalPartner
    formset = OneLeadFormSet
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "agency",
        "partner_count",
        "value",
        "currency",
        "start_date",
        "end_date",
    ]
    list_filter = [
        "agency", "contribution_types", "requests_un_name_or_emblem", "requests_exclusivity",
        "partners__economy_group",
    ]  # fmt: skip
    list_select_related = ["agency"]
    search_fields = ["title", "summary", "partners__legal_name"]
    date_hierarchy = "created_at"
    inlines = [ProposalPartnerInline]
    filter_horizontal = ["contribution_types"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(partner_count=Count("partner_links", distinct=True))
        )

    @admin.display(description=_("partners"), ordering="partner_count")
    def partner_count(self, proposal):
        return proposal.partner_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ContributionType)
class ContributionTypeAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_zh", "key"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
