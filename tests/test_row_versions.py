"""What pages reuse while the rows it was made from are unchanged (PostgreSQL's row
versions): the record check, the proposal as it stands, an assessment's header and
history. Any write to any of those rows, by any path, makes it be done afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.assessments.models import Answer, PrincipleScore
from partnerships.assessments.revisions import proposal_content_versions
from partnerships.assessments.selectors import header_and_history_versions
from partnerships.integrity.triggers import triggers_disabled
from partnerships.partners.models import KeyPerson
from partnerships.reports.record import decided_record_versions
from tests.factories import ProposalPartnerFactory, UserFactory
from tests.helpers import submit

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL keeps row versions"
)


def as_superuser(sql: str, *params) -> None:
    """Raw SQL past the app and the triggers, as a database superuser could send it."""
    with triggers_disabled(connection), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def rewrite(table: str, pk: int) -> None:
    """Write a row again, unchanged: a write is a new row version, whatever it changed."""
    as_superuser(f"UPDATE {table} SET id = id WHERE id = %s", pk)


def assert_each_write_moves(versions_of, pk: int, rows: list[tuple[str, int]]) -> None:
    for table, row in rows:
        before = versions_of(pk)
        assert before
        rewrite(table, row)
        assert versions_of(pk) != before, table


def record_rows(assessment) -> dict[str, tuple[str, int]]:
    """Every kind of row the decided record reads, one of each."""
    answer = Answer.objects.filter(assessment=assessment).first()
    score = PrincipleScore.objects.filter(assessment=assessment).first()
    return {
        "assessment": ("assessments_assessment", assessment.pk),
        "proposal": ("proposals_proposal", assessment.proposal_id),
        "agency": ("accounts_agency", assessment.proposal.agency_id),
        "framework": ("checklists_framework", assessment.framework_id),
        "assessor": ("accounts_user", assessment.assessor_id),
        "reviewer": ("accounts_user", assessment.reviewer_id),
        "revision": ("assessments_proposalrevision", assessment.revision_id),
        "signed review": ("reports_signedreview", assessment.signed_review.pk),
        "answer": ("assessments_answer", answer.pk),
        "answer's criterion": ("checklists_criterion", answer.criterion_id),
        "attachment": ("assessments_attachment", assessment.attachments.get().pk),
        "principle score": ("assessments_principlescore", score.pk),
        "score's principle": ("principles_principle", score.principle_id),
    }


RECORD_ROWS = [
    "assessment", "proposal", "agency", "framework", "assessor", "reviewer", "revision",
    "signed review", "answer", "answer's criterion", "attachment", "principle score",
    "score's principle",
]  # fmt: skip


@on_postgresql
@pytest.mark.parametrize("row", RECORD_ROWS)
def test_any_write_to_a_row_of_the_record_changes_its_versions(decided, row):
    assert decided_record_versions(decided.pk) == decided_record_versions(decided.pk)
    assert_each_write_moves(decided_record_versions, decided.pk, [record_rows(decided)[row]])


@on_postgresql
def test_a_row_taken_out_of_the_record_changes_its_versions(decided):
    before = decided_record_versions(decided.pk)
    as_superuser("DELETE FROM assessments_answer WHERE id = %s", decided.answers.first().pk)
    assert decided_record_versions(decided.pk) != before


@on_postgresql
def test_writes_to_other_assessments_leave_the_versions_alone(decided, reviewer, assessor):
    before = decided_record_versions(decided.pk)
    other = ProposalPartnerFactory(proposal__agency=decided.proposal.agency).proposal
    from partnerships.assessments.workflow import assessment_start

    submit(assessment_start(proposal=other, user=assessor))
    assert decided_record_versions(decided.pk) == before


@on_postgresql
def test_any_write_to_the_proposal_its_partners_or_their_people_changes_its_versions(decided):
    proposal = decided.proposal
    link = proposal.partner_links.get()
    person = KeyPerson.objects.create(partner=link.partner, name="Ana Lima", role="head")
    contribution = proposal.contribution_types.through.objects.filter(proposal=proposal).first()
    rows = [
        ("proposals_proposal", proposal.pk),
        ("accounts_agency", proposal.agency_id),
        ("proposals_proposalpartner", link.pk),
        ("partners_partner", link.partner_id),
        ("partners_keyperson", person.pk),
    ]
    if contribution:
        rows += [
            ("proposals_proposal_contribution_types", contribution.pk),
            ("proposals_contributiontype", contribution.contributiontype_id),
        ]
    assert_each_write_moves(proposal_content_versions, proposal.pk, rows)


@on_postgresql
def test_any_write_to_what_the_header_and_history_show_changes_their_versions(decided):
    # A step made by someone who is neither assessor nor reviewer (an administrator who
    # withdrew it, a reviewer since replaced): their row counts on its own.
    change = decided.status_changes.last()
    someone = UserFactory(agency=decided.proposal.agency)
    as_superuser(
        "UPDATE assessments_statuschange SET user_id = %s WHERE id = %s", someone.pk, change.pk
    )
    rows = [
        ("assessments_assessment", decided.pk),
        ("proposals_proposal", decided.proposal_id),
        ("accounts_agency", decided.proposal.agency_id),
        ("checklists_framework", decided.framework_id),
        ("accounts_user", decided.assessor_id),
        ("accounts_user", decided.reviewer_id),
        ("assessments_proposalrevision", decided.revision_id),
        ("assessments_statuschange", change.pk),
        ("accounts_user", someone.pk),
    ]
    assert_each_write_moves(header_and_history_versions, decided.pk, rows)


@on_postgresql
def test_evidence_under_an_unanswered_criterion_counts_its_criterion(decided):
    attachment = decided.attachments.get()
    as_superuser(
        "DELETE FROM assessments_answer WHERE assessment_id = %s AND criterion_id = %s",
        decided.pk,
        attachment.criterion_id,
    )
    rows = [("checklists_criterion", attachment.criterion_id)]
    assert_each_write_moves(decided_record_versions, decided.pk, rows)


@on_postgresql
def test_a_part_emptied_while_another_fills_changes_the_versions(decided):
    """Each part keeps its place: rows moving from one kind to another are a change."""
    before = decided_record_versions(decided.pk)
    as_superuser("DELETE FROM reports_signedreview WHERE assessment_id = %s", decided.pk)
    assert decided_record_versions(decided.pk) != before


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite keeps no row versions")
def test_sqlite_has_no_row_versions_so_everything_is_done_afresh(decided):
    assert decided_record_versions(decided.pk) is None
    assert proposal_content_versions(decided.proposal_id) is None
    assert header_and_history_versions(decided.pk) is None


# The pages


def view(client, assessment, **headers) -> str:
    response = client.get(f"/assessments/{assessment.pk}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_renamed_assessor_shows_on_the_next_view(client, decided):
    client.force_login(decided.assessor)
    assert str(decided.assessor) in view(client, decided)
    decided.assessor.first_name, decided.assessor.last_name = "Renamed", "Person"
    decided.assessor.save()
    page = view(client, decided)
    header = page[: page.index('id="decision"')]
    history = page[page.index('id="timeline"') :]
    assert "Renamed Person" in header and "Renamed Person" in history


def test_the_header_and_history_are_kept_per_language(client, decided):
    client.force_login(decided.assessor)
    english = view(client, decided)
    chinese = view(client, decided, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "assessor:" in english and "History" in english
    assert "评估人" in chinese and "assessor:" not in chinese
    assert "History" not in chinese[chinese.index('id="timeline"') :]


def test_a_new_step_shows_in_the_history_on_the_next_view(client, draft, assessor):
    client.force_login(assessor)
    page = view(client, draft)
    assert "Submitted" not in page[page.index('id="timeline"') :]
    submit(draft)
    page = view(client, draft)
    assert "Submitted" in page[page.index('id="timeline"') :]


def test_a_partner_renamed_after_the_decision_shows_on_the_next_view(client, decided):
    client.force_login(decided.assessor)
    assert "What has changed since" not in view(client, decided)
    partner = decided.proposal.partner_links.get().partner
    partner.legal_name = "Renamed Partner Ltd"
    partner.save()
    assert "Renamed Partner Ltd" in view(client, decided)


@on_postgresql
def test_an_unchanged_decided_page_reads_neither_its_record_nor_its_history_again(client, decided):
    client.force_login(decided.assessor)
    with CaptureQueriesContext(connection) as first:
        view(client, decided)
    with CaptureQueriesContext(connection) as again:
        view(client, decided)
    read = " ".join(query["sql"] for query in again.captured_queries)
    for table in ["assessments_answer", "assessments_principlescore", "assessments_statuschange"]:
        assert f'FROM "{table}"' in " ".join(q["sql"] for q in first.captured_queries)
        assert f'FROM "{table}"' not in read
    assert len(again) < len(first)
