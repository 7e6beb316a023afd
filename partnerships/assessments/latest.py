"""Keeps `LatestAssessment`: which assessment lists show and the portfolio counts."""

from partnerships.assessments.choices import AssessmentStatus
from partnerships.assessments.models import Assessment, LatestAssessment

NEWEST_FIRST = ("-created_at", "-pk")


def latest_assessment_refresh(*, proposal_id: int) -> None:
    """Point the proposal at its newest assessment and its newest not withdrawn."""
    assessments = Assessment.objects.filter(proposal_id=proposal_id).order_by(*NEWEST_FIRST)
    newest = assessments.values_list("pk", flat=True).first()
    if newest is None:
        LatestAssessment.objects.filter(proposal_id=proposal_id).delete()
        return
    counted = (
        assessments.exclude(status=AssessmentStatus.WITHDRAWN).values_list("pk", flat=True).first()
    )
    LatestAssessment.objects.update_or_create(
        proposal_id=proposal_id, defaults={"assessment_id": newest, "counted_id": counted}
    )


def latest_assessment_rebuild(*, assessment_model=Assessment, latest_model=LatestAssessment) -> int:
    """Recompute every proposal's pointers (a migration, with its historical models; a
    repair; the benchmark's bulk load); answers how many proposals have assessments."""
    latest_model.objects.all().delete()
    newest: dict[int, int] = {}
    counted: dict[int, int] = {}
    rows = assessment_model.objects.order_by("proposal_id", *NEWEST_FIRST).values_list(
        "proposal_id", "pk", "status"
    )
    for proposal_id, pk, status in rows.iterator(chunk_size=5000):
        newest.setdefault(proposal_id, pk)
        if status != AssessmentStatus.WITHDRAWN:
            counted.setdefault(proposal_id, pk)
    latest_model.objects.bulk_create(
        [
            latest_model(proposal_id=p, assessment_id=a, counted_id=counted.get(p))
            for p, a in newest.items()
        ],
        batch_size=5000,
    )
    return len(newest)
