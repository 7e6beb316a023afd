from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partnerships.assessments import permissions, revisions
from partnerships.assessments.models import Assessment
from partnerships.assessments.workflow import assessment_start, last_approved
from partnerships.pagination import page_of
from partnerships.proposals.filters import ProposalFilter
from partnerships.proposals.forms import PartnerRowFormSet, ProposalForm, partner_row_initial
from partnerships.proposals.models import Proposal, ProposalPartner
from partnerships.proposals.services import proposal_is_locked, proposal_save
from partnerships.row_formsets import typed_values, with_more_rows

PAGE_SIZE = 25


def _get_proposal_for_user(request, pk) -> Proposal:
    """The proposal, if the user's agency may see it; 404 otherwise."""
    return get_object_or_404(
        Proposal.objects.for_user(request.user).select_related("agency", "created_by"), pk=pk
    )


def _partner_links():
    return Prefetch("partner_links", queryset=ProposalPartner.objects.select_related("partner"))


@login_required
def proposal_list(request):
    proposals = (
        Proposal.objects.for_user(request.user)
        .select_related("agency", "latest_assessment__assessment")
        .prefetch_related(_partner_links())
        .order_by("-created_at", "-pk")
    )
    filters = ProposalFilter(request.GET, queryset=proposals, user=request.user)
    page = page_of(filters.qs, proposals, request.GET.get("page"), PAGE_SIZE)
    for proposal in page.object_list:
        pointer = getattr(proposal, "latest_assessment", None)
        proposal.newest = pointer.assessment if pointer else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_create": permissions.can_create_proposal(request.user),
        },
    )


@login_required
def proposal_detail(request, pk):
    proposal = _get_proposal_for_user(request, pk)
    links = proposal.partner_links.select_related("partner")
    assessments = proposal.assessments.select_related("assessor", "reviewer", "framework")
    decision = revisions.latest_decision(proposal)
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "links": links,
            "assessments": assessments,
            "can_edit": permissions.can_edit_proposal(request.user, proposal)
            and not proposal_is_locked(proposal),
            "can_assess": permissions.can_assess(request.user, proposal),
            "prefill_from": last_approved(proposal),
            "decision": decision,
            "changes_since_decision": revisions.changes_since_decision(decision)
            if decision
            else None,
        },
    )


# The name of the form's "Add another partner" submit button.
MORE_PARTNERS = "more_partners"


def _proposal_form(request, proposal: Proposal):
    formset_initial = partner_row_initial(proposal) if proposal.pk else []
    if request.method == "POST" and MORE_PARTNERS in request.POST:
        # "Add another partner" without JavaScript: the page again, as typed, one row more.
        typed = ProposalForm(request.POST, instance=proposal)
        form = ProposalForm(instance=proposal, initial=typed_values(typed))
        formset = with_more_rows(
            PartnerRowFormSet(request.POST, prefix="partners", initial=formset_initial)
        )
    elif request.method == "POST":
        form = ProposalForm(request.POST, instance=proposal)
        formset = PartnerRowFormSet(request.POST, prefix="partners", initial=formset_initial)
        if form.is_valid() and formset.is_valid():
            try:
                saved = proposal_save(
                    proposal=form.instance,
                    user=request.user,
                    partner_rows=formset.rows(),
                    contribution_types=form.cleaned_data["contribution_types"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The proposal is saved."))
                return redirect("proposal_detail", saved.pk)
    else:
        form = ProposalForm(instance=proposal)
        formset = PartnerRowFormSet(prefix="partners", initial=formset_initial)
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "formset": formset,
            "media": form.media + formset.media,
            "proposal": proposal,
            "more_partners": MORE_PARTNERS,
        },
    )


@login_required
def proposal_create(request):
    if not permissions.can_create_proposal(request.user):
        raise PermissionDenied
    return _proposal_form(request, Proposal(agency=request.user.agency))


@login_required
def proposal_edit(request, pk):
    proposal = _get_proposal_for_user(request, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    if proposal_is_locked(proposal):
        messages.error(
            request, _("An assessment of this proposal is under review: it cannot change now.")
        )
        return redirect("proposal_detail", proposal.pk)
    return _proposal_form(request, proposal)


@login_required
@require_POST
def proposal_assess(request, pk):
    proposal = _get_proposal_for_user(request, pk)
    try:
        assessment: Assessment = assessment_start(proposal=proposal, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("proposal_detail", proposal.pk)
    if assessment.based_on_id:
        messages.info(request, _("The new assessment is pre-filled from the last approved one."))
    return redirect("assessment_gate", assessment.pk)
