from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from partnerships.admin_base import HistoryAdmin
from partnerships.proposals import services
from partnerships.proposals.models import (
    AGENCY_FIXED_MESSAGE,
    LOCKED_MESSAGE,
    ContributionType,
    PartnerRole,
    Proposal,
    ProposalPartner,
)


class PartnerLinkFormSet(BaseInlineFormSet):
    def rows(self) -> list[services.PartnerRow]:
        """The partners kept or added, for the service."""
        return [
            services.PartnerRow(
                role=form.cleaned_data["role"], partner=form.cleaned_data["partner"]
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        rows = self.rows()
        if not rows:
            raise ValidationError(_("Add at least one partner."))
        if sum(row.role == PartnerRole.LEAD for row in rows) > 1:
            raise ValidationError(_("A proposal has one lead partner."))


class ProposalAdminForm(forms.ModelForm):
    class Meta:
        widgets = {"contribution_types": forms.CheckboxSelectMultiple}

    def clean(self):
        # The agency is read-only once fixed and a read-only field is left out of the form;
        # a POST that still moves it (a page opened before) is told why, not ignored. The
        # model's clean() reports the other rules.
        posted = self.data.get("agency")
        if "agency" not in self.fields and posted and posted != str(self.instance.agency_id):
            raise ValidationError(AGENCY_FIXED_MESSAGE)
        return super().clean()


def _unlocked(proposal) -> bool:
    return proposal is None or not services.proposal_is_locked(proposal)


class ProposalPartnerInline(admin.StackedInline):  # labelled fields, unlike a tabular one
    model = ProposalPartner
    formset = PartnerLinkFormSet
    extra = 0
    autocomplete_fields = ["partner"]

    # The partners are part of what was submitted: they lock with the proposal.
    def has_add_permission(self, request, obj=None):
        return _unlocked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _unlocked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _unlocked(obj) and super().has_delete_permission(request, obj)


@admin.register(Proposal)
class ProposalAdmin(HistoryAdmin):
    form = ProposalAdminForm
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
    change_form_template = "admin/change_form_with_note.html"
    # Checkboxes: the few contribution types, each with its label (WCAG 4.1.2).
    fields = [
        "agency", "title", "summary", "objectives", "contribution_types", "value", "currency",
        "start_date", "end_date", "countries", "requests_un_name_or_emblem",
        "un_name_or_emblem_use", "requests_exclusivity", "exclusivity_details",
        "complementarity", "created_by", "created_at", "updated_at",
    ]  # fmt: skip
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def get_search_results(self, request, queryset, search_term):
        # The proposals list's search (indexed words), not an OR over a join.
        return queryset.matching(search_term), False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Counted for the rows shown, not by grouping the whole table.
            .annotate(
                partner_count=Coalesce(
                    Subquery(
                        ProposalPartner.objects.filter(proposal=OuterRef("pk"))
                        .order_by()
                        .values("proposal")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                )
            )
        )

    @admin.display(description=_("partners"), ordering="partner_count")
    def partner_count(self, proposal):
        return proposal.partner_count

    def get_readonly_fields(self, request, obj=None):
        # A crafted POST of a read-only field is ignored; the model's clean() reports
        # the lock to the form in any case (a page opened before the lock).
        if obj is not None and services.proposal_is_locked(obj):
            return self.fields
        if obj is not None and services.proposal_agency_is_fixed(obj):
            return ["agency", *self.readonly_fields]
        return self.readonly_fields

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and services.proposal_is_locked(obj):
            context.update(lock_note=LOCKED_MESSAGE, show_save=False, show_save_and_continue=False)
        elif obj is not None and services.proposal_agency_is_fixed(obj):
            context["lock_note"] = AGENCY_FIXED_MESSAGE
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        pass  # saved with its partners by save_related, through the service

    def save_related(self, request, form, formsets, change):
        (partner_links,) = formsets
        partner_links.save(commit=False)  # only records what changed, for the admin's log
        services.proposal_save(
            proposal=form.instance,
            user=None,
            author=request.user,
            partner_rows=partner_links.rows(),
            contribution_types=form.cleaned_data["contribution_types"],
        )


@admin.register(ContributionType)
class ContributionTypeAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_zh", "key"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
