"""Time the portfolio exports on the configured database, as an export job makes them.

For each export (assessments.csv and answers.csv by default; --export answers.xlsx …) of
every agency (Oversight's scope), this counts the rows (the job's "rows in all"), then
writes the file with the job's own code (services.write_export: values_list rows,
spreadsheet-safe cells, progress every PROGRESS_EVERY rows) and prints rows, seconds,
the worker's own CPU time (less disturbed than the wall-clock time when the machine is
busy; the database server's time is not in it), rows per second, file size and the
process's memory: its resident set size (RSS) sampled at every progress step, so a flat
line shows rows are streamed, not held.

Nothing is written to the database: on PostgreSQL the session is read-only
(SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY), so the benchmark may run against
a shared portfolio. Files go to a temporary folder, deleted at the end unless --keep.
Figures are printed, never asserted.
"""

import json
import resource
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from partnerships.assessments.models import Assessment
from partnerships.jobs import services

EXPORTS = ["assessments.csv", "assessments.xlsx", "answers.csv", "answers.xlsx"]


def _rss_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--export",
            action="append",
            choices=EXPORTS,
            help="An export to time (repeat for several; default: both CSV files).",
        )
        parser.add_argument("--language", default="en", help="Language of the file (en).")
        parser.add_argument("--output", help="Write the files to this folder.")
        parser.add_argument("--keep", action="store_true", help="Keep the files written.")
        parser.add_argument("--json", help="Also write the figures to this JSON file.")

    def handle(self, *args, export=None, language="en", output=None, keep=False, **options):
        exports = export or ["assessments.csv", "answers.csv"]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        folder = Path(output) if output else Path(tempfile.mkdtemp(prefix="exports-"))
        folder.mkdir(parents=True, exist_ok=True)
        figures = {}
        self.stdout.write(
            f"{'export':<18} {'rows':>10} {'count s':>8} {'write s':>8} {'cpu s':>6} {'rows/s':>9} "
            f"{'size':>10} {'RSS MB min–max':>15} {'peak MB':>8}"
        )
        for name in exports:
            kind, file_format = name.split(".")
            path = folder / name
            assessments = Assessment.objects.all()  # every agency, as for Oversight
            started = time.perf_counter()
            rows_total = services.rows_in_scope(kind, assessments)
            counted = time.perf_counter() - started
            if file_format == "xlsx" and rows_total > settings.EXPORT_XLSX_MAX_ROWS:
                self.stdout.write(f"{name:<18} {rows_total:>10,}  refused: above the XLSX limit")
                continue
            samples = []

            def progress(done, samples=samples):
                samples.append((done, _rss_mb()))

            started, cpu = time.perf_counter(), time.process_time()
            with translation.override(language):
                services.write_export(
                    path,
                    kind=kind,
                    file_format=file_format,
                    assessments=assessments,
                    on_progress=progress,
                )
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            rows = samples[-1][0] if samples else 0
            # The first samples include the first chunk's buffers; after that a streamed
            # export stays flat.
            settled = [rss for _done, rss in samples[len(samples) // 10 :]] or [0.0]
            figures[name] = {
                "rows": rows,
                "rows_total": rows_total,
                "count_seconds": round(counted, 2),
                "write_seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),
                "rows_per_second": round(rows / seconds) if seconds else None,
                "bytes": path.stat().st_size,
                "rss_mb_min": round(min(settled), 1),
                "rss_mb_max": round(max(settled), 1),
                "peak_rss_mb": round(_peak_rss_mb(), 1),
                "rss_samples": [
                    [done, round(rss, 1)] for done, rss in samples[:: max(1, len(samples) // 20)]
                ],
            }
            f = figures[name]
            self.stdout.write(
                f"{name:<18} {rows:>10,} {counted:>8.1f} {seconds:>8.1f} {cpu:>6.1f} "
                f"{f['rows_per_second'] or 0:>9,} {filesizeformat(f['bytes']):>10} "
                f"{f['rss_mb_min']:>7.0f}–{f['rss_mb_max']:<7.0f} {f['peak_rss_mb']:>8.0f}"
            )
            if rows != rows_total:
                self.stdout.write(f"  note: {rows_total:,} rows counted, {rows:,} written")
            if not keep:
                path.unlink()
        if not keep and not output:
            folder.rmdir()
        elif keep:
            self.stdout.write(f"Files in {folder}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps({"exports": figures}, indent=2))
        if not figures:
            raise CommandError("Nothing was exported.")
