"""Every page the scale issue names, timed through the full middleware stack.

`subjects_pick()` chooses who looks at what by one rule for any portfolio size, so that
the demo-sized and the large figures compare like with like: the assessor with the most
drafts, a reviewer and an Oversight user of the same agency, the agency's newest decided
assessment (a detail page that shows its pinned revision), the assessor's newest draft
(the assessment form), the proposals list's last page.

`pages_measure()` requests each page as its user (`django.test.Client`, logged in with
`force_login`: sessions, authentication, every middleware, the template rendered),
counts the queries of the last warm-up request (`CaptureQueriesContext`) and times the
next ones; a page slower than its time budget gets fewer samples (said in "samples").
"""

import math
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, reset_queries
from django.db.models import Case, Count, Q, When
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from partnerships.accounts.models import User
from partnerships.accounts.roles import Role
from partnerships.assessments.choices import DECIDED_STATUSES, AssessmentStatus
from partnerships.assessments.models import Assessment
from partnerships.benchmarks.vocabulary import SEARCH_WORD
from partnerships.proposals.models import Proposal

PAGE_SIZE = 25  # the proposals list's (proposals/views.py)
PAGE_NAMES = [
    "home_assessor", "home_reviewer", "home_oversight", "proposals", "proposals_search",
    "proposals_filter_status", "proposals_filter_economy_group", "proposals_last_page",
    "proposal_detail", "assessment_form", "assessment_detail", "dashboard_all",
    "dashboard_agency", "dashboard_period", "dashboard_partner_type", "admin_assessments",
    "admin_proposals_search", "export_assessments_csv",
]  # fmt: skip


class NoSubject(Exception):
    """The portfolio lacks a user or an assessment a page needs."""


@dataclass(frozen=True)
class Subjects:
    assessor: User
    reviewer: User
    oversight: User
    decided: Assessment
    draft: Assessment
    last_page: int

    def describe(self) -> dict:
        return {
            "agency": self.assessor.agency.acronym,
            "assessor": self.assessor.username,
            "reviewer": self.reviewer.username,
            "oversight": self.oversight.username,
            "decided_assessment": self.decided.pk,
            "proposal": self.decided.proposal_id,
            "draft": self.draft.pk,
            "last_page": self.last_page,
            "search_word": SEARCH_WORD,
        }


def _with_role(role: Role):
    return User.objects.filter(groups__name=role.value, is_active=True)


def subjects_pick() -> Subjects:
    assessor = (
        _with_role(Role.ASSESSOR)
        .annotate(drafts=Count("assessments", filter=Q(assessments__status=AssessmentStatus.DRAFT)))
        .filter(drafts__gt=0)
        .order_by("-drafts", "pk")
        .select_related("agency")
        .first()
    )
    if assessor is None:
        raise NoSubject("No assessor with a draft.")
    agency = assessor.agency
    reviewer = _with_role(Role.REVIEWER).filter(agency=agency).order_by("pk").first()
    oversight = (
        _with_role(Role.OVERSIGHT)
        .filter(is_staff=True)
        # One of the agency's own if there is one.
        .order_by(Case(When(agency=agency, then=0), default=1), "pk")
        .first()
    )
    decided = (
        Assessment.objects.filter(
            proposal__agency=agency, status__in=DECIDED_STATUSES, revision__isnull=False
        )
        .order_by("-decided_at", "-pk")
        .first()
    )
    draft = (
        assessor.assessments.filter(status=AssessmentStatus.DRAFT)
        .annotate(answered=Count("answers"))
        .order_by("-answered", "-created_at", "-pk")
        .first()
    )
    missing = [
        name
        for name, value in [("reviewer", reviewer), ("oversight", oversight), ("decided", decided)]
        if value is None
    ]
    if missing:
        raise NoSubject(f"No {', '.join(missing)} for agency {agency}.")
    last_page = max(1, math.ceil(Proposal.objects.count() / PAGE_SIZE))
    return Subjects(assessor, reviewer, oversight, decided, draft, last_page)


@dataclass(frozen=True)
class Page:
    name: str
    user: User
    url: str
    # How to fetch it; by default a GET of `url` whose whole body is read.
    fetch: Callable[[Client, "Page"], int] | None = None


def _get(client: Client, page: Page) -> int:
    response = client.get(page.url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def export_assessments_csv(client: Client, page: Page) -> int:
    """The whole assessments CSV as Oversight's export makes it, to its last byte.

    Where exports are background jobs (partnerships.jobs), the job's work: the file
    written by `write_export`, timed in this process (no worker to wait for); before
    that, the streaming export view, read to the end. Repoint here when the export path
    changes."""
    try:
        from partnerships.jobs.services import write_export
    except ImportError:
        return _get(client, page)
    with tempfile.TemporaryDirectory() as folder:
        write_export(
            Path(folder) / "assessments.csv",
            kind="assessments",
            file_format="csv",
            assessments=Assessment.objects.for_user(page.user),
            on_progress=lambda done: None,
        )
    return 200


def pages_for(subjects: Subjects) -> list[Page]:
    today = timezone.localdate()
    period = urlencode({"start": today - timedelta(days=365), "end": today})
    word = urlencode({"q": SEARCH_WORD})
    s = subjects
    pages = [
        Page("home_assessor", s.assessor, "/"),
        Page("home_reviewer", s.reviewer, "/"),
        Page("home_oversight", s.oversight, "/"),
        # The lists as Oversight sees them: every agency's proposals.
        Page("proposals", s.oversight, "/proposals/"),
        Page("proposals_search", s.oversight, f"/proposals/?{word}"),
        Page("proposals_filter_status", s.oversight, "/proposals/?status=approved"),
        Page("proposals_filter_economy_group", s.oversight, "/proposals/?economy_group=developing"),
        Page("proposals_last_page", s.oversight, f"/proposals/?page={s.last_page}"),
        Page("proposal_detail", s.assessor, f"/proposals/{s.decided.proposal_id}/"),
        Page("assessment_form", s.assessor, f"/assessments/{s.draft.pk}/answers/"),
        Page("assessment_detail", s.assessor, f"/assessments/{s.decided.pk}/"),
        Page("dashboard_all", s.oversight, "/oversight/"),
        Page("dashboard_agency", s.oversight, f"/oversight/?agency={s.assessor.agency_id}"),
        Page("dashboard_period", s.oversight, f"/oversight/?{period}"),
        Page("dashboard_partner_type", s.oversight, "/oversight/?partner_type=business_large"),
        Page("admin_assessments", s.oversight, "/admin/assessments/assessment/"),
        Page("admin_proposals_search", s.oversight, f"/admin/proposals/proposal/?{word}"),
        Page(
            "export_assessments_csv",
            s.oversight,
            "/oversight/exports/assessments.csv",
            fetch=export_assessments_csv,
        ),
    ]
    assert [p.name for p in pages] == PAGE_NAMES
    return pages


def nearest_rank(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


@dataclass
class Measure:
    requests: int = 20
    warmups: int = 2
    budget: float = 120.0  # seconds per page; a slower page gets fewer samples

    def page(self, page: Page, client: Client) -> dict:
        fetch = page.fetch or _get
        started = time.perf_counter()
        samples: list[float] = []
        failed = None  # the status of a request that did not answer 200
        for _warmup in range(max(1, self.warmups)):
            # Each request empties the query log as it starts: start the capture at 0.
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                status, seconds = self._timed(fetch, client, page)
            queries = len(captured)
            failed = failed or (status if status != 200 else None)
            if not self.warmups or time.perf_counter() - started > self.budget:
                # No warm-up asked for, or too slow to repeat: this request is the figure.
                samples = [seconds]
                break
        while not samples or (
            len(samples) < self.requests and time.perf_counter() - started <= self.budget
        ):
            status, seconds = self._timed(fetch, client, page)
            samples.append(seconds)
            failed = failed or (status if status != 200 else None)
        result = {
            "median_ms": round(statistics.median(samples) * 1000, 1),
            "p95_ms": round(nearest_rank(samples, 95) * 1000, 1),
            "queries": queries,
            "samples": len(samples),
        }
        if failed:
            result["status"] = failed
        return result

    @staticmethod
    def _timed(fetch, client, page) -> tuple[int, float]:
        start = time.perf_counter()
        status = fetch(client, page)
        return status, time.perf_counter() - start


def pages_measure(
    measure: Measure, log: Callable[[str], None] = lambda line: None
) -> tuple[dict[str, dict], Subjects]:
    """{page name: {"median_ms", "p95_ms", "queries", "samples"[, "status"]}}."""
    subjects = subjects_pick()
    host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), None)
    clients: dict[int, Client] = {}
    results = {}
    # As in production: DEBUG off (no query log) while timing; the capture of the query
    # counts turns the log on for its own request.
    with override_settings(DEBUG=False):
        for page in pages_for(subjects):
            client = clients.get(page.user.pk)
            if client is None:
                client = Client(
                    raise_request_exception=False, **({"HTTP_HOST": host} if host else {})
                )
                client.force_login(page.user)
                clients[page.user.pk] = client
            results[page.name] = measure.page(page, client)
            row = results[page.name]
            log(
                f"  {page.name:<32} {row['median_ms']:>9.1f} ms {row['p95_ms']:>9.1f} ms "
                f"{row['queries']:>5} q  n={row['samples']}"
                + (f"  status {row['status']}" if "status" in row else "")
            )
    return results, subjects
