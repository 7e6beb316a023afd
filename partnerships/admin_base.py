from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the app writes (workflow, imports): the admin shows them, never edits them.

    Combine with SimpleHistoryAdmin (after this class) for models that keep a history.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
