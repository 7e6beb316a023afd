"""The database itself refuses raw SQL that would change decided records
(partnerships/integrity/triggers.py), on SQLite and PostgreSQL alike."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from partnerships.assessments.models import Answer, Assessment, StatusChange
from partnerships.assessments.workflow import assessment_start
from partnerships.checklists.models import Criterion, Framework, FrameworkStatus
from partnerships.checklists.services import (
    framework_create_version,
    framework_publish,
    framework_retire,
)
from partnerships.frozen import Freezable
from partnerships.integrity import triggers
from partnerships.principles.models import Principle
from tests.factories import AssessmentFactory, CriterionFactory, FrameworkFactory, ProposalFactory

pytestmark = pytest.mark.django_db

ASSESSMENT_PARTS = [
    "assessments_answer",
    "assessments_gateanswer",
    "assessments_attachment",
    "assessments_principlescore",
]
# Frozen only while an assessment is in review: not decided records.
NOT_PROTECTED = {"proposals_proposal", "proposals_proposalpartner"}


def execute(sql: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def refused(table: str, sql: str, *params) -> None:
    """The statement fails with the trigger's message; the savepoint keeps the test's
    transaction usable (PostgreSQL refuses every statement after an error otherwise)."""
    with (
        pytest.raises(IntegrityError, match=rf"^{table}: .+ \(integrity trigger\)"),
        transaction.atomic(),
    ):
        execute(sql, *params)


@pytest.fixture
def other(decided):
    """A draft of another proposal of the same agency, on the same framework."""
    return AssessmentFactory(proposal=ProposalFactory(agency=decided.proposal.agency))


@pytest.fixture
def published():
    return Framework.objects.current()


# Decided assessments


def test_a_decided_assessment_cannot_change_or_go(decided):
    table = "assessments_assessment"
    refused(
        table, f"UPDATE {table} SET decided_outcome = 'do_not_engage' WHERE id = %s", decided.pk
    )
    refused(table, f"UPDATE {table} SET status = 'in_review' WHERE id = %s", decided.pk)
    refused(table, f"DELETE FROM {table} WHERE id = %s", decided.pk)
    decided.refresh_from_db()
    assert (decided.status, decided.decided_outcome) == ("approved", "engage")


@pytest.mark.parametrize("table", ASSESSMENT_PARTS)
def test_the_parts_of_a_decided_assessment_cannot_change_or_go(decided, table):
    assert execute(f"SELECT 1 FROM {table} WHERE assessment_id = %s", decided.pk)
    # Even an UPDATE that changes nothing: the trigger does not look at the values.
    refused(
        table,
        f"UPDATE {table} SET assessment_id = assessment_id WHERE assessment_id = %s",
        decided.pk,
    )
    refused(table, f"DELETE FROM {table} WHERE assessment_id = %s", decided.pk)


def test_a_decided_answer_keeps_its_rating(decided):
    refused(
        "assessments_answer",
        "UPDATE assessments_answer SET rating = 0 WHERE assessment_id = %s",
        decided.pk,
    )
    assert not decided.answers.filter(rating=0).exists()


def test_no_answer_is_added_to_moved_into_or_taken_out_of_a_decided_assessment(decided, other):
    table = "assessments_answer"
    stranger = CriterionFactory()  # no answer of the decided assessment has it: no unique clash
    refused(
        table,
        f"INSERT INTO {table} (assessment_id, criterion_id, rating, not_applicable, "
        "justification, evidence_notes, comment, updated_at) "
        "VALUES (%s, %s, 1, %s, '', '', '', CURRENT_TIMESTAMP)",
        decided.pk,
        stranger.pk,
        False,
    )
    stray = Answer.objects.create(assessment=other, criterion=stranger, rating=1)
    refused(table, f"UPDATE {table} SET assessment_id = %s WHERE id = %s", decided.pk, stray.pk)
    kept = decided.answers.first()
    refused(table, f"UPDATE {table} SET assessment_id = %s WHERE id = %s", other.pk, kept.pk)
    assert Answer.objects.get(pk=kept.pk).assessment_id == decided.pk


def test_the_status_history_is_never_rewritten(decided, other):
    table = "assessments_statuschange"
    first = decided.status_changes.first()
    refused(table, f"UPDATE {table} SET note = 'rewritten' WHERE id = %s", first.pk)
    refused(table, f"DELETE FROM {table} WHERE assessment_id = %s", decided.pk)
    refused(
        table,
        f"INSERT INTO {table} (assessment_id, from_status, to_status, user_id, note, created_at) "
        "VALUES (%s, 'approved', 'draft', %s, '', CURRENT_TIMESTAMP)",
        decided.pk,
        decided.assessor_id,
    )
    # Not even an undecided assessment's history is rewritten.
    draft_step = StatusChange.objects.create(
        assessment=other, from_status="", to_status="draft", user=other.assessor
    )
    refused(table, f"UPDATE {table} SET to_status = 'submitted' WHERE id = %s", draft_step.pk)
    assert decided.status_changes.count() == 4


def test_a_draft_never_submitted_can_still_be_deleted_with_its_history(assessor, proposal):
    draft = assessment_start(proposal=proposal, user=assessor)
    assert draft.status_changes.count() == 1
    draft.delete()  # as the admin does
    assert not StatusChange.objects.filter(assessment_id=draft.pk).exists()


def test_a_signed_review_never_changes(decided):
    table = "reports_signedreview"
    review = decided.signed_review
    refused(table, f"UPDATE {table} SET pdf = %s WHERE id = %s", b"%PDF-forged", review.pk)
    refused(table, f"UPDATE {table} SET signer_name = 'Someone else' WHERE id = %s", review.pk)
    refused(table, f"DELETE FROM {table} WHERE id = %s", review.pk)
    review.refresh_from_db()
    assert review.stored_bytes_intact


def test_the_assessed_revisions_never_change(decided):
    assert decided.revision.partners.exists()
    refused(
        "assessments_proposalrevision",
        "UPDATE assessments_proposalrevision SET title = 'Another title' WHERE id = %s",
        decided.revision_id,
    )
    refused(
        "assessments_revisionpartner",
        "UPDATE assessments_revisionpartner SET legal_name = 'Someone else' WHERE revision_id = %s",
        decided.revision_id,
    )
    refused(
        "assessments_revisionpartner",
        "DELETE FROM assessments_revisionpartner WHERE revision_id = %s",
        decided.revision_id,
    )


def test_a_draft_assessment_changes_freely(draft):
    answer = Answer.objects.create(
        assessment=draft, criterion=draft.framework.criteria.first(), rating=3
    )
    execute("UPDATE assessments_answer SET rating = 0 WHERE id = %s", answer.pk)
    execute("UPDATE assessments_assessment SET decision_note = 'scratch' WHERE id = %s", draft.pk)
    execute("DELETE FROM assessments_principlescore WHERE assessment_id = %s", draft.pk)
    execute("DELETE FROM assessments_answer WHERE id = %s", answer.pk)
    assert Assessment.objects.get(pk=draft.pk).decision_note == "scratch"
    assert not draft.answers.exists()


def test_a_decided_assessment_can_be_assessed_again(decided):
    again = assessment_start(proposal=decided.proposal, user=decided.assessor)
    assert again.based_on == decided
    assert again.answers.count() == decided.answers.count()


# Frameworks


def test_a_published_framework_cannot_change_or_go(published):
    table = "checklists_framework"
    refused(table, f"UPDATE {table} SET name = 'Renamed' WHERE id = %s", published.pk)
    refused(table, f"UPDATE {table} SET status = 'draft' WHERE id = %s", published.pk)
    refused(table, f"DELETE FROM {table} WHERE id = %s", published.pk)
    # Retirement, but with a content change slipped in.
    refused(
        table,
        f"UPDATE {table} SET status = 'retired', retired_at = CURRENT_TIMESTAMP, "
        "engage_threshold = 10, conditions_threshold = 5 WHERE id = %s",
        published.pk,
    )
    published.refresh_from_db()
    assert (published.name, published.status, published.engage_threshold) == (
        "A/RES/56/76 partnership principles checklist",
        FrameworkStatus.PUBLISHED,
        75,
    )


def test_a_published_framework_can_be_retired_and_a_retired_one_never_changes(published):
    table = "checklists_framework"
    framework_retire(framework=published)
    published.refresh_from_db()
    assert published.status == FrameworkStatus.RETIRED
    assert published.retired_at is not None
    refused(table, f"UPDATE {table} SET status = 'published' WHERE id = %s", published.pk)
    refused(table, f"UPDATE {table} SET retired_at = NULL WHERE id = %s", published.pk)
    refused(table, f"DELETE FROM {table} WHERE id = %s", published.pk)


def test_the_content_of_a_published_framework_cannot_change(published):
    criterion = published.criteria.get(code="TR-1")
    table = "checklists_criterion"
    refused(table, f"UPDATE {table} SET weight = 9 WHERE id = %s", criterion.pk)
    refused(table, f"UPDATE {table} SET is_key = %s WHERE framework_id = %s", True, published.pk)
    refused(table, f"DELETE FROM {table} WHERE id = %s", criterion.pk)
    refused(
        table,
        f"INSERT INTO {table} (framework_id, principle_id, code, position, question_en, "
        "question_zh, guidance_en, guidance_zh, evidence_en, evidence_zh, weight, "
        "allows_not_applicable, is_key, basis) "
        "VALUES (%s, %s, 'TR-9', 9, 'q', 'q', 'g', 'g', 'e', 'e', 1, %s, %s, '')",
        published.pk,
        criterion.principle_id,
        True,
        False,
    )
    stray = CriterionFactory()
    refused(table, f"UPDATE {table} SET framework_id = %s WHERE id = %s", published.pk, stray.pk)
    table = "checklists_principleweight"
    refused(table, f"UPDATE {table} SET weight = 10 WHERE framework_id = %s", published.pk)
    refused(table, f"DELETE FROM {table} WHERE framework_id = %s", published.pk)
    assert published.criteria.count() == 33
    assert Criterion.objects.get(pk=criterion.pk).weight == criterion.weight


def test_a_draft_framework_changes_freely():
    criterion = CriterionFactory()
    draft = criterion.framework
    execute("UPDATE checklists_framework SET name = 'Renamed draft' WHERE id = %s", draft.pk)
    execute("UPDATE checklists_criterion SET weight = 5 WHERE id = %s", criterion.pk)
    execute("UPDATE checklists_principleweight SET weight = 3 WHERE framework_id = %s", draft.pk)
    execute("DELETE FROM checklists_criterion WHERE framework_id = %s", draft.pk)
    execute("DELETE FROM checklists_principleweight WHERE framework_id = %s", draft.pk)
    execute("DELETE FROM checklists_framework WHERE id = %s", draft.pk)
    assert not Framework.objects.filter(pk=draft.pk).exists()


def test_publishing_a_new_version_retires_the_old_one_through_the_triggers(published):
    draft = framework_create_version(framework=published, version="2.0")
    execute("UPDATE checklists_criterion SET weight = 2 WHERE framework_id = %s", draft.pk)
    framework_publish(framework=draft)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == (FrameworkStatus.RETIRED, FrameworkStatus.PUBLISHED)
    assert Framework.objects.current() == draft
    refused(
        "checklists_criterion",
        "UPDATE checklists_criterion SET weight = 1 WHERE framework_id = %s",
        draft.pk,
    )


def test_a_framework_built_as_a_draft_can_be_published():
    draft = FrameworkFactory(name="Another checklist")
    for principle in Principle.objects.all():
        CriterionFactory(framework=draft, principle=principle, code=f"{principle.number}-1")
    framework_publish(framework=draft)
    assert Framework.objects.get(pk=draft.pk).status == FrameworkStatus.PUBLISHED


# The triggers themselves


def test_every_frozen_model_is_protected_and_every_protection_names_a_real_table():
    tables = {model._meta.db_table: model for model in apps.get_models()}
    protected = {(p.table, p.operation) for p in triggers.PROTECTIONS}
    for table, model in tables.items():
        if issubclass(model, Freezable) and table not in NOT_PROTECTED:
            assert {(table, "UPDATE"), (table, "DELETE")} <= protected, table
    assert {table for table, _ in protected} <= set(tables)
    assert all(len(p.name) <= 63 for p in triggers.PROTECTIONS)  # PostgreSQL's limit
    assert triggers.installed(connection) == {p.name for p in triggers.PROTECTIONS}


def test_retirement_changes_what_the_model_lets_it_change():
    fields = Framework._RETIREMENT_FIELDS
    columns = {Framework._meta.get_field(name).column for name in fields}
    assert columns == triggers.FRAMEWORK_RETIREMENT_COLUMNS


def test_install_and_uninstall_are_idempotent():
    names = {p.name for p in triggers.PROTECTIONS}
    triggers.install(connection)
    triggers.install(connection)
    assert triggers.installed(connection) == names
    triggers.uninstall(connection)
    triggers.uninstall(connection)
    assert triggers.installed(connection) == set()
    triggers.install(connection)
    assert triggers.installed(connection) == names


def test_a_superuser_can_lift_the_triggers_on_purpose(decided):
    sql = "UPDATE assessments_assessment SET decided_outcome = 'do_not_engage' WHERE id = %s"
    with transaction.atomic(), triggers.triggers_disabled(connection):
        assert triggers.installed(connection) == set()
        assert execute(sql, decided.pk) == 1
    assert Assessment.objects.get(pk=decided.pk).decided_outcome == "do_not_engage"
    refused("assessments_assessment", sql, decided.pk)  # back on
    with pytest.raises(ZeroDivisionError), triggers.triggers_disabled(connection):
        1 / 0  # noqa: B018
    refused("assessments_assessment", sql, decided.pk)  # back on after an error too
    # A failed statement inside: on PostgreSQL the rollback is what restores them.
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        triggers.triggers_disabled(connection),
    ):
        execute("INSERT INTO assessments_answer (assessment_id) VALUES (NULL)")
    assert triggers.installed(connection) == {p.name for p in triggers.PROTECTIONS}


# Transactional tests commit, then empty every table (DELETE on SQLite) and reload the
# data migrations' rows: tests/conftest.py lifts the triggers for exactly those steps.
# Two of them, so that one reloads into tables the other emptied.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("run", [1, 2])
def test_decided_records_are_refused_after_commit_and_flushed_afterwards(decided, run):
    assert Framework.objects.current().criteria.count() == 33
    refused(
        "assessments_answer", "DELETE FROM assessments_answer WHERE assessment_id = %s", decided.pk
    )
    assert triggers.installed(connection) == {p.name for p in triggers.PROTECTIONS}
    assert decided.answers.exists()
