from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from partnerships.accounts.roles import Role
from partnerships.sanctions.models import HitStatus, ScreeningHit
from partnerships.sanctions.services import can_decide_hit, hit_decide


class HitDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (HitStatus.CLEARED, HitStatus.CLEARED.label),
            (HitStatus.CONFIRMED, HitStatus.CONFIRMED.label),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}))


def _get_hit_for_user(request, pk) -> ScreeningHit:
    """A hit on a partner of the user's agency's proposals (any, for Oversight); else 404."""
    hits = ScreeningHit.objects.select_related("partner")
    if not request.user.has_role(Role.OVERSIGHT):
        hits = hits.filter(partner__proposals__agency_id=request.user.agency_id).distinct()
    return get_object_or_404(hits, pk=pk)


@login_required
def hit_detail(request, pk):
    """A hit with how its score was made, the proposals of the user's agency it blocks,
    and the decision form for a reviewer who may decide it."""
    hit = _get_hit_for_user(request, pk)
    hit.can_decide = hit.status == HitStatus.OPEN and can_decide_hit(request.user, hit)
    proposals = hit.partner.proposals.select_related("latest_assessment__assessment")
    if not request.user.has_role(Role.OVERSIGHT):
        proposals = proposals.filter(agency_id=request.user.agency_id)
    context = {
        "hit": hit,
        "proposals": proposals.select_related("agency").order_by("-created_at", "-pk")[:50],
        "next": request.get_full_path(),
    }
    return render(request, "sanctions/hit.html", context)


@login_required
@require_POST
def hit_decision(request, pk):
    hit = _get_hit_for_user(request, pk)
    if not can_decide_hit(request.user, hit):
        raise PermissionDenied
    form = HitDecisionForm(request.POST)
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if not form.is_valid():
        messages.error(request, _("Choose clear or confirm, and explain the decision in the note."))
        return redirect(next_url)
    try:
        hit_decide(hit=hit, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The screening hit is %(status)s.") % {"status": hit.get_status_display()}
        )
    return redirect(next_url)
