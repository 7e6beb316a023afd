"""Sanctions screening against a small synthetic consolidated list built for the hard cases."""

from datetime import UTC
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from partnerships.assessments import workflow
from partnerships.reports.services import review_decide
from partnerships.sanctions import screening
from partnerships.sanctions.importing import ListFormatError, import_list
from partnerships.sanctions.models import (
    HitStatus,
    NameQuality,
    SanctionsEntry,
    SanctionsList,
    SanctionsName,
    ScreeningHit,
)
from partnerships.sanctions.names import normalize
from partnerships.sanctions.screening import screen_partners
from partnerships.sanctions.services import hit_decide
from tests.factories import PartnerFactory, ProposalPartnerFactory
from tests.helpers import answer_all, in_review, pass_gate

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "consolidated_sample.xml"


@pytest.fixture
def sanctions_list():
    return import_list(SAMPLE.read_bytes(), source=str(SAMPLE))


def hits_for(partner):
    return list(
        ScreeningHit.objects.filter(partner=partner).values_list("entry_data_id", flat=True)
    )


# Importing


def test_import_stores_every_entry_with_all_its_names(sanctions_list):
    assert (sanctions_list.individuals, sanctions_list.entities) == (1, 4)
    assert f"{sanctions_list.date_generated.astimezone(UTC):%Y-%m-%d %H:%M}" == "2026-10-01 12:00"
    trust = SanctionsEntry.objects.get(data_id="9100001")
    assert (trust.reference_number, trust.un_list_type, str(trust.listed_on)) == (
        "TSe.001",
        "Test",
        "2001-10-06",
    )
    names = dict(trust.names.values_list("name", "quality"))
    assert names == {  # one alias field holding two names, split on "; "
        "AL-RASHID TRUST": NameQuality.PRIMARY,
        "Al Rasheed Trust": NameQuality.AKA,
        "Al-Rashid Welfare Trust": NameQuality.AKA,
    }
    person = SanctionsEntry.objects.get(data_id="9000001")
    assert person.name == "TESTOV IVAN PETROVICH"
    assert person.name_original_script == "Тестов Иван Петрович"
    assert set(person.names.values_list("quality", flat=True)) == {
        "primary",
        "original",
        "good",
        "low",
    }


def test_a_reimport_replaces_the_list(sanctions_list):
    again = import_list(SAMPLE.read_bytes(), source="again")
    assert SanctionsList.current() == again
    assert SanctionsEntry.objects.count() == 5
    assert not SanctionsEntry.objects.filter(sanctions_list=sanctions_list).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (SAMPLE.read_bytes()[:900], "not well-formed XML"),
        (b"<OTHER_LIST/>", "not <CONSOLIDATED_LIST>"),
        (
            b'<CONSOLIDATED_LIST dateGenerated="yesterday"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>',
            "not a date",
        ),
        (
            b'<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00"><INDIVIDUALS/></CONSOLIDATED_LIST>',
            "<ENTITIES> is missing",
        ),
        (
            b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00">&b;</CONSOLIDATED_LIST>',
            "forbidden XML",
        ),
    ],
    ids=["truncated", "wrong-root", "bad-date", "incomplete", "entity-expansion"],
)
def test_a_bad_file_leaves_the_previous_list_in_place(sanctions_list, data, message):
    with pytest.raises(ListFormatError, match=message):
        import_list(data, source="bad")
    assert SanctionsList.current() == sanctions_list
    assert SanctionsEntry.objects.count() == 5


def test_import_command_reports_and_refuses_a_bad_file(tmp_path, capsys):
    call_command("import_sanctions", str(SAMPLE))
    assert "1 individuals, 4 entities" in capsys.readouterr().out
    broken = tmp_path / "broken.xml"
    broken.write_bytes(SAMPLE.read_bytes()[:700])
    with pytest.raises(CommandError, match=r"not well-formed XML.*The list in force stays"):
        call_command("import_sanctions", str(broken))


# Matching


def test_names_are_normalised():
    assert normalize("Société Générale d'Import-Export S.A.") == normalize(
        "societe generale d import export"
    )
    assert normalize("Golden Star Shipping Co.") == normalize("Shipping Golden Star Ltd")
    assert normalize("ООО Ромашка Трейд") == "romashka treyd"
    assert normalize("Müller GmbH") == "muller"


@pytest.mark.parametrize(
    ("legal_name", "other_names", "expected"),
    [
        ("Al Rasheed Trust", "", ["9100001"]),  # second name of a "; " alias field
        ("Societe Generale d Import Export", "", ["9100002"]),  # diacritics, legal suffix
        ("Rainbow Imports", "Ромашка Трейд", ["9100003"]),  # another script, in other names
        ("Romashka Treid", "", ["9100003"]),  # transliteration of the original script
        ("Shipping Golden Star Ltd", "", ["9100004"]),  # word order and legal suffix
        ("Ivan Petrovich Testov", "", ["9000001"]),  # an individual, word order
        ("Golden Star Shipping Lines", "", ["9100004"]),
        ("Ivan Testov", "", ["9000001"]),  # part of a listed name
        ("Golden Sun Shipping", "", []),  # near miss: must not match
        ("Al Rashid Trading Co", "", []),  # near miss: must not match
        ("Blue Ocean Holding", "", ["9100004"]),  # a weak (Low) alias, 0.9 of its score
        ("Green Valley Farms", "", []),
    ],
)
def test_screening_finds_the_hard_cases_and_skips_near_misses(
    sanctions_list, legal_name, other_names, expected
):
    partner = PartnerFactory(legal_name=legal_name, other_names=other_names)  # screened on creation
    assert hits_for(partner) == expected


def test_a_weak_alias_counts_less_than_a_strong_one(sanctions_list):
    weak = ScreeningHit.objects.get(partner=PartnerFactory(legal_name="Blue Ocean Holding"))
    assert weak.explanation["quality"] == NameQuality.LOW
    assert weak.score == round(Decimal(str(weak.explanation["name_score"])) * Decimal("0.9"), 1)
    entry = SanctionsEntry.objects.get(data_id="9100004")
    SanctionsName.objects.filter(entry=entry, quality=NameQuality.LOW).update(
        quality=NameQuality.GOOD
    )
    screening._index.cache_clear()  # the index of a list is kept: the list was changed by hand
    strong = ScreeningHit.objects.get(partner=PartnerFactory(legal_name="Blue Ocean Holdings Ltd"))
    assert strong.score == 100 and strong.explanation["quality_factor"] == 1


def test_a_hit_records_score_entry_and_list_date(sanctions_list):
    partner = PartnerFactory(legal_name="Shipping Golden Star Ltd")
    hit = ScreeningHit.objects.get(partner=partner)
    assert (hit.score, hit.entry_reference, hit.matched_name) == (
        100,
        "TSe.004",
        "GOLDEN STAR SHIPPING CO.",
    )
    assert hit.list_date == sanctions_list.date_generated and hit.status == HitStatus.OPEN


def test_renaming_a_partner_screens_it_again(sanctions_list):
    partner = PartnerFactory(legal_name="Harmless Bakery")
    assert hits_for(partner) == []
    partner.legal_name = "Al-Rashid Welfare Trust"
    partner.save()
    assert hits_for(partner) == ["9100001"]


def test_an_import_screens_every_partner_and_keeps_decisions(reviewer, proposal):
    partner = PartnerFactory(legal_name="Golden Star Shipping")  # before any list
    ProposalPartnerFactory(proposal=proposal, partner=partner, role="co_partner")
    call_command("import_sanctions", str(SAMPLE))
    hit = ScreeningHit.objects.get(partner=partner)
    hit_decide(
        hit=hit, user=reviewer, status=HitStatus.CLEARED, note="Different company, other country."
    )
    call_command("import_sanctions", str(SAMPLE))
    assert ScreeningHit.objects.get(partner=partner).status == HitStatus.CLEARED


def test_screen_partners_command(sanctions_list, capsys):
    partner = PartnerFactory.build(legal_name="Star Maritime")
    from partnerships.partners.models import Partner

    Partner.objects.bulk_create([partner])  # bulk creation skips the signal
    saved = Partner.objects.get(legal_name="Star Maritime")
    call_command("screen_partners", "--partner", str(saved.pk))
    out = capsys.readouterr().out
    assert "Star Maritime ~ Star Maritime" in out and "1 new hits" in out


# Hits in the workflow


@pytest.fixture
def flagged(sanctions_list, proposal):
    partner = PartnerFactory(legal_name="Golden Star Shipping Co")
    ProposalPartnerFactory(proposal=proposal, partner=partner, role="funder")
    return ScreeningHit.objects.get(partner=partner)


def test_an_open_hit_blocks_submission(flagged, draft, reviewer):
    pass_gate(draft)
    answer_all(draft)
    with pytest.raises(ValidationError, match="must clear or confirm the sanctions screening hit"):
        workflow.assessment_submit(assessment=draft, user=draft.assessor)
    hit_decide(hit=flagged, user=reviewer, status=HitStatus.CLEARED, note="Not the same company.")
    workflow.assessment_submit(assessment=draft, user=draft.assessor)


def test_a_confirmed_hit_forbids_engaging(flagged, draft, reviewer):
    hit_decide(
        hit=flagged, user=reviewer, status=HitStatus.CONFIRMED, note="Same registration number."
    )
    in_review(draft, reviewer)
    for outcome in ["engage", "engage_with_conditions"]:
        with pytest.raises(ValidationError) as error:
            review_decide(
                assessment=draft,
                user=reviewer,
                outcome=outcome,
                note="x",
                conditions="c",
                justification="j",
            )
        assert "sanctions list" in error.value.message_dict["outcome"][0]
    review_decide(
        assessment=draft,
        user=reviewer,
        outcome="do_not_engage",
        note="Listed.",
        justification="Sanctions.",
    )


def test_only_a_reviewer_working_with_the_partner_decides_a_hit(flagged, assessor, outsider):
    with pytest.raises(PermissionDenied):
        hit_decide(hit=flagged, user=assessor, status=HitStatus.CLEARED, note="x")
    with pytest.raises(PermissionDenied):
        hit_decide(hit=flagged, user=outsider, status=HitStatus.CLEARED, note="x")


def test_hits_show_on_the_assessment_and_are_decided_there(
    client, flagged, draft, reviewer, outsider
):
    client.force_login(reviewer)
    page = client.get(f"/assessments/{draft.pk}/").content.decode()
    assert (
        f'<strong>Golden Star Shipping Co</strong> ~ <a href="/sanctions/hits/{flagged.pk}/">'
        "GOLDEN STAR SHIPPING CO.</a>" in page
    )
    assert "Confirm: the partner is listed" in page
    response = client.post(
        f"/sanctions/hits/{flagged.pk}/decide/",
        {"status": "confirmed", "note": "Same address.", "next": f"/assessments/{draft.pk}/"},
    )
    assert response["Location"] == f"/assessments/{draft.pk}/"
    flagged.refresh_from_db()
    assert (flagged.status, flagged.decided_by) == (HitStatus.CONFIRMED, reviewer)
    assert flagged.history.latest().history_user == reviewer
    client.force_login(outsider)
    assert (
        client.post(
            f"/sanctions/hits/{flagged.pk}/decide/", {"status": "cleared", "note": "x"}
        ).status_code
        == 404
    )


def test_hits_are_in_the_signed_report(flagged, draft, reviewer, tmp_path):
    hit_decide(
        hit=flagged, user=reviewer, status=HitStatus.CONFIRMED, note="Same registration number."
    )
    in_review(draft, reviewer)
    review_decide(
        assessment=draft,
        user=reviewer,
        outcome="do_not_engage",
        note="Listed.",
        justification="Sanctions.",
    )
    from tests.test_reports import pdftotext

    text = " ".join(pdftotext(bytes(draft.signed_review.pdf), tmp_path).split())
    assert "Sanctions screening" in text and "GOLDEN STAR SHIPPING CO." in text
    assert "Confirmed" in text


def test_a_duplicate_dataid_is_a_format_error(sanctions_list):
    data = SAMPLE.read_bytes().replace(b"<DATAID>9100002</DATAID>", b"<DATAID>9100001</DATAID>")
    with pytest.raises(ListFormatError, match="appears twice"):
        import_list(data, source="duplicate")
    assert SanctionsList.current() == sanctions_list


def test_a_decided_hit_stays_decided_whoever_asks(flagged, reviewer, other_agency):
    from tests.factories import ProposalFactory, UserFactory

    hit_decide(hit=flagged, user=reviewer, status=HitStatus.CONFIRMED, note="Same registration.")
    foreign = UserFactory(agency=other_agency, roles=["Reviewer"])
    ProposalPartnerFactory(proposal=ProposalFactory(agency=other_agency), partner=flagged.partner)
    with pytest.raises(ValidationError, match="already decided"):
        hit_decide(hit=flagged, user=foreign, status=HitStatus.CLEARED, note="Looks fine to us.")
    flagged.refresh_from_db()
    assert flagged.status == HitStatus.CONFIRMED


def test_a_reviewer_of_an_agency_not_working_with_the_partner_cannot_decide(flagged, other_agency):
    from tests.factories import UserFactory

    foreign = UserFactory(agency=other_agency, roles=["Reviewer"])
    with pytest.raises(PermissionDenied):
        hit_decide(hit=flagged, user=foreign, status=HitStatus.CLEARED, note="x")


def test_an_open_hit_found_after_submission_blocks_engaging(draft, reviewer, proposal):
    partner = PartnerFactory(legal_name="Star Maritime")
    ProposalPartnerFactory(proposal=proposal, partner=partner, role="implementer")
    in_review(draft, reviewer)
    import_list(SAMPLE.read_bytes(), source="late list")
    screen_partners()  # as import_sanctions does after each import
    with pytest.raises(ValidationError) as error:
        review_decide(assessment=draft, user=reviewer, outcome="engage", note="x")
    assert "is open" in error.value.message_dict["outcome"][0]
