"""The decided record stays true: the signed PDF embeds what was decided, and the
database is checked against it (verification, check_records, downloads, the admin and
the assessment page)."""

import contextlib
import hashlib
import json
import logging
import shutil
import subprocess
import zipfile
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyhanko.pdf_utils.reader import PdfFileReader

from partnerships.accounts.roles import Role
from partnerships.assessments.models import Answer, PrincipleScore, ProposalRevision
from partnerships.assessments.services import attachment_add
from partnerships.assessments.workflow import assessment_start
from partnerships.integrity.triggers import triggers_disabled
from partnerships.reports import services
from partnerships.reports.documents import SignatureBox, render_review_pdf
from partnerships.reports.models import SignedReview
from partnerships.reports.record import (
    RECORD_FORMAT,
    decided_record,
    embedded_record,
    record_differences,
)
from partnerships.reports.signing import sign_pdf
from partnerships.reports.verification import stored_review_integrity, verify_review_pdf
from tests.factories import ProposalPartnerFactory, UserFactory
from tests.helpers import PDF_BYTES, approve, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def engaged(draft, reviewer):
    """A review decided "Engage": every criterion rated 3."""
    approve(draft, reviewer)
    review = SignedReview.objects.get(assessment=draft)
    assert review.assessment.decided_outcome == "engage"
    return review


def embedded_files(data: bytes) -> dict[str, bytes]:
    """Name -> content of every embedded file, read with pyHanko."""
    names = PdfFileReader(BytesIO(data)).root["/Names"]["/EmbeddedFiles"]["/Names"]
    return {
        str(names[i]): names[i + 1].get_object()["/EF"]["/F"].get_object().data
        for i in range(0, len(names), 2)
    }


@contextlib.contextmanager
def as_database_superuser():
    """Raw SQL past the app and the database's own refusals, as a database superuser
    could send it: the integrity triggers lifted for the block."""
    with triggers_disabled(connection), connection.cursor() as cursor:
        yield cursor


def tamper_decision(assessment) -> None:
    """Outcome, decision note and CP-1's rating changed behind the app's back."""
    answer = Answer.objects.get(assessment=assessment, criterion__code="CP-1")
    with as_database_superuser() as cursor:
        cursor.execute(
            "UPDATE assessments_assessment SET decided_outcome = %s, decision_note = %s "
            "WHERE id = %s",
            ["do_not_engage", "Rejected: conflicts of interest.", assessment.pk],
        )
        cursor.execute("UPDATE assessments_answer SET rating = %s WHERE id = %s", [0, answer.pk])


def flip_stored_byte(review) -> None:
    data = bytearray(bytes(review.pdf))
    data[len(data) // 2] ^= 0x01
    with as_database_superuser() as cursor:
        cursor.execute(
            "UPDATE reports_signedreview SET pdf = %s WHERE id = %s", [bytes(data), review.pk]
        )


def another_assessment(assessor):
    """A draft of another proposal of the assessor's agency."""
    link = ProposalPartnerFactory(proposal__agency=assessor.agency, proposal__created_by=assessor)
    return assessment_start(proposal=link.proposal, user=assessor)


TAMPERED = [
    "decision.outcome: signed engage, database do_not_engage",
    "decision.note: signed Approved after review., database Rejected: conflicts of interest.",
    "answers.CP-1.rating: signed 3, database 0",
]


# The embedded record


def test_the_signed_pdf_embeds_its_record_as_an_associated_file(signed):
    data = bytes(signed.pdf)
    files = embedded_files(data)
    assert list(files) == ["record.json"]
    record = json.loads(files["record.json"])
    assert record == decided_record(signed.assessment)
    assert record["format"] == RECORD_FORMAT == "partnerships-review-record/1"
    root = PdfFileReader(BytesIO(data)).root
    (associated,) = root["/AF"]
    assert associated.get_object()["/AFRelationship"] == "/Data"
    assert str(associated.get_object()["/UF"]) == "record.json"


@pytest.mark.skipif(not shutil.which("pdfdetach"), reason="poppler-utils not installed")
def test_poppler_lists_and_extracts_the_record(signed, tmp_path):
    source = tmp_path / "review.pdf"
    source.write_bytes(bytes(signed.pdf))
    listing = subprocess.run(
        ["pdfdetach", "-list", str(source)], capture_output=True, text=True, check=True
    ).stdout
    assert "1 embedded files" in listing and "record.json" in listing
    target = tmp_path / "record.json"
    subprocess.run(["pdfdetach", "-save", "1", "-o", str(target), str(source)], check=True)
    assert json.loads(target.read_text()) == decided_record(signed.assessment)


def test_the_signature_covers_the_record_and_still_validates(signed, tmp_path):
    data = bytes(signed.pdf)
    result = verify_review_pdf(data)
    assert result.ok, [(c.name, c.detail) for c in result.checks if not c.ok]
    names = [check.name for check in result.checks]
    assert "Record of the decision embedded" in names
    assert "The database matches the signed review" in names
    assert result.record == decided_record(signed.assessment)
    source = tmp_path / "review.pdf"
    source.write_bytes(data)
    pdfsig = subprocess.run(["pdfsig", str(source)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in pdfsig and "Total document signed" in pdfsig


def test_the_record_holds_what_was_decided(signed, reviewer):
    assessment = signed.assessment
    record = embedded_record(PdfFileReader(BytesIO(bytes(signed.pdf))))
    assert record["report_id"] == signed.report_id
    revision = ProposalRevision.objects.get(pk=assessment.revision_id)
    assert record["revision"]["sha256"] == revision.sha256
    assert record["revision"]["stage"] == "decided"
    proposal = record["revision"]["content"]["proposal"]
    assert proposal["title"] == assessment.proposal.title
    assert [p["legal_name"] for p in proposal["partners"]] == [
        link.partner.legal_name for link in assessment.proposal.partner_links.all()
    ]
    assert len(record["revision"]["content"]["gate"]) == 7
    assert record["framework"] == {
        "id": assessment.framework_id,
        "name": assessment.framework.name,
        "version": assessment.framework.version,
    }
    assert len(record["answers"]) == assessment.framework.criteria.count()
    tr1 = record["answers"]["TR-1"]
    assert tr1["rating"] == 2 and tr1["not_applicable"] is False
    assert (
        tr1["attachments"]
        == [{"name": "evidence.pdf", "sha256": hashlib.sha256(PDF_BYTES).hexdigest()}]
        == [{"name": a.original_name, "sha256": a.sha256} for a in assessment.attachments.all()]
    )
    stored = PrincipleScore.objects.filter(assessment=assessment).select_related("principle")
    assert record["principle_scores"] == {
        s.principle.key: {"score": str(s.score), "applicable": s.applicable, "answered": s.answered}
        for s in stored
    }
    assert record["overall_score"] == str(assessment.overall_score)
    assert record["coverage"] == str(assessment.coverage)
    assert record["computed_outcome"] == assessment.computed_outcome
    assert record["decision"] == {
        "outcome": assessment.decided_outcome,
        "note": "Approved after review.",
        "conditions": assessment.conditions,
        "justification": "",
    }
    assert record["reviewer"] == {"id": reviewer.pk, "username": "reviewer", "name": str(reviewer)}
    assert record["assessor"]["username"] == "assessor"
    assert record["decided_at"] == assessment.decided_at.isoformat()
    assert record["submitted_at"] == assessment.submitted_at.isoformat()


def test_a_draft_preview_embeds_no_record(draft):
    pdf, _box = render_review_pdf(draft, language="en", draft=True)
    assert embedded_record(PdfFileReader(BytesIO(pdf))) is None


def test_the_record_and_its_check_take_a_fixed_number_of_queries(draft, reviewer, assessor):
    empty = another_assessment(draft.assessor)
    with CaptureQueriesContext(connection) as unanswered:
        decided_record(empty)
    for name in ["a.pdf", "b.pdf", "c.pdf"]:
        attachment_add(
            assessment=draft,
            user=draft.assessor,
            criterion=draft.framework.criteria.get(code="CP-1"),
            upload=pdf_upload(name),
        )
    approve(draft, reviewer)
    with CaptureQueriesContext(connection) as answered:
        record = decided_record(draft)
    assert len(record["answers"]) == 33 and len(record["answers"]["CP-1"]["attachments"]) == 3
    assert len(answered) == len(unanswered)

    other = another_assessment(assessor)
    approve(other, reviewer)
    counts = []
    for assessment in [other, draft]:
        review = SignedReview.objects.get(assessment=assessment)
        with CaptureQueriesContext(connection) as checked:
            assert stored_review_integrity(review).ok
        counts.append(len(checked))
    assert counts[0] == counts[1]


def test_record_differences_name_each_field_by_its_path():
    signed = {"a": {"b": 3, "c": [1, 2], "d": True}, "gone": "x"}
    current = {"a": {"b": 0, "c": [1, 2, 3], "d": 1}, "new": None}
    assert record_differences(signed, current) == [
        "a.b: signed 3, database 0",
        "a.c: signed [1, 2], database [1, 2, 3]",
        "a.d: signed true, database 1",
        "gone: signed x, database (absent)",
        "new: signed (absent), database null",
    ]
    assert record_differences(signed, json.loads(json.dumps(signed))) == []


# Raw-SQL tampering with a decided assessment


def test_check_records_detects_a_decision_changed_with_raw_sql(engaged, capsys):
    tamper_decision(engaged.assessment)
    with pytest.raises(CommandError) as error:
        call_command("check_records")
    assert error.value.returncode == 1
    out = capsys.readouterr().out
    for field in TAMPERED:
        assert (
            f"{engaged.report_id}: The database no longer matches the signed review: {field}" in out
        )
    assert "Checked 1 signed review: 0 intact, 1 with problems." in out


def test_verify_review_detects_it_and_prints_what_was_signed(engaged, tmp_path, capsys):
    tamper_decision(engaged.assessment)
    source = tmp_path / "review.pdf"
    source.write_bytes(bytes(engaged.pdf))
    with pytest.raises(CommandError) as error:
        call_command("verify_review", str(source))
    assert error.value.returncode == 1
    out = capsys.readouterr().out
    assert "FAIL The database no longer matches the signed review: 3 differences" in out
    for field in TAMPERED:
        assert field in out
    said = next(line for line in out.splitlines() if line.startswith("The signed review says"))
    assert engaged.report_id in said and engaged.assessment.proposal.title in said
    assert "outcome Engage," in said and "Do not engage" not in said
    assert str(engaged.assessment.reviewer) in said


def test_the_verification_page_shows_the_mismatch(client, engaged):
    tamper_decision(engaged.assessment)
    response = client.post(
        "/verify/", {"file": SimpleUploadedFile("review.pdf", bytes(engaged.pdf))}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not valid: do not rely on this document." in page
    assert "The database no longer matches the signed review" in page
    # The public page names what differs, never what the database holds.
    assert "answers.CP-1.rating" in page
    assert "database 0" not in page
    assert "What the signed review says" in page
    said = page[page.index("What the signed review says") :]
    assert "Engage" in said and "Do not engage" not in said and engaged.report_id in said


def test_the_assessment_page_warns_that_the_database_no_longer_matches(
    client, engaged, assessor, outsider
):
    url = f"/assessments/{engaged.assessment_id}/"
    client.force_login(assessor)
    page = client.get(url).content.decode()
    assert "Matches the signed review." in page
    assert "no longer matches" not in page

    tamper_decision(engaged.assessment)
    page = client.get(url).content.decode()
    assert "The database no longer matches the signed review:" in page
    assert "alert-danger" in page
    for field in TAMPERED:
        assert field in page
    assert "Matches the signed review." not in page
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_changed_revision_partner_is_detected(engaged, capsys):
    revision = ProposalRevision.objects.get(pk=engaged.assessment.revision_id)
    content = revision.content
    signed_name = content["proposal"]["partners"][0]["legal_name"]
    content["proposal"]["partners"][0]["legal_name"] = "Someone Else Ltd"
    field = ProposalRevision._meta.get_field("content")
    with as_database_superuser() as cursor:
        cursor.execute(
            "UPDATE assessments_proposalrevision SET content = %s WHERE id = %s",
            [field.get_db_prep_value(content, connection), revision.pk],
        )
    with pytest.raises(CommandError):
        call_command("check_records")
    out = capsys.readouterr().out
    assert (
        f"revision.content.proposal.partners.0.legal_name: signed {signed_name}, "
        "database Someone Else Ltd"
    ) in out


def test_an_undecided_assessment_page_says_nothing_of_a_signed_review(client, draft, assessor):
    client.force_login(assessor)
    page = client.get(f"/assessments/{draft.pk}/").content.decode()
    assert "Matches the signed review" not in page and "no longer matches" not in page


# A damaged stored PDF


def test_a_damaged_stored_pdf_is_not_served(client, engaged, assessor, outsider, caplog):
    administrator = UserFactory(
        username="admin-undp", first_name="Ada", last_name="Admin", email="ada@example.org",
        agency=engaged.assessment.proposal.agency, roles=[Role.ADMINISTRATOR],
    )  # fmt: skip
    flip_stored_byte(engaged)
    client.force_login(assessor)
    url = f"/assessments/{engaged.assessment_id}/report.pdf"
    with caplog.at_level(logging.ERROR):
        response = client.get(url, {"download": 1})
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The stored signed review is damaged" in page
    assert engaged.report_id in page
    assert str(administrator) in page and "ada@example.org" in page
    assert any(
        record.levelno == logging.ERROR and engaged.report_id in record.getMessage()
        for record in caplog.records
    )
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_check_records_reports_a_damaged_stored_pdf(engaged, capsys):
    flip_stored_byte(engaged)
    with pytest.raises(CommandError) as error:
        call_command("check_records")
    assert error.value.returncode == 1
    out = capsys.readouterr().out
    assert f"{engaged.report_id}: the stored PDF is damaged: its SHA-256 is" in out
    assert engaged.sha256 in out
    assert "Checked 1 signed review: 0 intact, 1 with problems." in out


def test_export_review_refuses_a_damaged_stored_pdf(engaged, tmp_path):
    flip_stored_byte(engaged)
    output = tmp_path / "out.pdf"
    with pytest.raises(CommandError, match="is damaged"):
        call_command("export_review", str(engaged.assessment_id), "--output", str(output))
    assert not output.exists()


def test_the_assessment_page_says_a_stored_review_is_damaged(client, engaged, assessor):
    flip_stored_byte(engaged)
    client.force_login(assessor)
    page = client.get(f"/assessments/{engaged.assessment_id}/").content.decode()
    assert f"The stored signed review {engaged.report_id} is damaged" in page


def test_the_assessment_page_validates_a_signature_once_per_bytes_and_trust_roots(
    client, engaged, assessor, monkeypatch, settings
):
    """Pages reuse the signature's validation (most of their time) for the same bytes
    and trust roots; a changed byte or trust root is checked afresh, and so is the
    database, on every view."""
    from partnerships.reports import verification

    validations = []
    validate = verification.validate_pdf_signature
    monkeypatch.setattr(
        verification,
        "validate_pdf_signature",
        lambda *args, **kwargs: validations.append(1) or validate(*args, **kwargs),
    )
    url = f"/assessments/{engaged.assessment_id}/"
    client.force_login(assessor)
    for _view in range(3):
        assert "Matches the signed review." in client.get(url).content.decode()
    assert len(validations) == 1

    settings.SIGNING_TRUST_ROOTS = []
    page = client.get(url).content.decode()
    assert "The signed review failed its check:" in page
    assert "Signed by a trusted certificate" in page
    assert len(validations) == 2

    # The commands and the admin never reuse a check.
    stored_review_integrity(engaged)
    assert len(validations) == 3


def test_bytes_changed_after_a_view_are_validated_afresh(client, engaged, assessor):
    """Even with their SHA-256 rewritten to match, changed bytes are other bytes: the
    reused check of the old ones does not vouch for them."""
    url = f"/assessments/{engaged.assessment_id}/"
    client.force_login(assessor)
    assert "Matches the signed review." in client.get(url).content.decode()
    data = bytearray(bytes(engaged.pdf))
    data[len(data) // 2] ^= 0x01
    with as_database_superuser() as cursor:
        cursor.execute(
            "UPDATE reports_signedreview SET pdf = %s, sha256 = %s WHERE id = %s",
            [bytes(data), hashlib.sha256(data).hexdigest(), engaged.pk],
        )
    page = client.get(url).content.decode()
    assert "The signed review failed its check:" in page
    assert "Matches the signed review." not in page


# check_records on an intact set


def test_check_records_passes_an_intact_set(engaged, reviewer, assessor, capsys):
    other = another_assessment(assessor)
    approve(other, reviewer)
    call_command("check_records")  # returns: exit status 0
    out = capsys.readouterr().out
    assert out.strip().splitlines() == ["Checked 2 signed reviews: 2 intact, 0 with problems."]

    call_command("check_records", verbosity=0)  # for cron: a good day prints nothing
    assert capsys.readouterr().out == ""

    flip_stored_byte(SignedReview.objects.get(assessment=other))
    with pytest.raises(CommandError):
        call_command("check_records", verbosity=0)
    assert "with problems" in capsys.readouterr().out
    call_command("check_records", "--report-id", engaged.report_id)
    assert "Checked 1 signed review: 1 intact, 0 with problems." in capsys.readouterr().out
    with pytest.raises(CommandError, match="No signed review NOPE"):
        call_command("check_records", "--report-id", "NOPE")


# A review signed before records were embedded


@pytest.fixture
def legacy(draft, reviewer, monkeypatch):
    """A review signed the way the app signed before it embedded its record."""

    def render_signed_pdf(*, assessment, user, language):
        pdf, _box = render_review_pdf(assessment, language=language, draft=True)
        return sign_pdf(pdf, box=SignatureBox(page=0, box=(50, 50, 250, 120)), name="x", reason="y")

    monkeypatch.setattr(services, "render_signed_pdf", render_signed_pdf)
    approve(draft, reviewer)
    return SignedReview.objects.get(assessment=draft)


def test_a_review_without_an_embedded_record_is_reported_as_such(legacy, capsys, client):
    result = verify_review_pdf(bytes(legacy.pdf))
    check = next(c for c in result.checks if c.name == "Record of the decision embedded")
    assert check.ok is None and "signed before the app embedded its record" in check.detail
    assert result.ok and result.record is None
    assert result.summary.report_id == legacy.report_id

    call_command("check_records")
    out = capsys.readouterr().out
    assert f"{legacy.report_id}: note: Record of the decision embedded: none" in out
    assert (
        "Checked 1 signed review: 1 intact, 0 with problems. "
        "1 signed before records were embedded: not compared."
    ) in out

    page = client.post(
        "/verify/", {"file": SimpleUploadedFile("r.pdf", bytes(legacy.pdf))}
    ).content.decode()
    assert "signed before the app embedded its record" in page


# The admin


def test_the_admin_shows_each_reviews_integrity(client, administrator, engaged, reviewer, assessor):
    other = another_assessment(assessor)
    approve(other, reviewer)
    damaged = SignedReview.objects.get(assessment=other)
    flip_stored_byte(damaged)
    client.force_login(administrator)
    listing = client.get("/admin/reports/signedreview/").content.decode()
    assert listing.count("✓ intact") == 1
    assert listing.count("damaged (SHA-256 mismatch)") == 1

    change = f"/admin/reports/signedreview/{engaged.pk}/change/"
    assert (
        "Intact: the stored PDF, its signature and the database agree"
        in client.get(change).content.decode()
    )
    tamper_decision(engaged.assessment)
    page = client.get(change).content.decode()
    assert "3 problems:" in page
    for field in TAMPERED:
        assert field in page
    page = client.get(f"/admin/reports/signedreview/{damaged.pk}/change/").content.decode()
    assert "the stored PDF is damaged" in page


def test_the_admin_zip_refuses_a_selection_with_a_damaged_review(
    client, administrator, engaged, reviewer, assessor
):
    other = another_assessment(assessor)
    approve(other, reviewer)
    damaged = SignedReview.objects.get(assessment=other)
    client.force_login(administrator)
    action = {"action": "download_signed_reviews", "_selected_action": [engaged.pk, damaged.pk]}
    response = client.post("/admin/reports/signedreview/", action)
    with zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))) as archive:
        assert sorted(archive.namelist()) == sorted([engaged.filename, damaged.filename])

    flip_stored_byte(damaged)
    response = client.post("/admin/reports/signedreview/", action, follow=True)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert f"No zip was made: the stored PDFs of {damaged.report_id} are damaged" in page


def test_renaming_the_agency_or_a_person_changes_no_record(engaged):
    agency = engaged.assessment.proposal.agency
    agency.acronym = "UNDP-NEW"
    agency.save()
    reviewer = engaged.assessment.reviewer
    reviewer.last_name = "Renamed"
    reviewer.save()
    integrity = stored_review_integrity(SignedReview.objects.get(pk=engaged.pk))
    assert integrity.ok, integrity.problems


def test_a_decision_that_skipped_the_review_is_refused_and_reported(
    client, engaged, agency, assessor
):
    """A raw UPDATE straight to "approved" is refused; forged anyway by a superuser, it
    is reported by check_records and on the assessment's page."""
    from django.db import IntegrityError, transaction

    other = assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=agency).proposal, user=assessor
    )
    forge = (
        "UPDATE assessments_assessment SET status = 'approved', decided_outcome = 'engage' "
        "WHERE id = %s"
    )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(forge, [other.pk])
    with triggers_disabled(connection), connection.cursor() as cursor:
        cursor.execute(forge, [other.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_records", stdout=out)
    assert f"Assessment {other.pk}: decided, but it has no signed review." in out.getvalue()
    client.force_login(assessor)
    page = client.get(f"/assessments/{other.pk}/").content.decode()
    assert "it has no signed review: the decision did not go through the review" in page
