"""Key people of partners (head, board members, owners) screened against the listed
individuals of the real 2026 Consolidated List (tests/data/README.md)."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from partnerships.partners.models import KeyPerson, KeyPersonRole
from partnerships.partners.services import PersonRow, key_people_save
from partnerships.sanctions.importing import import_list, read_source
from partnerships.sanctions.models import SanctionsEntry, ScreeningHit
from tests.factories import PartnerFactory, ProposalPartnerFactory

pytestmark = pytest.mark.django_db

LIST_2026 = Path(__file__).parent / "data" / "un-consolidated-2026-02-27.xml.gz"


@pytest.fixture
def real_list(db):
    return import_list(read_source(str(LIST_2026)), source="test")


@pytest.fixture
def partner(real_list, proposal):
    partner = PartnerFactory(legal_name="Lake Kivu Farmers Cooperative", country="CD")
    ProposalPartnerFactory(proposal=proposal, partner=partner, role="funder")
    return partner


def person_hit(partner, name):
    return ScreeningHit.objects.get(partner=partner, person_name=name)


def test_the_list_gives_an_individuals_date_of_birth_and_nationality(real_list):
    katanga = SanctionsEntry.objects.get(reference_number="CDi.006")
    assert (katanga.birth_dates, katanga.nationalities) == ([{"date": "1978-04-28"}], ["CD"])
    listed = SanctionsEntry.objects.filter(kind="individual").values_list(
        "nationalities", flat=True
    )
    assert any("KP" in codes for codes in listed)  # "Democratic People's Republic of Korea"


def test_a_key_person_is_screened_against_listed_individuals(partner, assessor):
    key_people_save(
        partner=partner,
        rows=[PersonRow(None, "Germain Katanga", KeyPersonRole.BOARD, None, "")],
        user=assessor,
    )
    hit = person_hit(partner, "Germain Katanga")
    assert hit.entry_reference == "CDi.006" and hit.score == 100
    assert (hit.person.role, hit.person_role, hit.partner_name) == (
        "board", "board", "Lake Kivu Farmers Cooperative",
    )  # fmt: skip
    assert not ScreeningHit.objects.filter(partner=partner, person_name="").exists()


@pytest.mark.parametrize(
    ("born", "nationality", "score", "evidence"),
    [  # "Germain Katanga Mbuyi": a name part more than "GERMAIN KATANGA", 94.9 by name
        (None, "", 94.9, 0),
        (datetime.date(1978, 4, 28), "CD", 99.9, 10),  # both agree: likelier (below 100)
        (None, "FR", 84.9, -10),  # another nationality: less likely, still a hit
        (datetime.date(1990, 1, 1), "", None, -15),  # another date of birth: a namesake
    ],
)
def test_date_of_birth_and_nationality_move_the_score(
    partner, assessor, born, nationality, score, evidence
):
    rows = [PersonRow(None, "Germain Katanga Mbuyi", KeyPersonRole.HEAD, born, nationality)]
    key_people_save(partner=partner, rows=rows, user=assessor)
    hits = ScreeningHit.objects.filter(partner=partner, entry_reference="CDi.006")
    if score is None:
        assert not hits.exists()  # 94.9 - 15 is below the threshold
        return
    hit = hits.get()
    assert (hit.explanation["name_score"], float(hit.score)) == (94.9, score)
    assert sum(points for *_facts, points in hit.explanation["evidence"]) == evidence


def test_key_people_saved_are_updated_and_removed(partner, assessor, outsider):
    first = key_people_save(
        partner=partner,
        rows=[
            PersonRow(None, "Amina Diallo", KeyPersonRole.HEAD, None, "SN"),
            PersonRow(None, "Jean Mbeki", KeyPersonRole.OWNER, None, ""),
        ],
        user=assessor,
    )
    amina = first[0]
    key_people_save(
        partner=partner,
        rows=[PersonRow(amina.pk, "Amina Diallo", KeyPersonRole.BOARD, None, "SN")],
        user=assessor,
    )
    assert list(partner.key_people.values_list("name", "role")) == [("Amina Diallo", "board")]
    assert KeyPerson.history.filter(name="Jean Mbeki").latest().history_user == assessor
    with pytest.raises(PermissionDenied):
        key_people_save(partner=partner, rows=[], user=outsider)


def test_the_key_people_page(client, partner, assessor, reviewer, outsider):
    url = f"/partners/{partner.pk}/people/"
    client.force_login(assessor)
    assert "Save and screen" in client.get(url).content.decode()
    data = {
        "people-TOTAL_FORMS": "2", "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0", "people-MAX_NUM_FORMS": "50",
        "people-0-name": "Germain Katanga", "people-0-role": "",
        "people-0-date_of_birth": "2999-01-01", "people-0-nationality": "CD",
    }  # fmt: skip
    page = client.post(url, data)
    assert page.status_code == 400
    text = page.content.decode()
    assert "Give the person&#x27;s role." in text and "cannot be in the future" in text
    assert 'value="Germain Katanga"' in text  # what was typed is kept
    data.update({"people-0-role": "head", "people-0-date_of_birth": "1978-04-28"})
    assert client.post(url, data).status_code == 302
    hit = person_hit(partner, "Germain Katanga")
    assert hit.score == 100 and hit.explanation["evidence"][0][3] == 5
    client.force_login(reviewer)  # reads, does not edit
    page = client.get(url).content.decode()
    assert "Germain Katanga" in page and "Save and screen" not in page
    assert client.post(url, data).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_people_show_on_the_hit_and_in_the_report_content(
    partner, assessor, proposal, client, reviewer
):
    from partnerships.assessments.revisions import partner_views, proposal_content

    key_people_save(
        partner=partner,
        rows=[PersonRow(None, "Germain Katanga", KeyPersonRole.BOARD, None, "CD")],
        user=assessor,
    )
    views = partner_views({"proposal": proposal_content(proposal)})
    lake = next(view for view in views if view.name == partner.legal_name)
    assert lake.key_people == ["Germain Katanga (Board member, Democratic Republic of the Congo)"]
    client.force_login(reviewer)
    hit = person_hit(partner, "Germain Katanga")
    page = client.get(f"/sanctions/hits/{hit.pk}/").content.decode()
    assert "<strong>Germain Katanga</strong>" in page and "Board member" in page
    assert "Nationality" in page and "agrees: +5" in page


def test_two_namesakes_on_a_board_get_a_hit_each(partner, assessor):
    people = key_people_save(
        partner=partner,
        rows=[
            PersonRow(None, "Germain Katanga", KeyPersonRole.BOARD, None, ""),
            PersonRow(None, "Germain Katanga", KeyPersonRole.OWNER, None, ""),
        ],
        user=assessor,
    )
    hits = ScreeningHit.objects.filter(partner=partner, entry_reference="CDi.006")
    assert sorted(hits.values_list("person_id", flat=True)) == sorted(p.pk for p in people)


def test_saving_several_people_screens_the_partner_once(partner, assessor, monkeypatch):
    from partnerships.partners import services

    screened = []
    real_screen = services.screen_partners
    monkeypatch.setattr(
        services, "screen_partners", lambda ps: screened.append(ps) or real_screen(ps)
    )
    monkeypatch.setattr("partnerships.sanctions.signals.screen_partners", screened.append)
    key_people_save(
        partner=partner,
        rows=[PersonRow(None, f"Person {n}", KeyPersonRole.BOARD, None, "") for n in "ABCDE"],
        user=assessor,
    )
    assert screened == [[partner]]


def test_a_stale_page_does_not_bring_back_a_person_removed_meanwhile(
    client, partner, assessor, teammate
):
    """Two assessors open the page; one removes Jean Mbeki; the other, still seeing him,
    saves a change of Amina's role: refused (409), both lists shown, nothing lost."""
    amina, jean = key_people_save(
        partner=partner,
        rows=[
            PersonRow(None, "Amina Diallo", KeyPersonRole.HEAD, None, ""),
            PersonRow(None, "Jean Mbeki", KeyPersonRole.OWNER, None, ""),
        ],
        user=assessor,
    )
    url = f"/partners/{partner.pk}/people/"
    client.force_login(assessor)
    page = client.get(url).content.decode()
    version = page.split('name="version" value="')[1].split('"')[0]
    key_people_save(  # the teammate removes Jean and adds Kofi
        partner=partner,
        rows=[
            PersonRow(amina.pk, "Amina Diallo", "head", None, ""),
            PersonRow(None, "Kofi Mensah", "board", None, "GH"),
        ],
        user=teammate,
    )
    data = {
        "version": version,
        "people-TOTAL_FORMS": "2", "people-INITIAL_FORMS": "2",
        "people-MIN_NUM_FORMS": "0", "people-MAX_NUM_FORMS": "50",
        "people-0-pk": str(amina.pk), "people-0-name": "Amina Diallo", "people-0-role": "board",
        "people-1-pk": str(jean.pk), "people-1-name": "Jean Mbeki", "people-1-role": "owner",
    }  # fmt: skip
    page = client.post(url, data)
    assert page.status_code == 409
    text = page.content.decode()
    assert "Someone changed this partner&#x27;s key people" in text
    assert "Key people as stored now" in text and 'value="Jean Mbeki"' in text
    assert sorted(partner.key_people.values_list("name", "role")) == [
        ("Amina Diallo", "head"), ("Kofi Mensah", "board"),
    ]  # fmt: skip
    # The form shown holds what was typed (Jean as a new row now) and the person added
    # meanwhile; saved again as shown, it keeps Kofi and brings Jean back, knowingly.
    shown = page.context["formset"].data
    assert shown["people-1-pk"] == "" and shown["people-2-name"] == "Kofi Mensah"
    data = dict(shown.items())
    data["version"] = text.split('name="version" value="')[1].split('"')[0]
    assert client.post(url, data).status_code == 302
    assert sorted(partner.key_people.values_list("name", "role", "nationality")) == [
        ("Amina Diallo", "board", ""), ("Jean Mbeki", "owner", ""), ("Kofi Mensah", "board", "GH"),
    ]  # fmt: skip
    assert not KeyPerson.objects.filter(pk=jean.pk).exists()


def test_a_rescreening_meeting_a_hit_saved_meanwhile_is_no_error(partner, assessor):
    from partnerships.sanctions import screening

    key_people_save(
        partner=partner,
        rows=[PersonRow(None, "Germain Katanga", KeyPersonRole.BOARD, None, "")],
        user=assessor,
    )
    hit = ScreeningHit.objects.get(partner=partner, entry_reference="CDi.006")
    duplicate = ScreeningHit.objects.get(pk=hit.pk)
    duplicate.pk = None  # as another worker would have made it a moment earlier
    assert screening._opened([duplicate]) == []
    assert ScreeningHit.objects.filter(partner=partner, entry_reference="CDi.006").count() == 1
