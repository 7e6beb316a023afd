"""Exports and bulk work as background jobs: asked for, followed, downloaded by whoever
asked and nobody else, expired; the same queue zips signed reviews and re-screens the
partners after a sanctions list import.

Tasks run as they are enqueued in tests (conftest: the immediate backend); the last test
queues them in the database and runs the worker, as production does."""

import csv
import datetime
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnerships.accounts.roles import Role
from partnerships.assessments.workflow import assessment_start
from partnerships.jobs import services
from partnerships.jobs.models import ExportJob, ExportStatus
from partnerships.partners.models import Partner
from partnerships.reports.models import SignedReview
from partnerships.sanctions.models import ScreeningHit
from tests.factories import PartnerFactory, ProposalPartnerFactory, UserFactory
from tests.helpers import answer_all, approve

pytestmark = pytest.mark.django_db

ASK = "/oversight/exports/answers.csv"
SAMPLE = Path(__file__).parent / "data" / "consolidated_sample.xml"


@pytest.fixture
def assessments(agency, other_agency, assessor, reviewer):
    """An approved assessment of the agency (33 answers), a draft of another agency's."""
    approved = assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=agency).proposal, user=assessor
    )
    approve(approved, reviewer)
    stranger = UserFactory(agency=other_agency, roles=[Role.ASSESSOR])
    elsewhere = assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=other_agency).proposal, user=stranger
    )
    answer_all(elsewhere, rating=1)
    return approved, elsewhere


def task_backend(**env) -> str:
    """The task backend the settings choose in a fresh process with this environment."""
    environment = {k: v for k, v in os.environ.items() if k not in {"TASKS_BACKEND"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.TASKS['default']['BACKEND'])",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**environment, **env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "partnerships.settings"},
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_tasks_are_queued_in_postgresql_and_run_in_place_on_sqlite():
    postgres = "postgres://u@127.0.0.1:5432/db"
    assert task_backend(DATABASE_URL=postgres) == "django_tasks_db.DatabaseBackend"
    assert task_backend(DATABASE_URL="") == "django_tasks.backends.immediate.ImmediateBackend"
    assert task_backend(DATABASE_URL="", TASKS_BACKEND="database") == (
        "django_tasks_db.DatabaseBackend"
    )
    assert task_backend(DATABASE_URL=postgres, TASKS_BACKEND="immediate") == (
        "django_tasks.backends.immediate.ImmediateBackend"
    )
    assert "TASKS_BACKEND must be one of database, immediate" in task_backend(
        TASKS_BACKEND="celery"
    )


def listed(client):
    """The user's exports page: (job, progress) rows, newest first."""
    page = client.get("/exports/")
    assert page.status_code == 200
    return page.context["rows"]


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_reader_asks_follows_and_downloads_their_export(client, reviewer, assessments):
    client.force_login(reviewer)
    response = client.post(ASK, follow=True)
    assert response.redirect_chain == [("/exports/", 302)]
    assert "Your export is being made" in response.content.decode()
    [(job, progress)] = response.context["rows"]
    assert (job.kind, job.file_format, job.requested_by) == ("answers", "csv", reviewer)
    assert job.scope_agency == reviewer.agency  # a Reviewer's export: their agency's
    assert (progress["status"], progress["rows_done"], progress["rows_total"]) == ("done", 33, 33)
    assert progress["rows_text"] == "33 of 33 rows"
    assert job.expires_at == job.finished_at + datetime.timedelta(hours=24)
    page = response.content.decode()
    assert progress["download_url"] in page and job.download_name in page
    assert 'http-equiv="refresh"' not in page  # nothing is being made: no reloading
    rows = read_csv(client.get(progress["download_url"]))
    assert len(rows) == 33 and {r["Assessment"] for r in rows} == {str(assessments[0].pk)}


def test_oversight_exports_every_agency(client, oversight, assessments):
    client.force_login(oversight)
    client.post(ASK)
    [(job, progress)] = listed(client)
    assert job.scope_agency is None
    assert progress["rows_total"] == 66
    rows = read_csv(client.get(progress["download_url"]))
    assert {r["Assessment"] for r in rows} == {str(a.pk) for a in assessments}


def test_only_portfolio_readers_ask_and_only_the_asker_downloads(
    client, reviewer, teammate, outsider, oversight, assessments
):
    client.force_login(reviewer)
    client.post(ASK)
    [(job, progress)] = listed(client)
    download, status = progress["download_url"], "/exports/status.json"
    for other in [teammate, outsider, oversight]:  # oversight reads the portfolio, not her file
        client.force_login(other)
        assert client.get(download).status_code == 404
        assert client.get(f"/exports/{job.pk}/download").status_code == 404
        assert listed(client) == []
        assert client.get(status).json()["exports"] == []
    client.force_login(teammate)  # an assessor does not read the portfolio
    assert client.post(ASK).status_code == 403
    client.logout()
    assert client.get(download).status_code == 302  # to the login page
    assert client.get("/exports/").status_code == 302
    assert ExportJob.objects.count() == 1


def test_the_status_endpoint_reports_progress_and_the_time_left(client, reviewer, assessments):
    job = ExportJob.objects.create(
        requested_by=reviewer,
        kind="answers",
        file_format="csv",
        language="en",
        status=ExportStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=60),
        rows_done=1000,
        rows_total=4000,
    )
    client.force_login(reviewer)
    [shown] = client.get("/exports/status.json").json()["exports"]
    assert (shown["id"], shown["status"], shown["percent"]) == (job.pk, "running", 25)
    assert shown["rows_text"] == "1,000 of 4,000 rows"
    assert shown["time_left"] == "about 3\xa0minutes"  # 60 s for a quarter: 180 s to go
    assert shown["download_url"] == ""
    page = client.get("/exports/").content.decode()
    # Without JavaScript the page reloads itself while something runs; with it, the script
    # polls the status endpoint.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'data-status-url="/exports/status.json"' in page and "js/exports.js" in page
    assert client.get(f"/exports/{job.pk}/download").status_code == 404  # not made yet


def test_progress_moves_while_the_file_is_written(client, reviewer, assessments, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 10)
    seen = []
    write_csv = services.write_csv

    def watching(path, rows):
        def watched():
            for row in rows:
                seen.append(ExportJob.objects.values_list("rows_done", flat=True).get())
                yield row

        write_csv(path, watched())

    monkeypatch.setattr(services, "write_csv", watching)
    client.force_login(reviewer)
    client.post(ASK)
    assert sorted(set(seen)) == [0, 10, 20, 30]  # every 10 rows, one UPDATE
    assert ExportJob.objects.get().rows_done == 33


def test_the_same_export_is_not_made_twice_at_once(client, reviewer, assessments):
    pending = ExportJob.objects.create(
        requested_by=reviewer,
        kind="answers",
        file_format="csv",
        language="en",
        scope_agency=reviewer.agency,
    )
    client.force_login(reviewer)
    client.post(ASK)
    assert list(ExportJob.objects.all()) == [pending]
    client.post("/oversight/exports/answers.xlsx")  # another format is another export
    assert ExportJob.objects.count() == 2


def pending_export(reviewer, **fields) -> ExportJob:
    """The reviewer's answers.csv as asked for earlier and not finished."""
    return ExportJob.objects.create(
        requested_by=reviewer,
        kind="answers",
        file_format="csv",
        language="en",
        scope_agency=reviewer.agency,
        **fields,
    )


def test_a_stalled_export_is_shown_and_given_up_when_asked_for_again(client, reviewer, assessments):
    long_ago = timezone.now() - datetime.timedelta(minutes=16)
    stalled = pending_export(reviewer, requested_at=long_ago, progressed_at=long_ago)
    client.force_login(reviewer)
    [(_job, progress)] = listed(client)
    assert progress["time_left"] == "no progress for over 15 minutes: ask for it again"

    client.post(ASK)
    stalled.refresh_from_db()
    assert stalled.status == ExportStatus.FAILED
    assert "no progress for over 15 minutes" in stalled.error
    fresh = ExportJob.objects.exclude(pk=stalled.pk).get()
    assert (fresh.status, fresh.rows_done) == (ExportStatus.DONE, 33)  # made anew
    page = client.get("/exports/").content.decode()
    assert "no worker took it up, or its worker stopped" in page


def running_without_progress(reviewer, **fields) -> ExportJob:
    """Taken up by a worker half an hour ago, with no progress since."""
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    return pending_export(
        reviewer,
        status=ExportStatus.RUNNING,
        requested_at=long_ago,
        started_at=long_ago,
        progressed_at=long_ago,
        **fields,
    )


def test_giving_up_an_export_whose_worker_stopped_deletes_what_it_wrote(reviewer, assessments):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    partial = default_storage.save("exports/abc123/answers.csv", ContentFile(b"Assessment,"))
    stalled = running_without_progress(reviewer, file=partial)
    services.export_request(user=reviewer, kind="answers", file_format="csv")
    stalled.refresh_from_db()
    assert stalled.status == ExportStatus.FAILED and not stalled.file
    assert not default_storage.exists(partial)


def test_an_export_that_moves_on_while_being_given_up_is_left_alone(
    reviewer, assessments, monkeypatch
):
    from partnerships.jobs.models import ExportJobQuerySet

    job = running_without_progress(reviewer)
    read_as_stalled = list(ExportJob.objects.filter(pk=job.pk))
    ExportJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now())  # rows written
    monkeypatch.setattr(ExportJobQuerySet, "stalled", lambda self, now=None: read_as_stalled)
    assert services.export_request(user=reviewer, kind="answers", file_format="csv") == job
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.RUNNING, "")


def test_a_slow_export_that_moves_is_not_given_up(client, reviewer, assessments):
    asked = timezone.now() - datetime.timedelta(hours=1)
    moving = pending_export(
        reviewer,
        status=ExportStatus.RUNNING,
        requested_at=asked,
        started_at=asked,
        progressed_at=timezone.now() - datetime.timedelta(minutes=14),
        rows_done=10,
        rows_total=33,
    )
    client.force_login(reviewer)
    client.post(ASK)
    assert list(ExportJob.objects.all()) == [moving]
    moving.refresh_from_db()
    assert moving.status == ExportStatus.RUNNING


def test_a_worker_finishing_a_given_up_export_leaves_it_failed_without_a_file(
    reviewer, assessments, monkeypatch
):
    job = pending_export(reviewer)
    written = []
    original = services._write

    def write_then_be_given_up(running, path):
        original(running, path)
        if running.pk == job.pk:  # meanwhile, the reviewer asks again after a long stall
            written.append(path)
            long_ago = timezone.now() - datetime.timedelta(minutes=20)
            ExportJob.objects.filter(pk=job.pk).update(progressed_at=long_ago)
            services.export_request(user=reviewer, kind="answers", file_format="csv")

    monkeypatch.setattr(services, "_write", write_then_be_given_up)
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not job.file
    assert "was asked for again" in job.error
    assert not written[0].exists()


def test_xlsx_is_refused_above_its_row_limit(client, settings, reviewer, assessments):
    settings.EXPORT_XLSX_MAX_ROWS = 32
    client.force_login(reviewer)
    response = client.post("/oversight/exports/answers.xlsx", follow=True)
    assert response.redirect_chain == [("/oversight/", 302)]
    assert "This export has 33 rows: an XLSX file is made up to 32 rows." in (
        response.content.decode()
    )
    assert not ExportJob.objects.exists()
    assert client.post("/oversight/exports/assessments.xlsx").status_code == 302  # 1 row
    assert ExportJob.objects.get().status == ExportStatus.DONE


def test_a_failed_export_says_so_and_leaves_no_file(client, reviewer, assessments, monkeypatch):
    def broken(path, rows):
        Path(path).write_text("half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "write_csv", broken)
    client.force_login(reviewer)
    client.post(ASK)
    [(job, progress)] = listed(client)
    assert job.status == ExportStatus.FAILED and progress["download_url"] == ""
    assert "The export failed on the server" in job.error
    assert not job.file and not list((Path(job.file.storage.location) / "exports").iterdir())
    assert client.get(f"/exports/{job.pk}/download").status_code == 404


def test_a_reader_who_lost_the_role_before_the_job_ran_gets_nothing(reviewer, assessments):
    job = ExportJob.objects.create(
        requested_by=reviewer, kind="answers", file_format="csv", language="en"
    )
    reviewer.groups.clear()
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "You may no longer read the portfolio.")
    assert services.export_run(job_id=job.pk) is None  # a job runs once


def test_expired_exports_are_deleted_by_the_command_and_when_listed(
    client, reviewer, oversight, assessments
):
    client.force_login(reviewer)
    client.post(ASK)
    client.force_login(oversight)
    client.post(ASK)
    mine, theirs = (
        ExportJob.objects.get(requested_by=reviewer),
        ExportJob.objects.get(requested_by=oversight),
    )
    files = [Path(job.file.path) for job in (mine, theirs)]
    assert all(path.exists() for path in files)
    ExportJob.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    stalled = ExportJob.objects.create(  # a worker stopped mid-way, a day ago
        requested_by=reviewer,
        kind="assessments",
        file_format="csv",
        language="en",
        status=ExportStatus.RUNNING,
        requested_at=timezone.now() - datetime.timedelta(hours=25),
    )
    client.force_login(reviewer)
    assert client.get(f"/exports/{mine.pk}/download").status_code == 404  # expired
    out = io.StringIO()
    call_command("expire_exports", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would delete 3 expired exports (2 files, ")
    assert ExportJob.objects.count() == 3 and all(path.exists() for path in files)

    assert listed(client) == []  # the reviewer's own expired exports go when she looks
    assert not files[0].exists() and files[1].exists()
    assert list(ExportJob.objects.all()) == [theirs]
    out = io.StringIO()
    call_command("expire_exports", stdout=out)
    assert out.getvalue().startswith("Deleted 1 expired export (1 file, ")
    assert not ExportJob.objects.exists() and not files[1].exists()
    assert not ExportJob.objects.filter(pk=stalled.pk).exists()


def test_the_admins_zip_of_signed_reviews_is_an_export_of_its_own(
    client, administrator, reviewer, assessments
):
    review = SignedReview.objects.get()
    client.force_login(administrator)
    response = client.post(
        "/admin/reports/signedreview/",
        {"action": "download_signed_reviews", "_selected_action": [review.pk]},
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [review.filename]  # made in place: the file at once
    [(job, progress)] = listed(client)
    assert (job.kind, job.selection, progress["rows_text"]) == (
        "signed_reviews",
        [review.pk],
        "1 of 1 reviews",
    )
    assert "1 selected signed review" in client.get("/exports/").content.decode()
    client.force_login(reviewer)
    assert client.get(progress["download_url"]).status_code == 404


def test_the_admins_export_of_selected_assessments_is_a_job_of_its_own(
    client, settings, administrator, reviewer, assessments
):
    approved, elsewhere = assessments
    client.force_login(administrator)
    selection = {"_selected_action": [approved.pk, elsewhere.pk]}
    response = client.post("/admin/assessments/assessment/", {"action": "export_csv", **selection})
    rows = read_csv(response)  # made in place: the file at once
    assert sorted(int(row["Assessment"]) for row in rows) == sorted([approved.pk, elsewhere.pk])
    [(job, progress)] = listed(client)
    assert (job.kind, job.selection, progress["rows_text"]) == (
        "selected_assessments",
        sorted([approved.pk, elsewhere.pk]),
        "2 of 2 rows",
    )
    assert "2 selected assessments" in client.get("/exports/").content.decode()
    # An XLSX above its row limit is refused with the reason, and nothing is asked.
    settings.EXPORT_XLSX_MAX_ROWS = 1
    page = client.post(
        "/admin/assessments/assessment/", {"action": "export_xlsx", **selection}, follow=True
    ).content.decode()
    assert "an XLSX file is made up to 1 rows" in page
    assert ExportJob.objects.count() == 1
    client.force_login(reviewer)
    assert client.get(progress["download_url"]).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_backend_queues_and_the_worker_runs(client, settings, reviewer, agency):
    """Production's path: tasks queued in the database, run by `manage.py db_worker`."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    assessment = assessment_start(
        proposal=ProposalPartnerFactory(proposal__agency=agency).proposal,
        user=UserFactory(agency=agency, roles=[Role.ASSESSOR]),
    )
    answer_all(assessment, rating=2)
    client.force_login(reviewer)
    client.post(ASK)
    [(job, progress)] = listed(client)
    assert (job.status, progress["time_left"]) == ("queued", "waiting for a worker")
    assert 'http-equiv="refresh"' in client.get("/exports/").content.decode()

    partner = PartnerFactory.build(legal_name="Star Maritime")
    Partner.objects.bulk_create([partner])  # no signal: only the import's screening finds it
    out = io.StringIO()
    call_command("import_sanctions", str(SAMPLE), stdout=out)
    assert "Screening every partner is queued" in out.getvalue()
    assert not ScreeningHit.objects.exists()
    assert sorted(DBTaskResult.objects.values_list("queue_name", "status")) == [
        ("exports", "READY"),
        ("screening", "READY"),
    ]

    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "exports,screening",
        "--no-reload",
        "--no-startup-delay",
        verbosity=0,
    )
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert ScreeningHit.objects.filter(partner__legal_name="Star Maritime").exists()
    [(job, progress)] = listed(client)
    assert (job.status, job.rows_done) == ("done", 33)
    assert len(read_csv(client.get(progress["download_url"]))) == 33
