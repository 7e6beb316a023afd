from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partnerships.accounts.roles import Role
from partnerships.assessments import permissions, revisions, services, workflow
from partnerships.assessments.choices import AssessmentStatus, Outcome
from partnerships.assessments.conflicts import answer_conflicts, gate_conflicts
from partnerships.assessments.forms import (
    AnswerForm,
    DecisionForm,
    GateAnswerForm,
    ReturnForm,
    WithdrawForm,
)
from partnerships.assessments.history import assessment_changes
from partnerships.assessments.home import my_work
from partnerships.assessments.models import Assessment, Attachment
from partnerships.assessments.selectors import (
    assessment_scorecard,
    assessment_sheet,
    assessment_summary,
    attachments_by_criterion,
    criteria_by_principle,
    header_and_history_versions,
)
from partnerships.formats.numbers import percent_text
from partnerships.frozen import FrozenRecordError
from partnerships.sanctions.models import SanctionsList
from partnerships.sanctions.services import proposal_hits

Status = AssessmentStatus


def get_assessment_for_user(request, pk) -> Assessment:
    """The assessment, if the user's agency may see it; 404 otherwise."""
    # The related rows every page needs, and no more: each further join costs more
    # (Django's compiling, the planner) than reading a small row (assessor, framework)
    # on its own.
    return get_object_or_404(
        Assessment.objects.for_user(request.user).select_related(
            "proposal__agency", "revision", "signed_review"
        ),
        pk=pk,
    )


def _return_note(assessment: Assessment) -> str:
    """The reviewer's comments, while the assessment is back with its assessor."""
    if assessment.status != Status.RETURNED:
        return ""
    last = assessment.status_changes.filter(to_status=Status.RETURNED).last()
    return last.note if last else ""


def _hits_for(user, assessment: Assessment, content: dict) -> list:
    """Live hits, which a reviewer may decide, until the decision; then the pinned ones."""
    if assessment.is_decided:
        return revisions.hit_views(content)
    hits = list(proposal_hits(assessment.proposal))
    decides = user.has_role(Role.REVIEWER) and user.agency_id == assessment.proposal.agency_id
    for hit in hits:
        hit.can_decide = decides
    return hits


def _closed_to_its_assessor(request, assessment: Assessment):
    """The assessor opening a form of their assessment once its status closes it is
    told why on its page (a redirect), rather than refused as if their role did not
    allow it; anyone else who may not edit it is refused (403)."""
    if permissions.can_edit(request.user, assessment):
        return None
    mine = permissions.is_owner(request.user, assessment) and permissions.same_agency(
        request.user, assessment
    )
    _require(mine)
    if assessment.status in (Status.SUBMITTED, Status.IN_REVIEW):
        reason = _(
            "This assessment is with the reviewer: it can be changed again only if they "
            "return it to you."
        )
    elif assessment.status == Status.WITHDRAWN:
        reason = _("This assessment was withdrawn: a withdrawn assessment no longer changes.")
    else:
        reason = _(
            "This assessment is decided: a decided assessment never changes. To assess the "
            "proposal again, start a new assessment from the proposal's page."
        )
    messages.info(request, reason)
    return redirect("assessment_detail", assessment.pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _posted_version(request) -> int:
    """The assessment version a posted form was based on. Missing or garbled reads as 0,
    which no assessment has: the save is refused as stale rather than risk an overwrite."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


@login_required
def home(request):
    """My work: what waits for me, each list its first 20 with the total."""
    user = request.user
    context = {
        **my_work(user),
        "is_reviewer": user.has_role(Role.REVIEWER),
        "is_oversight": user.has_role(Role.OVERSIGHT),
        "can_create": permissions.can_create_proposal(user),
    }
    return render(request, "assessments/home.html", context)


@login_required
def assessment_detail(request, pk):
    # Read before the assessment: what is kept under these versions is then rendered
    # from rows at least as new as they say. (Only a cache key: nothing is shown of it.)
    header_versions = header_and_history_versions(pk)
    assessment = get_assessment_for_user(request, pk)
    user = request.user
    can_edit = permissions.can_edit(user, assessment)
    content = revisions.assessed_content(assessment)
    gate = revisions.gate_views(content)
    signed_review = getattr(assessment, "signed_review", None)
    can_decide = permissions.can_decide(user, assessment)
    context = {
        # Read only if rendered: a signed decision's kept sections need none of it
        # (the template's signed_decision_fragment).
        "sheet": SimpleLazyObject(lambda: assessment_sheet(assessment)),
        "assessment": assessment,
        "assessed": revisions.proposal_view(content),
        "changes_since_decision": revisions.changes_since_decision(assessment),
        "return_note": _return_note(assessment),
        "audit_trail": assessment_changes(assessment) if user.has_role(Role.OVERSIGHT) else None,
        "signed_review": signed_review,
        "hits": _hits_for(user, assessment, content),
        "sanctions_list": SanctionsList.current(),
        "partners": revisions.partner_views(content),
        "gate_answers": gate,
        "gate_complete": can_edit and services.gate_is_complete(assessment),
        "gate_concerns": revisions.gate_concerns(gate),
        "timeline": assessment.status_changes.select_related("user"),
        "header_versions": header_versions,
        "can_edit": can_edit,
        "can_withdraw": permissions.can_withdraw(user, assessment),
        "can_start_review": permissions.can_start_review(user, assessment),
        "can_decide": can_decide,
        "submission_problems": workflow.submission_problems(assessment) if can_edit else [],
    }
    if can_decide:
        context["return_form"] = ReturnForm(prefix="return")
        context["decision_form"] = DecisionForm(
            assessment=assessment, initial={"outcome": _initial_outcome(assessment)}
        )
    return render(request, "assessments/detail.html", context)


def _initial_outcome(assessment: Assessment) -> str:
    return "" if assessment.computed_outcome == Outcome.INCOMPLETE else assessment.computed_outcome


@login_required
def assessment_gate(request, pk):
    assessment = get_assessment_for_user(request, pk)
    closed = _closed_to_its_assessor(request, assessment)
    if closed:
        return closed
    existing = {(g.question_id, g.partner_id): g for g in assessment.gate_answers.all()}
    items = services.gate_items(assessment)

    def make_form(item, data=None):
        stored = existing.get(item.key)
        initial = {"response": stored.response, "note": stored.note} if stored else {}
        return GateAnswerForm(data, item=item, initial=initial)

    conflict, status, version = None, 200, assessment.version
    if request.method == "POST":
        forms = [make_form(item, request.POST) for item in items]
        # Until saved, the form stays based on the version it was opened at.
        version = _posted_version(request)
        if all(form.is_valid() for form in forms):
            try:
                services.gate_save(
                    assessment=assessment,
                    user=request.user,
                    responses={
                        f.item: (f.cleaned_data["response"], f.cleaned_data["note"]) for f in forms
                    },
                    expected_version=version,
                )
            except services.StaleAssessment as stale:
                conflict, status, version = stale, 409, stale.version
                gate_conflicts(assessment, forms)
            else:
                messages.success(request, _("The exclusion gate is saved."))
                if any(f.cleaned_data["response"] == "yes" for f in forms):
                    messages.warning(
                        request,
                        _(
                            "A “yes” means this assessment cannot end in Engage: the reviewer "
                            "must decide with a written justification."
                        ),
                    )
                return redirect("assessment_answers", assessment.pk)
        else:
            status = 400
    else:
        forms = [make_form(item) for item in items]
    questions = []  # [(number, question, [form per partner])], in the gate's order
    for form in forms:
        if not questions or questions[-1][1] != form.question:
            questions.append((len(questions) + 1, form.question, []))
        questions[-1][2].append(form)
    return render(
        request,
        "assessments/gate.html",
        {
            "assessment": assessment,
            "forms": forms,
            "questions": questions,
            "invalid": [
                (number, form) for number, _q, group in questions for form in group if form.errors
            ],
            "version": version,
            "conflict": conflict,
            "differing": [form for form in forms if hasattr(form, "stored_meanwhile")],
        },
        status=status,
    )


def _answer_forms(assessment: Assessment, groups, data=None, files=None):
    existing = {a.criterion_id: a for a in assessment.answers.all()}
    for group in groups:
        group["forms"] = []
        for criterion in group["criteria"]:
            answer = existing.get(criterion.pk)
            initial = {}
            if answer:
                initial = {
                    "rating": answer.rating,
                    "not_applicable": answer.not_applicable,
                    "justification": answer.justification,
                    "evidence_notes": answer.evidence_notes,
                    "comment": answer.comment,
                }
            group["forms"].append(AnswerForm(data, files, criterion=criterion, initial=initial))
    return [form for group in groups for form in group["forms"]]


@login_required
def assessment_answers(request, pk):
    """The assessment form: every criterion under its principle, saved as a draft at any time."""
    assessment = get_assessment_for_user(request, pk)
    closed = _closed_to_its_assessor(request, assessment)
    if closed:
        return closed
    if not services.gate_is_complete(assessment):
        messages.info(request, _("First complete the exclusion gate."))
        return redirect("assessment_gate", assessment.pk)
    groups = criteria_by_principle(assessment)
    conflict, version = None, assessment.version
    if request.method == "POST":
        forms = _answer_forms(assessment, groups, request.POST, request.FILES)
        # Until saved, the form stays based on the version it was opened at.
        version = _posted_version(request)
        valid = [form.is_valid() for form in forms]
        if all(valid):
            try:
                services.assessment_save_answers(
                    assessment=assessment,
                    user=request.user,
                    answers=[form.answer_input() for form in forms],
                    uploads=[
                        (form.criterion, upload)
                        for form in forms
                        for upload in form.cleaned_data["files"]
                    ],
                    expected_version=version,
                )
            except services.StaleAssessment as stale:
                conflict, version = stale, stale.version
                answer_conflicts(assessment, forms)
            else:
                messages.success(request, _("Your answers are saved."))
                if "submit" in request.POST:
                    return redirect("assessment_detail", assessment.pk)
                return redirect("assessment_answers", assessment.pk)
        else:
            messages.error(
                request,
                _("Nothing was saved: please correct the %(n)s answers marked below.")
                % {"n": valid.count(False)},
            )
        card = assessment_scorecard(
            assessment, answers={form.criterion.code: form.preview_value() for form in forms}
        )
        status = 409 if conflict else 400
    else:
        forms = _answer_forms(assessment, groups)
        card = assessment_scorecard(assessment)
        status = 200
    scores = {p.principle: p for p in card.principles}
    attachments = attachments_by_criterion(assessment)
    for group in groups:
        group["score"] = scores.get(group["principle"].key)
        group["rows"] = [(form, attachments.get(form.criterion.pk, [])) for form in group["forms"]]
    return render(
        request,
        "assessments/answers.html",
        {
            "assessment": assessment,
            "return_note": _return_note(assessment),
            "groups": groups,
            "card": card,
            "error_forms": [form for form in forms if form.errors],
            # Browsers cannot keep chosen files across a page with errors.
            "files_dropped": request.method == "POST" and bool(request.FILES),
            "version": version,
            "conflict": conflict,
            "differing": [form for form in forms if hasattr(form, "stored_meanwhile")],
        },
        status=status,
    )


@login_required
@require_POST
def assessment_score_preview(request, pk):
    """Scores of the answers on screen, not saved: the form's live summary."""
    assessment = get_assessment_for_user(request, pk)
    _require(permissions.can_edit(request.user, assessment))
    criteria = assessment.framework.criteria.all()
    answers = {c.code: AnswerForm(request.POST, criterion=c).preview_value() for c in criteria}
    card = assessment_scorecard(assessment, answers=answers)

    return JsonResponse(
        {
            "principles": {p.principle: percent_text(p.percent) for p in card.principles},
            "overall": percent_text(card.overall_percent),
            "coverage": percent_text(card.coverage_percent),
            "outcome": card.outcome.label,
            "outcome_value": card.outcome.value,
            "key_failures": list(card.key_failures),
        }
    )


def _transition(request, pk, action, success_message, **kwargs):
    assessment = get_assessment_for_user(request, pk)
    try:
        action(assessment=assessment, user=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except FrozenRecordError:
        messages.error(request, _("Someone decided this assessment meanwhile: it cannot change."))
    else:
        messages.success(request, success_message)
    return redirect("assessment_detail", assessment.pk)


@login_required
@require_POST
def assessment_submit(request, pk):
    return _transition(request, pk, workflow.assessment_submit, _("Submitted for review."))


@login_required
def assessment_withdraw(request, pk):
    """A page of its own: withdrawing asks for a confirmation and a reason."""
    assessment = get_assessment_for_user(request, pk)
    _require(permissions.can_withdraw(request.user, assessment))
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.assessment_withdraw(
                assessment=assessment, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assessment is withdrawn."))
            return redirect("assessment_detail", assessment.pk)
    return render(
        request,
        "assessments/withdraw.html",
        {"assessment": assessment, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def assessment_start_review(request, pk):
    return _transition(
        request, pk, workflow.assessment_start_review, _("You are reviewing this assessment.")
    )


def render_review_form(request, assessment, form, form_name):
    """The reviewer's return or decision form again, with its errors (400)."""
    context = assessment_summary(assessment)
    return render(
        request,
        "assessments/review_form.html",
        {"assessment": assessment, "form": form, "form_name": form_name, **context},
        status=400,
    )


@login_required
@require_POST
def assessment_return(request, pk):
    assessment = get_assessment_for_user(request, pk)
    _require(permissions.can_decide(request.user, assessment))
    form = ReturnForm(request.POST, prefix="return")
    if not form.is_valid():
        return render_review_form(request, assessment, form, "return")
    workflow.assessment_return(
        assessment=assessment, user=request.user, note=form.cleaned_data["note"]
    )
    messages.success(request, _("The assessment is returned to its assessor."))
    return redirect("assessment_detail", assessment.pk)


def _get_attachment_for_user(request, pk) -> Attachment:
    return get_object_or_404(
        Attachment.objects.filter(
            assessment__in=Assessment.objects.for_user(request.user)
        ).select_related("assessment__proposal"),
        pk=pk,
    )


@login_required
def attachment_download(request, pk):
    attachment = _get_attachment_for_user(request, pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = _get_attachment_for_user(request, pk)
    assessment_id = attachment.assessment_id
    services.attachment_delete(attachment=attachment, user=request.user)
    messages.success(request, _("%(name)s is removed.") % {"name": attachment.original_name})
    return redirect("assessment_answers", assessment_id)
