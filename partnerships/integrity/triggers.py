"""Database triggers that refuse changes to decided records, whoever sends the SQL.

`partnerships/frozen.py` keeps frozen rows from changing through models and
querysets; raw SQL goes past it. These triggers refuse it in the database itself:
a raw `UPDATE` or `DELETE` of a decided record, or an `INSERT` of a part into a
decided parent, fails with a message naming the table.

- PostgreSQL: one plpgsql function per protection, run by a `BEFORE ... FOR EACH
  ROW` trigger; it raises SQLSTATE 23000 (integrity_constraint_violation).
- SQLite: a `BEFORE ... FOR EACH ROW WHEN ...` trigger that `SELECT RAISE(ABORT, ...)`.

Django raises `django.db.IntegrityError` on both. `PROTECTIONS` says what is
refused; `install()` recreates the triggers from it, `uninstall()` drops them. The
app's migration installs them and every later `migrate` recreates them from the
models as they then stand (`reinstall_after_migrate`): a protection added here
is installed by the next `migrate`, no new migration needed.

Deliberate repairs: a database superuser lifts the triggers consciously, for as
short a time as possible and inside a transaction, with `triggers_disabled()`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Literal

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

from partnerships.assessments.choices import DECIDED_STATUSES
from partnerships.checklists.models import FrameworkStatus

Operation = Literal["INSERT", "UPDATE", "DELETE"]
VENDORS = ("postgresql", "sqlite")
# Every trigger (and PostgreSQL function) of this module, and nothing else, is named so.
PREFIX = "integrity_"


@dataclass(frozen=True)
class Dialect:
    """What a condition needs to know to be written: the backend and the models."""

    connection: BaseDatabaseWrapper
    apps: Apps

    def same(self, left: str, right: str) -> str:
        """Equality where NULL equals NULL."""
        operator = "IS NOT DISTINCT FROM" if self.connection.vendor == "postgresql" else "IS"
        return f"{left} {operator} {right}"

    def quote(self, name: str) -> str:
        return self.connection.ops.quote_name(name)


# SQL over the row's OLD and NEW values (NEW only for INSERT, OLD only for DELETE),
# or a function writing it for a backend. "TRUE" always refuses.
Condition = str | Callable[[Dialect], str]


@dataclass(frozen=True)
class Protection:
    """`operation` on `table` fails for a row where `condition` holds."""

    table: str
    operation: Operation
    condition: Condition
    reason: str

    @property
    def name(self) -> str:
        return f"{PREFIX}{self.table}_{self.operation.lower()}"

    @property
    def message(self) -> str:
        return f"{self.table}: {self.reason} (integrity trigger)"

    def condition_sql(self, dialect: Dialect) -> str:
        return self.condition(dialect) if callable(self.condition) else self.condition


def _values(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in sorted(map(str, values))) + ")"


DECIDED = _values(DECIDED_STATUSES)
FRAMEWORK_FROZEN = _values({FrameworkStatus.PUBLISHED, FrameworkStatus.RETIRED})
# What retiring a published framework changes (checklists.services.framework_retire,
# Framework._RETIREMENT_FIELDS); every other column must stay as it was.
FRAMEWORK_RETIREMENT_COLUMNS = frozenset({"status", "retired_at"})


def _assessment_decided(row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM assessments_assessment WHERE id = {row}.assessment_id "
        f"AND status IN {DECIDED})"
    )


def _framework_frozen(row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM checklists_framework WHERE id = {row}.framework_id "
        f"AND status IN {FRAMEWORK_FROZEN})"
    )


def _parts(table: str, parent_frozen: Callable[[str], str], reason: str) -> list[Protection]:
    """A part can be neither added to, changed in, moved into or out of, nor taken from a
    frozen parent."""
    return [
        Protection(table, "INSERT", parent_frozen("NEW"), reason),
        Protection(table, "UPDATE", f"{parent_frozen('OLD')} OR {parent_frozen('NEW')}", reason),
        Protection(table, "DELETE", parent_frozen("OLD"), reason),
    ]


def _never_changes(table: str, reason: str) -> list[Protection]:
    return [
        Protection(table, "UPDATE", "TRUE", reason),
        Protection(table, "DELETE", "TRUE", reason),
    ]


def _framework_update(dialect: Dialect) -> str:
    """A published or retired framework changes only by the retirement of a published one."""
    framework = dialect.apps.get_model("checklists", "Framework")
    columns = sorted(
        dialect.quote(field.column)
        for field in framework._meta.concrete_fields
        if field.column not in FRAMEWORK_RETIREMENT_COLUMNS
    )
    unchanged = " AND ".join(dialect.same(f"OLD.{column}", f"NEW.{column}") for column in columns)
    return (
        f"OLD.status IN {FRAMEWORK_FROZEN} AND NOT (OLD.status = '{FrameworkStatus.PUBLISHED}' "
        f"AND NEW.status = '{FrameworkStatus.RETIRED}' AND {unchanged})"
    )


# The history of an assessment goes only with a draft deleted before it was ever
# submitted (the admin may delete such a draft; its one "created" step goes with it).
_HISTORY_CLOSED = (
    "NOT EXISTS (SELECT 1 FROM assessments_assessment WHERE id = OLD.assessment_id "
    "AND submitted_at IS NULL AND status IN ('draft', 'withdrawn'))"
)

PROTECTIONS: list[Protection] = [
    # A decision is the UPDATE that moves an assessment from in_review to a decided
    # status with its revision pinned: OLD is not decided then, so it is allowed. Any
    # other way to a decided status is a forged decision.
    Protection(
        "assessments_assessment",
        "UPDATE",
        f"OLD.status IN {DECIDED} OR (NEW.status IN {DECIDED} "
        "AND (OLD.status <> 'in_review' OR NEW.revision_id IS NULL))",
        "a decided assessment cannot change, and only one in review with its revision "
        "pinned can be decided",
    ),
    Protection(
        "assessments_assessment",
        "INSERT",
        f"NEW.status IN {DECIDED}",
        "an assessment is decided through its review, never created decided",
    ),
    Protection(
        "assessments_assessment",
        "DELETE",
        f"OLD.status IN {DECIDED}",
        "the assessment is decided; it cannot be deleted",
    ),
    *_parts(
        "assessments_answer",
        _assessment_decided,
        "the assessment is decided; its answers cannot change",
    ),
    *_parts(
        "assessments_gateanswer",
        _assessment_decided,
        "the assessment is decided; its exclusion gate answers cannot change",
    ),
    *_parts(
        "assessments_attachment",
        _assessment_decided,
        "the assessment is decided; its attachments cannot change",
    ),
    *_parts(
        "assessments_principlescore",
        _assessment_decided,
        "the assessment is decided; its principle scores cannot change",
    ),
    Protection(
        "assessments_statuschange",
        "INSERT",
        _assessment_decided("NEW"),
        "the assessment is decided; its status history is closed",
    ),
    Protection(
        "assessments_statuschange",
        "UPDATE",
        "TRUE",
        "the status history is never rewritten",
    ),
    Protection(
        "assessments_statuschange",
        "DELETE",
        _HISTORY_CLOSED,
        "the status history is never rewritten; it goes only with a draft never submitted",
    ),
    *_never_changes(
        "assessments_proposalrevision",
        "a revision of what was assessed never changes and is never deleted",
    ),
    *_never_changes(
        "assessments_revisionpartner",
        "a partner of an assessed revision never changes and is never deleted",
    ),
    *_never_changes(
        "reports_signedreview",
        "a signed review never changes and is never deleted",
    ),
    Protection(
        "checklists_framework",
        "UPDATE",
        _framework_update,
        "the framework is published or retired; its content cannot change (a published "
        "framework can only be retired): create a new version",
    ),
    Protection(
        "checklists_framework",
        "DELETE",
        f"OLD.status IN {FRAMEWORK_FROZEN}",
        "the framework is published or retired; it cannot be deleted",
    ),
    *_parts(
        "checklists_criterion",
        _framework_frozen,
        "the framework is published or retired; its criteria cannot change",
    ),
    *_parts(
        "checklists_principleweight",
        _framework_frozen,
        "the framework is published or retired; its principle weights cannot change",
    ),
]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _postgresql_sql(protection: Protection, dialect: Dialect) -> list[str]:
    # The condition is in the function, not in the trigger's WHEN: PostgreSQL allows
    # no subquery there, and a WHEN would pin the column types it names.
    returned = "OLD" if protection.operation == "DELETE" else "NEW"
    table = dialect.quote(protection.table)
    return [
        f"CREATE FUNCTION {protection.name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        "BEGIN\n"
        f"    IF {protection.condition_sql(dialect)} THEN\n"
        "        RAISE EXCEPTION USING\n"
        f"            MESSAGE = {_literal(protection.message)},\n"
        "            ERRCODE = 'integrity_constraint_violation',\n"
        f"            TABLE = {_literal(protection.table)},\n"
        "            HINT = 'Decided records are repaired only by a database superuser who "
        "lifts the triggers on purpose (partnerships.integrity.triggers).';\n"
        "    END IF;\n"
        f"    RETURN {returned};\n"
        "END\n"
        "$body$",
        f"CREATE TRIGGER {protection.name} BEFORE {protection.operation} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {protection.name}()",
    ]


def _sqlite_sql(protection: Protection, dialect: Dialect) -> list[str]:
    return [
        f"CREATE TRIGGER {dialect.quote(protection.name)} BEFORE {protection.operation} "
        f"ON {dialect.quote(protection.table)} FOR EACH ROW "
        f"WHEN {protection.condition_sql(dialect)} "
        f"BEGIN SELECT RAISE(ABORT, {_literal(protection.message)}); END"
    ]


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in VENDORS:
        raise NotImplementedError(f"No integrity triggers for {connection.vendor} databases.")
    return connection.vendor


def create_statements(connection: BaseDatabaseWrapper, apps: Apps | None = None) -> list[str]:
    """The SQL creating the trigger of every protection whose table exists."""
    vendor = _vendor(connection)
    dialect = Dialect(connection, apps or global_apps)
    tables = set(connection.introspection.table_names())
    write = _postgresql_sql if vendor == "postgresql" else _sqlite_sql
    return [
        statement
        for protection in PROTECTIONS
        if protection.table in tables
        for statement in write(protection, dialect)
    ]


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """The names of the integrity triggers the database holds."""
    pattern = PREFIX.replace("_", "\\_") + "%"
    if _vendor(connection) == "postgresql":
        query = (
            "SELECT tgname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
            "WHERE relnamespace = current_schema()::regnamespace AND NOT tgisinternal "
            "AND tgname LIKE %s ESCAPE %s"
        )
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE %s"
    with connection.cursor() as cursor:
        cursor.execute(query, [pattern, "\\"])
        return {name for (name,) in cursor.fetchall()}


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop every integrity trigger (and function): also those of protections since removed."""
    pattern = PREFIX.replace("_", "\\_") + "%"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if _vendor(connection) == "postgresql":
            # Dropping a function drops the triggers that run it.
            cursor.execute(
                "SELECT oid::regprocedure::text FROM pg_proc "
                "WHERE pronamespace = current_schema()::regnamespace "
                "AND prorettype = 'trigger'::regtype AND proname LIKE %s ESCAPE %s",
                [pattern, "\\"],
            )
            drops = [f"DROP FUNCTION IF EXISTS {name} CASCADE" for (name,) in cursor.fetchall()]
        else:
            drops = [
                f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(name)}"
                for name in installed(connection)
            ]
        for statement in drops:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper, apps: Apps | None = None) -> None:
    """Recreate the triggers from `PROTECTIONS`, in one transaction.

    `apps` gives the models the column lists are read from (a migration passes its
    historical ones; by default the current ones). Protections of tables that do not
    exist (yet) are left out: the `migrate` that creates them installs them.
    """
    with transaction.atomic(using=connection.alias):
        uninstall(connection)
        statements = create_statements(connection, apps)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@contextmanager
def triggers_disabled(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """The triggers lifted for the block, then put back.

    For tests that play an attacker with database superuser rights (tampering with
    decided rows by raw SQL, to check that the app detects it), and for a superuser's
    deliberate repair. Use it inside a transaction: both backends have transactional
    DDL, so nobody else ever sees the triggers gone, and a rollback restores them.
    """
    uninstall(connection)
    try:
        yield
    except BaseException:
        # PostgreSQL refuses every statement once one in the transaction failed: then the
        # rollback that must follow restores the triggers.
        with suppress(DatabaseError):
            install(connection)
        raise
    install(connection)


def lift_for_migrate(sender, using: str, **kwargs) -> None:
    """pre_migrate: on SQLite, drop the triggers while migrations run.

    SQLite alters a table by rebuilding it (copy, drop, rename): the dropped table
    takes its own triggers with it, and the rename fails while another table's trigger
    names it ("error in trigger ...: no such table"). `reinstall_after_migrate` puts
    them back. On PostgreSQL they stay: a data migration that must change decided
    records says so with `triggers_disabled()`.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        uninstall(connection)


def reinstall_after_migrate(sender, using: str, apps: Apps = global_apps, **kwargs) -> None:
    """post_migrate (also sent by `flush`): recreate the triggers from the models as they
    now stand, once this app's migration has installed them. A column added to a
    framework is then compared too; a table SQLite rebuilt has its triggers back."""
    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if any(app_label == sender.label for app_label, _ in applied):
        install(connection, apps)
