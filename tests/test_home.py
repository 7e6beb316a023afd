"""My work: each list shows its first 20, the total, and a link to the whole list."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.assessments.workflow import assessment_return, assessment_start
from tests.factories import ProposalPartnerFactory, UserFactory
from tests.helpers import in_review, submit

pytestmark = pytest.mark.django_db


def drafts_of(assessor, n):
    return [
        assessment_start(
            proposal=ProposalPartnerFactory(proposal__agency=assessor.agency).proposal,
            user=assessor,
        )
        for _ in range(n)
    ]


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response


def section(page: str, heading_id: str) -> str:
    """The card of one list, from its heading to the end of its card."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_drafts_show_the_first_20_with_the_total_and_a_link(client, assessor):
    drafts = drafts_of(assessor, 25)
    client.force_login(assessor)
    response = client.get("/")
    listed = response.context["drafts"]
    assert listed.total == 25
    assert listed.items == list(reversed(drafts))[:20]  # newest first
    card = section(response.content.decode(), "drafts")
    assert "Showing 20 of 25" in card
    assert card.count("/assessments/") == 20
    assert re.search(r'<span class="badge[^"]*"[^>]*>25</span>', card)
    link = html.unescape(re.search(r'href="(/proposals/\?[^"]*)"', card)[1])
    assert link == "/proposals/?assessor=me&status=draft"


def test_a_short_list_is_shown_whole_with_its_link(client, assessor):
    drafts_of(assessor, 2)
    client.force_login(assessor)
    response = client.get("/")
    card = section(response.content.decode(), "drafts")
    assert response.context["drafts"].total == 2
    assert "Showing" not in card
    assert "/proposals/?assessor=me&amp;status=draft" in card
    # An empty list has no link.
    assert "/proposals/?" not in section(response.content.decode(), "returned")


def test_the_home_query_count_does_not_grow_with_the_drafts(client, assessor):
    drafts_of(assessor, 2)
    client.force_login(assessor)
    few, _ = count_queries(client)
    drafts_of(assessor, 25)
    many, response = count_queries(client)
    assert many == few
    assert len(response.context["drafts"].items) == 20


def test_a_reviewers_queue_shows_the_longest_waiting_first(client, agency, reviewer):
    authors = [UserFactory(agency=agency, roles=["Assessor"]) for _ in range(3)]

    def add(n):
        assessments = []
        for i in range(n):
            (draft,) = drafts_of(authors[i % 3], 1)
            submit(draft)
            assessments.append(draft)
        return assessments

    client.force_login(reviewer)
    add(2)
    few, _ = count_queries(client)
    waiting = add(19)
    many, response = count_queries(client)
    assert many == few
    queue = response.context["to_review"]
    assert queue.total == 21
    assert len(queue.items) == 20 and queue.items[-1] == waiting[-2]
    card = section(response.content.decode(), "to-review")
    assert "Showing 20 of 21" in card
    assert "/proposals/?review=me" in card


def test_each_list_links_to_its_filter(client, agency, assessor, reviewer, decided):
    returned, submitted = drafts_of(assessor, 2)
    in_review(returned, reviewer)
    assessment_return(assessment=returned, user=reviewer, note="Add evidence.")
    submit(submitted)
    client.force_login(assessor)
    response = client.get("/")
    page = html.unescape(response.content.decode())
    assert response.context["returned"].items == [returned]
    assert "/proposals/?assessor=me&status=returned" in section(page, "returned")
    assert response.context["submitted"].items == [submitted]
    assert "/proposals/?assessor=me&status=awaiting_decision" in section(page, "submitted")
    assert response.context["recent_decisions"].items == [decided]
    assert "/proposals/?status=decided" in section(page, "decisions")


def test_an_outsider_sees_nothing_of_another_agencys_work(client, outsider, assessor, decided):
    drafts_of(assessor, 3)
    client.force_login(outsider)
    response = client.get("/")
    for name in ["drafts", "returned", "submitted", "recent_decisions"]:
        assert response.context[name].total == 0
        assert response.context[name].items == []
    assert decided.proposal.title not in response.content.decode()


def test_an_agency_wide_list_is_counted_up_to_a_limit(client, agency, reviewer, monkeypatch):
    """Past the limit the page says "more than": the count reads a bounded number of rows."""
    from partnerships.assessments import home

    author = UserFactory(agency=agency, roles=["Assessor"])
    for draft in drafts_of(author, 4):
        submit(draft)
    monkeypatch.setattr(home, "COUNT_LIMIT", 2)
    monkeypatch.setattr(home, "LIST_SIZE", 1)
    client.force_login(reviewer)
    response = client.get("/")
    queue = response.context["to_review"]
    assert len(queue.items) == 1 and queue.is_over_limit
    card = section(response.content.decode(), "to-review")
    assert "Showing 1 of more than 2" in card
    assert re.search(r'<span class="badge[^"]*"[^>]*>2\+</span>', card)
    monkeypatch.setattr(home, "COUNT_LIMIT", 4)
    card = section(client.get("/").content.decode(), "to-review")
    assert "Showing 1 of 4" in card
