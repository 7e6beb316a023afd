"""Who changed what, and when: the audit trail of proposals, partners, assessments,
answers, gate answers, attachments and frameworks."""

import pytest

from partnerships.assessments.models import Answer
from partnerships.assessments.services import AnswerInput, assessment_save_answers, attachment_add
from partnerships.checklists.models import Criterion, Framework
from partnerships.checklists.services import framework_create_version
from partnerships.partners.models import Partner
from partnerships.proposals.models import Proposal
from tests.helpers import in_review, pass_gate, pdf_upload, with_version

pytestmark = pytest.mark.django_db


def test_a_change_through_the_workflow_is_recorded_with_its_author(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    client.post(f"/assessments/{draft.pk}/answers/", with_version(draft, {"TR-1-rating": "1"}))
    client.post(
        f"/assessments/{draft.pk}/answers/",
        with_version(draft, {"TR-1-rating": "3", "TR-1-comment": "Better evidence."}),
    )
    answer = Answer.objects.get(assessment=draft, criterion__code="TR-1")
    history = list(answer.history.order_by("history_date"))
    assert [h.rating for h in history] == [1, 3]
    assert {h.history_user for h in history} == {assessor}
    assert history[-1].history_type == "~"


def test_a_change_in_the_admin_is_recorded_with_its_author(client, administrator, proposal):
    client.force_login(administrator)
    url = f"/admin/proposals/proposal/{proposal.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in {"contribution_types", "countries"}
    }
    link = proposal.partner_links.get()
    data.update(
        {
            "title": "Renamed in the admin",
            "partner_links-TOTAL_FORMS": 1,
            "partner_links-INITIAL_FORMS": 1,
            "partner_links-MIN_NUM_FORMS": 0,
            "partner_links-MAX_NUM_FORMS": 1000,
            "partner_links-0-id": link.pk,
            "partner_links-0-proposal": proposal.pk,
            "partner_links-0-partner": link.partner_id,
            "partner_links-0-role": link.role,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    latest = Proposal.history.filter(id=proposal.pk).latest("history_date")
    assert latest.title == "Renamed in the admin" and latest.history_user == administrator
    assert client.get(f"/admin/proposals/proposal/{proposal.pk}/history/").status_code == 200


def test_gate_answers_attachments_and_partner_links_are_recorded(draft, assessor):
    pass_gate(draft, {"tobacco": ("unknown", "Checking.")})
    attachment = attachment_add(
        assessment=draft,
        user=assessor,
        criterion=draft.framework.criteria.first(),
        upload=pdf_upload(),
    )
    gate = draft.gate_answers.get(question__key="tobacco")
    assert gate.history.get().history_user == assessor
    assert attachment.history.get().history_user == assessor
    link = draft.proposal.partner_links.get()
    assert link.history.filter(history_type="+").exists()
    partner = Partner.objects.get(pk=link.partner_id)
    partner.legal_name = "Renamed partner"
    partner.save()
    assert [h.legal_name for h in partner.history.order_by("history_date")][-1] == "Renamed partner"


def test_framework_versions_and_bulk_answers_are_recorded(draft, assessor):
    draft_framework = framework_create_version(framework=Framework.objects.current(), version="5.0")
    assert Criterion.history.filter(framework_id=draft_framework.pk).count() == 33
    criteria = list(draft.framework.criteria.all()[:3])
    assessment_save_answers(
        assessment=draft,
        user=assessor,
        answers=[AnswerInput(criterion=c, rating=2) for c in criteria],
    )
    created = Answer.history.filter(assessment_id=draft.pk, history_type="+")
    assert created.count() == 3 and {h.history_user_id for h in created} == {assessor.pk}


def test_oversight_sees_the_audit_trail_on_the_assessment_page(
    client, draft, assessor, reviewer, oversight
):
    pass_gate(draft, {"tobacco": ("unknown", "Checking the parent company.")})
    attachment_add(
        assessment=draft,
        user=assessor,
        criterion=draft.framework.criteria.first(),
        upload=pdf_upload(),
    )
    in_review(draft, reviewer)
    client.force_login(oversight)
    response = client.get(f"/assessments/{draft.pk}/")
    trail = response.context["audit_trail"]
    subjects = {change.subject for change in trail}
    lead = draft.proposal.partner_links.get().partner
    assert (
        f"Gate: tobacco, {lead.legal_name}" in subjects
        and "Answer TR-1" in subjects
        and "Attachment evidence.pdf" in subjects
    )
    status_changes = [
        c for c in trail if c.subject == "Assessment" and any(f[0] == "status" for f in c.fields)
    ]
    assert {c.who for c in status_changes} >= {str(assessor), str(reviewer)}
    assert "Audit trail" in response.content.decode()
    client.force_login(assessor)
    assert client.get(f"/assessments/{draft.pk}/").context["audit_trail"] is None


def test_the_audit_trail_has_a_fixed_query_budget(client, draft, oversight):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.helpers import answer_all

    client.force_login(oversight)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/assessments/{draft.pk}/").status_code == 200
        return len(context)

    pass_gate(draft)
    few = queries()
    answer_all(draft, rating=1)
    answer_all(draft, rating=2)
    assert queries() == few
