from django.db.models import Count, Prefetch, Q
from django.shortcuts import render

from partnerships.checklists.models import Framework
from partnerships.principles.models import Principle, SourceParagraph


def about(request):
    """Public page: paragraph 2 of A/RES/56/76 in full, in both languages, and its principles."""
    framework = Framework.objects.current()
    principles = Principle.objects.order_by("number")
    if framework is not None:
        principles = principles.annotate(
            criteria_count=Count("criteria", filter=Q(criteria__framework=framework))
        )
    sources = SourceParagraph.objects.prefetch_related(
        Prefetch("principles", queryset=principles)
    ).order_by("document", "paragraph")
    return render(request, "principles/about.html", {"sources": sources, "framework": framework})
