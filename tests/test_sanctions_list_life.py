"""The list's life, on real Consolidated Lists (tests/data/README.md): an older list is
refused, each import records what changed, delisted entries' hits are marked, newly
matched partners reach their agencies' reviewers (My work, e-mail), and the list is
fetched from its official address only."""

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.accounts.roles import Role
from partnerships.sanctions import importing
from partnerships.sanctions.importing import (
    FetchRefusedError,
    OlderListError,
    import_list,
    read_source,
)
from partnerships.sanctions.models import HitStatus, SanctionsEntry, SanctionsList, ScreeningHit
from partnerships.sanctions.services import hit_decide
from tests.factories import PartnerFactory, ProposalFactory, ProposalPartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NOV_30 = DATA / "un-consolidated-2020-11-30.xml.gz"
DEC_01 = DATA / "un-consolidated-2020-12-01.xml.gz"
LIST_2026 = DATA / "un-consolidated-2026-02-27.xml.gz"
DAMAGED = DATA / "un-consolidated-2025-08-16-damaged-encoding.xml.gz"


def load(path, **options) -> SanctionsList:
    return import_list(read_source(str(path)), source=str(path), **options)


@pytest.fixture
def november(db):
    return load(NOV_30)


@pytest.fixture
def cement(november, proposal):
    """A partner of the agency's proposal matched with an entity delisted on 1 December."""
    partner = PartnerFactory(legal_name="Sarchinar State Cement Enterprise")
    ProposalPartnerFactory(proposal=proposal, partner=partner, role="funder")
    return ScreeningHit.objects.get(partner=partner, entry_reference="IQe.100")


def test_an_import_records_what_changed_since_the_list_in_force(november):
    december = load(DEC_01)
    assert december.previous == november
    assert (december.added, december.removed, december.renamed) == (0, 12, 0)
    removed = {reference for _data_id, reference, _name in december.changes["removed"]}
    assert {"IQi.035", "IQe.100", "IQe.192"} <= removed and len(removed) == 12
    again = load(DEC_01)  # the same list again: nothing changed
    assert (again.added, again.removed, again.renamed) == (0, 0, 0)


def test_the_command_prints_the_changes(november, capsys):
    call_command("import_sanctions", str(DEC_01))
    out = capsys.readouterr().out
    assert "Imported the list of 2020-12-02 00:08 UTC: 712 individuals, 294 entities." in out
    assert "Since the list of 2020-12-01 01:31 UTC: 0 added, 12 removed, 0 renamed." in out
    assert "  - IQe.100 SARCHINAR STATE CEMENT ENTERPRISE" in out


def test_an_older_list_is_refused_unless_asked_for(db, capsys):
    load(LIST_2026)
    with pytest.raises(OlderListError, match="before the list in force"):
        load(NOV_30)
    with pytest.raises(CommandError, match="--allow-older"):
        call_command("import_sanctions", str(NOV_30))
    assert f"{SanctionsList.current().date_generated:%Y}" == "2026"
    call_command("import_sanctions", str(NOV_30), "--allow-older")
    older = SanctionsList.current()
    assert older.older_than_previous and f"{older.date_generated:%Y}" == "2020"
    assert "Imported with --allow-older" in older.history.latest().history_change_reason
    assert "imported as asked (--allow-older)" in capsys.readouterr().out


def test_a_damaged_download_is_refused_and_the_list_in_force_kept(november):
    entries = SanctionsEntry.objects.count()
    with pytest.raises(CommandError, match=r"not well-formed XML.*The list in force stays"):
        call_command("import_sanctions", str(DAMAGED))
    assert SanctionsList.current() == november and SanctionsEntry.objects.count() == entries


def test_delisting_closes_an_open_hit_and_keeps_a_decision(cement, proposal, reviewer):
    sugar = PartnerFactory(legal_name="Sulaimaniyah Sugar State Company")
    ProposalPartnerFactory(proposal=proposal, partner=sugar, role="co_partner")
    decided = ScreeningHit.objects.get(partner=sugar)
    hit_decide(hit=decided, user=reviewer, status=HitStatus.CLEARED, note="Another company.")
    december = load(DEC_01)
    cement.refresh_from_db()
    decided.refresh_from_db()
    assert (cement.status, cement.delisted_at) == (HitStatus.DELISTED, december.date_generated)
    assert (decided.status, decided.delisted_at) == (HitStatus.CLEARED, december.date_generated)
    assert "Delisted" in cement.history.latest().history_change_reason
    # Listed again (an older list, asked for): the closed hit opens, the decision stays.
    load(NOV_30, allow_older=True)
    call_command("screen_partners")
    cement.refresh_from_db()
    decided.refresh_from_db()
    assert (cement.status, cement.delisted_at) == (HitStatus.OPEN, None)
    assert (decided.status, decided.delisted_at) == (HitStatus.CLEARED, None)


def test_reviewers_of_agencies_working_with_a_newly_matched_partner_are_told(
    november, proposal, reviewer, django_capture_on_commit_callbacks
):
    reviewer.email = "reviewer@undp.example"
    reviewer.save()
    UserFactory(username="who-reviewer", roles=[Role.REVIEWER], email="r@who.example")
    partner = PartnerFactory.build(
        legal_name="Sarchinar State Cement Enterprise (Iraq's <branch>) & Co."
    )
    from partnerships.partners.models import Partner

    Partner.objects.bulk_create([partner])  # not screened on creation: the import finds it
    partner = Partner.objects.get(legal_name=partner.legal_name)
    ProposalPartnerFactory(proposal=proposal, partner=partner, role="funder")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_sanctions", str(NOV_30))
    assert [message.to for message in mail.outbox] == [["reviewer@undp.example"]]
    message = mail.outbox[0]
    assert "1 new potential match" in message.subject
    assert "Sarchinar State Cement Enterprise (Iraq's <branch>) & Co. ~ SARCHINAR" in message.body
    hit = ScreeningHit.objects.get(partner=partner)
    assert f"/sanctions/hits/{hit.pk}/" in message.body


def test_my_work_lists_the_open_hits_a_reviewer_decides(client, cement, proposal, reviewer):
    client.force_login(reviewer)
    page = client.get("/").content.decode()
    assert "Screening hits to decide" in page
    assert "SARCHINAR STATE CEMENT ENTERPRISE" in page and proposal.title in page
    assert f'href="/sanctions/hits/{cement.pk}/"' in page
    with CaptureQueriesContext(connection) as one_hit:
        client.get("/")
    for name in ["State Steel Pipes Company", "Sulaimaniyah Sugar State Company"]:
        ProposalPartnerFactory(
            proposal=ProposalFactory(agency=proposal.agency),
            partner=PartnerFactory(legal_name=name),
            role="funder",
        )
    with CaptureQueriesContext(connection) as three_hits:
        page = client.get("/").content.decode()
    assert "STATE STEEL PIPES COMPANY" in page
    assert len(three_hits) == len(one_hit)  # no query per hit
    hit_decide(hit=cement, user=reviewer, status=HitStatus.CLEARED, note="Not them.")
    assert "SARCHINAR STATE CEMENT ENTERPRISE" not in client.get("/").content.decode()


def test_the_hit_page_explains_and_lets_a_reviewer_decide(
    client, cement, reviewer, teammate, outsider
):
    client.force_login(reviewer)
    page = client.get(f"/sanctions/hits/{cement.pk}/").content.decode()
    assert "How the score was made" in page and "Confirm: the partner is listed" in page
    client.force_login(teammate)  # an assessor of the agency sees it, cannot decide it
    page = client.get(f"/sanctions/hits/{cement.pk}/").content.decode()
    assert "How the score was made" in page and "Confirm: the partner is listed" not in page
    client.force_login(outsider)
    assert client.get(f"/sanctions/hits/{cement.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/sanctions/hits/{cement.pk}/").status_code == 302


# Fetching the official list


def test_without_a_path_the_official_list_is_fetched(db, monkeypatch, settings):
    asked = []

    def answer(url, timeout):
        asked.append(url)
        return io.BytesIO(LIST_2026.read_bytes())

    monkeypatch.setattr(importing._opener, "open", answer)
    call_command("import_sanctions")
    assert asked == [settings.SANCTIONS_LIST_URL]
    assert f"{SanctionsList.current().date_generated:%Y-%m-%d}" == "2026-02-27"


@pytest.mark.parametrize(
    "url",
    [
        "http://scsanctions.un.org/resources/xml/en/consolidated.xml",
        "https://127.0.0.1/consolidated.xml",
        "https://scsanctions.un.org.evil.example/consolidated.xml",
        "https://user:pass@scsanctions.un.org/consolidated.xml",
        "file:///etc/passwd",
    ],
)
def test_only_https_from_the_allowed_hosts_is_fetched(db, url):
    with pytest.raises(FetchRefusedError):
        importing.fetch_list(url)
    with pytest.raises(CommandError, match="The list in force stays"):
        call_command("import_sanctions", url)


def test_a_redirect_elsewhere_is_refused():
    handler = importing._CheckedRedirects()
    with pytest.raises(FetchRefusedError):
        handler.redirect_request(None, None, 302, "Found", {}, "https://169.254.169.254/")


@pytest.mark.parametrize("port", ["22", "8443", "99999", "x"])
def test_an_allowed_host_is_fetched_on_the_https_port_only(db, port):
    with pytest.raises(FetchRefusedError, match=r"443|SANCTIONS_ALLOWED_HOSTS"):
        importing.check_list_url(f"https://scsanctions.un.org:{port}/consolidated.xml")
    importing.check_list_url("https://scsanctions.un.org:443/consolidated.xml")
