import re

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from partnerships.admin_base import HistoryAdmin
from partnerships.checklists import services
from partnerships.checklists.models import Criterion, Framework, FrameworkStatus, PrincipleWeight
from partnerships.principles.models import Principle


def _editable(obj) -> bool:
    """Framework content can be edited only while its framework is a draft."""
    framework = obj if isinstance(obj, Framework) or obj is None else obj.framework
    return framework is None or framework.is_draft


class FrameworkContentMixin:
    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Content goes into a draft only: a published framework would refuse it on save.
        if db_field.name == "framework":
            kwargs["queryset"] = Framework.objects.filter(status=FrameworkStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FrameworkContentInline(FrameworkContentMixin):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return _editable(obj) and super().has_add_permission(request, obj)


class PrincipleWeightInline(FrameworkContentInline, admin.TabularInline):
    model = PrincipleWeight
    max_num = 8

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("principle")


class CriterionInline(FrameworkContentInline, admin.StackedInline):
    model = Criterion
    fields = [
        ("principle", "code", "position", "weight", "is_key", "allows_not_applicable"),
        ("question_en", "question_zh"),
        ("guidance_en", "guidance_zh"),
        ("evidence_en", "evidence_zh"),
        "basis",
    ]
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("principle")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # One query for the principle choices, not one per inline row.
        if db_field.name == "principle":
            kwargs["queryset"] = Principle.objects.order_by("number")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def next_version(version: str) -> str:
    """1.0 -> 1.1, 2 -> 3: the last number in the version goes up by one."""
    match = re.search(r"(\d+)(?!.*\d)", version)
    if not match:
        return f"{version}.1"
    return f"{version[: match.start()]}{int(match.group()) + 1}{version[match.end() :]}"


@admin.register(Framework)
class FrameworkAdmin(FrameworkContentMixin, HistoryAdmin):
    list_display = [
        "name", "version", "status", "criteria_count", "engage_threshold", "conditions_threshold",
        "published_at",
    ]  # fmt: skip
    list_filter = ["status", "name"]
    search_fields = ["name", "version"]
    # Status moves only through the actions, which check a draft before publishing it.
    readonly_fields = ["status", "based_on", "published_at", "retired_at"]
    inlines = [PrincipleWeightInline, CriterionInline]
    actions = ["publish", "create_new_version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(criteria_count=Count("criteria"))

    @admin.display(description=_("criteria"), ordering="criteria_count")
    def criteria_count(self, framework):
        return framework.criteria_count

    @admin.action(description=_("Publish the selected drafts"), permissions=["change"])
    def publish(self, request, queryset):
        for framework in queryset:
            try:
                services.framework_publish(framework=framework)
            except ValidationError as error:
                self.message_user(
                    request, f"{framework}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                self.message_user(request, _("%(f)s is published.") % {"f": framework})

    @admin.action(description=_("Create a new draft version"), permissions=["add"])
    def create_new_version(self, request, queryset):
        for framework in queryset:
            version = next_version(framework.version)
            while Framework.objects.filter(name=framework.name, version=version).exists():
                version = next_version(version)
            draft = services.framework_create_version(framework=framework, version=version)
            self.message_user(request, _("Created draft %(f)s.") % {"f": draft})


@admin.register(Criterion)
class CriterionAdmin(FrameworkContentMixin, HistoryAdmin):
    list_display = ["code", "framework", "principle", "weight", "is_key", "short_question"]
    list_filter = ["framework", "principle", "is_key"]
    list_select_related = ["framework", "principle"]
    search_fields = ["code", "question_en", "question_zh"]

    @admin.display(description=_("question"))
    def short_question(self, criterion):
        return criterion.question_en[:100]


@admin.register(PrincipleWeight)
class PrincipleWeightAdmin(FrameworkContentMixin, HistoryAdmin):
    list_display = ["framework", "principle", "weight"]
    list_filter = ["framework"]
    list_select_related = ["framework", "principle"]
