from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from partnerships.admin_base import HistoryAdmin, ReadOnlyAdmin
from partnerships.sanctions.models import SanctionsEntry, SanctionsList, ScreeningHit


@admin.register(SanctionsList)
class SanctionsListAdmin(ReadOnlyAdmin, HistoryAdmin):
    """Lists are imported by `import_sanctions`; each shows what it changed."""

    list_display = [
        "date_generated", "imported_at", "individuals", "entities", "added", "removed",
        "renamed", "older_than_previous", "source",
    ]  # fmt: skip
    fields = [
        "date_generated", "imported_at", "source", "individuals", "entities", "previous",
        "older_than_previous", "added", "removed", "renamed", "changes_made",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("What changed since the replaced list"))
    def changes_made(self, sanctions_list):
        changes = sanctions_list.changes or {}
        rows = [
            (_("Added"), f"{reference or data_id} {name}")
            for data_id, reference, name in changes.get("added", [])
        ]
        rows += [
            (_("Removed"), f"{reference or data_id} {name}")
            for data_id, reference, name in changes.get("removed", [])
        ]
        rows += [
            (
                _("Names changed"),
                f"{reference or data_id} {name}: − {'; '.join(dropped) or '—'} / "
                f"+ {'; '.join(new) or '—'}",
            )
            for data_id, reference, name, dropped, new in changes.get("renamed", [])
        ]
        if not rows:
            return _("Nothing (or the first list imported).")
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><strong>{}</strong>: {}</li>", rows),
        )


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
    list_filter = ["status", ("delisted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["partner"]
    search_fields = ["partner_name", "entry_name", "matched_name"]
    readonly_fields = [
        "partner", "entry", "entry_data_id", "entry_reference", "entry_name", "matched_name",
        "partner_name", "score", "explanation", "list_date", "decided_by", "decided_at", "status",
        "note", "delisted_at",
    ]  # fmt: skip
