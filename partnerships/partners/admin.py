from django.contrib import admin

from partnerships.admin_base import HistoryAdmin
from partnerships.partners.models import KeyPerson, Partner


class KeyPersonInline(admin.TabularInline):
    """Key people, screened against listed individuals when saved (sanctions.signals)."""

    model = KeyPerson
    extra = 1
    fields = ["name", "role", "date_of_birth", "nationality"]


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
    fields = [
        "legal_name", "other_names", "partner_type", "country", "economy_group", "region",
        "classification_edition", "global_compact_participant", "website", "notes",
        "created_at", "updated_at",
    ]  # fmt: skip
