"""Delete the exports past their expiry, with their files.

An export's file is kept EXPORT_RETENTION_HOURS (24 by default) after it is made or
failed; one that no worker finished within that time (a worker stopped mid-way) goes
too. The exports page also deletes its user's expired exports whenever it is shown; run
this hourly (cron) so that nobody's files stay longer. Prints a summary line.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from partnerships.jobs.services import exports_expire


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            expired = exports_expire(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {expired.exports} expired export{'s' if expired.exports != 1 else ''} "
            f"({expired.files} file{'s' if expired.files != 1 else ''}, "
            f"{filesizeformat(expired.bytes)})."
        )
