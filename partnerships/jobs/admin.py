from django.contrib import admin

from partnerships.admin_base import ReadOnlyAdmin
from partnerships.jobs.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Exports users asked for, for an administrator to see what runs and what failed.
    Their files are downloaded only by whoever asked (the exports page)."""

    list_display = [
        "pk", "requested_by", "kind", "file_format", "scope_agency", "status", "rows_done",
        "rows_total", "requested_at", "finished_at", "expires_at",
    ]  # fmt: skip
    list_filter = ["status", "kind", "file_format"]
    list_select_related = ["requested_by", "scope_agency"]
    search_fields = ["requested_by__username", "error", "task_id"]
    exclude = ["file"]
