"""No silent lost update: a save based on a version someone else saved over is refused
(409), shows what is stored beside what was typed, and keeps what was typed."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from partnerships.assessments.models import Answer, Assessment, Attachment
from partnerships.assessments.services import (
    AnswerInput,
    StaleAssessment,
    assessment_save_answers,
    attachment_add,
    attachment_delete,
    gate_items,
    gate_save,
)
from tests.helpers import gate_fields, pass_gate, pdf_upload, version_on

pytestmark = pytest.mark.django_db


def two_tabs(user):
    """Two browser tabs of the same user: two clients with their own session."""
    tabs = Client(), Client()
    for tab in tabs:
        tab.force_login(user)
    return tabs


def criterion_card(page: str, code: str) -> str:
    return page.split(f'id="criterion-{code}"')[1].split("</fieldset>")[0]


def answers_post(version, **criteria):
    """The assessment form's POST data: `criteria` maps a code to its fields."""
    data = {"version": version}
    for code, fields in criteria.items():
        for name, value in fields.items():
            data[f"{code.replace('_', '-')}-{name}"] = value
    return data


def stored_version(assessment) -> int:
    return Assessment.objects.get(pk=assessment.pk).version


# The assessment form


def test_the_second_of_two_tabs_is_refused_and_shows_both_values(assessor, draft):
    pass_gate(draft)
    first, second = two_tabs(assessor)
    url = f"/assessments/{draft.pk}/answers/"
    opened = version_on(first.get(url).content.decode())
    assert version_on(second.get(url).content.decode()) == opened

    response = first.post(
        url, answers_post(opened, TR_1={"rating": "2", "evidence_notes": "Audited accounts."})
    )
    assert response.status_code == 302
    response = second.post(
        url,
        answers_post(
            opened,
            TR_1={"rating": "1", "evidence_notes": "Only a website."},
            TR_2={"comment": "Typed in the second tab"},
        ),
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Nobody's work was overwritten: assessor saved this assessment at" in page
    card = criterion_card(page, "TR-1")
    # What the user typed is in the fields ...
    assert re.search(r'name="TR-1-rating" value="1"[^>]*checked', card)
    assert ">Only a website.</textarea>" in card
    # ... and what is stored is shown beside each field that differs.
    assert "Saved meanwhile by assessor at" in card
    assert re.search(
        r'What is stored differs at: <a href="#criterion-TR-1">TR-1</a>, <a href="#criterion-TR-2">TR-2</a></p>',
        page,
    )
    assert 'data-stored="rating">Now stored: Largely met</div>' in card
    assert 'data-stored="evidence_notes">Now stored: Audited accounts.</div>' in card
    assert 'data-stored="comment"' not in card  # the same on both sides
    assert "Typed in the second tab" in criterion_card(page, "TR-2")
    assert 'data-stored="comment">Now stored: (empty)</div>' in criterion_card(page, "TR-2")
    assert "data-stored" not in criterion_card(page, "TR-3")

    answer = Answer.objects.get(assessment=draft, criterion__code="TR-1")
    assert (answer.rating, answer.evidence_notes) == (2, "Audited accounts.")
    assert not Answer.objects.get(assessment=draft, criterion__code="TR-2").comment

    # The page is now based on what is stored: saving again, deliberately, succeeds.
    current = version_on(page)
    assert int(current) == stored_version(draft)
    again = answers_post(current, TR_1={"rating": "1", "evidence_notes": "Only a website."})
    assert second.post(url, again).status_code == 302
    answer.refresh_from_db()
    assert (answer.rating, answer.evidence_notes) == (1, "Only a website.")


@pytest.mark.parametrize("version", [None, "", "seven", "-1", "0"])
def test_a_missing_or_garbled_version_is_refused_as_stale(client, assessor, draft, version):
    pass_gate(draft)
    client.force_login(assessor)
    data = answers_post(version, TR_1={"rating": "3"})
    if version is None:
        del data["version"]
    response = client.post(f"/assessments/{draft.pk}/answers/", data)
    assert response.status_code == 409
    assert int(version_on(response.content.decode())) == stored_version(draft)
    assert not Answer.objects.filter(assessment=draft, rating__isnull=False).exists()


def test_a_form_with_errors_stays_based_on_the_version_it_was_opened_at(assessor, draft):
    pass_gate(draft)
    first, second = two_tabs(assessor)
    url = f"/assessments/{draft.pk}/answers/"
    opened = version_on(first.get(url).content.decode())
    assert first.post(url, answers_post(opened, TR_1={"rating": "2"})).status_code == 302

    wrong = answers_post(opened, BR_3={"not_applicable": "on", "justification": ""})
    response = second.post(url, wrong)
    assert response.status_code == 400
    assert version_on(response.content.decode()) == opened  # not the version stored now
    fixed = answers_post(opened, BR_3={"not_applicable": "on", "justification": "No board."})
    assert second.post(url, fixed).status_code == 409
    assert not Answer.objects.get(assessment=draft, criterion__code="BR-3").not_applicable


def test_files_chosen_in_a_refused_save_are_not_stored_and_the_page_says_so(assessor, draft):
    pass_gate(draft)
    first, second = two_tabs(assessor)
    url = f"/assessments/{draft.pk}/answers/"
    opened = version_on(first.get(url).content.decode())
    assert first.post(url, answers_post(opened, TR_1={"rating": "2"})).status_code == 302
    data = answers_post(opened, TR_1={"rating": "2"})
    data["TR-1-files"] = pdf_upload("report.pdf")
    response = second.post(url, data)
    assert response.status_code == 409
    assert "The files you chose were not uploaded: choose them again" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_attachment_added_or_removed_meanwhile_makes_an_open_form_stale(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    url = f"/assessments/{draft.pk}/answers/"
    criterion = draft.framework.criteria.get(code="TR-1")
    opened = version_on(client.get(url).content.decode())
    attachment = attachment_add(
        assessment=draft, user=assessor, criterion=criterion, upload=pdf_upload()
    )
    response = client.post(url, answers_post(opened))
    assert response.status_code == 409
    page = response.content.decode()
    assert "None of the answers on this page differs from what is now stored" in page
    assert "evidence.pdf" in criterion_card(page, "TR-1")  # the file stored meanwhile

    opened = version_on(page)
    attachment_delete(attachment=attachment, user=assessor)
    assert client.post(url, answers_post(opened)).status_code == 409


def admin_tab(administrator):
    tab = Client()
    tab.force_login(administrator)
    return tab


def rate_everything_partially_met(draft):
    pass_gate(draft)
    assessment_save_answers(
        assessment=draft,
        user=draft.assessor,
        answers=[AnswerInput(criterion=c, rating=1) for c in draft.framework.criteria.all()],
    )


def test_an_administrators_correction_makes_the_assessors_form_stale(
    client, administrator, assessor, draft
):
    rate_everything_partially_met(draft)
    client.force_login(assessor)
    url = f"/assessments/{draft.pk}/answers/"
    opened = version_on(client.get(url).content.decode())

    admin_url = f"/admin/assessments/assessment/{draft.pk}/change/"
    answers = list(draft.answers.all())
    data = {
        "answers-TOTAL_FORMS": len(answers),
        "answers-INITIAL_FORMS": len(answers),
        "answers-MIN_NUM_FORMS": 0,
        "answers-MAX_NUM_FORMS": 1000,
        "edit_version": stored_version(draft),
    }
    for index, answer in enumerate(answers):
        data[f"answers-{index}-id"] = answer.pk
        data[f"answers-{index}-assessment"] = draft.pk
        data[f"answers-{index}-rating"] = 3 if answer.criterion.code == "TR-1" else 1
    assert admin_tab(administrator).post(admin_url, data).status_code == 302
    assert stored_version(draft) == int(opened) + 1

    response = client.post(url, answers_post(opened, TR_1={"rating": "0"}))
    assert response.status_code == 409
    card = criterion_card(response.content.decode(), "TR-1")
    assert "Saved meanwhile by administrator at" in card
    assert 'data-stored="rating">Now stored: Fully met</div>' in card
    assert draft.answers.get(criterion__code="TR-1").rating == 3


def test_an_administrator_cannot_overwrite_what_the_assessor_saved_meanwhile(
    client, administrator, assessor, draft
):
    rate_everything_partially_met(draft)
    admin_url = f"/admin/assessments/assessment/{draft.pk}/change/"
    page = admin_tab(administrator).get(admin_url).content.decode()
    opened = re.search(r'name="edit_version" value="(\d+)"', page).group(1)
    answers = list(draft.answers.select_related("criterion"))
    # The assessor saves TR-1 with its evidence while the administrator's page is open.
    tr_1 = draft.framework.criteria.get(code="TR-1")
    assessment_save_answers(
        assessment=draft,
        user=assessor,
        answers=[AnswerInput(criterion=tr_1, rating=2, evidence_notes="new")],
    )
    data = {
        "answers-TOTAL_FORMS": len(answers),
        "answers-INITIAL_FORMS": len(answers),
        "answers-MIN_NUM_FORMS": 0,
        "answers-MAX_NUM_FORMS": 1000,
        "edit_version": opened,
    }
    for index, answer in enumerate(answers):  # as the page showed them: TR-1 still 1
        data[f"answers-{index}-id"] = answer.pk
        data[f"answers-{index}-assessment"] = draft.pk
        data[f"answers-{index}-rating"] = 3 if answer.criterion.code == "TR-2" else 1
    response = admin_tab(administrator).post(admin_url, data)
    assert response.status_code == 200
    assert "Someone saved this assessment while you were editing it" in response.content.decode()
    stored = draft.answers.get(criterion=tr_1)
    assert (stored.rating, stored.evidence_notes) == (2, "new")
    assert draft.answers.get(criterion__code="TR-2").rating == 1


def test_an_admin_save_that_changes_no_answer_leaves_open_forms_current(administrator, draft):
    pass_gate(draft)
    before = stored_version(draft)
    data = {f"answers-{name}": 0 for name in ["TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS"]}
    data["answers-MAX_NUM_FORMS"] = 1000
    data["edit_version"] = before
    response = admin_tab(administrator).post(
        f"/admin/assessments/assessment/{draft.pk}/change/", data
    )
    assert response.status_code == 302
    assert stored_version(draft) == before


# The exclusion gate


def gate_post(assessment, version, **responses):
    return {"version": version, **gate_fields(assessment, **responses)}


def test_the_gate_of_the_second_tab_is_refused_and_shows_both_values(assessor, draft):
    first, second = two_tabs(assessor)
    url = f"/assessments/{draft.pk}/gate/"
    opened = version_on(first.get(url).content.decode())
    assert version_on(second.get(url).content.decode()) == opened
    saved = gate_post(draft, opened, tobacco=("yes", "Owns a cigarette brand."))
    assert first.post(url, saved).status_code == 302

    response = second.post(url, gate_post(draft, opened, tobacco=("unknown", "Asking the parent.")))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nobody's work was overwritten: assessor saved this assessment at" in page
    assert re.search(r'name="tobacco-v1-p\d+-response" value="unknown"[^>]*checked', page)
    assert ">Asking the parent.</textarea>" in page
    assert 'data-stored="response">Now stored: Yes</div>' in page
    assert 'data-stored="note">Now stored: Owns a cigarette brand.</div>' in page
    assert page.count("data-stored=") == 2  # the other questions are the same on both sides
    tobacco = draft.gate_answers.get(question__key="tobacco")
    assert (tobacco.response, tobacco.note) == ("yes", "Owns a cigarette brand.")

    again = gate_post(draft, version_on(page), tobacco=("unknown", "Asking the parent."))
    assert second.post(url, again).status_code == 302
    tobacco.refresh_from_db()
    assert (tobacco.response, tobacco.note) == ("unknown", "Asking the parent.")


def test_a_gate_post_without_a_version_is_refused_as_stale(client, assessor, draft):
    client.force_login(assessor)
    data = gate_post(draft, "")
    del data["version"]
    response = client.post(f"/assessments/{draft.pk}/gate/", data)
    assert response.status_code == 409
    assert not draft.gate_answers.exists()


# The services


def test_saving_answers_on_an_old_version_raises_and_saves_nothing(assessor, draft):
    criterion = draft.framework.criteria.get(code="TR-1")
    old = draft.version
    assessment_save_answers(
        assessment=draft,
        user=assessor,
        answers=[AnswerInput(criterion=criterion, rating=2)],
        expected_version=old,
    )
    assert stored_version(draft) == old + 1

    stale_copy = Assessment.objects.get(pk=draft.pk)
    with pytest.raises(StaleAssessment) as error:
        assessment_save_answers(
            assessment=stale_copy,
            user=assessor,
            answers=[AnswerInput(criterion=criterion, rating=0)],
            expected_version=old,
        )
    assert error.value.version == old + 1
    assert error.value.saved_by == assessor
    assert error.value.saved_at is not None
    assert draft.answers.get(criterion=criterion).rating == 2
    assert stored_version(draft) == old + 1


def test_every_save_moves_the_version_on_once(assessor, draft):
    criterion = draft.framework.criteria.get(code="TR-1")
    start = stored_version(draft)
    gate_save(
        assessment=draft,
        user=assessor,
        responses=dict.fromkeys(gate_items(draft), ("no", "")),
        expected_version=start,
    )
    assert stored_version(draft) == start + 1
    # Answers, two files and the re-scoring: one save.
    assessment_save_answers(
        assessment=draft,
        user=assessor,
        answers=[AnswerInput(criterion=criterion, rating=3)],
        uploads=[(criterion, pdf_upload("a.pdf")), (criterion, pdf_upload("b.pdf"))],
        expected_version=start + 1,
    )
    assert stored_version(draft) == start + 2
    attachment = attachment_add(
        assessment=draft, user=assessor, criterion=criterion, upload=pdf_upload()
    )
    assert stored_version(draft) == start + 3
    attachment_delete(attachment=attachment, user=assessor)
    assert stored_version(draft) == start + 4
    with pytest.raises(StaleAssessment):
        gate_save(assessment=draft, user=assessor, responses={}, expected_version=start)


def test_a_full_save_of_the_assessment_does_not_write_back_the_version_it_read(assessor, draft):
    loaded_earlier = Assessment.objects.get(pk=draft.pk)
    pass_gate(draft)
    loaded_earlier.save()  # e.g. the admin's form of the assessment itself
    assert stored_version(draft) == loaded_earlier.version + 1


# Real concurrency


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_six_simultaneous_saves_exactly_one_succeeds(proposal, assessor):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite ignores SELECT … FOR UPDATE and lets one writer in at a time, so it "
            "cannot show a race; run with DATABASE_URL=postgres://… to test the row lock."
        )
    from partnerships.assessments.workflow import assessment_start

    assessment = assessment_start(proposal=proposal, user=assessor)
    criteria = list(assessment.framework.criteria.all())
    opened = assessment.version
    start = threading.Barrier(6)
    outcomes: list[object] = [None] * 6

    def save(index: int) -> None:
        try:
            mine = Assessment.objects.get(pk=assessment.pk)  # this thread's own connection
            start.wait()
            assessment_save_answers(
                assessment=mine,
                user=assessor,
                answers=[
                    AnswerInput(criterion=c, rating=index % 4, comment=f"writer {index}")
                    for c in criteria
                ],
                expected_version=opened,
            )
            outcomes[index] = "saved"
        except Exception as error:  # recorded, and asserted below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("saved") == 1, outcomes
    stale = [o for o in outcomes if o != "saved"]
    assert len(stale) == 5 and all(isinstance(o, StaleAssessment) for o in stale), stale
    winner = outcomes.index("saved")
    assert {a.comment for a in Answer.objects.filter(assessment=assessment)} == {f"writer {winner}"}
    assert Answer.objects.filter(assessment=assessment).count() == len(criteria)
    assert stored_version(assessment) == opened + 1
