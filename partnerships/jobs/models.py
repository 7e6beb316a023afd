"""Exports a user asked for, made by a background task (services.py, tasks.py)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    ASSESSMENTS = "assessments", _("Assessments")
    ANSWERS = "answers", _("Answers")
    SIGNED_REVIEWS = "signed_reviews", _("Signed reviews")
    SELECTED_ASSESSMENTS = "selected_assessments", _("Selected assessments")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    ZIP = "zip", "ZIP"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)


def stalled_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """An unfinished export whose last progress is older than this has stalled."""
    return (now or timezone.now()) - datetime.timedelta(minutes=settings.EXPORT_STALL_MINUTES)


class ExportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own exports: nobody else's is listed or downloaded."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)

    def unfinished(self):
        return self.filter(status__in=UNFINISHED)

    def stalled(self, now: datetime.datetime | None = None):
        """Unfinished ones without progress for EXPORT_STALL_MINUTES: never taken up by
        a worker, or left mid-way by one that stopped."""
        return self.unfinished().filter(progressed_at__lte=stalled_before(now))

    def expired(self, now: datetime.datetime | None = None):
        """Finished ones past their expiry, and any a worker never finished within the
        retention time (a worker stopped mid-way)."""
        now = now or timezone.now()
        stalled = now - datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS)
        return self.filter(
            models.Q(expires_at__lte=now)
            | models.Q(status__in=UNFINISHED, requested_at__lte=stalled)
        )


class ExportJob(models.Model):
    """One export file a user asked for: what, in which scope, and how far it got."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("export"), max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    # The language the user asked in: headers and labels are written in it.
    language = models.CharField(_("language"), max_length=16)
    # The scope it was asked with. Assessments: the agency a Reviewer reads (empty for
    # Oversight: every agency), narrowed again at run time to what the user may see then.
    # A selection (the admin's signed reviews): the ids selected.
    scope_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    selection = models.JSONField(_("selection"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveBigIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveBigIntegerField(_("rows in all"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # When it was asked for, taken up, or last moved on (rows written): how a stalled
    # one is told from a slow one.
    progressed_at = models.DateTimeField(_("last progress"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/", max_length=300, blank=True)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("export")
        indexes = [
            models.Index(fields=["requested_by", "requested_at"]),
            models.Index(fields=["expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.download_name} ({self.get_status_display()})"

    @property
    def download_name(self) -> str:
        if self.kind == ExportKind.SIGNED_REVIEWS:
            return f"signed-reviews-{self.requested_at:%Y%m%d-%H%M}.zip"
        return f"{self.kind}-{self.requested_at:%Y%m%d-%H%M}.{self.file_format}"

    @property
    def is_unfinished(self) -> bool:
        return self.status in UNFINISHED

    @property
    def is_stalled(self) -> bool:
        return self.is_unfinished and self.progressed_at <= stalled_before()

    @property
    def is_ready(self) -> bool:
        """Done, with its file, and not expired: it may be downloaded."""
        return (
            self.status == ExportStatus.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return 100 if self.status == ExportStatus.DONE else None
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def seconds_left(self) -> float | None:
        """Estimated from the pace so far; None until some rows are done."""
        if self.status != ExportStatus.RUNNING or not self.rows_done or not self.rows_total:
            return None
        elapsed = (timezone.now() - self.started_at).total_seconds()
        return max(0.0, elapsed / self.rows_done * (self.rows_total - self.rows_done))
