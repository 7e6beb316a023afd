"""Exports as background jobs: asked for by a user, made by a task, kept for a while.

`export_request`, `selected_assessments_export_request` and `signed_reviews_zip_request`
record what was asked (who, what, in which scope, in which language) and enqueue
`tasks.run_export` on the task queue. On the database backend a worker
(`manage.py db_worker`) runs it; on the immediate backend (the SQLite default) it has
run by the time the request returns. `export_run` writes the file row by row under
MEDIA_ROOT/exports/, moving the job's progress every PROGRESS_EVERY rows with one cheap
UPDATE; `exports_expire` deletes what is past its time.
"""

import datetime
import logging
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnerships.accounts.models import User
from partnerships.accounts.roles import Role
from partnerships.assessments.exports import answer_rows, assessment_rows
from partnerships.assessments.models import Answer, Assessment
from partnerships.jobs.models import (
    UNFINISHED,
    ExportFormat,
    ExportJob,
    ExportKind,
    ExportStatus,
    stalled_before,
)
from partnerships.oversight.exports import write_csv, write_xlsx
from partnerships.reports.archive import DamagedReviewsError, write_signed_reviews_zip
from partnerships.reports.models import SignedReview

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5000  # rows between two progress updates
PORTFOLIO_EXPORTS = {ExportKind.ASSESSMENTS: assessment_rows, ExportKind.ANSWERS: answer_rows}
PORTFOLIO_FORMATS = {ExportFormat.CSV, ExportFormat.XLSX}


class ExportFailed(Exception):
    """Why an export could not be made, in words for the user who asked."""


def _visible_assessments(user: User, scope_agency_id: int | None) -> QuerySet[Assessment]:
    """What the user may see now, narrowed to the scope the export was asked with."""
    assessments = Assessment.objects.for_user(user)
    if scope_agency_id is not None:
        assessments = assessments.filter(proposal__agency_id=scope_agency_id)
    return assessments


def rows_in_scope(kind: str, assessments: QuerySet[Assessment]) -> int:
    if kind == ExportKind.ANSWERS:
        return Answer.objects.filter(assessment__in=assessments.values("pk")).count()
    return assessments.count()


def _enqueue(job: ExportJob) -> ExportJob:
    # Imported here: the task module imports this one.
    from partnerships.jobs.tasks import run_export

    result = run_export.enqueue(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def export_request(*, user: User, kind: str, file_format: str) -> ExportJob:
    """Ask for an export of the assessments the user may see (their agency's; every
    agency's for Oversight), or of their answers. The same export still being made is
    not asked for twice: that one is returned."""
    if not user.reads_portfolio:
        raise PermissionDenied
    if kind not in PORTFOLIO_EXPORTS or file_format not in PORTFOLIO_FORMATS:
        raise ValueError(f"No export {kind}.{file_format}")
    scope_agency = None if user.has_role(Role.OVERSIGHT) else user.agency
    same = ExportJob.objects.for_user(user).filter(
        kind=kind, file_format=file_format, scope_agency=scope_agency
    )
    _give_up_stalled(same)
    pending = same.unfinished().first()
    if pending is not None:
        return pending
    if file_format == ExportFormat.XLSX:
        visible = _visible_assessments(user, getattr(scope_agency, "pk", None))
        _refuse_xlsx_above_limit(rows_in_scope(kind, visible))
    job = ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        scope_agency=scope_agency,
    )
    return _enqueue(job)


def _give_up_stalled(jobs: QuerySet[ExportJob]) -> None:
    """Mark the stalled ones failed and delete what their worker wrote, so that the same
    export can be asked for again. One that moves on meanwhile (taken up, rows written)
    is left alone; a worker that finishes one given up leaves it failed (`_finish`)."""
    now = timezone.now()
    for job in jobs.stalled(now):
        written = job.file.name
        with translation.override(job.language):
            job.error = _(
                "It made no progress for over %(minutes)s minutes (no worker took it up, or "
                "its worker stopped), and was asked for again."
            ) % {"minutes": settings.EXPORT_STALL_MINUTES}
        if _record_end(job, ExportStatus.FAILED, without_progress_since=stalled_before(now)):
            _delete_file(job, written)


def _refuse_xlsx_above_limit(rows: int) -> None:
    if rows > settings.EXPORT_XLSX_MAX_ROWS:
        raise ValidationError(
            _(
                "This export has %(rows)s rows: an XLSX file is made up to %(limit)s "
                "rows. Ask for the CSV file instead (spreadsheets open it too)."
            )
            % {"rows": f"{rows:,}", "limit": f"{settings.EXPORT_XLSX_MAX_ROWS:,}"}
        )


def selected_assessments_export_request(
    *, user: User, assessments: QuerySet[Assessment], file_format: str
) -> ExportJob:
    """Ask for the assessments file of a selection (the admin's), made like the
    portfolio's."""
    if not user.has_perm("assessments.view_assessment"):
        raise PermissionDenied
    if file_format not in PORTFOLIO_FORMATS:
        raise ValueError(f"No export of selected assessments as {file_format}")
    assessment_ids = list(assessments.order_by("pk").values_list("pk", flat=True))
    if file_format == ExportFormat.XLSX:
        _refuse_xlsx_above_limit(len(assessment_ids))
    job = ExportJob.objects.create(
        requested_by=user,
        kind=ExportKind.SELECTED_ASSESSMENTS,
        file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        selection=assessment_ids,
        rows_total=len(assessment_ids),
    )
    return _enqueue(job)


def signed_reviews_zip_request(*, user: User, reviews: QuerySet[SignedReview]) -> ExportJob:
    """Ask for one zip of the selected signed reviews (the admin's selection)."""
    if not user.has_perm("reports.view_signedreview"):
        raise PermissionDenied
    review_ids = list(reviews.order_by("pk").values_list("pk", flat=True))
    job = ExportJob.objects.create(
        requested_by=user,
        kind=ExportKind.SIGNED_REVIEWS,
        file_format=ExportFormat.ZIP,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        selection=review_ids,
        rows_total=len(review_ids),
    )
    return _enqueue(job)


def _counted(rows: Iterable, *, header: bool, on_progress: Callable[[int], None]) -> Iterator:
    """The rows, passed on as they are read; `on_progress(rows done)` every PROGRESS_EVERY
    rows and at the end (the header row is not counted)."""
    rows = iter(rows)
    if header:
        yield next(rows)
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            on_progress(done)
    on_progress(done)


def _job_progress(job: ExportJob) -> Callable[[int], None]:
    def moved(done: int) -> None:
        job.rows_done = done
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(  # one UPDATE
            rows_done=done, progressed_at=timezone.now()
        )

    return moved


def write_export(
    path: Path,
    *,
    kind: str,
    file_format: str,
    assessments: QuerySet[Assessment],
    on_progress: Callable[[int], None],
) -> None:
    """The export's file at `path`, rows streamed from the database as they are written
    (the job's work; benchmark_exports times it)."""
    rows = _counted(PORTFOLIO_EXPORTS[kind](assessments), header=True, on_progress=on_progress)
    if file_format == ExportFormat.XLSX:
        write_xlsx(path, rows, title=kind)
    else:
        write_csv(path, rows)


def _write(job: ExportJob, path: Path) -> None:
    if job.kind == ExportKind.SIGNED_REVIEWS:
        if not job.requested_by.has_perm("reports.view_signedreview"):
            raise ExportFailed(_("You may no longer read signed reviews."))
        try:
            write_signed_reviews_zip(
                path, _counted(job.selection, header=False, on_progress=_job_progress(job))
            )
        except DamagedReviewsError as error:
            raise ExportFailed(
                _(
                    "No zip was made: the stored PDFs of %(reports)s are damaged (their "
                    "SHA-256 no longer matches). Leave them out of the selection, and tell "
                    "an administrator to restore them from a backup."
                )
                % {"reports": ", ".join(error.report_ids)}
            ) from None
        return
    if job.kind == ExportKind.SELECTED_ASSESSMENTS:
        if not job.requested_by.has_perm("assessments.view_assessment"):
            raise ExportFailed(_("You may no longer read assessments."))
        write_export(
            path,
            kind=ExportKind.ASSESSMENTS,
            file_format=job.file_format,
            assessments=Assessment.objects.filter(pk__in=job.selection),
            on_progress=_job_progress(job),
        )
        return
    if not job.requested_by.reads_portfolio:
        raise ExportFailed(_("You may no longer read the portfolio."))
    assessments = _visible_assessments(job.requested_by, job.scope_agency_id)
    job.rows_total = rows_in_scope(job.kind, assessments)
    ExportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
    write_export(
        path,
        kind=job.kind,
        file_format=job.file_format,
        assessments=assessments,
        on_progress=_job_progress(job),
    )


def export_run(*, job_id: int) -> ExportJob | None:
    """Make the export's file (the task's work). A job already taken by another run, or
    expired meanwhile, is left alone (None)."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, progressed_at=now
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    storage = job.file.storage
    # A folder of its own per export: a name nobody can guess, that never collides.
    job.file.name = f"exports/{uuid.uuid4().hex}/{job.download_name}"
    path = Path(storage.path(job.file.name))
    path.parent.mkdir(parents=True, exist_ok=True)
    ExportJob.objects.filter(pk=job.pk).update(file=job.file.name)
    try:
        with translation.override(job.language):
            _write(job, path)
    except Exception as error:
        _delete_file(job)
        if isinstance(error, ExportFailed):
            job.error = str(error)
        else:
            logger.exception("Export %s failed", job.pk)
            with translation.override(job.language):
                job.error = _(
                    "The export failed on the server; ask again, or tell an administrator."
                )
        _finish(job, ExportStatus.FAILED)
        if not isinstance(error, ExportFailed):
            raise  # the task's result records the traceback for whoever runs the worker
        return job
    # Gone if the job was given up as stalled meanwhile (and `_finish` says so).
    job.file_size = path.stat().st_size if path.exists() else None
    _finish(job, ExportStatus.DONE)
    return job


def _record_end(
    job: ExportJob, status: str, *, without_progress_since: datetime.datetime | None = None
) -> bool:
    """Record how the job ended, if it is still unfinished (and, with
    `without_progress_since`, has made no progress since): whether it was recorded."""
    job.status = status
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    if status == ExportStatus.FAILED:
        job.file = ""
    unfinished = ExportJob.objects.filter(pk=job.pk, status__in=UNFINISHED)
    if without_progress_since is not None:
        unfinished = unfinished.filter(progressed_at__lte=without_progress_since)
    return bool(
        unfinished.update(
            status=job.status,
            finished_at=job.finished_at,
            expires_at=job.expires_at,
            file=job.file.name or "",
            file_size=job.file_size,
            error=job.error,
            rows_done=job.rows_done,
            rows_total=job.rows_total,
        )
    )


def _finish(job: ExportJob, status: str) -> None:
    """The worker's end of the job. One given up as stalled while its worker went on
    stays failed, and the file that worker wrote is deleted."""
    written = job.file.name
    if not _record_end(job, status):
        logger.warning("Export %s had been given up before its worker finished it.", job.pk)
        _delete_file(job, written)
        job.refresh_from_db()


def _delete_file(job: ExportJob, name: str | None = None) -> int:
    """Delete the job's file (or the one it had, `name`) and its folder; the bytes freed."""
    name = job.file.name if name is None else name
    if not name:
        return 0
    path = Path(job.file.storage.path(name))
    size = path.stat().st_size if path.exists() else 0
    if path.parent.name and path.parent.parent.name == "exports":
        shutil.rmtree(path.parent, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    return size


@dataclass
class Expired:
    exports: int = 0
    files: int = 0
    bytes: int = 0


def exports_expire(
    *, user: User | None = None, now: datetime.datetime | None = None, dry_run: bool = False
) -> Expired:
    """Delete the exports past their expiry (of one user, or everyone's), their files
    with them."""
    expired = ExportJob.objects.expired(now)
    if user is not None:
        expired = expired.for_user(user)
    found = Expired()
    for job in expired.iterator():
        found.exports += 1
        if job.file.name:
            found.files += 1
            path = Path(job.file.storage.path(job.file.name))
            found.bytes += path.stat().st_size if path.exists() else 0
        if not dry_run:
            _delete_file(job)
            job.delete()
    return found
