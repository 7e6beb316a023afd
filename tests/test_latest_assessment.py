"""The stored pointers to a proposal's newest assessment (lists) and newest one not
withdrawn (portfolio) follow the workflow, and a rebuild finds the same."""

import pytest

from partnerships.assessments import workflow
from partnerships.assessments.latest import latest_assessment_rebuild
from partnerships.assessments.models import LatestAssessment
from tests.helpers import approve

pytestmark = pytest.mark.django_db


def pointers(proposal):
    row = LatestAssessment.objects.filter(proposal=proposal).first()
    return (row.assessment_id, row.counted_id) if row else None


def test_a_proposal_without_assessments_has_no_pointer(proposal):
    assert pointers(proposal) is None


def test_a_new_assessment_is_newest_and_counted(draft):
    assert pointers(draft.proposal) == (draft.pk, draft.pk)


def test_a_withdrawn_assessment_stays_newest_but_no_longer_counts(draft, assessor):
    workflow.assessment_withdraw(assessment=draft, user=assessor, note="Partner left.")
    assert pointers(draft.proposal) == (draft.pk, None)


def test_a_reassessment_replaces_the_decided_one_and_withdrawing_it_counts_the_decision(
    draft, assessor, reviewer
):
    approve(draft, reviewer)
    again = workflow.assessment_start(proposal=draft.proposal, user=assessor)
    assert pointers(draft.proposal) == (again.pk, again.pk)
    workflow.assessment_withdraw(assessment=again, user=assessor, note="Not needed.")
    assert pointers(draft.proposal) == (again.pk, draft.pk)


def test_a_rebuild_finds_what_the_workflow_kept(draft, assessor, reviewer):
    approve(draft, reviewer)
    again = workflow.assessment_start(proposal=draft.proposal, user=assessor)
    workflow.assessment_withdraw(assessment=again, user=assessor, note="Not needed.")
    kept = pointers(draft.proposal)
    LatestAssessment.objects.all().delete()
    assert latest_assessment_rebuild() == 1
    assert pointers(draft.proposal) == kept
