from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnerships.partners.forms import KeyPersonFormSet, key_person_initial
from partnerships.partners.models import Partner
from partnerships.partners.scoping import PROPOSALS_SCOPE, partners_visible_to
from partnerships.partners.services import (
    can_edit_key_people,
    key_people_save,
    key_people_version,
)

MIN_CHARS = 2
MAX_CHARS = 100
MAX_WORDS = 6
LIMIT = 20


def search_text(raw: str) -> str:
    """What to search for: a bounded number of words, without the NUL character
    PostgreSQL refuses in text."""
    words = raw.replace("\x00", "")[:MAX_CHARS].split()[:MAX_WORDS]
    return " ".join(words)


@login_required
@require_GET
def partner_search(request):
    """Up to 20 partners the user may see whose names hold every word typed, as
    `{"results": [{"id": .., "text": "Legal name (Country)"}]}` (one query)."""
    text = search_text(request.GET.get("q", ""))
    if len(text) < MIN_CHARS:
        return JsonResponse({"results": []})
    partners = (
        partners_visible_to(request.user, attachable=request.GET.get("scope") != PROPOSALS_SCOPE)
        .matching(text)
        .only("pk", "legal_name", "country")
        .order_by("legal_name", "pk")[:LIMIT]
    )
    return JsonResponse(
        {"results": [{"id": partner.pk, "text": partner.choice_label} for partner in partners]}
    )


def _get_partner_for_user(request, pk) -> Partner:
    """A partner of the proposals the user may see; 404 otherwise."""
    return get_object_or_404(partners_visible_to(request.user, attachable=False), pk=pk)


def _back(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    return url if url.startswith("/") and safe else ""


def _typed_over(data, partner: Partner, initial: list[dict]) -> KeyPersonFormSet:
    """The rows typed, for people removed meanwhile as new rows (saved again, they add
    the person back, knowingly), then rows for people added meanwhile (saved again,
    they stay)."""
    data = data.copy()
    stored = {str(row["pk"]): row for row in initial}
    typed = set()
    for key in [key for key in data if key.startswith("people-") and key.endswith("-pk")]:
        if data[key] not in stored:
            data[key] = ""
        typed.add(data[key])
    total = int(data.get("people-TOTAL_FORMS") or 0)
    for pk, row in stored.items():
        if pk not in typed:
            for field, value in row.items():
                data[f"people-{total}-{field}"] = "" if value is None else str(value)
            total += 1
    data["people-TOTAL_FORMS"] = str(total)
    return KeyPersonFormSet(data, prefix="people", initial=initial)


@login_required
def partner_key_people(request, pk):
    """The partner's key people (head, board members, owners), screened against the
    listed individuals; assessors of an agency working with the partner edit them."""
    partner = _get_partner_for_user(request, pk)
    can_edit = can_edit_key_people(request.user, partner)
    initial = key_person_initial(partner)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        formset = KeyPersonFormSet(request.POST, prefix="people", initial=initial)
        if formset.is_valid():
            try:
                key_people_save(
                    partner=partner,
                    rows=formset.rows(),
                    user=request.user,
                    expected_version=request.POST.get("version"),
                )
            except ValidationError as error:
                # Stale: keep what was typed, beside what is stored.
                if getattr(error, "code", None) == "stale":
                    formset = _typed_over(request.POST, partner, key_person_initial(partner))
                    status = 409
                else:
                    status = 400
                formset.is_valid()
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("Key people saved and screened."))
                return redirect(_back(request) or request.path)
        else:
            status = 400
    else:
        formset = KeyPersonFormSet(prefix="people", initial=initial)
    people = list(partner.key_people.all())  # as stored now
    hits = (
        partner.screening_hits.exclude(person_name="")
        .select_related("decided_by")
        .order_by("person_name", "-score")
    )
    context = {
        "partner": partner,
        "formset": formset,
        "can_edit": can_edit,
        "people": people,
        "version": key_people_version(people),
        "hits": hits,
        "stale": status == 409,
        "next": _back(request),
    }
    return render(request, "partners/key_people.html", context, status=status)
