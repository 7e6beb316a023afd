from django.contrib import admin

from partnerships.admin_base import HistoryAdmin, ReadOnlyAdmin
from partnerships.sanctions.models import SanctionsEntry, SanctionsList, ScreeningHit


@admin.register(SanctionsList)
class SanctionsListAdmin(ReadOnlyAdmin):
    list_display = ["date_generated", "imported_at", "individuals", "entities", "source"]


@admin.register(SanctionsEntry)
class SanctionsEntryAdmin(ReadOnlyAdmin):
    list_display = ["reference_number", "name", "kind", "un_list_type", "listed_on"]
    list_filter = ["kind", "un_list_type"]
    search_fields = ["name", "name_original_script", "names__name", "reference_number", "data_id"]


@admin.register(ScreeningHit)
class ScreeningHitAdmin(ReadOnlyAdmin, HistoryAdmin):
    """Hits are opened by screening and decided by a reviewer on the assessment page
    (services.hit_decide); they are never deleted, so a partner with hits stays too."""

    list_display = [
        "partner_name",
        "matched_name",
        "entry_reference",
        "score",
        "status",
        "list_date",
    ]
    list_filter = ["status"]
    list_select_related = ["partner"]
    search_fields = ["partner_name", "entry_name", "matched_name"]
    readonly_fields = [
        "partner", "entry", "entry_data_id", "entry_reference", "entry_name", "matched_name",
        "partner_name", "score", "list_date", "decided_by", "decided_at", "status", "note",
    ]  # fmt: skip
