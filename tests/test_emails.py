"""Notification e-mails are plain text: what users typed arrives as typed, never
HTML-escaped, and the subject is one line."""

import pytest
from django.core import mail

from partnerships.assessments import workflow
from partnerships.mail import plain_text_mail
from tests.helpers import approve, in_review, submit

pytestmark = pytest.mark.django_db

TITLE = """Water & "Sanitation" <Phase 2> for Children's Clinics"""
ESCAPES = ["&amp;", "&lt;", "&gt;", "&#x27;", "&quot;", "&#39;"]


def assert_plain(message, *texts: str) -> None:
    for text in texts:
        assert text in message.subject + message.body
    for escape in ESCAPES:
        assert escape not in message.subject and escape not in message.body
    assert "\n" not in message.subject


@pytest.fixture
def titled(draft, reviewer):
    draft.proposal.title = TITLE
    draft.proposal.save()
    reviewer.first_name, reviewer.last_name = "Siobhán", "O'Brien <Review & Co>"
    reviewer.save()
    return draft


def test_a_submission_mail_keeps_the_title_as_typed(titled, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(titled)
    (message,) = mail.outbox
    assert TITLE in message.subject
    assert_plain(message, TITLE)


def test_a_returned_mail_keeps_the_comments_as_typed(
    titled, reviewer, django_capture_on_commit_callbacks
):
    in_review(titled, reviewer)
    note = "Add the <annex> & the partner's letter.\nThen resubmit."
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assessment_return(assessment=titled, user=reviewer, note=note)
    (message,) = mail.outbox
    assert_plain(message, TITLE, note, "Siobhán O'Brien <Review & Co>")


def test_a_decision_mail_keeps_names_and_notes_as_typed(
    titled, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(titled, reviewer)
    decided = [m for m in mail.outbox if "Decision on" in m.subject]
    assert decided
    for message in decided:
        assert_plain(message, TITLE, "Siobhán O'Brien <Review & Co>")


def test_a_subject_is_one_line_whatever_the_template_renders(titled):
    subject, body = plain_text_mail(
        "returned", {"assessment": titled, "note": "a\nb", "url": "https://x/"}
    )
    assert "\n" not in subject and TITLE in subject
    assert "a\nb" in body


def test_html_pages_still_escape(client, titled, assessor):
    client.force_login(assessor)
    page = client.get(f"/assessments/{titled.pk}/").content.decode()
    assert "&lt;Phase 2&gt;" in page and "<Phase 2>" not in page
