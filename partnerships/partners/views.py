from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from partnerships.partners.scoping import PROPOSALS_SCOPE, partners_visible_to

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
