"""The portfolio dashboard, checked against a small portfolio worked out by hand.

A1 UNDP: every criterion "fully met" → 100 on every principle; approved, Engage;
   submitted 10 days before the decision; lead P1 (Kenya, developing, Africa), 1,000 USD.
A2 UNDP: every criterion "largely met" → 66.7 everywhere; approved, Engage with conditions;
   2 days; lead P2 (Germany, developed, Europe) 500 USD, co-partner P3 (Georgia, NGO,
   transition, Asia).
A3 WHO: "largely met" but IN-1 (key, weight 2) "not met" → IN (0*2+2*2+2*2+2*1)/(3*7) = 47.6,
   others 66.7, overall (7*2/3*100 + 1000/21)/8 = 64.3; rejected, Do not engage; 4 days;
   lead P1, 300 EUR.
A4 UNDP: every criterion "partially met" → 33.3; draft: its outcome is pending and its scores
   do not count (only submitted and decided assessments do); lead P1.
A5 UNDP: withdrawn — never counted.
Each proposal counts once, by its latest assessment.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships.assessments import workflow
from partnerships.assessments.latest import latest_assessment_refresh
from partnerships.assessments.models import Assessment
from partnerships.oversight.models import RepresentationTarget
from partnerships.partners.models import PartnerType
from partnerships.reports.services import review_decide
from tests.factories import PartnerFactory, ProposalFactory, ProposalPartnerFactory, UserFactory
from tests.helpers import answer_all, pass_gate

pytestmark = pytest.mark.django_db


def decided(proposal, assessor, reviewer, *, days, rating, **overrides):
    assessment = workflow.assessment_start(proposal=proposal, user=assessor)
    pass_gate(assessment)
    answer_all(assessment, rating=rating, **overrides)
    workflow.assessment_submit(assessment=assessment, user=assessor)
    Assessment.objects.filter(pk=assessment.pk).update(
        submitted_at=timezone.now() - timedelta(days=days)
    )
    workflow.assessment_start_review(assessment=assessment, user=reviewer)
    assessment.refresh_from_db()
    outcome = assessment.computed_outcome
    review_decide(
        assessment=assessment,
        user=reviewer,
        outcome=outcome,
        note="Decided.",
        conditions="Reports." if outcome == "engage_with_conditions" else "",
    )
    return assessment


@pytest.fixture
def portfolio(agency, other_agency, assessor, reviewer):
    p1 = PartnerFactory(legal_name="P1", country="KE", partner_type=PartnerType.BUSINESS_SME)
    p2 = PartnerFactory(legal_name="P2", country="DE", partner_type=PartnerType.BUSINESS_LARGE)
    p3 = PartnerFactory(legal_name="P3", country="GE", partner_type=PartnerType.NGO)

    def proposal(agency, lead, value=None, currency="USD", co=None):
        made = ProposalFactory(agency=agency, value=value, currency=currency)
        ProposalPartnerFactory(proposal=made, partner=lead, role="lead")
        if co:
            ProposalPartnerFactory(proposal=made, partner=co, role="co_partner")
        return made

    who_assessor = UserFactory(agency=other_agency, roles=["Assessor"])
    who_reviewer = UserFactory(agency=other_agency, roles=["Reviewer"])
    a1 = decided(proposal(agency, p1, 1000), assessor, reviewer, days=10, rating=3)
    a2 = decided(proposal(agency, p2, 500, co=p3), assessor, reviewer, days=2, rating=2)
    a3 = decided(
        proposal(other_agency, p1, 300, "EUR"), who_assessor, who_reviewer, days=4, rating=2, IN_1=0
    )
    a4 = workflow.assessment_start(proposal=proposal(agency, p1), user=assessor)
    pass_gate(a4)
    answer_all(a4, rating=1)
    a5 = workflow.assessment_start(
        proposal=proposal(agency, PartnerFactory(country="JP")), user=assessor
    )
    workflow.assessment_withdraw(assessment=a5, user=assessor, note="The partner withdrew.")
    RepresentationTarget.objects.create(economy_group="developing", target_share=50)
    return a1, a2, a3, a4


def test_figures_match_the_hand_worked_portfolio(client, oversight, portfolio):
    _a1, _a2, a3, _a4 = portfolio
    assert (str(a3.overall_score), a3.computed_outcome) == ("64.3", "do_not_engage")
    client.force_login(oversight)
    context = client.get("/oversight/").context

    assert context["total"] == 4
    assert context["outcome_table"]["UNDP"] == {
        "engage": 1, "engage_with_conditions": 1, "do_not_engage": 0, "pending": 1,
    }  # fmt: skip
    assert context["outcome_table"]["WHO"]["do_not_engage"] == 1
    assert (
        context["status_table"]["UNDP"]["approved"] == 2
        and context["status_table"]["UNDP"]["draft"] == 1
    )
    assert context["status_table"]["WHO"]["rejected"] == 1

    averages = {
        row["principle__key"]: round(float(row["average"]), 1) for row in context["averages"]
    }
    # Only submitted and decided assessments count: A4, a draft, does not.
    assert averages["common_purpose"] == pytest.approx(77.8)  # (100 + 66.7 + 66.7) / 3
    assert averages["independence_neutrality"] == pytest.approx(71.4)  # (100 + 66.7 + 47.6) / 3
    assert context["weakest"]["principle__key"] == "independence_neutrality"
    assert [(r["criterion__code"], r["n"]) for r in context["not_met"]] == [("IN-1", 1)]
    assert [(r["criterion__code"], r["n"]) for r in context["key_failures"]] == [("IN-1", 1)]

    times = context["times"]
    assert times["count"] == 3  # durations 2, 4, 10 days: nearest-rank median 4, 90th 10
    assert times["median_text"] == "4.0 days" and times["p90_text"] == "10.0 days"

    groups = {row["key"]: row for row in context["groups"]["rows"]}
    assert context["groups"]["total"] == 3  # P1 counts once
    assert {k: (r["partners"], float(r["share"])) for k, r in groups.items()} == {
        "developed": (1, 33.3), "developing": (1, 33.3), "transition": (1, 33.3),
    }  # fmt: skip
    assert groups["developing"]["below_target"] and not groups["developed"]["below_target"]
    assert [(v["currency"], int(v["total"])) for v in groups["developing"]["values"]] == [
        ("EUR", 300),
        ("USD", 1000),
    ]
    assert [(v["currency"], int(v["total"])) for v in groups["developed"]["values"]] == [
        ("USD", 500)
    ]
    regions = {row["key"]: row["partners"] for row in context["regions"]["rows"]}
    assert regions == {"Africa": 1, "Asia": 1, "Europe": 1}

    [quarter] = context["trend"]
    counts = (quarter["n"], quarter["engage"], quarter["conditions"], quarter["do_not_engage"])
    assert counts == (4, 1, 1, 1)
    assert round(float(quarter["average"]), 1) == pytest.approx(77.0)  # (100 + 66.7 + 64.3) / 3

    page = client.get("/oversight/").content.decode()
    assert "below the target of 50 %" in page and "Weakest principle" in page
    assert page.count("<svg") >= 4  # each chart is drawn, with its table beside it


def test_filters(client, oversight, reviewer, portfolio, other_agency):
    client.force_login(oversight)
    assert client.get("/oversight/", {"agency": other_agency.pk}).context["total"] == 1
    assert client.get("/oversight/", {"partner_type": "ngo"}).context["total"] == 1
    assert (
        client.get("/oversight/", {"start": "2000-01-01", "end": "2000-12-31"}).context["total"]
        == 0
    )
    response = client.get("/oversight/", {"start": "2026-12-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "cannot be before its start" in response.content.decode()
    assert client.get("/oversight/", {"agency": "not-a-number"}).status_code == 200
    # A bad field shows its error; the valid ones still filter.
    response = client.get("/oversight/", {"agency": other_agency.pk, "start": "not-a-date"})
    assert response.context["total"] == 1 and "start" in response.context["form"].errors

    client.force_login(reviewer)
    context = client.get("/oversight/", {"agency": other_agency.pk}).context
    assert context["total"] == 3  # a reviewer's portfolio is their agency's, whatever is asked
    assert "agency" not in context["form"].fields


def test_assessors_do_not_see_the_portfolio(client, assessor):
    client.force_login(assessor)
    assert client.get("/oversight/").status_code == 403


def test_dashboard_query_count_does_not_grow(
    client, oversight, portfolio, agency, assessor, reviewer
):
    client.force_login(oversight)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/oversight/").status_code == 200
        return len(context)

    few = queries()
    for days in [1, 3]:
        made = ProposalPartnerFactory(proposal__agency=agency, partner__country="BR").proposal
        decided(made, assessor, reviewer, days=days, rating=3)
    assert queries() == few


def test_a_criterion_not_met_in_two_versions_of_the_checklist_counts_as_one(
    client, oversight, agency
):
    from partnerships.checklists.models import Framework
    from partnerships.checklists.services import framework_create_version, framework_publish

    author = UserFactory(agency=agency, roles=["Assessor"])
    judge = UserFactory(agency=agency, roles=["Reviewer"])

    def decide_all_not_met():
        made = ProposalPartnerFactory(proposal__agency=agency, partner__country="BR").proposal
        return decided(made, author, judge, days=2, rating=0)

    first = decide_all_not_met()
    framework_publish(
        framework=framework_create_version(framework=Framework.objects.current(), version="9.0")
    )
    second = decide_all_not_met()
    assert first.framework_id != second.framework_id  # the same codes, two criteria each

    client.force_login(oversight)
    not_met = client.get("/oversight/").context["not_met"]
    codes = [row["criterion__code"] for row in not_met]
    assert len(codes) == len(set(codes)) == 10
    assert {row["n"] for row in not_met} == {2}


def test_the_criteria_not_met_take_the_same_queries_whether_or_not_there_are_any(
    client, oversight, agency
):
    client.force_login(oversight)
    author = UserFactory(agency=agency, roles=["Assessor"])
    judge = UserFactory(agency=agency, roles=["Reviewer"])

    def decide(rating):
        made = ProposalPartnerFactory(proposal__agency=agency, partner__country="BR").proposal
        decided(made, author, judge, days=2, rating=rating)

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get("/oversight/")
        return len(context), response.context["not_met"]

    decide(3)  # every criterion fully met
    none_not_met, listed = queries()
    assert listed == []
    decide(0)  # every criterion not met
    some_not_met, listed = queries()
    assert listed
    assert some_not_met == none_not_met


def test_a_reassessed_proposal_counts_once(client, oversight, portfolio):
    a1 = portfolio[0]
    workflow.assessment_start(
        proposal=a1.proposal, user=a1.assessor
    )  # a new draft of A1's proposal
    client.force_login(oversight)
    context = client.get("/oversight/").context
    assert context["total"] == 4
    assert context["outcome_table"]["UNDP"]["pending"] == 2  # A1's proposal is being re-assessed


def test_partner_type_filter_counts_only_partners_of_that_type(client, oversight, portfolio):
    client.force_login(oversight)
    groups = client.get("/oversight/", {"partner_type": "ngo"}).context["groups"]
    assert groups["total"] == 1
    assert {row["key"]: row["partners"] for row in groups["rows"]}["transition"] == 1
    assert all(not row["values"] for row in groups["rows"])  # the NGO leads no proposal


def test_query_count_does_not_grow_with_agencies_quarters_or_regions(client, oversight, portfolio):
    from datetime import datetime

    from partnerships.accounts.models import Agency

    client.force_login(oversight)

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get("/oversight/")
        assert response.status_code == 200
        return len(context), len(response.context["trend"])

    few, quarters = queries()
    third = Agency.objects.create(acronym="FAO", name="Food and Agriculture Organization")
    author = UserFactory(agency=third, roles=["Assessor"])
    judge = UserFactory(agency=third, roles=["Reviewer"])
    decided(
        ProposalPartnerFactory(proposal__agency=third, partner__country="AR").proposal,
        author,
        judge,
        days=30,
        rating=3,
    )
    earlier = workflow.assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=third, partner__country="AU").proposal,
        user=author,
    )
    Assessment.objects.filter(pk=earlier.pk).update(
        created_at=timezone.make_aware(datetime(2025, 2, 1))
    )
    latest_assessment_refresh(proposal_id=earlier.proposal_id)  # as if started back then
    more, more_quarters = queries()
    assert more_quarters == quarters + 1  # a new agency, region and quarter, and ...
    assert more == few  # ... not one query more


def test_a_reclassified_partner_counts_once_in_the_region_it_kept(decided, assessor, oversight):
    from partnerships.oversight import portfolio
    from partnerships.partners.models import Partner

    partner = decided.proposal.partners.get()
    live = ProposalPartnerFactory(proposal__agency=decided.proposal.agency, partner=partner)
    workflow.assessment_start(proposal=live.proposal, user=assessor)
    # The yearly reclassification moves the partner; the decision keeps what it was.
    other = "developed" if partner.economy_group != "developed" else "developing"
    Partner.objects.filter(pk=partner.pk).update(economy_group=other)
    figures = portfolio.representation(
        portfolio.scoped_partners(oversight, portfolio.PortfolioFilter())
    )
    groups = {row["key"]: row["partners"] for row in figures["economy_group"]["rows"]}
    assert groups[partner.economy_group] == 1 and groups[other] == 1
    assert figures["region"]["total"] == 1


def test_charts_drawn_once_are_kept_per_language_and_figures(client, oversight, portfolio):
    """A chart is kept for the same labels and figures: the page in Chinese draws its
    own, and a new decision changes the figures drawn."""
    client.force_login(oversight)

    def trend_chart(**headers):
        return client.get("/oversight/", **headers).context["charts"]["trend"]

    english = trend_chart()
    assert "Assessments" in english and "评估" not in english
    assert trend_chart() == english  # kept
    chinese = trend_chart(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "评估" in chinese and "Assessments" not in chinese

    outcomes = client.get("/oversight/").context["charts"]["outcomes"]
    proposal = ProposalPartnerFactory(proposal__agency=oversight.agency).proposal
    author = UserFactory(agency=oversight.agency, roles=["Assessor"])
    judge = UserFactory(agency=oversight.agency, roles=["Reviewer"])
    decided(proposal, author, judge, days=3, rating=0)
    assert client.get("/oversight/").context["charts"]["outcomes"] != outcomes
