"""My work: the home page's lists. Each shows its first 20 with how many there are and a
link to the whole list (the proposals list, filtered), in a fixed number of queries that
each read a bounded number of rows, whatever the size of the portfolio."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from partnerships.accounts.roles import Role
from partnerships.assessments.choices import DECIDED_STATUSES, REVIEW_STATUSES, StatusGroup
from partnerships.assessments.choices import AssessmentStatus as Status
from partnerships.assessments.models import Assessment
from partnerships.proposals.models import ProposalPartner
from partnerships.sanctions.models import HitStatus, ScreeningHit

LIST_SIZE = 20
# Agency-wide lists (waiting for review, decisions) are counted up to this many, then
# shown as "more than 1000": an exact count of an agency's 40,000 decisions would read
# them all on every visit of the home page, for a figure nobody acts on.
COUNT_LIMIT = 1000
# The proposals list's filters for "my" lists (proposals/filters.py): `assessor=me`, the
# newest assessment is the user's; `review=me`, it waits for the user's review
# (`waiting_for_review`). An open assessment is always its proposal's newest (a proposal
# has at most one), so those lists link to exactly what they count.
ME = "me"
OPEN_STATUSES = [Status.DRAFT, Status.RETURNED, *REVIEW_STATUSES]


@dataclass(frozen=True)
class WorkList:
    items: list[Assessment]
    # The number of rows, or COUNT_LIMIT + 1 for more than COUNT_LIMIT.
    total: int
    url: str

    @property
    def is_cut(self) -> bool:
        return self.total > len(self.items)

    @property
    def is_over_limit(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def limit(self) -> int:
        return COUNT_LIMIT

    @property
    def badge(self) -> str:
        return f"{COUNT_LIMIT}+" if self.is_over_limit else str(self.total)


def proposals_url(**filters) -> str:
    return f"{reverse('proposal_list')}?{urlencode(filters, doseq=True)}"


def waiting_for_review(user):
    """What waits for this reviewer: submitted in their agency by someone else, or taken
    up by them."""
    return (
        Assessment.objects.filter(proposal__agency_id=user.agency_id)
        .filter(Q(status=Status.SUBMITTED) | Q(status=Status.IN_REVIEW, reviewer_id=user.pk))
        .exclude(assessor_id=user.pk)
    )


def open_hits_to_decide(user):
    """Open screening hits on partners of the reviewer's agency's proposals."""
    return ScreeningHit.objects.filter(
        status=HitStatus.OPEN,
        partner__in=ProposalPartner.objects.filter(proposal__agency_id=user.agency_id).values(
            "partner_id"
        ),
    )


def _agency_proposals(user) -> Prefetch:
    """Each hit's proposals of the user's agency (`hit.agency_links`), which it blocks."""
    links = ProposalPartner.objects.filter(proposal__agency_id=user.agency_id)
    return Prefetch(
        "partner__proposal_links",
        queryset=links.select_related("proposal__latest_assessment").order_by("proposal_id"),
        to_attr="agency_links",
    )


def _first(queryset) -> list[Assessment]:
    return list(queryset[:LIST_SIZE])


def _count_up_to_limit(queryset) -> int:
    # Unordered, so that the database stops at the limit instead of sorting everything.
    return queryset.order_by()[: COUNT_LIMIT + 1].count()


def my_work(user) -> dict[str, WorkList]:
    """drafts, returned, submitted, recent_decisions, and to_review for reviewers."""
    mine = Assessment.objects.filter(assessor_id=user.pk)
    shown = mine.select_related("proposal__agency").order_by("-created_at", "-pk")
    drafts = Q(status=Status.DRAFT)
    returned = Q(status=Status.RETURNED)
    submitted = Q(status__in=REVIEW_STATUSES)
    # One person's open work, counted exactly in one query.
    totals = mine.filter(status__in=OPEN_STATUSES).aggregate(
        drafts=Count("pk", filter=drafts),
        returned=Count("pk", filter=returned),
        submitted=Count("pk", filter=submitted),
    )
    lists = {
        "drafts": WorkList(
            _first(shown.filter(drafts)),
            totals["drafts"],
            proposals_url(assessor=ME, status=Status.DRAFT),
        ),
        "returned": WorkList(
            _first(shown.filter(returned)),
            totals["returned"],
            proposals_url(assessor=ME, status=Status.RETURNED),
        ),
        "submitted": WorkList(
            _first(shown.filter(submitted)),
            totals["submitted"],
            proposals_url(assessor=ME, status=StatusGroup.AWAITING_DECISION),
        ),
    }
    if user.has_role(Role.REVIEWER):
        hits = open_hits_to_decide(user)
        lists["hits_to_decide"] = WorkList(
            list(
                hits.select_related("partner")
                .prefetch_related(_agency_proposals(user))
                .order_by("-score", "created_at", "pk")[:LIST_SIZE]
            ),
            _count_up_to_limit(hits),
            "",
        )
        queue = waiting_for_review(user)
        lists["to_review"] = WorkList(
            # The longest waiting first.
            _first(
                queue.select_related("proposal__agency", "assessor").order_by("submitted_at", "pk")
            ),
            _count_up_to_limit(queue),
            proposals_url(review=ME),
        )
    decided = Assessment.objects.for_user(user).filter(status__in=DECIDED_STATUSES)
    lists["recent_decisions"] = WorkList(
        _first(
            decided.select_related("proposal__agency", "reviewer", "revision").order_by(
                "-decided_at", "-pk"
            )
        ),
        _count_up_to_limit(decided),
        # Proposals whose newest assessment is decided: a proposal re-assessed since its
        # decision is counted here but listed there under its new assessment's status.
        proposals_url(status=StatusGroup.DECIDED),
    )
    return lists
