from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a model that keeps a history: past versions can be read, never
    restored. django-simple-history's "Revert" saves a past version straight into the
    row, past the services and their checks (and asks only for view permission)."""

    # "12 results (100,000 total)" costs a count of the whole table on every page.
    show_full_result_count = False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the app writes (workflow, imports): the admin shows them, never edits them.

    Combine with HistoryAdmin (after this class) for models that keep a history.
    """

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
