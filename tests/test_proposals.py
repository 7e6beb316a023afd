import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.proposals.models import ContributionType, Proposal, ProposalPartner
from tests.factories import PartnerFactory, ProposalFactory, ProposalPartnerFactory

pytestmark = pytest.mark.django_db


def test_contribution_types_are_reference_data():
    assert list(ContributionType.objects.values_list("key", flat=True)) == [
        "financial", "in_kind", "technology", "expertise",
    ]  # fmt: skip


def test_proposal_carries_the_issue_fields(agency):
    proposal = ProposalFactory(
        agency=agency,
        value="1500000.00",
        currency="EUR",
        countries=["KE", "UG"],
        requests_un_name_or_emblem=True,
        requests_exclusivity=True,
        complementarity="Adds to the national budget.",
    )
    proposal.contribution_types.set(
        ContributionType.objects.filter(key__in=["financial", "expertise"])
    )
    lead = ProposalPartnerFactory(proposal=proposal, role="lead")
    ProposalPartnerFactory(proposal=proposal, role="funder")

    proposal.refresh_from_db()
    assert [c.code for c in proposal.countries] == ["KE", "UG"]
    assert proposal.partners.count() == 2
    assert str(lead) == f"{lead.partner} (Lead partner)"
    assert set(proposal.contribution_types.values_list("key", flat=True)) == {
        "financial",
        "expertise",
    }


def test_end_date_before_start_is_refused_with_a_message_and_by_the_database():
    proposal = ProposalFactory.build(start_date="2026-05-01", end_date="2026-04-01")
    with pytest.raises(ValidationError) as error:
        proposal.full_clean(exclude=["agency"])
    assert "The end date cannot be before the start date." in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalFactory(start_date="2026-05-01", end_date="2026-04-01")


def test_value_and_currency_are_validated():
    proposal = ProposalFactory.build(value=-5, currency="usd")
    with pytest.raises(ValidationError) as error:
        proposal.full_clean(exclude=["agency"])
    assert set(error.value.message_dict) >= {"value", "currency"}


def test_a_partner_is_linked_once_per_proposal():
    link = ProposalPartnerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalPartner.objects.create(proposal=link.proposal, partner=link.partner, role="funder")


def test_a_partner_in_a_proposal_cannot_be_deleted():
    link = ProposalPartnerFactory()
    with pytest.raises(Exception, match="protected"):
        link.partner.delete()


def test_for_user_scopes_to_the_users_agency(
    agency, other_agency, assessor, reviewer, outsider, oversight
):
    own = ProposalFactory(agency=agency)
    other = ProposalFactory(agency=other_agency)
    assert list(Proposal.objects.for_user(assessor)) == [own]
    assert list(Proposal.objects.for_user(reviewer)) == [own]
    assert list(Proposal.objects.for_user(outsider)) == [other]
    assert set(Proposal.objects.for_user(oversight)) == {own, other}


def test_for_user_gives_anonymous_users_nothing():
    from django.contrib.auth.models import AnonymousUser

    ProposalFactory()
    assert not Proposal.objects.for_user(AnonymousUser()).exists()


def test_partner_registry_is_shared_between_agencies(agency, other_agency):
    partner = PartnerFactory()
    ProposalPartnerFactory(proposal=ProposalFactory(agency=agency), partner=partner)
    ProposalPartnerFactory(proposal=ProposalFactory(agency=other_agency), partner=partner)
    assert partner.proposals.count() == 2
