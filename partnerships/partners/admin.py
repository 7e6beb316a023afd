from django.contrib import admin

from partnerships.admin_base import HistoryAdmin
from partnerships.partners.models import KeyPerson, Partner
from partnerships.partners.services import PersonRow, key_people_save
from partnerships.sanctions.screening import screen_partners


class KeyPersonInline(admin.TabularInline):
    """Key people, saved through key_people_save (screened once the partner's are saved)."""

    model = KeyPerson
    extra = 1
    fields = ["name", "role", "date_of_birth", "nationality"]

    @staticmethod
    def rows(formset) -> list[PersonRow]:
        return [
            PersonRow(
                pk=form.instance.pk,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                date_of_birth=form.cleaned_data.get("date_of_birth"),
                nationality=form.cleaned_data.get("nationality") or "",
            )
            for form in formset.forms
            if form.has_changed() or form.instance.pk
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


@admin.register(Partner)
class PartnerAdmin(HistoryAdmin):
    """The registry. A rename is screened again (sanctions.signals); a partner named in a
    proposal, a pinned revision or a screening hit cannot be deleted."""

    list_display = [
        "legal_name", "partner_type", "country", "economy_group", "region",
        "global_compact_participant",
    ]  # fmt: skip
    list_filter = [
        "economy_group", "region", "partner_type", "global_compact_participant", "country",
    ]  # fmt: skip
    search_fields = ["legal_name", "other_names", "key_people__name"]
    inlines = [KeyPersonInline]
    readonly_fields = [
        "economy_group", "region", "classification_edition", "created_at", "updated_at",
    ]  # fmt: skip

    def save_model(self, request, obj, form, change):
        obj._screened_by_caller = True  # with its key people, by save_related
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        partner = form.instance
        del partner._screened_by_caller
        form.save_m2m()
        people = next((fs for fs in formsets if fs.model is KeyPerson), None)
        if people is None:  # a staff member who may not change key people
            screen_partners([partner])
            return
        people.save(commit=False)  # only records what changed, for the admin's log
        key_people_save(
            partner=partner, rows=KeyPersonInline.rows(people), user=None, author=request.user
        )

    fields = [
        "legal_name", "other_names", "partner_type", "country", "economy_group", "region",
        "classification_edition", "global_compact_participant", "website", "notes",
        "created_at", "updated_at",
    ]  # fmt: skip
