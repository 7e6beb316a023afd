import csv
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from partnerships.assessments.models import Assessment
from partnerships.assessments.workflow import assessment_start
from partnerships.reports.models import SignedReview
from tests.factories import ProposalPartnerFactory, UserFactory
from tests.helpers import answer_all, approve, pass_gate

pytestmark = pytest.mark.django_db


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
    return approved, draft, elsewhere


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_assessment_export_reads_back_with_per_principle_scores(client, reviewer, portfolio):
    approved, draft, _elsewhere = portfolio
    client.force_login(reviewer)
    for reader, url in [
        (read_csv, "/oversight/exports/assessments.csv"),
        (read_xlsx, "/oversight/exports/assessments.xlsx"),
    ]:
        rows = {int(r["assessment_id"]): r for r in reader(client.get(url))}
        assert set(rows) == {approved.pk, draft.pk}  # a reviewer's export: their agency only
        row = rows[approved.pk]
        assert row["status"] == "approved" and row["decided_outcome"] == approved.decided_outcome
        assert Decimal(str(row["overall_score"])) == approved.overall_score
        # TR-1 "partially met", the others of transparency "fully met": (1*2 + 3*2 + 3 + 3) / 18
        assert Decimal(str(row["score_transparency"])) == Decimal("77.8")
        assert Decimal(str(rows[draft.pk]["score_common_purpose"])) == Decimal("66.7")


def test_answer_export_has_one_row_per_answer(client, oversight, portfolio):
    approved, _draft, _elsewhere = portfolio
    client.force_login(oversight)
    rows = read_csv(client.get("/oversight/exports/answers.csv"))
    assert len(rows) == 33 * 2  # the third assessment has no answers yet
    br3 = next(
        r for r in rows if r["assessment_id"] == str(approved.pk) and r["criterion"] == "BR-3"
    )
    assert br3["not_applicable"] == "True" and br3["justification"] == "No board."
    assert len(read_xlsx(client.get("/oversight/exports/answers.xlsx"))) == 66


def test_exports_are_for_oversight_and_reviewers(client, assessor, oversight, portfolio):
    client.force_login(assessor)
    assert client.get("/oversight/exports/assessments.csv").status_code == 403
    client.force_login(oversight)
    rows = read_csv(client.get("/oversight/exports/assessments.csv"))
    assert len(rows) == 3
    assert client.get("/oversight/exports/nonsense.csv").status_code == 404
    assert client.get("/oversight/exports/assessments.pdf").status_code == 404


def test_export_query_count_does_not_grow(
    client, oversight, portfolio, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(oversight)

    def queries():
        with CaptureQueriesContext(connection) as context:
            b"".join(client.get("/oversight/exports/assessments.csv").streaming_content)
        return len(context)

    few = queries()
    for _ in range(4):
        assessment_start(
            proposal=ProposalPartnerFactory(proposal__agency=portfolio[0].proposal.agency).proposal,
            user=portfolio[0].assessor,
        )
    assert queries() == few


def test_admin_actions_export_and_zip_the_selection(client, administrator, portfolio):
    approved, draft, _elsewhere = portfolio
    client.force_login(administrator)
    url = "/admin/assessments/assessment/"
    selection = {"_selected_action": [approved.pk, draft.pk]}
    rows = read_csv(client.post(url, {"action": "export_csv", **selection}))
    assert {int(r["assessment_id"]) for r in rows} == {approved.pk, draft.pk}
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
