"""The signed review: what it says, that its signature holds, and that it never changes."""

import hashlib
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from partnerships.assessments import workflow
from partnerships.assessments.choices import AssessmentStatus
from partnerships.frozen import FrozenRecordError
from partnerships.principles.models import Principle
from partnerships.reports.models import SignedReview
from partnerships.reports.services import review_decide
from partnerships.reports.signing import FIELD_NAME
from partnerships.reports.verification import verify_review_pdf
from tests.helpers import in_review

pytestmark = pytest.mark.django_db


def pdftotext(data: bytes, tmp_path: Path, *pages: int) -> str:
    source = tmp_path / "in.pdf"
    source.write_bytes(data)
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(
        [*args, str(source), "-"], capture_output=True, text=True, check=True
    ).stdout


def page_count(data: bytes, tmp_path: Path) -> int:
    source = tmp_path / "count.pdf"
    source.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(source)], capture_output=True, text=True, check=True)
    return int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )


def pdfsig(data: bytes, tmp_path: Path) -> str:
    source = tmp_path / "sig.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdfsig", str(source)], capture_output=True, text=True).stdout


def tampered(data: bytes) -> bytes:
    """One byte changed inside the signed range (in the page content, not the signature)."""
    position = data.index(b"stream", len(data) // 4) + 20
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


# Signing on decision


def test_a_decision_stores_the_signed_report_once(signed, draft, reviewer):
    assert signed.report_id == f"UNDP-{draft.created_at:%Y}-{draft.pk:05d}"
    assert signed.sha256 == hashlib.sha256(bytes(signed.pdf)).hexdigest()
    assert signed.signer == reviewer and signed.signer_name == str(reviewer)
    assert signed.language == "en" and signed.size == len(bytes(signed.pdf))
    assert "Test review signer" in signed.certificate_subject


def test_the_signature_validates_with_pyhanko_and_poppler(signed, tmp_path):
    data = bytes(signed.pdf)
    result = verify_review_pdf(data)
    assert result.ok, [(c.name, c.detail) for c in result.checks if not c.ok]
    assert result.review == signed
    output = pdfsig(data, tmp_path)
    assert "Signature is Valid" in output
    assert "ETSI.CAdES.detached" in output  # a PAdES signature


def test_one_changed_byte_is_rejected_by_pyhanko_and_poppler(signed, tmp_path):
    data = tampered(bytes(signed.pdf))
    result = verify_review_pdf(data)
    assert not result.ok
    failed = {check.name for check in result.checks if not check.ok}
    assert "Signature intact" in failed
    assert "Signature is Valid" not in pdfsig(data, tmp_path)


def test_content_appended_after_signing_is_rejected(signed):
    result = verify_review_pdf(bytes(signed.pdf) + b"\n% appended\n")
    failed = {check.name for check in result.checks if not check.ok}
    assert "Matches a review stored by this app" in failed


def test_an_untrusted_certificate_is_rejected(signed, settings, tmp_path):
    from partnerships.reports.certificates import create_self_signed_pair

    create_self_signed_pair(
        common_name="Someone else", organization="Elsewhere", passphrase="x",
        p12_path=tmp_path / "other.p12", pem_path=tmp_path / "other.pem",
    )  # fmt: skip
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "other.pem")]
    result = verify_review_pdf(bytes(signed.pdf))
    assert {c.name for c in result.checks if not c.ok} == {"Signed by a trusted certificate"}


def test_the_visible_signature_is_on_the_last_page_with_name_role_and_date(
    signed, reviewer, tmp_path
):
    data = bytes(signed.pdf)
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(data))
    signature = reader.embedded_signatures[0]
    assert signature.field_name == FIELD_NAME
    last_page = page_count(data, tmp_path)
    annotations = reader.root["/Pages"]["/Kids"][-1].get_object().get("/Annots", [])
    assert any(a.get_object().get("/T") == FIELD_NAME for a in annotations)
    assert last_page >= 2


def test_the_report_says_what_was_decided(signed, draft, tmp_path):
    text = pdftotext(bytes(signed.pdf), tmp_path)
    assert draft.proposal.title in text
    for principle in Principle.objects.all():
        assert principle.short_name_en in text
    assert f"{draft.overall_score} %" in text
    assert "Exclusion gate" in text and "Decision note" in text
    assert "Verification:" in text and "verify_review FILE.pdf" in text
    assert signed.report_id in text
    attachment = draft.attachments.get()
    assert attachment.original_name in text
    assert attachment.sha256[:32] in text.replace("\n", "").replace(" ", "")
    flat = " ".join(text.split())
    assert "Kenya Developing" in flat
    assert "Reviewer (approving officer), UNDP" in flat
    assert "DRAFT" not in text


def test_every_page_carries_the_report_id_and_its_number(signed, tmp_path):
    data = bytes(signed.pdf)
    pages = page_count(data, tmp_path)
    for number in range(1, pages + 1):
        text = pdftotext(data, tmp_path, number)
        assert signed.report_id in text
        assert f"page {number} of {pages}" in text


def test_signing_failure_leaves_the_assessment_undecided(draft, reviewer, settings, tmp_path):
    in_review(draft, reviewer)
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    with pytest.raises(ValidationError, match="could not be signed"):
        review_decide(assessment=draft, user=reviewer, outcome="engage", note="ok")
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.IN_REVIEW and not draft.decided_outcome
    assert not SignedReview.objects.exists()
    assert list(draft.status_changes.values_list("to_status", flat=True))[-1] == "in_review"


def test_the_signed_review_never_changes(signed):
    signed.signer_name = "Someone else"
    with pytest.raises(FrozenRecordError):
        signed.save()
    with pytest.raises(FrozenRecordError):
        SignedReview.objects.filter(pk=signed.pk).update(pdf=b"%PDF-forged")
    with pytest.raises(FrozenRecordError):
        signed.delete()


# Chinese


def test_a_chinese_report_uses_chinese_names_and_a_cjk_font(draft, reviewer, tmp_path):
    in_review(draft, reviewer)
    draft.refresh_from_db()
    review_decide(
        assessment=draft, user=reviewer, outcome="engage", note="同意。", language="zh-hans"
    )
    data = bytes(SignedReview.objects.get().pdf)
    text = pdftotext(data, tmp_path)
    for principle in Principle.objects.all():
        assert principle.short_name_zh in text
    assert f"{draft.overall_score} %" in text
    assert "排除筛查" in text
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True).stdout.decode()
    assert "Noto-Sans-CJK-SC" in fonts


# Downloads, previews and commands


def test_downloads_serve_the_stored_bytes(client, signed, assessor, oversight, outsider):
    client.force_login(assessor)
    url = f"/assessments/{signed.assessment_id}/report.pdf"
    first = client.get(url, {"download": 1})
    second = client.get(url, {"language": "zh-hans"})
    assert first.content == second.content == bytes(signed.pdf)
    assert first["Content-Disposition"] == f'attachment; filename="{signed.report_id}.pdf"'
    client.force_login(oversight)
    assert client.get(url).content == bytes(signed.pdf)
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_draft_preview_says_draft_on_every_page(client, assessor, draft, tmp_path):
    client.force_login(assessor)
    response = client.get(f"/assessments/{draft.pk}/report.pdf", {"language": "en"})
    assert response["Content-Type"] == "application/pdf"
    pages = page_count(response.content, tmp_path)
    for number in range(1, pages + 1):
        assert "DRAFT — not signed" in pdftotext(response.content, tmp_path, number)
    assert not verify_review_pdf(response.content).ok


def test_export_review_writes_the_signed_pdf_or_a_marked_draft(signed, draft, tmp_path, capsys):
    output = tmp_path / "out.pdf"
    call_command("export_review", str(signed.assessment_id), "--output", str(output))
    assert output.read_bytes() == bytes(signed.pdf)
    assert "signed review" in capsys.readouterr().out

    other = workflow.assessment_start(proposal=draft.proposal, user=draft.assessor)
    call_command("export_review", str(other.pk), "--output", str(output), "--language", "zh")
    assert "DRAFT" in capsys.readouterr().out
    text = pdftotext(output.read_bytes(), tmp_path)
    assert "草稿" in text and "DRAFT" not in text


def test_verify_review_command(signed, tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(bytes(signed.pdf))
    call_command("verify_review", str(good))
    out = capsys.readouterr().out
    assert f"Valid signed review {signed.report_id}" in out
    assert signed.assessment.proposal.title in out and signed.signer_name in out

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(tampered(bytes(signed.pdf)))
    with pytest.raises(CommandError) as error:
        call_command("verify_review", str(bad))
    assert error.value.returncode == 1
    assert "FAIL Signature intact" in capsys.readouterr().out


def test_verify_review_command_exit_codes_in_a_shell(signed, tmp_path):
    """The exit status a script sees: 0 for a valid review, non-zero otherwise."""
    import os
    import sys

    good = tmp_path / "good.pdf"
    good.write_bytes(bytes(signed.pdf))
    # A fresh process cannot see this test's transaction, so only the negative case is run
    # there; the positive one is covered by call_command above.
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(tampered(bytes(signed.pdf)))
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_review", str(bad)],
        cwd=Path(__file__).parent.parent,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0


# The public verification page


def test_anyone_can_verify_a_review_without_logging_in(client, signed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/verify/", {"file": SimpleUploadedFile("r.pdf", bytes(signed.pdf))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Valid: this is an authentic, unchanged signed review." in page
    assert signed.report_id in page and signed.assessment.proposal.title in page

    response = client.post(
        "/verify/", {"file": SimpleUploadedFile("r.pdf", tampered(bytes(signed.pdf)))}
    )
    assert "Not valid" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [(b"hello", 400, "This is not a PDF file."), (b"%PDF-1.4 not really", 200, "Not valid")],
    ids=["not-a-pdf", "broken-pdf"],
)
def test_the_verification_page_answers_bad_files_clearly(client, content, status, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/verify/", {"file": SimpleUploadedFile("x.pdf", content)})
    assert response.status_code == status
    assert message in response.content.decode()


def test_an_oversized_upload_is_refused_before_it_is_read(client, settings):
    settings.VERIFY_MAX_BYTES = 10
    response = client.generic(
        "POST", "/verify/", b"x" * 70000, content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 413
    assert "the limit is 10" in response.content.decode()


def test_the_verification_page_has_an_upload_limit(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VERIFY_MAX_BYTES = 10
    response = client.post("/verify/", {"file": SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * 20)})
    assert response.status_code == 400
    assert "the limit is 10" in response.content.decode()


def test_a_signing_failure_in_the_browser_says_why_and_keeps_the_form(
    client, draft, reviewer, settings, tmp_path
):
    in_review(draft, reviewer)
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    client.force_login(reviewer)
    response = client.post(
        f"/assessments/{draft.pk}/decide/",
        {"outcome": "engage", "note": "My note", "language": "en"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "could not be signed" in page and "My note" in page
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.IN_REVIEW


def test_no_path_of_the_app_changes_a_decided_assessment(client, signed, assessor, administrator):
    assessment = signed.assessment
    criterion = assessment.framework.criteria.get(code="TR-1")
    client.force_login(assessor)
    # Its forms send the assessor to its page, saying why; the actions are refused.
    for url, data, status in [
        (f"/assessments/{assessment.pk}/answers/", {"TR-1-rating": "0"}, 302),
        (
            f"/assessments/{assessment.pk}/gate/",
            {"tobacco-v1-response": "yes", "tobacco-v1-note": "x"},
            302,
        ),
        (f"/assessments/{assessment.pk}/submit/", {}, 403),
        (f"/assessments/{assessment.pk}/withdraw/", {"note": "x"}, 403),
        (f"/assessments/attachments/{assessment.attachments.first().pk}/delete/", {}, 403),
    ]:
        assert client.post(url, data).status_code == status, url
    client.force_login(administrator)
    admin_url = f"/admin/assessments/assessment/{assessment.pk}/change/"
    assert client.post(admin_url, {"answers-0-rating": "0"}).status_code == 403
    assert (
        client.post(
            f"/admin/assessments/assessment/{assessment.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert assessment.answers.get(criterion=criterion).rating == 2
    assert bytes(SignedReview.objects.get().pdf) == bytes(signed.pdf)
