"""Build a portfolio of N proposals on PostgreSQL and time every page, demo-sized and large.

1. The database: PostgreSQL only (the build uses COPY). It is migrated, the development
   signing certificate made if there is none, and an empty database gets the demo data.
   A database that holds anything but the demo data (or a portfolio an earlier run of
   this command built) is refused unless --force.
2. "small": every page timed against a fresh demo database, built in a schema of its own
   inside the configured database and dropped afterwards (benchmarks/database.py), so
   that every run times both sizes with the same code.
3. "large": the portfolio is built (benchmarks/portfolio_builder.py; --reuse keeps the
   one an earlier run built), then the same pages are timed against it.
4. Throughput under gunicorn with 2 workers, 10 clients: the assessment detail page's
   requests per second against /principles/, as served and with its sections rendered
   on every request (benchmarks/throughput.py).
Prints the table (median and p95 in ms, queries per request); --json FILE writes it.

Figures, never a test. Development only (DEBUG=1): the demo's passwords are published,
and so is the benchmark users' (portfolio_builder.BENCHMARK_PASSWORD).
"""

import json
import os
import time
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from partnerships.assessments.models import Answer, Assessment
from partnerships.benchmarks.database import State, database_state, demo_schema
from partnerships.benchmarks.pages import PAGE_NAMES, Measure, NoSubject, pages_measure
from partnerships.benchmarks.portfolio_builder import BENCHMARK_PASSWORD, PortfolioBuilder
from partnerships.benchmarks.throughput import Load, throughput_measure
from partnerships.demo.management.commands.load_demo_data import Command as DemoCommand
from partnerships.demo.management.commands.load_demo_data import demo_password
from partnerships.partners.models import Partner
from partnerships.proposals.models import Proposal

REFUSED = (
    "The database holds data that is not the demo's: the benchmark adds {n} proposals "
    "only to a database with the demo data alone (or an empty one). Use another "
    "database, or --force."
)
ALREADY_BUILT = (
    "The database already holds a portfolio this benchmark built: --reuse to measure it "
    "again, or --force to add {n} more proposals."
)


def database_url() -> str:
    """The URL of the database the command uses (tests included), for gunicorn."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=100_000)
        parser.add_argument(
            "--reuse", action="store_true", help="Keep a portfolio an earlier run built."
        )
        parser.add_argument(
            "--force", action="store_true", help="Build even beside data that is not the demo's."
        )
        parser.add_argument("--json", metavar="FILE", help="Also write the figures as JSON.")
        parser.add_argument("--requests", type=int, default=20, help="Timed requests per page.")
        parser.add_argument("--warmups", type=int, default=2, help="Untimed requests first.")
        parser.add_argument(
            "--page-budget",
            type=float,
            default=120.0,
            metavar="SECONDS",
            help="Time per page and size; a slower page gets fewer samples.",
        )
        parser.add_argument("--signed", type=int, default=20, help="Reviews signed for real.")
        parser.add_argument("--seed", type=int, default=5676)
        parser.add_argument("--skip-throughput", action="store_true")
        parser.add_argument("--throughput-seconds", type=float, default=10.0)
        parser.add_argument("--clients", type=int, default=10)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the database and say what would run."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "benchmark_scale needs PostgreSQL (it loads with COPY and measures what "
                "production runs): set DATABASE_URL=postgres://…; SQLite is refused."
            )
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("The benchmark loads the demo data: set DEBUG=1 to run it.")
        n = options["proposals"]
        if n < 1:
            raise CommandError("--proposals must be at least 1.")
        if options["dry_run"]:
            self._dry_run(options)
            return

        # whitenoise looks for collected static files, which only production builds.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("create_signing_certificate", stdout=self._quiet())
        state = database_state()
        build = self._decide(state, options)
        if state == State.EMPTY:
            self.stdout.write("Empty database: loading the demo data.")
            call_command("load_demo_data", stdout=self._quiet())

        measure = Measure(
            requests=options["requests"],
            warmups=options["warmups"],
            budget=options["page_budget"],
        )
        self.stdout.write("small (a fresh demo database):")
        with demo_schema():
            small, small_subjects = self._measure(measure)

        build_seconds = None
        if build:
            self.stdout.write(f"Building {n} proposals…")
            builder = PortfolioBuilder(
                proposals=n,
                signed=options["signed"],
                seed=options["seed"],
                log=lambda line: self.stdout.write(f"  {line}"),
            )
            started = time.monotonic()
            counts = builder.build()
            build_seconds = time.monotonic() - started
            self.stdout.write(
                f"Built in {build_seconds:.0f} s: "
                + ", ".join(f"{value} {name}" for name, value in counts.items())
            )
        else:
            self.stdout.write("Reusing the portfolio already built.")
        self.stdout.write("large:")
        large, large_subjects = self._measure(measure)

        throughput = None
        if not options["skip_throughput"]:
            self.stdout.write(
                f"Throughput under gunicorn (2 workers, {options['clients']} clients, "
                f"{options['throughput_seconds']:g} s per page)…"
            )
            assessor = large_subjects.assessor
            password = (
                demo_password(assessor.username)
                if assessor.username in DemoCommand.demo_usernames()
                else BENCHMARK_PASSWORD
            )
            throughput = throughput_measure(
                database_url=database_url(),
                username=assessor.username,
                password=password,
                detail_path=f"/assessments/{large_subjects.decided.pk}/",
                load=Load(clients=options["clients"], seconds=options["throughput_seconds"]),
            )

        report = {
            "pages": {name: {"small": small[name], "large": large[name]} for name in PAGE_NAMES},
            "throughput": throughput,
            "portfolio": {
                "proposals": Proposal.objects.count(),
                "partners": Partner.objects.count(),
                "assessments": Assessment.objects.count(),
                "answers": Answer.objects.count(),
                "build_seconds": round(build_seconds, 1) if build_seconds is not None else None,
            },
            "subjects": {"small": small_subjects.describe(), "large": large_subjects.describe()},
            "method": {
                "requests": measure.requests,
                "warmups": measure.warmups,
                "page_budget_s": measure.budget,
                # Other work on the machine skews the figures: the load when they were taken.
                "load_average": [round(load, 2) for load in os.getloadavg()],
            },
        }
        self._print(report)
        if options["json"]:
            path = Path(options["json"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(report, indent=2) + "\n")
            self.stdout.write(f"Figures written to {path}.")
        portfolio = report["portfolio"]
        self.stdout.write(
            self.style.SUCCESS(
                f"benchmark_scale: {len(PAGE_NAMES)} pages measured at {portfolio['proposals']} "
                f"proposals ({portfolio['answers']} answers)"
                + (f", built in {build_seconds:.0f} s" if build_seconds is not None else "")
                + "."
            )
        )

    def _decide(self, state: State, options) -> bool:
        """Whether to build; refuses a database with someone's data."""
        n = options["proposals"]
        if state == State.OTHER and not options["force"]:
            raise CommandError(REFUSED.format(n=n))
        if state == State.BENCHMARK:
            if options["reuse"]:
                return False
            if not options["force"]:
                raise CommandError(ALREADY_BUILT.format(n=n))
        return True

    def _dry_run(self, options) -> None:
        if "accounts_agency" not in connection.introspection.table_names():
            self.stdout.write(
                "Dry run: the database is not migrated; a run would migrate it, load the "
                f"demo data and build {options['proposals']} proposals."
            )
            return
        state = database_state()
        try:
            build = self._decide(state, options)
        except CommandError as refusal:
            self.stdout.write(f"Dry run: the database is {state}; a run would stop: {refusal}")
            return
        action = f"build {options['proposals']} proposals" if build else "reuse the portfolio"
        self.stdout.write(f"Dry run: the database is {state}; a run would {action}.")

    def _measure(self, measure: Measure):
        try:
            return pages_measure(measure, log=self.stdout.write)
        except NoSubject as missing:
            raise CommandError(f"Cannot measure the pages: {missing}") from missing

    def _print(self, report: dict) -> None:
        header = (
            f"{'page':<32} {'small median':>13} {'p95':>9} {'queries':>8}   "
            f"{'large median':>13} {'p95':>9} {'queries':>8}"
        )
        self.stdout.write("\n" + header)
        self.stdout.write("-" * len(header))
        for name, sizes in report["pages"].items():
            small, large = sizes["small"], sizes["large"]
            self.stdout.write(
                f"{name:<32} {small['median_ms']:>10.1f} ms {small['p95_ms']:>6.1f} ms "
                f"{small['queries']:>8}   {large['median_ms']:>10.1f} ms "
                f"{large['p95_ms']:>6.1f} ms {large['queries']:>8}"
                + ("" if large["samples"] >= report["method"]["requests"] else
                   f"   (large: {large['samples']} samples)")
            )  # fmt: skip
        throughput = report["throughput"]
        if throughput:
            self.stdout.write(
                f"\nThroughput: assessment detail {throughput['assessment_detail_rps']} req/s, "
                f"/principles/ {throughput['principles_rps']} req/s, "
                f"ratio {throughput['ratio']} (median of {throughput['rounds']} rounds)\n"
                "  its unchanging parts rendered on every request: "
                f"{throughput['assessment_detail_rendered_each_time_rps']} req/s, "
                f"ratio {throughput['ratio_rendered_each_time']}"
            )

    @staticmethod
    def _quiet():
        from io import StringIO

        return StringIO()
