"""`benchmark_scale` builds a portfolio a user would recognise, then measures every page.

A tiny portfolio (50 proposals) on PostgreSQL: what the lists, the dashboard and the
exports read must hold as if years of use had written it. The figures themselves are
never asserted (they are printed); that every page was measured at both sizes is.
"""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q

from partnerships.accounts.models import Agency
from partnerships.assessments.choices import DECIDED_STATUSES, AssessmentStatus
from partnerships.assessments.latest import latest_assessment_rebuild
from partnerships.assessments.models import (
    Answer,
    Assessment,
    GateAnswer,
    LatestAssessment,
    ProposalRevision,
    StatusChange,
)
from partnerships.assessments.revisions import content_sha256, live_content
from partnerships.assessments.selectors import assessment_scorecard
from partnerships.benchmarks import vocabulary
from partnerships.benchmarks.database import SMALL_SCHEMA
from partnerships.benchmarks.pages import PAGE_NAMES
from partnerships.checklists.models import Framework
from partnerships.demo import content
from partnerships.partners.economies import EconomyGroup
from partnerships.partners.models import Partner
from partnerships.proposals.models import Proposal
from partnerships.reports.models import SignedReview

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the benchmark builds with PostgreSQL's COPY and refuses SQLite",
)
# The command reconnects (the demo-sized database is a schema of its own) and commits.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BUILT = [acronym for acronym, _name in vocabulary.AGENCIES]
PROPOSALS = 50


def run(**options) -> str:
    out = StringIO()
    call_command("benchmark_scale", stdout=out, **options)
    return out.getvalue()


@on_postgresql
@transactional
def test_a_tiny_portfolio_holds_what_users_rely_on(tmp_path):
    figures = tmp_path / "figures.json"
    output = run(
        proposals=PROPOSALS,
        requests=1,
        warmups=0,
        signed=2,
        skip_throughput=True,
        json=str(figures),
    )
    assert "benchmark_scale: 18 pages measured" in output, output

    # Every page measured at both sizes, and each answered 200 to its user.
    report = json.loads(figures.read_text())
    assert list(report["pages"]) == PAGE_NAMES
    for name, sizes in report["pages"].items():
        for size in ("small", "large"):
            row = sizes[size]
            assert {"median_ms", "p95_ms", "queries"} <= set(row), (name, size)
            assert "status" not in row, (name, size, row)
    # The demo-sized database was its own, and is gone.
    assert report["subjects"]["small"]["last_page"] == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [SMALL_SCHEMA])
        assert cursor.fetchone() is None

    # Proposals: as many as asked, 1–3 partners each, exactly one of them the lead.
    proposals = Proposal.objects.filter(agency__acronym__in=BUILT)
    assert proposals.count() == PROPOSALS
    links = proposals.annotate(
        n=Count("partner_links"), leads=Count("partner_links", filter=Q(partner_links__role="lead"))
    )
    assert {p.n for p in links} <= {1, 2, 3}
    assert {p.leads for p in links} == {1}
    # About N/5 partners, of every economy group and region.
    partners = Partner.objects.exclude(legal_name__in=[name for name, *_rest in content.PARTNERS])
    assert partners.count() == PROPOSALS // 5
    assert set(partners.values_list("economy_group", flat=True)) == set(EconomyGroup.values)
    assert set(partners.values_list("region", flat=True)) == {
        "Africa", "Americas", "Asia", "Europe", "Oceania",
    }  # fmt: skip

    # Assessments: about one per proposal, statuses spread as in real use.
    assessments = Assessment.objects.filter(proposal__in=proposals)
    statuses = Counter(assessments.values_list("status", flat=True))
    assert set(statuses) == set(AssessmentStatus.values)
    assert statuses["approved"] + statuses["rejected"] > assessments.count() / 2
    assert assessments.filter(based_on__isnull=False).exists()  # re-assessments
    # All answers or none: answers = criteria × assessments that have answers.
    criteria = Framework.objects.current().criteria.count()
    answered = assessments.filter(answers__isnull=False).distinct()
    assert Answer.objects.filter(assessment__in=assessments).count() == criteria * answered.count()
    assert set(
        assessments.exclude(status=AssessmentStatus.DRAFT)
        .exclude(status=AssessmentStatus.WITHDRAWN)
        .values_list("pk", flat=True)
    ) <= set(answered.values_list("pk", flat=True))

    # Scores: what the engine computes, principle by principle.
    for assessment in assessments.select_related("framework"):
        card = assessment_scorecard(assessment)
        assert (assessment.overall_score, assessment.coverage, assessment.computed_outcome) == (
            card.overall_percent,
            card.coverage_percent,
            card.outcome,
        ), assessment.pk
        stored = {
            s.principle.key: (s.score, s.applicable, s.answered)
            for s in assessment.principle_scores.select_related("principle")
        }
        assert stored == {
            p.principle: (p.percent, p.applicable, p.answered) for p in card.principles
        }

    # Decided ones: the decision, the reviewer (not the assessor), the pinned revision as
    # the workflow would have pinned it, its partners, and the status history closed.
    decided = assessments.filter(status__in=DECIDED_STATUSES).select_related("revision")
    assert decided.exists()
    for assessment in decided:
        assert assessment.decided_outcome and assessment.decided_at and assessment.reviewer_id
        assert assessment.reviewer_id != assessment.assessor_id
        assert assessment.revision.stage == "decided"
        assert assessment.revision.content == live_content(assessment)
        assert assessment.revision.sha256 == content_sha256(assessment.revision.content)
        assert assessment.revision.partners.count() == assessment.proposal.partner_links.count()
        last = assessment.status_changes.order_by("created_at", "pk").last()
        assert last.to_status == assessment.status
        assert assessment.submitted_at <= assessment.decided_at
    assert (
        ProposalRevision.objects.filter(assessment__in=assessments, stage="submitted").count()
        >= decided.count()
    )
    # Every assessment's steps start with its creation as a draft.
    firsts = StatusChange.objects.filter(assessment__in=assessments, from_status="")
    assert firsts.count() == assessments.count()
    # Signed reviews, for real, through the workflow.
    signed = SignedReview.objects.filter(assessment__in=assessments)
    assert signed.count() == 2
    assert all(bytes(review.pdf).startswith(b"%PDF") for review in signed)
    # The audit trail.
    assert Proposal.history.filter(id__in=proposals.values("pk")).count() == PROPOSALS
    assert Assessment.history.filter(id__in=assessments.values("pk")).count() >= (
        2 * assessments.count()
    )
    assert Answer.history.filter(assessment_id__in=assessments.values("pk")).count() == (
        criteria * answered.count()
    )
    assert GateAnswer.objects.filter(assessment__in=answered).exists()
    # Created over years, so that period filters mean something.
    oldest = proposals.order_by("created_at").first().created_at
    newest = proposals.order_by("-created_at").first().created_at
    assert (newest - oldest).days > 365

    # The newest-assessment pointers are what a rebuild computes.
    def pointers():
        columns = [f.attname for f in LatestAssessment._meta.concrete_fields]
        return set(LatestAssessment.objects.values_list(*columns))

    built = pointers()
    latest_assessment_rebuild()
    assert pointers() == built
    assert LatestAssessment.objects.filter(proposal__in=proposals).count() == (
        assessments.values("proposal").distinct().count()
    )

    # A second run measures the same portfolio again (--reuse), or is refused.
    with pytest.raises(CommandError, match="already holds a portfolio"):
        run(proposals=PROPOSALS, skip_throughput=True)
    assert Proposal.objects.filter(agency__acronym__in=BUILT).count() == PROPOSALS


@on_postgresql
@transactional
def test_a_database_with_other_data_is_refused_without_force():
    Agency.objects.create(
        acronym="OCHA", name="Office for the Coordination of Humanitarian Affairs"
    )
    with pytest.raises(CommandError, match="not the demo's"):
        run(proposals=PROPOSALS, skip_throughput=True)
    assert not Proposal.objects.exists()
    assert not Agency.objects.filter(acronym__in=BUILT).exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's refusal")
@pytest.mark.django_db
def test_sqlite_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        run(proposals=PROPOSALS, skip_throughput=True)
    assert not Proposal.objects.exists()
