from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partnerships.assessments import services
from partnerships.assessments.choices import AssessmentStatus
from partnerships.assessments.models import (
    Answer,
    Assessment,
    Attachment,
    ExclusionQuestion,
    GateAnswer,
    StatusChange,
)

DECIDED = {AssessmentStatus.APPROVED, AssessmentStatus.REJECTED}


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["criterion", "rating", "not_applicable", "justification", "evidence_notes", "comment"]
    readonly_fields = ["criterion"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.status not in DECIDED) and super().has_change_permission(
            request, obj
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "pk", "proposal", "agency", "assessor", "framework", "status", "computed_outcome",
        "overall_score", "coverage", "decided_outcome", "decided_at",
    ]  # fmt: skip
    list_display_links = ["pk", "proposal"]
    list_filter = [
        "status", "computed_outcome", "decided_outcome", "framework", "proposal__agency",
    ]  # fmt: skip
    list_select_related = ["proposal__agency", "assessor", "framework"]
    search_fields = ["proposal__title", "assessor__username", "assessor__last_name"]
    date_hierarchy = "created_at"
    # The workflow moves assessments (partnerships.assessments.workflow); the admin
    # corrects answers of undecided ones and shows the rest.
    readonly_fields = [
        "proposal", "assessor", "framework", "classification_edition", "based_on", "status",
        "computed_outcome", "overall_score", "coverage", "reviewer", "decided_outcome",
        "decision_note", "conditions", "decision_justification", "submitted_at", "decided_at",
        "created_at", "updated_at",
    ]  # fmt: skip
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        # Assessments start from a proposal (services.assessment_create), not from a blank form.
        return False

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.status not in DECIDED) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.status not in DECIDED) and super().has_delete_permission(
            request, obj
        )

    @admin.display(description=_("agency"), ordering="proposal__agency__acronym")
    def agency(self, assessment):
        return assessment.proposal.agency

    def save_formset(self, request, form, formset, change):
        # Answers go through the service so the stored scores stay in step.
        answers = formset.save(commit=False)
        services.assessment_save_answers(
            assessment=form.instance,
            user=None,
            answers=[
                services.AnswerInput(
                    criterion=answer.criterion,
                    rating=answer.rating,
                    not_applicable=answer.not_applicable,
                    justification=answer.justification,
                    evidence_notes=answer.evidence_notes,
                    comment=answer.comment,
                )
                for answer in answers
            ],
        )


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    """All answers across assessments: where criteria are not met, and why."""

    list_display = ["assessment", "criterion", "rating", "not_applicable", "updated_at"]
    list_filter = [
        "rating", "not_applicable", "criterion__is_key", "criterion__principle",
        "assessment__status", "assessment__proposal__agency",
    ]  # fmt: skip
    list_select_related = ["assessment__proposal", "criterion"]
    search_fields = ["criterion__code", "justification", "evidence_notes", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Answers are edited inside their assessment, where scores are kept in step.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows written by the workflow: the admin shows them, never edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GateAnswer)
class GateAnswerAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "question", "response", "note", "updated_at"]
    list_filter = ["response", "question", "assessment__proposal__agency"]
    list_select_related = ["assessment__proposal", "question"]
    search_fields = ["note", "assessment__proposal__title"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "assessment", "criterion", "size", "sha256", "uploaded_at"]
    list_filter = ["content_type", "assessment__proposal__agency"]
    list_select_related = ["assessment__proposal", "criterion"]
    search_fields = ["original_name", "sha256"]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "from_status", "to_status", "user", "created_at"]
    list_filter = ["to_status", "assessment__proposal__agency"]
    list_select_related = ["assessment__proposal", "user"]
    date_hierarchy = "created_at"


@admin.register(ExclusionQuestion)
class ExclusionQuestionAdmin(admin.ModelAdmin):
    list_display = ["position", "key", "question_en", "basis"]
    list_display_links = ["key"]
    readonly_fields = ["key"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
