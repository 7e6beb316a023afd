import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.partners.models import Partner
from partnerships.proposals.models import Proposal
from tests.factories import PartnerFactory, ProposalFactory, ProposalPartnerFactory
from tests.helpers import approve, submit

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Clean cookstoves",
        "summary": "Stoves for 10,000 households.",
        "objectives": "Less indoor air pollution.",
        "currency": "USD",
        "value": "250000",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "partners-TOTAL_FORMS": "2",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "30",
    }
    data.update(overrides)
    return data


def test_create_with_a_registry_partner_and_a_new_one(client, assessor):
    existing = PartnerFactory(legal_name="Kibo Solar")
    client.force_login(assessor)
    response = client.post(
        "/proposals/new/",
        form_data(
            **{
                "partners-0-partner": existing.pk,
                "partners-0-role": "lead",
                "partners-1-new_legal_name": "Tbilisi Clean Air",
                "partners-1-new_partner_type": "ngo",
                "partners-1-new_country": "GE",
                "partners-1-role": "funder",
                "contribution_types": ["1", "3"],
            }
        ),
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/"
    assert proposal.agency == assessor.agency
    assert proposal.created_by == assessor
    new = Partner.objects.get(legal_name="Tbilisi Clean Air")
    assert new.economy_group == "transition"
    assert set(proposal.partner_links.values_list("partner__legal_name", "role")) == {
        ("Kibo Solar", "lead"), ("Tbilisi Clean Air", "funder"),
    }  # fmt: skip
    assert proposal.contribution_types.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Economy in transition" in page


def test_errors_are_shown_at_their_fields_and_nothing_typed_is_lost(client, assessor):
    client.force_login(assessor)
    response = client.post(
        "/proposals/new/",
        form_data(
            title="",
            start_date="2026-06-01",
            end_date="2026-01-01",
            summary="Typed summary survives",
            **{
                "partners-0-new_legal_name": "Half-typed Partner",
                "partners-0-role": "lead",
                "requests_un_name_or_emblem": "on",
            },
        ),
    )
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert "title" in form.errors
    assert form.errors["end_date"] == ["The end date cannot be before the start date."]
    assert "un_name_or_emblem_use" in form.errors
    assert formset.forms[0].errors["new_country"] == ["Required for a new partner."]
    page = response.content.decode()
    assert "Typed summary survives" in page
    assert 'value="Half-typed Partner"' in page
    assert not Proposal.objects.exists()
    assert not Partner.objects.exists()


def test_a_proposal_needs_a_partner(client, assessor):
    client.force_login(assessor)
    response = client.post("/proposals/new/", form_data())
    assert "Add at least one partner." in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_same_partner_twice_is_refused(client, assessor):
    partner = PartnerFactory()
    client.force_login(assessor)
    response = client.post(
        "/proposals/new/",
        form_data(
            **{
                "partners-0-partner": partner.pk,
                "partners-0-role": "lead",
                "partners-1-partner": partner.pk,
                "partners-1-role": "funder",
            }
        ),
    )
    assert "This partner is listed twice." in response.content.decode()


def test_edit_keeps_and_replaces_partners(client, assessor, proposal):
    replacement = PartnerFactory(legal_name="Replacement Co")
    client.force_login(assessor)
    page = client.get(f"/proposals/{proposal.pk}/edit/")
    assert page.context["formset"].forms[0].initial["partner"] == proposal.partners.get()
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        form_data(
            title="Renamed",
            **{
                "partners-TOTAL_FORMS": "1",
                "partners-INITIAL_FORMS": "1",
                "partners-0-partner": replacement.pk,
                "partners-0-role": "implementer",
            },
        ),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Renamed"
    assert list(proposal.partners.all()) == [replacement]


def test_a_proposal_under_review_cannot_be_edited(client, assessor, draft):
    submit(draft)
    client.force_login(assessor)
    response = client.get(f"/proposals/{draft.proposal_id}/edit/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert "under review" in response.content.decode()


def test_start_and_reassess_from_the_proposal_page(client, assessor, reviewer, proposal):
    client.force_login(assessor)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Start an assessment" in page
    response = client.post(f"/proposals/{proposal.pk}/assess/")
    assessment = proposal.assessments.get()
    assert response["Location"] == f"/assessments/{assessment.pk}/gate/"
    response = client.post(f"/proposals/{proposal.pk}/assess/", follow=True)
    assert "already has an assessment in progress" in response.content.decode()
    approve(assessment, reviewer)
    assert "Re-assess" in client.get(f"/proposals/{proposal.pk}/").content.decode()


# The list


def test_search_filters_and_pagination(client, assessor, agency, reviewer):
    kibo = PartnerFactory(legal_name="Kibo Solar", other_names="Kibo Energy")
    ProposalPartnerFactory(proposal__agency=agency, proposal__title="Mini-grids", partner=kibo)
    ProposalPartnerFactory(proposal__agency=agency, proposal__title="Water", partner__country="CH")
    approved = ProposalPartnerFactory(
        proposal__agency=agency, proposal__title="Approved one"
    ).proposal
    from partnerships.assessments.workflow import assessment_start

    approve(assessment_start(proposal=approved, user=assessor), reviewer)
    client.force_login(assessor)

    def titles(**params):
        response = client.get("/proposals/", params)
        return [p.title for p in response.context["page"].object_list]

    assert titles(q="kibo energy") == ["Mini-grids"]
    assert titles(q="water") == ["Water"]
    assert titles(economy_group="developed") == ["Water"]
    assert titles(partner=kibo.pk) == ["Mini-grids"]
    assert titles(status="approved") == ["Approved one"]
    assert titles(outcome="engage") == ["Approved one"]
    assert set(titles(status="none")) == {"Mini-grids", "Water"}
    assert "agency" not in client.get("/proposals/").context["filters"].form.fields


def test_bad_filter_values_answer_with_a_message_not_an_error(client, assessor):
    client.force_login(assessor)
    response = client.get("/proposals/", {"status": "nonsense", "partner": "abc", "page": "999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_list_paginates(client, assessor, agency):
    for n in range(30):
        ProposalFactory(agency=agency, title=f"P{n:02}")
    client.force_login(assessor)
    first = client.get("/proposals/")
    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get("/proposals/", {"page": 2}).context["page"].object_list) == 5


def test_a_proposal_matching_twice_is_listed_once_and_shows_its_newest_assessment(
    client, assessor, agency, reviewer
):
    from partnerships.assessments.workflow import assessment_start, assessment_withdraw

    link = ProposalPartnerFactory(
        proposal__agency=agency, proposal__title="Kibo grids", partner__legal_name="Kibo One"
    )
    ProposalPartnerFactory(proposal=link.proposal, role="funder", partner__legal_name="Kibo Two")
    approve(assessment_start(proposal=link.proposal, user=assessor), reviewer)
    again = assessment_start(proposal=link.proposal, user=assessor)
    assessment_withdraw(assessment=again, user=assessor, note="Not needed.")
    client.force_login(assessor)
    for params in [{"q": "kibo"}, {"economy_group": link.partner.economy_group}]:
        listed = client.get("/proposals/", params).context["page"].object_list
        assert [p.title for p in listed] == ["Kibo grids"]
    assert [p.newest for p in listed] == [again]
    page = client.get("/proposals/", {"status": "withdrawn"}).content.decode()
    assert "Kibo grids" in page and "Withdrawn" in page
    assert not client.get("/proposals/", {"status": "approved"}).context["page"].object_list


LIST_VARIANTS = [
    {},
    {"q": "grid kibo"},
    {"status": "submitted"},
    {"status": "none"},
    {"outcome": "engage"},
    {"economy_group": "developing"},
    {"page": "2"},
]


@pytest.mark.parametrize("params", LIST_VARIANTS, ids=lambda p: "-".join(p) or "plain")
def test_list_query_count_does_not_grow(client, assessor, agency, params):
    from partnerships.assessments.workflow import assessment_start

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/proposals/", params).status_code == 200
        return len(context)

    def add(n):
        for i in range(n):
            link = ProposalPartnerFactory(
                proposal__agency=agency,
                proposal__title=f"Grid {i}",
                partner__legal_name=f"Kibo {i}",
                partner__country="KE",
            )
            ProposalPartnerFactory(proposal=link.proposal, role="funder")
            if i % 2:
                submit(assessment_start(proposal=link.proposal, user=assessor))

    client.force_login(assessor)
    add(2)
    few = queries()
    add(26)
    assert queries() == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
@pytest.mark.parametrize(
    "queryset",
    [
        lambda: Proposal.objects.filter(title__icontains="grid").order_by(),
        lambda: Proposal.objects.filter(summary__icontains="grid").order_by(),
        lambda: Partner.objects.filter(legal_name__icontains="kibo").order_by(),
        lambda: Partner.objects.filter(other_names__icontains="kibo").order_by(),
    ],
)
def test_searched_words_are_answered_by_trigram_indexes(queryset):
    # The planner prefers reading a tiny table; forbidden to, it must find the index
    # that matches Django's `UPPER(column::text) LIKE UPPER(...)`.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "_trgm" in queryset().explain()


def test_a_list_past_the_count_cap_says_so_and_pages_stop_there(
    client, assessor, agency, monkeypatch
):
    from partnerships import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    for n in range(32):
        ProposalFactory(agency=agency, title=f"P{n:02}")
    client.force_login(assessor)
    first = client.get("/proposals/").content.decode()
    assert "More than 30 proposals" in first and "Page 1 of" not in first
    last = client.get("/proposals/", {"page": 99}).context["page"]
    # The 31 newest, the one past the cap included; the oldest only by narrowing down.
    assert last.number == 2
    assert [p.title for p in last.object_list] == [f"P{n:02}" for n in range(6, 0, -1)]


def test_my_work_links_list_what_my_work_counts(client, assessor, teammate, reviewer, agency):
    from partnerships.assessments.workflow import assessment_start

    def proposal_titled(title):
        return ProposalPartnerFactory(proposal__agency=agency, proposal__title=title).proposal

    assessment_start(proposal=proposal_titled("Mine, draft"), user=assessor)
    submit(assessment_start(proposal=proposal_titled("Mine, submitted"), user=assessor))
    assessment_start(proposal=proposal_titled("Teammate's draft"), user=teammate)

    def titles(user, query):
        client.force_login(user)
        response = client.get(f"/proposals/?{query}")
        assert response.status_code == 200
        return sorted(p.title for p in response.context["page"].object_list)

    assert titles(assessor, "assessor=me&status=draft") == ["Mine, draft"]
    assert titles(assessor, "assessor=me&status=awaiting_decision") == ["Mine, submitted"]
    # A link of an earlier version, naming the statuses, lists the same.
    assert titles(assessor, "assessor=me&status=submitted&status=in_review") == ["Mine, submitted"]
    assert titles(reviewer, "review=me") == ["Mine, submitted"]
    assert titles(teammate, "assessor=me") == ["Teammate's draft"]
    page = client.get("/proposals/?assessor=me").content.decode()
    assert 'name="assessor" value="me"' in page  # kept when filtering further


def test_a_new_partners_head_is_recorded_and_screened_from_the_proposal_form(client, assessor):
    from pathlib import Path

    from partnerships.sanctions.importing import import_list, read_source
    from partnerships.sanctions.models import ScreeningHit

    real = Path(__file__).parent / "data" / "un-consolidated-2026-02-27.xml.gz"
    import_list(read_source(str(real)), source="test")
    client.force_login(assessor)
    new_partner = {
        "partners-0-new_legal_name": "Lake Kivu Farmers Cooperative",
        "partners-0-new_partner_type": "ngo",
        "partners-0-new_country": "CD",
        "partners-0-role": "lead",
        "partners-0-new_head_name": "Germain Katanga",
        "partners-0-new_head_date_of_birth": "2999-04-28",
    }
    page = client.post("/proposals/new/", form_data(**new_partner))
    assert page.status_code == 200  # a date of birth in the future, at its field
    errors = page.context["formset"].forms[0].errors
    assert errors["new_head_date_of_birth"] == ["A date of birth cannot be in the future."]
    assert 'value="Germain Katanga"' in page.content.decode()
    new_partner["partners-0-new_head_date_of_birth"] = "1978-04-28"
    new_partner["partners-0-new_head_nationality"] = "CD"
    assert client.post("/proposals/new/", form_data(**new_partner)).status_code == 302
    partner = Partner.objects.get(legal_name="Lake Kivu Farmers Cooperative")
    head = partner.key_people.get()
    assert (head.name, head.role, str(head.date_of_birth), head.nationality.code) == (
        "Germain Katanga", "head", "1978-04-28", "CD",
    )  # fmt: skip
    assert head.history.get().history_user == assessor
    hit = ScreeningHit.objects.get(person=head)
    assert hit.entry_reference == "CDi.006" and hit.score == 100


def test_a_head_is_for_a_new_partner_only(client, assessor):
    existing = PartnerFactory(legal_name="Kibo Solar")
    client.force_login(assessor)
    page = client.post(
        "/proposals/new/",
        form_data(
            **{
                "partners-0-partner": existing.pk,
                "partners-0-role": "lead",
                "partners-0-new_head_name": "Somebody Else",
            }
        ),
    )
    assert page.status_code == 200
    assert "key people on its page" in page.context["formset"].forms[0].errors["new_head_name"][0]
    assert not existing.key_people.exists()


def test_a_head_typed_without_a_partner_is_not_lost(client, assessor):
    client.force_login(assessor)
    page = client.post(
        "/proposals/new/",
        form_data(**{"partners-0-new_head_name": "Amina Diallo", "partners-0-role": "lead"}),
    )
    assert page.status_code == 200
    errors = page.context["formset"].forms[0].errors
    assert errors["new_legal_name"] == ["Give the new partner's legal name."]
    assert 'value="Amina Diallo"' in page.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "query",
    ["status=awaiting_decision", "status=submitted&status=in_review"],
)
def test_a_group_of_statuses_shows_as_one_choice_that_filtering_further_keeps(
    client, assessor, agency, query
):
    """My work's links choose several statuses: the select shows them as one choice, so
    that submitting the filter form again (another filter changed) keeps them."""
    from partnerships.assessments.workflow import assessment_start

    submit(
        assessment_start(
            proposal=ProposalPartnerFactory(
                proposal__agency=agency, proposal__title="Waiting"
            ).proposal,
            user=assessor,
        )
    )
    assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=agency, proposal__title="Draft").proposal,
        user=assessor,
    )
    client.force_login(assessor)
    page = client.get(f"/proposals/?{query}").content.decode()
    status_select = re.search(r'<select name="status".*?</select>', page, re.DOTALL)[0]
    selected = re.findall(r'<option value="([^"]*)" selected>', status_select)
    assert selected == ["awaiting_decision"]
    assert '<option value="awaiting_decision" selected>Awaiting decision</option>' in page
    # The form as the browser submits it: the one selected value, with the search typed.
    again = client.get("/proposals/", {"status": selected[0], "q": "Wait"})
    assert [p.title for p in again.context["page"].object_list] == ["Waiting"]


# Partner rows: as many as needed, added and removed in the page or without JavaScript


def registry_rows(count):
    """Partner rows picking `count` new registry partners, the first one the lead."""
    rows = {"partners-TOTAL_FORMS": str(count)}
    for index, partner in enumerate(PartnerFactory.create_batch(count)):
        rows[f"partners-{index}-partner"] = partner.pk
        rows[f"partners-{index}-role"] = "lead" if index == 0 else "co_partner"
    return rows


def test_more_than_three_partners_are_saved_at_once(client, assessor):
    client.force_login(assessor)
    response = client.post("/proposals/new/", form_data(**registry_rows(6)))
    assert response.status_code == 302
    assert Proposal.objects.get().partner_links.count() == 6


def test_add_another_partner_without_javascript_keeps_what_was_typed(client, assessor):
    existing = PartnerFactory(legal_name="Kibo Solar", country="KE")
    client.force_login(assessor)
    response = client.post(
        "/proposals/new/",
        form_data(
            title="",  # not judged yet: no error is shown for it
            summary="Stoves & fuel for 10,000 households.",
            countries=["KE", "TZ"],
            more_partners="1",
            **{
                "partners-TOTAL_FORMS": "1",
                "partners-0-partner": existing.pk,
                "partners-0-role": "lead",
            },
        ),
    )
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    page = response.content.decode()
    assert 'name="partners-TOTAL_FORMS" value="2"' in page
    assert re.search(r'<fieldset class="card mb-3 position-relative " data-row>', page)
    assert page.count("data-row>") == 2 + 1  # two rows and the template of a new one
    assert "This field is required." not in page
    assert re.search(r">\s*Stoves &amp; fuel for 10,000 households.</textarea>", page)
    assert f'<option value="{existing.pk}" selected>Kibo Solar (Kenya)</option>' in page
    assert re.search(r'<option value="KE" selected>\s*Kenya', page)
    assert re.search(r'<option value="TZ" selected>\s*Tanzania', page)
    assert 'data-warn-unsaved="dirty"' in page
    # The row added is blank and named like the others; the page then saves all of it.
    saved = client.post(
        "/proposals/new/",
        form_data(
            countries=["KE", "TZ"],
            **{
                "partners-TOTAL_FORMS": "2",
                "partners-0-partner": existing.pk,
                "partners-0-role": "lead",
                "partners-1-new_legal_name": "Dodoma Stoves Cooperative",
                "partners-1-new_partner_type": "ngo",
                "partners-1-new_country": "TZ",
                "partners-1-role": "implementer",
            },
        ),
    )
    assert saved.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.partner_links.count() == 2
    assert [c.code for c in proposal.countries] == ["KE", "TZ"]


def test_a_row_marked_for_removal_is_not_saved(client, assessor, proposal):
    kept = proposal.partner_links.get().partner
    gone = PartnerFactory()
    ProposalPartnerFactory(proposal=proposal, partner=gone, role="funder")
    client.force_login(assessor)
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        form_data(
            title=proposal.title,
            **{
                "partners-TOTAL_FORMS": "2",
                "partners-INITIAL_FORMS": "2",
                "partners-0-partner": kept.pk,
                "partners-0-role": "lead",
                "partners-1-partner": gone.pk,
                "partners-1-role": "funder",
                "partners-1-DELETE": "on",
            },
        ),
    )
    assert response.status_code == 302
    assert list(proposal.partner_links.values_list("partner", flat=True)) == [kept.pk]


def test_the_partner_rows_have_an_upper_bound_said_in_a_message(client, assessor):
    from partnerships.proposals.forms import MAX_PARTNERS

    client.force_login(assessor)
    response = client.post("/proposals/new/", form_data(**registry_rows(MAX_PARTNERS + 1)))
    assert response.status_code == 200
    assert f"Please submit at most {MAX_PARTNERS} forms." in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_form_has_the_widgets_for_rows_and_countries(client, assessor):
    client.force_login(assessor)
    page = client.get("/proposals/new/").content.decode()
    # Enter in a field saves: the first submit button of the form is "Save proposal".
    form = page[page.index('<form method="post" novalidate') :]
    first_submit = re.search(r'<button type="submit"[^>]*>([^<]+)</button>', form)[1]
    assert first_submit == "Save proposal"
    assert 'data-row-formset="partners"' in page
    assert "<template data-row-template>" in page
    assert 'name="partners-__prefix__-partner"' in page
    assert 'name="more_partners"' in page
    assert "js/row-formset.js" in page and "js/multi-select.js" in page
    assert re.search(r'<select name="countries"[^>]*data-multi-select', page)
