"""The stored pointers to a proposal's newest assessment (lists) and newest one not
withdrawn (portfolio) follow the workflow, and a rebuild finds the same."""

from decimal import Decimal

import pytest

from partnerships.assessments import workflow
from partnerships.assessments.latest import latest_assessment_rebuild
from partnerships.assessments.models import LatestAssessment, PortfolioPartner
from tests.factories import ProposalPartnerFactory
from tests.helpers import answer_all, approve, submit

pytestmark = pytest.mark.django_db


def pointers(proposal):
    row = LatestAssessment.objects.filter(proposal=proposal).first()
    return (row.assessment_id, row.counted_id) if row else None


def test_a_proposal_without_assessments_has_no_pointer(proposal):
    assert pointers(proposal) is None


def test_a_new_assessment_is_newest_and_counted(draft):
    assert pointers(draft.proposal) == (draft.pk, draft.pk)


def test_a_withdrawn_assessment_stays_newest_but_no_longer_counts(draft, assessor):
    workflow.assessment_withdraw(assessment=draft, user=assessor, note="Partner left.")
    assert pointers(draft.proposal) == (draft.pk, None)


def test_a_reassessment_replaces_the_decided_one_and_withdrawing_it_counts_the_decision(
    draft, assessor, reviewer
):
    approve(draft, reviewer)
    again = workflow.assessment_start(proposal=draft.proposal, user=assessor)
    assert pointers(draft.proposal) == (again.pk, again.pk)
    workflow.assessment_withdraw(assessment=again, user=assessor, note="Not needed.")
    assert pointers(draft.proposal) == (again.pk, draft.pk)


def test_a_rebuild_finds_what_the_workflow_kept(draft, assessor, reviewer):
    approve(draft, reviewer)
    again = workflow.assessment_start(proposal=draft.proposal, user=assessor)
    workflow.assessment_withdraw(assessment=again, user=assessor, note="Not needed.")
    kept = pointers(draft.proposal)
    LatestAssessment.objects.all().delete()
    assert latest_assessment_rebuild() == 1
    assert pointers(draft.proposal) == kept


def portfolio_partners(proposal):
    return list(
        PortfolioPartner.objects.filter(proposal=proposal)
        .order_by("partner_id")
        .values_list(
            "partner_id", "pinned", "role", "partner_type", "economy_group", "region", "value",
            "currency", "agency_id", "created_at",
        )
    )  # fmt: skip


def row_values(proposal):
    return LatestAssessment.objects.filter(proposal=proposal).values().get()


def test_the_counted_assessments_figures_are_copied_for_the_portfolio(draft, reviewer):
    from partnerships.assessments.models import Assessment

    approve(draft, reviewer)
    decided = Assessment.objects.get(pk=draft.pk)
    row = row_values(draft.proposal)
    scores = dict(decided.principle_scores.values_list("principle__number", "score"))
    assert row["agency_id"] == decided.proposal.agency_id
    assert (row["status"], row["outcome"]) == ("approved", decided.decided_outcome)
    assert (row["created_at"], row["submitted_at"], row["decided_at"]) == (
        decided.created_at,
        decided.submitted_at,
        decided.decided_at,
    )
    assert row["decision_seconds"] == int(
        (decided.decided_at - decided.submitted_at).total_seconds()
    )
    assert row["overall_score"] == decided.overall_score
    assert row["pinned_revision_id"] == decided.revision_id
    lead = decided.revision.partners.get(role="lead")
    assert portfolio_partners(draft.proposal) == [
        (
            lead.partner_id, True, "lead", lead.partner_type, lead.economy_group, lead.region,
            decided.revision.value, decided.revision.currency, decided.proposal.agency_id,
            decided.created_at,
        )
    ]  # fmt: skip
    assert [row[f"principle_{n}"] for n in range(1, 9)] == [scores[n] for n in range(1, 9)]


def test_an_undecided_assessment_counts_as_pending_with_the_proposal_as_it_stands(draft, assessor):
    submit(draft)
    row = row_values(draft.proposal)
    assert (row["status"], row["outcome"], row["pinned_revision_id"]) == (
        "submitted",
        "pending",
        None,
    )


def test_saving_answers_updates_the_copied_scores(draft):
    answer_all(draft, rating=3)
    high = row_values(draft.proposal)["principle_1"]
    answer_all(draft, rating=1)
    assert row_values(draft.proposal)["principle_1"] < high


def test_a_rebuild_copies_the_same_figures_as_the_services(draft, assessor, reviewer):
    approve(draft, reviewer)
    again = workflow.assessment_start(proposal=draft.proposal, user=assessor)
    answer_all(again, rating=2)
    kept = row_values(draft.proposal)
    latest_assessment_rebuild()
    assert row_values(draft.proposal) == kept


def test_deleting_a_draft_reassessment_points_back_at_the_decision(draft, assessor, reviewer):
    approve(draft, reviewer)
    again = workflow.assessment_start(proposal=draft.proposal, user=assessor)
    again.delete()
    assert pointers(draft.proposal) == (draft.pk, draft.pk)
    assert row_values(draft.proposal)["status"] == "approved"


def test_moving_proposals_by_queryset_moves_their_portfolio_agency(draft, other_agency):
    from partnerships.proposals.models import Proposal

    Proposal.objects.filter(pk=draft.proposal_id).update(agency=other_agency)
    assert row_values(draft.proposal)["agency_id"] == other_agency.pk


def test_an_undecided_proposals_partners_are_counted_as_they_stand(draft, assessor):
    from partnerships.proposals.services import PartnerRow, proposal_save
    from tests.factories import PartnerFactory

    link = draft.proposal.partner_links.get()
    funder = PartnerFactory(country="DE")
    draft.proposal.value = Decimal("500.00")
    proposal_save(
        proposal=draft.proposal,
        user=assessor,
        partner_rows=[
            PartnerRow(role="lead", partner=link.partner),
            PartnerRow(role="funder", partner=funder),
        ],
    )
    rows = portfolio_partners(draft.proposal)
    assert [(r[0], r[1], r[2], r[3], r[6]) for r in rows] == sorted(
        [
            (link.partner_id, False, "lead", "", Decimal("500.00")),
            (funder.pk, False, "funder", "", None),
        ]
    )  # live rows refer to the registry, the lead carries the value


def test_a_withdrawn_proposal_counts_no_partner(draft, assessor):
    assert portfolio_partners(draft.proposal)
    workflow.assessment_withdraw(assessment=draft, user=assessor, note="Partner left.")
    assert portfolio_partners(draft.proposal) == []


def test_a_rebuild_finds_the_same_partners_pinned_and_live(draft, assessor, reviewer, proposal):
    approve(draft, reviewer)
    pinned = portfolio_partners(draft.proposal)
    other = ProposalPartnerFactory(proposal__agency=draft.proposal.agency).proposal
    workflow.assessment_start(proposal=other, user=assessor)
    live = portfolio_partners(other)
    assert pinned and live
    latest_assessment_rebuild()
    assert (portfolio_partners(draft.proposal), portfolio_partners(other)) == (pinned, live)


def test_values_and_agencies_set_by_queryset_follow_on_the_live_rows(draft, other_agency):
    from partnerships.proposals.models import Proposal

    Proposal.objects.filter(pk=draft.proposal_id).update(value=Decimal("42.00"), currency="EUR")
    [row] = portfolio_partners(draft.proposal)
    assert (row[6], row[7]) == (Decimal("42.00"), "EUR")
    Proposal.objects.filter(pk=draft.proposal_id).update(agency=other_agency)
    [row] = portfolio_partners(draft.proposal)
    assert row[8] == other_agency.pk


@pytest.mark.parametrize(
    ("created", "quarter"),
    [
        ("2026-03-31T23:59:59+00:00", "2026-01-01"),
        ("2026-04-01T00:00:00+00:00", "2026-04-01"),
        # Already 1 October in Beijing, still 30 September in UTC: the quarter is UTC's.
        ("2026-10-01T07:30:00+08:00", "2026-07-01"),
        ("2026-12-31T12:00:00-05:00", "2026-10-01"),
    ],
)
def test_the_dashboards_quarter_is_stored_with_the_counted_assessment(draft, created, quarter):
    from datetime import date, datetime

    from partnerships.assessments.latest import latest_assessment_refresh
    from partnerships.assessments.models import Assessment

    Assessment.objects.filter(pk=draft.pk).update(created_at=datetime.fromisoformat(created))
    latest_assessment_refresh(proposal_id=draft.proposal_id)
    assert row_values(draft.proposal)["quarter"] == date.fromisoformat(quarter)
    latest_assessment_rebuild()
    assert row_values(draft.proposal)["quarter"] == date.fromisoformat(quarter)  # the same


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_with_assessments_migrates_to_the_same_rows(draft, assessor, reviewer):
    """Upgrading a database that holds assessments from before the portfolio tables
    (assessments 0009) fills them as the services keep them: each migration that fills
    them runs on the fields its own state has."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    approve(draft, reviewer)
    answer_all(workflow.assessment_start(proposal=draft.proposal, user=assessor), rating=2)

    def stored():
        return (
            [row_values(draft.proposal) | {"id": None}],
            sorted(portfolio_partners(draft.proposal)),
        )

    kept = stored()
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0009_revision_partner_portfolio_index")])
    executor = MigrationExecutor(connection)  # the graph read again, as `migrate` does
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert stored() == kept
