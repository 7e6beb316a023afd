"""What was assessed is pinned: a proposal edited after its decision changes neither the
decided assessment's page, its report, the dashboard nor the admin; both pages say what
changed since the decision."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.accounts.roles import Role
from partnerships.assessments import workflow
from partnerships.assessments.models import ProposalRevision, RevisionPartner, RevisionStage
from partnerships.assessments.revisions import changes_since_decision, content_sha256, live_content
from partnerships.frozen import FrozenRecordError
from partnerships.oversight import portfolio
from partnerships.proposals.models import PartnerRole
from partnerships.proposals.services import PartnerRow, proposal_save
from partnerships.reports.services import review_decide
from tests.factories import PartnerFactory, UserFactory
from tests.helpers import approve, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided_at_value(draft, reviewer):
    """An approved assessment of a proposal worth 1,250,000 USD with one lead partner."""
    proposal = draft.proposal
    proposal.value = Decimal("1250000")
    proposal.save()
    approve(draft, reviewer)
    draft.refresh_from_db()
    return draft


def edit_after_decision(assessment):
    """The assessor raises the value and adds a funder, as the issue's tester did."""
    proposal = assessment.proposal
    proposal.value = Decimal("9999999")
    lead = proposal.partner_links.get()
    funder = PartnerFactory(legal_name="Late Funder Foundation", country="FR")
    proposal_save(
        proposal=proposal,
        user=assessment.assessor,
        partner_rows=[
            PartnerRow(role=PartnerRole.LEAD, partner=lead.partner),
            PartnerRow(role=PartnerRole.FUNDER, partner=funder),
        ],
    )
    return funder


def test_submission_and_decision_each_pin_a_revision(draft, reviewer):
    submit(draft)
    draft.refresh_from_db()
    submitted = draft.revision
    assert submitted.stage == RevisionStage.SUBMITTED
    assert submitted.title == draft.proposal.title
    assert submitted.content == live_content(draft)
    assert submitted.sha256 == content_sha256(submitted.content)
    link = draft.proposal.partner_links.select_related("partner").get()
    partner = submitted.partners.get()
    assert (partner.partner_id, partner.role, partner.country, partner.economy_group) == (
        link.partner_id,
        link.role,
        link.partner.country.code,
        link.partner.economy_group,
    )
    assert [g["key"] for g in submitted.content["gate"]] != []
    assert all(g["question_en"] for g in submitted.content["gate"])

    workflow.assessment_start_review(assessment=draft, user=reviewer)
    review_decide(assessment=draft, user=reviewer, outcome=draft.computed_outcome, note="Fine.")
    draft.refresh_from_db()
    assert draft.revision.stage == RevisionStage.DECIDED
    assert draft.revision != submitted
    assert list(draft.revisions.order_by("pk")) == [submitted, draft.revision]


def test_a_revision_never_changes(decided_at_value):
    revision = decided_at_value.revision
    revision.title = "Rewritten"
    with pytest.raises(FrozenRecordError):
        revision.save()
    with pytest.raises(FrozenRecordError):
        ProposalRevision.objects.filter(pk=revision.pk).update(title="Rewritten")
    with pytest.raises(FrozenRecordError):
        RevisionPartner.objects.filter(revision=revision).delete()
    with pytest.raises(FrozenRecordError):
        revision.delete()


def test_the_decided_page_shows_what_was_decided_and_what_changed(client, decided_at_value):
    lead_name = decided_at_value.proposal.partner_links.get().partner.legal_name
    edit_after_decision(decided_at_value)
    client.force_login(decided_at_value.assessor)
    page = client.get(f"/assessments/{decided_at_value.pk}/").content.decode()
    assessed = page[page.index('id="assessed"') : page.index('id="screening"')]
    assert lead_name in assessed
    assert "1,250,000 USD" in assessed
    assert "Late Funder Foundation" not in assessed
    assert "9,999,999" not in assessed
    changed = page[page.index('id="changed-since"') : page.index('id="assessed"')]
    assert "Changed since the decision of" in changed
    assert "1,250,000 → 9,999,999" in changed
    assert "Partner added: Late Funder Foundation (Funder)" in changed


def test_the_proposal_page_says_what_changed_since_the_decision(client, decided_at_value):
    client.force_login(decided_at_value.assessor)
    before = client.get(f"/proposals/{decided_at_value.proposal_id}/").content.decode()
    assert "Changed since the decision" not in before
    edit_after_decision(decided_at_value)
    page = client.get(f"/proposals/{decided_at_value.proposal_id}/").content.decode()
    assert "Changed since the decision of" in page
    assert "Partner added: Late Funder Foundation (Funder)" in page
    assert f"/assessments/{decided_at_value.pk}/" in page


def test_a_removed_and_a_changed_partner_are_listed(decided_at_value):
    link = decided_at_value.proposal.partner_links.select_related("partner").get()
    replacement = PartnerFactory(legal_name="New Lead SA", country="BR")
    proposal_save(
        proposal=decided_at_value.proposal,
        user=decided_at_value.assessor,
        partner_rows=[PartnerRow(role=PartnerRole.LEAD, partner=replacement)],
    )
    changes = changes_since_decision(decided_at_value)
    assert changes.partners_removed == [f"{link.partner.legal_name} (Lead partner)"]
    assert changes.partners_added == ["New Lead SA (Lead partner)"]

    proposal_save(
        proposal=decided_at_value.proposal,
        user=decided_at_value.assessor,
        partner_rows=[
            PartnerRow(role=PartnerRole.LEAD, partner=replacement),
            PartnerRow(role=PartnerRole.CO_PARTNER, partner=link.partner),
        ],
    )
    changes = changes_since_decision(decided_at_value)
    assert changes.partners_changed == [
        (link.partner.legal_name, [("role", "Lead partner", "Co-partner")])
    ]


def test_the_signed_report_keeps_what_was_decided(client, decided_at_value):
    stored = bytes(decided_at_value.signed_review.pdf)
    edit_after_decision(decided_at_value)
    client.force_login(decided_at_value.assessor)
    response = client.get(f"/assessments/{decided_at_value.pk}/report.pdf")
    assert response.content == stored


def test_the_dashboard_keeps_counting_what_was_decided(decided_at_value):
    oversight = UserFactory(agency=decided_at_value.proposal.agency, roles=[Role.OVERSIGHT])

    def figures():
        scope = portfolio.scoped_partners(oversight, portfolio.PortfolioFilter())
        groups = portfolio.representation(scope)["economy_group"]
        return {
            row["key"]: (row["partners"], [(v["currency"], v["total"]) for v in row["values"]])
            for row in groups["rows"]
        }

    before = figures()
    assert before["developing"] == (1, [("USD", Decimal("1250000"))])
    edit_after_decision(decided_at_value)  # adds a developed-economy funder, raises the value
    assert figures() == before
    with_type = portfolio.scoped_entries(
        oversight, portfolio.PortfolioFilter(partner_type="foundation")
    )
    assert list(with_type) == []  # the funder is a foundation only since the decision


def test_the_dashboard_counts_the_live_proposal_while_undecided(draft):
    oversight = UserFactory(agency=draft.proposal.agency, roles=[Role.OVERSIGHT])
    edit_after_decision(draft)
    scope = portfolio.scoped_partners(oversight, portfolio.PortfolioFilter())
    groups = {
        r["key"]: r["partners"] for r in portfolio.representation(scope)["economy_group"]["rows"]
    }
    assert groups == {"developed": 1, "developing": 1, "transition": 0}


def test_the_admin_shows_the_pinned_revision(client, administrator, decided_at_value):
    edit_after_decision(decided_at_value)
    client.force_login(administrator)
    changelist = client.get("/admin/assessments/assessment/").content.decode()
    assert decided_at_value.revision.title in changelist
    page = client.get(
        f"/admin/assessments/assessment/{decided_at_value.pk}/change/"
    ).content.decode()
    assert "1,250,000 USD" in page
    assert "Partner added: Late Funder Foundation (Funder)" in page
    revision_page = client.get(
        f"/admin/assessments/proposalrevision/{decided_at_value.revision_id}/change/"
    )
    assert revision_page.status_code == 200


def test_the_decided_page_costs_the_same_queries_whatever_the_partners(client, decided_at_value):
    client.force_login(decided_at_value.assessor)

    def queries():
        cache.clear()  # the first view's, which renders the decided sections
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/assessments/{decided_at_value.pk}/").status_code == 200
        return len(context)

    few = queries()
    edit_after_decision(decided_at_value)
    assert queries() == few
