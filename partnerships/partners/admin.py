from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partnerships.partners.models import Partner


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = [
        "legal_name", "partner_type", "country", "economy_group", "global_compact_participant",
    ]  # fmt: skip
    list_filter = ["economy_group", "partner_type", "global_compact_participant", "country"]
    search_fields = ["legal_name", "other_names"]
    readonly_fields = ["economy_group", "classification_edition", "created_at", "updated_at"]
    fields = [
        "legal_name", "other_names", "partner_type", "country", "economy_group",
        "classification_edition", "global_compact_participant", "website", "notes",
        "created_at", "updated_at",
    ]  # fmt: skip
