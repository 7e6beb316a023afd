"""Every view checks access at the object level: another agency's object answers 404,
a forbidden action 403. Personas: the owner (the assessor), a teammate (another
assessor of the agency), the agency's reviewer, oversight (another agency, reads
everything), an outsider (an assessor of another agency), and anonymous."""

import pytest

from partnerships.assessments.models import Attachment
from partnerships.assessments.services import attachment_add
from tests.helpers import in_review, pass_gate, pdf_upload, submit

pytestmark = pytest.mark.django_db

PERSONAS = ["assessor", "teammate", "reviewer", "oversight", "outsider"]


@pytest.fixture
def personas(assessor, teammate, reviewer, oversight, outsider):
    return {
        "assessor": assessor,
        "teammate": teammate,
        "reviewer": reviewer,
        "oversight": oversight,
        "outsider": outsider,
    }


def status_for(client, user, method, url, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    return response.status_code


def check(client, personas, method, url, expected: dict, data=None):
    got = {name: status_for(client, personas[name], method, url, data) for name in expected}
    assert got == expected


# Pages of a draft assessment


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "",
            {"assessor": 200, "teammate": 200, "reviewer": 200, "oversight": 200, "outsider": 404},
        ),
        (
            "gate/",
            {"assessor": 200, "teammate": 403, "reviewer": 403, "oversight": 403, "outsider": 404},
        ),
        (
            "answers/",
            {"assessor": 200, "teammate": 403, "reviewer": 403, "oversight": 403, "outsider": 404},
        ),
    ],
    ids=["detail", "gate", "answers"],
)
def test_assessment_pages(client, personas, draft, path, expected):
    pass_gate(draft)
    check(client, personas, "get", f"/assessments/{draft.pk}/{path}", expected)


def test_anonymous_users_are_sent_to_log_in(client, draft, proposal):
    for url in [f"/assessments/{draft.pk}/", f"/proposals/{proposal.pk}/", "/proposals/", "/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", ["preview", "submit", "withdraw"])
def test_assessor_actions(client, personas, draft, action):
    pass_gate(draft)
    expected = {"teammate": 403, "reviewer": 403, "oversight": 403, "outsider": 404}
    data = {"note": "The partner pulled out."} if action == "withdraw" else None
    url = f"/assessments/{draft.pk}/{action}/"
    check(client, personas, "post", url, expected, data)
    owner = status_for(client, personas["assessor"], "post", url, data)
    assert owner == (200 if action == "preview" else 302)


def test_start_review(client, personas, draft):
    submit(draft)
    expected = {
        "assessor": 403,
        "teammate": 403,
        "oversight": 403,
        "outsider": 404,
        "reviewer": 302,
    }
    check(client, personas, "post", f"/assessments/{draft.pk}/review/", expected)
    draft.refresh_from_db()
    assert draft.status == "in_review"


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("return", {"return-note": "Fix it."}),
        ("decide", {"outcome": "engage", "note": "Fine.", "language": "en"}),
    ],
)
def test_reviewer_actions(client, personas, draft, reviewer, action, data):
    in_review(draft, reviewer)
    expected = {"assessor": 403, "teammate": 403, "oversight": 403, "outsider": 404}
    check(client, personas, "post", f"/assessments/{draft.pk}/{action}/", expected, data)
    assert status_for(client, reviewer, "post", f"/assessments/{draft.pk}/{action}/", data) == 302


def test_attachments_are_downloadable_only_by_those_who_see_the_assessment(client, personas, draft):
    attachment_add(
        assessment=draft,
        user=draft.assessor,
        criterion=draft.framework.criteria.first(),
        upload=pdf_upload(),
    )
    attachment = Attachment.objects.get()
    expected = {
        "assessor": 200,
        "teammate": 200,
        "reviewer": 200,
        "oversight": 200,
        "outsider": 404,
    }
    check(client, personas, "get", f"/assessments/attachments/{attachment.pk}/", expected)
    delete = {"teammate": 403, "reviewer": 403, "oversight": 403, "outsider": 404}
    check(client, personas, "post", f"/assessments/attachments/{attachment.pk}/delete/", delete)
    assert Attachment.objects.exists()


# Proposals


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        (
            "get",
            "",
            {"assessor": 200, "teammate": 200, "reviewer": 200, "oversight": 200, "outsider": 404},
        ),
        (
            "get",
            "edit/",
            {"assessor": 200, "teammate": 200, "reviewer": 403, "oversight": 403, "outsider": 404},
        ),
        ("post", "assess/", {"reviewer": 403, "oversight": 403, "outsider": 404}),
    ],
    ids=["detail", "edit", "assess"],
)
def test_proposal_pages(client, personas, proposal, method, path, expected):
    check(client, personas, method, f"/proposals/{proposal.pk}/{path}", expected)


def test_only_assessors_create_proposals(client, personas):
    expected = {
        "assessor": 200,
        "teammate": 200,
        "reviewer": 403,
        "oversight": 403,
        "outsider": 200,
    }
    check(client, personas, "get", "/proposals/new/", expected)


def test_lists_show_only_what_the_user_may_see(client, personas, proposal, other_agency):
    from tests.factories import ProposalFactory

    ProposalFactory(agency=other_agency, title="Elsewhere")
    for name, sees_own, sees_other in [
        ("assessor", True, False),
        ("reviewer", True, False),
        ("outsider", False, True),
        ("oversight", True, True),
    ]:
        client.force_login(personas[name])
        page = client.get("/proposals/").content.decode()
        assert (proposal.title in page) == sees_own, name
        assert ("Elsewhere" in page) == sees_other, name


def test_a_reviewer_of_another_agency_is_an_outsider(client, draft, reviewer, other_agency):
    from tests.factories import UserFactory
    from tests.helpers import in_review

    foreign = UserFactory(agency=other_agency, roles=["Reviewer"])
    in_review(draft, reviewer)
    client.force_login(foreign)
    for method, url in [
        ("get", f"/assessments/{draft.pk}/"),
        ("get", f"/assessments/{draft.pk}/report.pdf"),
        ("post", f"/assessments/{draft.pk}/decide/"),
        ("post", f"/assessments/{draft.pk}/return/"),
        ("get", f"/proposals/{draft.proposal_id}/"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get("/oversight/").context["total"] == 0  # their agency's portfolio only
