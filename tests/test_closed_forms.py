"""An assessor opening a form of their own assessment once its status closes it is told
why, on the assessment's page; nobody else learns more than before (403 / 404)."""

import pytest

from partnerships.assessments import workflow
from tests.helpers import approve, submit

pytestmark = pytest.mark.django_db

FORMS = ["answers", "gate"]


@pytest.mark.parametrize("form", FORMS)
def test_a_submitted_assessment_tells_its_assessor_it_is_with_the_reviewer(
    client, assessor, draft, form
):
    submit(draft)
    client.force_login(assessor)
    response = client.get(f"/assessments/{draft.pk}/{form}/", follow=True)
    assert response.redirect_chain == [(f"/assessments/{draft.pk}/", 302)]
    page = response.content.decode()
    assert "is with the reviewer" in page
    assert "Your role does not allow" not in page


@pytest.mark.parametrize("form", FORMS)
def test_a_decided_assessment_says_it_never_changes_and_how_to_assess_again(
    client, assessor, draft, reviewer, form
):
    approve(draft, reviewer)
    client.force_login(assessor)
    before = list(draft.answers.values_list("rating", flat=True))
    response = client.post(f"/assessments/{draft.pk}/{form}/", {"TR-1-rating": "0"}, follow=True)
    assert "a decided assessment never changes" in response.content.decode()
    assert list(draft.answers.values_list("rating", flat=True)) == before


def test_a_withdrawn_assessment_says_so(client, assessor, draft):
    workflow.assessment_withdraw(assessment=draft, user=assessor, note="Partner left.")
    client.force_login(assessor)
    page = client.get(f"/assessments/{draft.pk}/answers/", follow=True).content.decode()
    assert "was withdrawn" in page


@pytest.mark.parametrize("form", FORMS)
def test_others_are_refused_as_before(client, teammate, outsider, draft, form):
    submit(draft)
    client.force_login(teammate)
    assert client.get(f"/assessments/{draft.pk}/{form}/").status_code == 403
    client.force_login(outsider)
    assert client.get(f"/assessments/{draft.pk}/{form}/").status_code == 404
