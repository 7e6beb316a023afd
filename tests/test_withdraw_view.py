"""Withdrawing an assessment: a page of its own that asks for a confirmation and a
reason; the reason shows in the history. Owner, teammate and outsider."""

import pytest

from partnerships.assessments.choices import AssessmentStatus
from tests.helpers import answer_all, pass_gate

pytestmark = pytest.mark.django_db


def url(assessment) -> str:
    return f"/assessments/{assessment.pk}/withdraw/"


def test_the_detail_page_links_to_the_confirmation_instead_of_withdrawing(client, assessor, draft):
    client.force_login(assessor)
    page = client.get(f"/assessments/{draft.pk}/").content.decode()
    assert f'href="{url(draft)}"' in page
    assert f'action="{url(draft)}"' not in page


def test_the_confirmation_says_what_withdrawing_means_and_asks_why(client, assessor, draft):
    client.force_login(assessor)
    response = client.get(url(draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert "nobody can change, submit or decide it any more" in page
    assert 'name="note"' in page and "Keep it" in page
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


def test_without_a_reason_nothing_is_withdrawn_and_the_message_is_at_the_field(
    client, assessor, draft
):
    pass_gate(draft)
    answer_all(draft)
    client.force_login(assessor)
    response = client.post(url(draft), {"note": "   "})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["note"]
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT
    assert draft.answers.count() > 0


def test_an_empty_post_is_refused_with_the_message(client, assessor, draft):
    client.force_login(assessor)
    response = client.post(url(draft))
    assert response.status_code == 400 and response.context["form"].errors["note"]


def test_a_reason_too_long_is_refused_and_kept(client, assessor, draft):
    client.force_login(assessor)
    typed = "x" * 2001
    response = client.post(url(draft), {"note": typed})
    assert response.status_code == 400
    assert typed in response.content.decode()


def test_with_a_reason_it_is_withdrawn_and_the_history_shows_why(client, assessor, draft):
    client.force_login(assessor)
    response = client.post(url(draft), {"note": "The partner pulled out <for now> & left."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.WITHDRAWN
    page = client.get(f"/assessments/{draft.pk}/").content.decode()
    history = page[page.index('id="timeline"') :]
    assert "The partner pulled out &lt;for now&gt; &amp; left." in history
    assert "The assessment is withdrawn." in page


def test_a_teammate_may_not_withdraw_it(client, teammate, draft):
    client.force_login(teammate)
    assert client.get(url(draft)).status_code == 403
    assert client.post(url(draft), {"note": "Mine now."}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


def test_an_outsider_is_told_nothing(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), {"note": "x"}).status_code == 404


def test_a_withdrawn_assessment_cannot_be_withdrawn_again(client, assessor, draft):
    client.force_login(assessor)
    client.post(url(draft), {"note": "Gone."})
    assert client.get(url(draft)).status_code == 403
