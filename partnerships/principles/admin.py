from django.contrib import admin

from partnerships.principles.models import Principle, SourceParagraph


class ReferenceTextAdmin(admin.ModelAdmin):
    """Official texts are loaded by migrations; the admin only records their verification."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourceParagraph)
class SourceParagraphAdmin(ReferenceTextAdmin):
    list_display = ["citation", "document_title_en", "text_en_verified", "text_zh_verified"]
    readonly_fields = [
        "document", "paragraph", "document_title_en", "document_title_zh", "text_en", "text_zh",
    ]  # fmt: skip


@admin.register(Principle)
class PrincipleAdmin(ReferenceTextAdmin):
    list_display = ["number", "short_name_en", "short_name_zh", "wording_en", "wording_en_verified"]
    list_display_links = ["number", "short_name_en"]
    search_fields = ["key", "short_name_en", "short_name_zh", "wording_en", "wording_zh"]
    readonly_fields = [
        "key", "number", "source", "short_name_en", "short_name_zh", "wording_en", "wording_zh",
    ]  # fmt: skip
