from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from partnerships.admin_base import HistoryAdmin, ReadOnlyAdmin
from partnerships.assessments import revisions, services
from partnerships.assessments.models import (
    ANSWERED_QUESTION_MESSAGE,
    Answer,
    Assessment,
    Attachment,
    ExclusionQuestion,
    GateAnswer,
    PrincipleScore,
    ProposalRevision,
    RevisionPartner,
    StatusChange,
)
from partnerships.jobs.admin_actions import job_answer
from partnerships.jobs.models import ExportFormat
from partnerships.jobs.services import selected_assessments_export_request


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
        # Answers are corrected only while the assessor may still change them: never
        # under review (four eyes) nor once decided.
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")


class AssessmentAdminForm(forms.ModelForm):
    # The version the page was opened at, as the assessor's own form carries it.
    edit_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Assessment
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"].initial = self.instance.version

    def clean_edit_version(self):
        version = self.cleaned_data["edit_version"]
        if version != Assessment.objects.values_list("version", flat=True).get(pk=self.instance.pk):
            raise forms.ValidationError(
                _(
                    "Someone saved this assessment while you were editing it: nothing was "
                    "saved. Reload the page to see what is stored now."
                )
            )
        return version


@admin.register(Assessment)
class AssessmentAdmin(HistoryAdmin):
    form = AssessmentAdminForm
    list_display = [
        "pk", "proposal_title", "agency", "assessor", "framework", "status", "computed_outcome",
        "overall_score", "coverage", "decided_outcome", "decided_at",
    ]  # fmt: skip
    list_display_links = ["pk", "proposal_title"]
    list_filter = [
        "proposal__agency", "status", "computed_outcome", "decided_outcome", "framework",
        "proposal__partners__economy_group", "proposal__partners__partner_type",
        ("decided_at", admin.DateFieldListFilter),
    ]  # fmt: skip
    actions = ["export_csv", "export_xlsx"]
    list_select_related = ["proposal__agency", "assessor", "framework", "revision"]
    search_fields = ["proposal__title", "assessor__username", "assessor__last_name"]
    date_hierarchy = "created_at"
    # The workflow moves assessments (partnerships.assessments.workflow); the admin
    # corrects answers of undecided ones and shows the rest.
    readonly_fields = [
        "proposal", "assessor", "framework", "classification_edition", "based_on", "status",
        "computed_outcome", "overall_score", "coverage", "reviewer", "decided_outcome",
        "decision_note", "conditions", "decision_justification", "submitted_at", "decided_at",
        "created_at", "updated_at", "assessed_revision",
    ]  # fmt: skip
    inlines = [AnswerInline]

    @admin.display(description=_("proposal"), ordering="proposal__title")
    def proposal_title(self, assessment):
        # A decided assessment is listed by what was decided, not by later edits.
        return assessment.assessed_title

    @admin.display(description=_("assessed revision"))
    def assessed_revision(self, assessment):
        return render_to_string(
            "admin/assessments/assessed_revision.html",
            {
                "revision": assessment.revision,
                "assessed": revisions.proposal_view(revisions.assessed_content(assessment)),
                "partners": revisions.partner_views(revisions.assessed_content(assessment)),
                "changes": revisions.changes_since_decision(assessment),
                "assessment": assessment,
            },
        )

    def has_add_permission(self, request):
        # Assessments start from a proposal (services.assessment_create), not from a blank form.
        return False

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # An assessment ends by withdrawal (workflow.assessment_withdraw), which keeps its
        # timeline; a submitted one is also held by its pinned revision.
        return False

    @admin.display(description=_("agency"), ordering="proposal__agency__acronym")
    def agency(self, assessment):
        return assessment.proposal.agency

    @admin.action(description=_("Export the selected assessments as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, ExportFormat.CSV)

    @admin.action(description=_("Export the selected assessments as XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, ExportFormat.XLSX)

    def _export(self, request, queryset, file_format: str):
        """A background job makes the file, as the portfolio's exports (partnerships/jobs)."""
        return job_answer(
            self,
            request,
            lambda: selected_assessments_export_request(
                user=request.user, assessments=queryset, file_format=file_format
            ),
        )

    def save_model(self, request, obj, form, change):
        # Every field of the assessment is read-only here (the workflow moves it): saving
        # the row as loaded could only write back stale values.
        pass

    def save_formset(self, request, form, formset, change):
        # Answers go through the service so the stored scores stay in step, based on the
        # version the page was opened at (an assessor's save since then is not overwritten),
        # and moving it on, so that an assessor's form opened before is refused in turn.
        answers = formset.save(commit=False)
        if not answers:
            return  # nothing changed: an assessor's open form stays current
        services.assessment_save_answers(
            assessment=form.instance,
            user=None,
            author=request.user,
            expected_version=form.cleaned_data["edit_version"],
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
class AnswerAdmin(ReadOnlyAdmin, HistoryAdmin):
    """All answers across assessments: where criteria are not met, and why."""

    list_display = ["assessment", "criterion", "rating", "not_applicable", "updated_at"]
    list_filter = [
        "rating", "not_applicable", "criterion__is_key", "criterion__principle",
        "assessment__status", "assessment__proposal__agency",
    ]  # fmt: skip
    list_select_related = ["assessment__proposal", "criterion"]
    search_fields = ["criterion__code", "justification", "evidence_notes", "comment"]
    # Answers are edited inside their assessment, where scores are kept in step.


@admin.register(GateAnswer)
class GateAnswerAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["assessment", "question", "partner", "response", "note", "updated_at"]
    list_filter = ["response", "question", "assessment__proposal__agency"]
    list_select_related = ["assessment__proposal", "question", "partner"]
    search_fields = ["note", "assessment__proposal__title", "partner__legal_name"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin, HistoryAdmin):
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


def _normalized(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


class ExclusionQuestionForm(forms.ModelForm):
    def clean(self):
        # The wording of an answered question is read-only; a POST that still carries a
        # changed wording (a page opened before the first answer) is told why, not ignored.
        data = super().clean()
        question = self.instance
        if question.is_answered() and any(
            name not in self.fields
            and name in self.data
            and _normalized(self.data[name]) != _normalized(getattr(question, name))
            for name in ExclusionQuestion.TEXT_FIELDS
        ):
            raise ValidationError(ANSWERED_QUESTION_MESSAGE)
        return data


@admin.register(ExclusionQuestion)
class ExclusionQuestionAdmin(admin.ModelAdmin):
    """The gate's questions. Once a version is answered its wording stays as answered
    (the model refuses a change); "Create a new version" retires it and copies its
    wording into the version the gate asks from then on."""

    form = ExclusionQuestionForm
    list_display = ["position", "key", "version", "question_en", "basis", "retired_at"]
    list_display_links = ["key"]
    list_filter = [("retired_at", admin.EmptyFieldListFilter)]
    fields = ["key", "version", "retired_at", "position", *ExclusionQuestion.TEXT_FIELDS]
    readonly_fields = ["key", "version", "retired_at"]
    actions = ["create_new_version"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # A retired version stays as it was when the gate asked it.
        return (obj is None or obj.retired_at is None) and super().has_change_permission(
            request, obj
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_answered():
            return [*self.readonly_fields, *ExclusionQuestion.TEXT_FIELDS]
        return self.readonly_fields

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.retired_at is None and obj.is_answered():
            context["lock_note"] = ANSWERED_QUESTION_MESSAGE
            if self.has_change_permission(request, obj):
                context["new_version_url"] = reverse(
                    "admin:assessments_exclusionquestion_new_version", args=[obj.pk]
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/new-version/",
                self.admin_site.admin_view(self.new_version_view),
                name="assessments_exclusionquestion_new_version",
            ),
            *super().get_urls(),
        ]

    def new_version_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        question = get_object_or_404(ExclusionQuestion, pk=object_id)
        new = self._new_version(request, question)
        target = new or question
        return redirect("admin:assessments_exclusionquestion_change", target.pk)

    @admin.action(description=_("Create a new version"), permissions=["change"])
    def create_new_version(self, request, queryset):
        for question in queryset:
            self._new_version(request, question)

    def _new_version(self, request, question) -> ExclusionQuestion | None:
        try:
            new = services.exclusion_question_new_version(question=question, user=request.user)
        except ValidationError as error:
            self.message_user(
                request, f"{question.key}: {' '.join(error.messages)}", messages.ERROR
            )
            return None
        self.message_user(
            request,
            _("Created version %(version)s of “%(key)s”; the previous version is retired.")
            % {"version": new.version, "key": new.key},
        )
        return new


@admin.register(PrincipleScore)
class PrincipleScoreAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "principle", "score", "answered", "applicable"]
    list_filter = ["principle", "assessment__proposal__agency", "assessment__status"]
    list_select_related = ["assessment__proposal", "principle"]


class RevisionPartnerInline(admin.TabularInline):
    model = RevisionPartner
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "legal_name", "role", "partner_type", "country", "economy_group", "region",
        "classification_edition",
    ]  # fmt: skip

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProposalRevision)
class ProposalRevisionAdmin(ReadOnlyAdmin):
    """What each assessment assessed, pinned at submission and at decision."""

    list_display = ["assessment", "stage", "title", "value", "currency", "created_at"]
    list_filter = ["stage", "assessment__proposal__agency"]
    list_select_related = ["assessment__proposal"]
    search_fields = ["title", "sha256"]
    fields = readonly_fields = [
        "assessment", "stage", "title", "value", "currency", "created_at", "sha256", "content",
    ]  # fmt: skip
    inlines = [RevisionPartnerInline]
