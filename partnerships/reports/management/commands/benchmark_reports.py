"""Benchmark the signed review report (prints figures; not a test).

For a decided demo review, in English and in Chinese: the median time to render and
sign the report in a warm process, the time of the first report in a fresh process,
and, in the same run, the median time Debian's headless Chromium (driven by
Playwright) takes to print the same HTML to PDF, with the ratio.
"""

import functools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from partnerships.assessments.models import Assessment
from partnerships.reports.documents import report_context
from partnerships.reports.services import render_signed_pdf

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update",
]  # fmt: skip
LANGUAGES = ["en", "zh-hans"]


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--assessment", type=int, help="Default: the first signed review.")
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument(
            "--first-only", metavar="LANGUAGE", help="Internal: time a fresh process's first."
        )

    def handle(self, *args, assessment, runs, first_only, **options):
        review = self._assessment(assessment)
        signer = review.reviewer or review.assessor
        if first_only:
            seconds = timed(
                lambda: render_signed_pdf(assessment=review, user=signer, language=first_only)
            )
            self.stdout.write(json.dumps({"first": seconds}))
            return

        rows = []
        for language in LANGUAGES:
            first = self._first_in_fresh_process(review.pk, language)
            report = functools.partial(
                render_signed_pdf, assessment=review, user=signer, language=language
            )
            report()  # warm-up
            warm = statistics.median(timed(report) for _ in range(runs))
            chromium = self._chromium_print(review, language, runs)
            rows.append((language, warm, first, chromium))

        self.stdout.write(
            f"Review of assessment {review.pk} ({review.proposal.title}); median of {runs} runs.\n"
        )
        header = f"{'language':<9} {'warm render+sign':>17} {'first in process':>17} "
        header += f"{'first/warm':>10} {'Chromium print':>15} {'ratio':>6}"
        self.stdout.write(header)
        for language, warm, first, chromium in rows:
            self.stdout.write(
                f"{language:<9} {warm * 1000:>14.0f} ms {first * 1000:>14.0f} ms "
                f"{first / warm:>10.2f} {chromium * 1000:>12.0f} ms {warm / chromium:>6.2f}"
            )

    def _assessment(self, pk) -> Assessment:
        queryset = Assessment.objects.select_related("proposal__agency", "framework")
        review = (
            queryset.filter(pk=pk).first()
            if pk
            else queryset.filter(signed_review__isnull=False).order_by("pk").first()
        )
        if review is None:
            raise CommandError("No signed review found: run `make run` (demo data) first.")
        return review

    def _first_in_fresh_process(self, pk: int, language: str) -> float:
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "benchmark_reports",
                "--assessment",
                str(pk),
                "--first-only",
                language,
            ],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])["first"]

    def _chromium_print(self, review: Assessment, language: str, runs: int) -> float:
        if not Path(CHROMIUM).exists():
            raise CommandError(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium.")
        from playwright.sync_api import sync_playwright

        with translation.override(language):
            html = render_to_string("reports/review.html", report_context(review, draft=False))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()

            def print_pdf():
                page.set_content(html)
                page.pdf(format="A4", print_background=True)

            print_pdf()  # warm-up
            seconds = statistics.median(timed(print_pdf) for _ in range(runs))
            browser.close()
        return seconds
