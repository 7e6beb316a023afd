"""The partner pickers: the search endpoint, who sees which partners through it, and the
widget that renders only the chosen partner."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.accounts.roles import Role
from partnerships.partners.models import Partner
from partnerships.partners.widgets import PartnerSearchSelect
from partnerships.proposals.forms import PartnerRowFormSet
from tests.factories import PartnerFactory, ProposalPartnerFactory, UserFactory
from tests.test_proposal_views import form_data

pytestmark = pytest.mark.django_db

URL = "/partners/search.json"


def search(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def names(results):
    return [result["text"] for result in results]


# Matching


def test_finds_partners_by_every_word_of_the_legal_or_other_names(client, assessor):
    PartnerFactory(legal_name="Kibo Solar Ltd", country="KE")
    PartnerFactory(legal_name="Andes Water", other_names="Agua de los Andes\nAWF", country="PE")
    PartnerFactory(legal_name="Solar Andes Cooperative", country="CL")
    client.force_login(assessor)
    assert names(search(client, "kibo")) == ["Kibo Solar Ltd (Kenya)"]
    assert names(search(client, "AGUA")) == ["Andes Water (Peru)"]
    assert names(search(client, "solar")) == [
        "Kibo Solar Ltd (Kenya)",
        "Solar Andes Cooperative (Chile)",
    ]
    # Every word, each in either field.
    assert names(search(client, "andes solar")) == ["Solar Andes Cooperative (Chile)"]
    assert names(search(client, "awf andes")) == ["Andes Water (Peru)"]
    assert search(client, "kibo water") == []


def test_answers_ids_the_form_accepts(client, assessor):
    partner = PartnerFactory(legal_name="Kibo Solar")
    client.force_login(assessor)
    assert search(client, "kibo") == [{"id": partner.pk, "text": "Kibo Solar (Kenya)"}]


def test_answers_at_most_20_in_name_order(client, assessor):
    Partner.objects.bulk_create(
        Partner(legal_name=f"Sun Partner {n:02}", partner_type="ngo", country="KE")
        for n in range(30, 0, -1)
    )
    client.force_login(assessor)
    found = names(search(client, "sun partner"))
    assert found == [f"Sun Partner {n:02} (Kenya)" for n in range(1, 21)]


def test_needs_two_characters(client, assessor):
    PartnerFactory(legal_name="K Solar")
    client.force_login(assessor)
    assert search(client, "k") == []
    assert search(client, "  k  ") == []
    assert search(client, "") == []
    assert names(search(client, "k solar")) == ["K Solar (Kenya)"]


def test_wildcards_are_plain_characters(client, assessor):
    PartnerFactory(legal_name="1000 Schools")
    PartnerFactory(legal_name="100% Renewable")
    client.force_login(assessor)
    assert names(search(client, "100%")) == ["100% Renewable (Kenya)"]
    assert search(client, "__") == []


@pytest.mark.parametrize(
    "q", ["a\x00b", "x" * 5000, " ".join(["word"] * 500), "'; DROP TABLE", "中国 \u202e", "%%"]
)
def test_odd_input_is_answered_not_an_error(client, assessor, q):
    client.force_login(assessor)
    assert isinstance(search(client, q), list)


def test_country_names_follow_the_language(client, assessor):
    PartnerFactory(legal_name="Kibo Solar", country="KE")
    client.force_login(assessor)
    results = client.get(URL, {"q": "kibo"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert names(results) == ["Kibo Solar (肯尼亚)"]


def test_needs_a_login_and_a_get(client, assessor):
    PartnerFactory(legal_name="Kibo Solar")
    response = client.get(URL, {"q": "kibo"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(assessor)
    assert client.post(URL, {"q": "kibo"}).status_code == 405


# Who sees what


@pytest.fixture
def partners(agency, other_agency, assessor):
    """A partner only in the agency's proposal, one only in another agency's, and one
    in the registry that no proposal names."""
    ours = ProposalPartnerFactory(
        proposal__agency=agency, partner__legal_name="Zeta Private Ours"
    ).partner
    theirs = ProposalPartnerFactory(
        proposal__agency=other_agency, partner__legal_name="Zeta Private Theirs"
    ).partner
    unused = PartnerFactory(legal_name="Zeta Registry Unused")
    return ours, theirs, unused


@pytest.fixture
def outside_reviewer(other_agency):
    return UserFactory(username="outside-reviewer", agency=other_agency, roles=[Role.REVIEWER])


def found(client, user, **params):
    client.force_login(user)
    return {r["text"].split(" (")[0] for r in search(client, "zeta", **params)}


def test_an_assessor_may_attach_any_registry_partner(client, assessor, teammate, partners):
    everything = {"Zeta Private Ours", "Zeta Private Theirs", "Zeta Registry Unused"}
    assert found(client, assessor) == everything
    assert found(client, teammate) == everything


def test_the_list_filter_scope_holds_only_partners_of_visible_proposals(
    client, assessor, teammate, outsider, partners
):
    assert found(client, assessor, scope="proposals") == {"Zeta Private Ours"}
    assert found(client, teammate, scope="proposals") == {"Zeta Private Ours"}
    assert found(client, outsider, scope="proposals") == {"Zeta Private Theirs"}


def test_who_cannot_attach_partners_sees_only_those_of_visible_proposals(
    client, reviewer, outside_reviewer, oversight, partners
):
    for scope in [{}, {"scope": "proposals"}, {"scope": "anything"}]:
        assert found(client, reviewer, **scope) == {"Zeta Private Ours"}
        assert found(client, outside_reviewer, **scope) == {"Zeta Private Theirs"}
        assert found(client, oversight, **scope) == {"Zeta Private Ours", "Zeta Private Theirs"}


def test_an_outsider_learns_nothing_of_another_agencys_proposals(
    client, agency, outsider, partners
):
    """What an assessor of another agency gets is the same whether or not our agency
    works with a partner: its name and country, nothing of our proposals."""
    *_, unused = partners
    client.force_login(outsider)
    before = search(client, "zeta")
    ProposalPartnerFactory(proposal__agency=agency, partner=unused, proposal__title="Secret plan")
    after = search(client, "zeta")
    assert before == after
    assert all(set(result) == {"id", "text"} for result in after)
    page = client.get(URL, {"q": "zeta"}).content.decode()
    assert "Secret plan" not in page and "UNDP" not in page


# Query budget


def test_a_search_takes_a_fixed_number_of_queries(
    client, assessor, reviewer, agency, django_assert_num_queries
):
    def add(n, start):
        for i in range(start, start + n):
            ProposalPartnerFactory(proposal__agency=agency, partner__legal_name=f"Zeta {i}")
            PartnerFactory(legal_name=f"Zeta unused {i}")

    add(2, 0)
    for user in [assessor, reviewer]:
        client.force_login(user)
        # The session, the user, the user's roles, the partners.
        with django_assert_num_queries(4):
            search(client, "zeta")
    add(40, 100)
    for user in [assessor, reviewer]:
        client.force_login(user)
        with django_assert_num_queries(4):
            assert len(search(client, "zeta")) == 20


def test_too_short_a_search_reads_no_partner(client, assessor, django_assert_num_queries):
    client.force_login(assessor)
    with django_assert_num_queries(2):  # the session and the user
        search(client, "z")


# The widget


def partner_select(page: str, row: int = 0) -> str:
    return re.search(rf'<select name="partners-{row}-partner".*?</select>', page, re.S)[0]


def test_the_proposal_form_renders_no_registry(client, assessor):
    Partner.objects.bulk_create(
        Partner(legal_name=f"Registry Partner {n}", partner_type="ngo", country="KE")
        for n in range(50)
    )
    client.force_login(assessor)
    page = client.get("/proposals/new/").content.decode()
    assert "Registry Partner" not in page
    select = partner_select(page)
    assert select.count("<option") == 1  # the empty choice
    assert 'data-search-url="/partners/search.json"' in select
    assert 'data-placeholder="' in select and 'data-no-results="' in select
    assert "vendor/tom-select-2.6.2/tom-select.complete.min.js" in page
    assert "vendor/tom-select-2.6.2/tom-select.bootstrap5.min.css" in page
    assert "js/partner-search.js" in page


def test_the_form_page_reads_the_same_whatever_the_registry_size(client, assessor):
    client.force_login(assessor)
    PartnerFactory.create_batch(2)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/proposals/new/")
        return len(queries)

    few = count()
    PartnerFactory.create_batch(40)
    assert count() == few


def test_an_edit_form_renders_each_chosen_partner_selected(client, assessor, agency):
    proposal = ProposalPartnerFactory(
        proposal__agency=agency, partner__legal_name="Kibo Solar", partner__country="KE"
    ).proposal
    ProposalPartnerFactory(proposal=proposal, partner__legal_name="Andes Water", role="funder")
    PartnerFactory(legal_name="Not Chosen")
    client.force_login(assessor)
    page = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    rows = [partner_select(page, n) for n in range(2)]
    chosen = {re.search(r"<option [^>]*selected>([^<]*)</option>", row)[1] for row in rows}
    assert chosen == {"Kibo Solar (Kenya)", "Andes Water (Kenya)"}
    assert "Not Chosen" not in page
    # Without JavaScript the chosen partner is what the form submits again.
    assert all(row.count("<option") == 2 for row in rows)


def test_the_chosen_partners_of_all_rows_are_read_at_once(agency, django_assert_num_queries):
    partners = PartnerFactory.create_batch(5)
    data = form_data(**{"partners-TOTAL_FORMS": "5"})
    for n, partner in enumerate(partners):
        data[f"partners-{n}-partner"] = str(partner.pk)
        data[f"partners-{n}-role"] = "co_partner"
    with django_assert_num_queries(1):
        formset = PartnerRowFormSet(data, prefix="partners")
    assert formset.is_valid()  # validation reads each row's partner, as it always did
    with django_assert_num_queries(0):
        html = "".join(str(form["partner"]) for form in formset.forms)
    assert all(f"{partner.legal_name} (Kenya)" in html for partner in partners)


def test_a_partner_found_by_search_is_accepted(client, assessor):
    """The form never rendered it; validation still accepts any registry partner."""
    PartnerFactory.create_batch(30)
    partner = PartnerFactory(legal_name="Zanzibar Seaweed Cooperative", country="TZ")
    client.force_login(assessor)
    [result] = search(client, "zanzibar")
    response = client.post(
        "/proposals/new/",
        form_data(**{"partners-0-partner": result["id"], "partners-0-role": "lead"}),
    )
    assert response.status_code == 302
    assert assessor.agency.proposals.get().partners.get() == partner


@pytest.mark.parametrize("value", ["999999", "abc", "1.5", "-1"])
def test_an_unknown_partner_is_an_error_at_the_field(client, assessor, value):
    client.force_login(assessor)
    response = client.post(
        "/proposals/new/", form_data(**{"partners-0-partner": value, "partners-0-role": "lead"})
    )
    assert response.status_code == 200
    assert "partner" in response.context["formset"].forms[0].errors
    assert partner_select(response.content.decode()).count("<option") == 1


def test_the_widget_shows_only_partners_its_field_accepts(agency):
    """A partner id put in a URL names nothing the field would refuse (the list filter,
    scoped to what the user sees, relies on it)."""
    from django import forms

    hidden, shown = PartnerFactory(legal_name="Hidden One"), PartnerFactory(legal_name="Shown")

    class Filter(forms.Form):
        partner = forms.ModelChoiceField(
            queryset=Partner.objects.filter(pk=shown.pk),
            required=False,
            empty_label="Any partner",
            widget=PartnerSearchSelect(attrs={"class": "form-select"}, scope="proposals"),
        )

    html = str(Filter({"partner": hidden.pk})["partner"])
    assert "Hidden One" not in html and html.count("<option") == 1
    html = str(Filter({"partner": shown.pk})["partner"])
    assert "Shown (Kenya)</option>" in html
    assert 'data-search-url="/partners/search.json?scope=proposals"' in html
    assert 'class="form-select"' in html
