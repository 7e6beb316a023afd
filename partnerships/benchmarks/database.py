"""Which portfolio the configured database holds, and the demo-sized one beside it.

The benchmark builds in a database that holds the demo data and nothing else (or its
own portfolio from an earlier run); `database_state()` tells which. The "small"
figures are measured against a pristine demo database built by the same `migrate` and
`load_demo_data` in a schema of its own inside the configured database
(`demo_schema()`), so that every run measures both sizes with the same code, whatever
the configured database already holds, without a second database.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from io import StringIO

from django.core.management import call_command
from django.db import connection

from partnerships.accounts.models import Agency, User
from partnerships.assessments.models import Assessment
from partnerships.benchmarks import vocabulary
from partnerships.demo import content
from partnerships.demo.management.commands.load_demo_data import Command as DemoCommand
from partnerships.partners.models import Partner
from partnerships.proposals.models import Proposal

SMALL_SCHEMA = "benchmark_small"


class State(StrEnum):
    EMPTY = "empty"  # migrated, no agency, user, partner or proposal
    DEMO = "demo"  # the demo data and nothing else
    BENCHMARK = "benchmark"  # the demo data and a portfolio this benchmark built
    OTHER = "other"  # anything else: someone's data


def benchmark_agencies() -> list[str]:
    return [acronym for acronym, _name in vocabulary.AGENCIES]


def database_state() -> State:
    demo_agencies = {acronym for acronym, _name in content.AGENCIES}
    agencies = set(Agency.objects.values_list("acronym", flat=True))
    if not (
        agencies or User.objects.exists() or Partner.objects.exists() or Proposal.objects.exists()
    ):
        return State.EMPTY
    built = agencies & set(benchmark_agencies())
    if agencies - demo_agencies - built:
        return State.OTHER
    demo_users = set(DemoCommand.demo_usernames())
    # Demo users, and the benchmark's users of its own agencies only.
    users = User.objects.exclude(username__in=demo_users)
    if users.exclude(agency__acronym__in=built).exists():
        return State.OTHER
    demo_proposals = Proposal.objects.filter(agency__acronym__in=demo_agencies)
    if demo_proposals.exclude(title__in=[p["title"] for p in content.PROPOSALS]).exists():
        return State.OTHER
    # The demo starts one assessment per proposal; more is someone's work.
    if Assessment.objects.filter(proposal__in=demo_proposals).count() > demo_proposals.count():
        return State.OTHER
    if built:
        return State.BENCHMARK
    demo_partners = [name for name, *_rest in content.PARTNERS]
    if Partner.objects.exclude(legal_name__in=demo_partners).exists():
        return State.OTHER
    return State.DEMO


def _connect_with(options: str | None) -> None:
    """Reconnect with these libpq `options` (None: none)."""
    settings = connection.settings_dict.setdefault("OPTIONS", {})
    if options is None:
        settings.pop("options", None)
    else:
        settings["options"] = options
    connection.close()


@contextmanager
def demo_schema(*, keep: bool = False) -> Iterator[None]:
    """The default connection switched, for the block, to a fresh demo database in the
    schema `SMALL_SCHEMA` of the configured database: migrated, the demo data loaded
    (its signed reviews need the signing certificate). Dropped afterwards unless `keep`.

    `public` stays on the search path behind it, for what extensions (pg_trgm) put
    there; every table is the schema's own. The configured database must be migrated
    first, so that an extension a migration creates lands in `public`, not in the
    schema dropped afterwards.
    """
    quiet = StringIO()
    configured = connection.settings_dict.get("OPTIONS", {}).get("options")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SMALL_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SMALL_SCHEMA}")
        # Its own migration record, so that `migrate` sees none applied (the public one
        # would be visible through the search path otherwise).
        cursor.execute(
            f"CREATE TABLE {SMALL_SCHEMA}.django_migrations "
            "(LIKE public.django_migrations INCLUDING ALL)"
        )
    try:
        _connect_with(f"{configured or ''} -c search_path={SMALL_SCHEMA},public".strip())
        call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
        call_command("load_demo_data", stdout=quiet)
        yield
    finally:
        _connect_with(configured)
        if not keep:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {SMALL_SCHEMA} CASCADE")
