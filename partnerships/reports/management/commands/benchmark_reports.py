"""Benchmark the signed review report and a reviewer's Approve (prints figures; not a test).

Render + sign: for a decided demo review, in English and in Chinese, the median time to
render and sign its report in a warm process (and where that time goes), the time of
the first report in a fresh process, and, in the same run, the median time Debian's
headless Chromium (driven by Playwright) takes to print the same HTML to PDF, with the
ratio.

Approve: a reviewer's whole decision through the full request stack, the decision form
POSTed by django.test.Client as the reviewer, from request to redirect (e-mail after
commit included), then the decided page the redirect leads to; p50 and p95 (nearest
rank) over --approve-runs decisions per language. Each decides a fresh assessment
brought into review through the services: a re-assessment of the review's proposal,
pre-filled from its last approved one. All of it is rolled back at the end, so the
database is left as it was: a savepoint is released where the request would commit, and
e-mail goes to memory.
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
from django.db import transaction
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.urls import reverse

from partnerships.assessments import workflow
from partnerships.assessments.models import Assessment, ExclusionQuestion
from partnerships.assessments.services import gate_save
from partnerships.benchmarks.pages import nearest_rank
from partnerships.reports import documents
from partnerships.reports.services import render_signed_pdf
from partnerships.reports.signing import sign_pdf

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update",
]  # fmt: skip
LANGUAGES = ["en", "zh-hans"]
MEMORY_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


class _Rollback(Exception):
    """Raised to undo everything the Approve runs wrote."""


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
            "--approve-runs",
            type=int,
            default=10,
            help="Decisions timed per language (0: none).",
        )
        parser.add_argument(
            "--no-chromium", action="store_true", help="Skip the Chromium comparison."
        )
        parser.add_argument(
            "--first-only", metavar="LANGUAGE", help="Internal: time a fresh process's first."
        )

    def handle(self, *args, assessment, runs, approve_runs, no_chromium, first_only, **options):
        review = self._assessment(assessment)
        signer = review.reviewer or review.assessor
        if first_only:
            seconds = timed(
                lambda: render_signed_pdf(assessment=review, user=signer, language=first_only)
            )
            self.stdout.write(json.dumps({"first": seconds}))
            return

        self.stdout.write(
            f"Review of assessment {review.pk} ({review.proposal.title}); median of {runs} runs.\n"
        )
        self._render_and_sign(review, signer, runs, chromium=not no_chromium)
        if approve_runs > 0:
            self._approvals(review, approve_runs)

    # Render + sign

    def _render_and_sign(self, review: Assessment, signer, runs: int, *, chromium: bool) -> None:
        rows, phases = [], []
        for language in LANGUAGES:
            first = self._first_in_fresh_process(review.pk, language)
            report = functools.partial(
                render_signed_pdf, assessment=review, user=signer, language=language
            )
            report()  # warm-up
            warm = statistics.median(timed(report) for _ in range(runs))
            printed = self._chromium_print(review, language, runs) if chromium else None
            rows.append((language, warm, first, printed))
            phases.append((language, self._phases(review, signer, language, runs)))

        header = f"{'language':<9} {'warm render+sign':>17} {'first in process':>17} "
        header += f"{'first/warm':>10} {'Chromium print':>15} {'ratio':>6}"
        self.stdout.write(header)
        for language, warm, first, printed in rows:
            line = f"{language:<9} {warm * 1000:>14.0f} ms {first * 1000:>14.0f} ms "
            line += f"{first / warm:>10.2f} "
            if printed is None:
                line += f"{'—':>15} {'—':>6}"
            else:
                line += f"{printed * 1000:>12.0f} ms {warm / printed:>6.2f}"
            self.stdout.write(line)

        self.stdout.write("\nWhere the warm render+sign goes (median ms):")
        names = list(phases[0][1])
        self.stdout.write(f"{'language':<9} " + " ".join(f"{name:>14}" for name in names))
        for language, figures in phases:
            self.stdout.write(
                f"{language:<9} " + " ".join(f"{figures[name] * 1000:>14.0f}" for name in names)
            )

    def _phases(self, review: Assessment, signer, language: str, runs: int) -> dict:
        """The steps of `render_signed_pdf`, timed one by one."""
        times = {"context+HTML": [], "parse+layout": [], "write PDF": [], "sign": []}
        for _ in range(runs):
            marks = [time.perf_counter()]
            html = documents.review_html(review, language=language, draft=False, signer=signer)
            marks.append(time.perf_counter())
            document = documents.layout_review(html)
            marks.append(time.perf_counter())
            pdf = documents.write_review_pdf(document, review, draft=False)
            marks.append(time.perf_counter())
            sign_pdf(pdf, box=documents.signature_box(document), name=str(signer), reason="-")
            marks.append(time.perf_counter())
            for name, before, after in zip(times, marks, marks[1:], strict=False):
                times[name].append(after - before)
        return {name: statistics.median(values) for name, values in times.items()}

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

        html = documents.review_html(review, language=language, draft=False)
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

    # Approve through the request stack

    def _approvals(self, review: Assessment, runs: int) -> None:
        if review.status != "approved" or review.reviewer is None:
            raise CommandError(
                f"Assessment {review.pk} is not an approved review: pass --assessment of one."
            )
        figures = {}
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]  # django.test.Client's host
        try:
            with (
                override_settings(EMAIL_BACKEND=MEMORY_EMAIL, ALLOWED_HOSTS=hosts),
                transaction.atomic(),
            ):
                client = Client()
                client.force_login(review.reviewer)
                client.get(reverse("home"))  # the session and the process warmed up
                for language in LANGUAGES:
                    figures[language] = [
                        self._approve_once(client, review, language) for _ in range(runs)
                    ]
                raise _Rollback
        except _Rollback:
            pass

        self.stdout.write(
            f"\nApprove through the request stack ({runs} decisions per language, rolled back):"
        )
        self.stdout.write(
            f"{'language':<9} {'POST→redirect p50':>18} {'p95':>8} "
            f"{'decided page p50':>17} {'p95':>8}"
        )
        for language, samples in figures.items():
            posts = [post for post, _page in samples]
            pages = [page for _post, page in samples]
            self.stdout.write(
                f"{language:<9} {nearest_rank(posts, 50) * 1000:>15.0f} ms "
                f"{nearest_rank(posts, 95) * 1000:>5.0f} ms "
                f"{nearest_rank(pages, 50) * 1000:>14.0f} ms "
                f"{nearest_rank(pages, 95) * 1000:>5.0f} ms"
            )

    def _approve_once(self, client: Client, review: Assessment, language: str):
        """One decision on a fresh assessment in review: (POST seconds, decided page seconds)."""
        assessment = self._fresh_in_review(review)
        data = {
            "outcome": assessment.computed_outcome,
            "note": "Benchmark decision.",
            "conditions": "Quarterly reports."
            if assessment.computed_outcome == "engage_with_conditions"
            else "",
            "language": language,
        }
        url = reverse("assessment_decide", args=[assessment.pk])
        start = time.perf_counter()
        with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail, as on commit
            response = client.post(url, data)
        posted = time.perf_counter()
        if response.status_code != 302:
            raise CommandError(
                f"The decision on assessment {assessment.pk} answered {response.status_code}, "
                "not a redirect."
            )
        page = client.get(response["Location"])
        shown = time.perf_counter()
        if page.status_code != 200:
            raise CommandError(f"The decided page answered {page.status_code}.")
        return posted - start, shown - posted

    def _fresh_in_review(self, review: Assessment) -> Assessment:
        """A re-assessment of `review`'s proposal, pre-filled from its last approved one,
        with the gate answered and taken into review by the same reviewer."""
        assessor, reviewer = review.assessor, review.reviewer
        assessment = workflow.assessment_start(proposal=review.proposal, user=assessor)
        gate_save(
            assessment=assessment,
            user=assessor,
            responses=dict.fromkeys(ExclusionQuestion.objects.active(), ("no", "")),
        )
        workflow.assessment_submit(assessment=assessment, user=assessor)
        workflow.assessment_start_review(assessment=assessment, user=reviewer)
        assessment.refresh_from_db()
        return assessment
