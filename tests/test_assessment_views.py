import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.assessments.models import Attachment
from partnerships.assessments.services import attachment_add
from tests.helpers import (
    PDF_BYTES,
    answer_all,
    in_review,
    pass_gate,
    pdf_upload,
    submit,
    with_version,
)

pytestmark = pytest.mark.django_db


def answers_data(assessment, rating="3", **overrides):
    """POST data for the assessment form: every criterion rated, `overrides` by code."""
    data = {}
    for criterion in assessment.framework.criteria.all():
        code = criterion.code
        fields = {"rating": rating, "evidence_notes": f"notes {code}"}
        fields.update(overrides.get(code.replace("-", "_"), {}))
        for name, value in fields.items():
            data[f"{code}-{name}"] = value
    return data


# The assessment form


def test_form_shows_principles_in_order_with_their_official_wording(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    page = client.get(f"/assessments/{draft.pk}/answers/").content.decode()
    positions = [page.index(f'id="principle-{key}"') for key in [
        "common_purpose", "transparency", "no_unfair_advantage", "mutual_benefit_respect",
        "accountability", "respect_un_modalities", "balanced_representation", "independence_neutrality",
    ]]  # fmt: skip
    assert positions == sorted(positions)
    assert "bestowing no unfair advantages upon any partner of the United Nations" in page
    assert "Key criterion" in page
    assert "Evidence expected:" in page


def test_form_in_chinese_shows_the_chinese_wording(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/assessments/{draft.pk}/answers/").content.decode()
    assert "不给予联合国任何伙伴不公平的利益" in page
    assert draft.framework.criteria.get(code="TR-1").question_zh in page


def test_saving_a_draft_stores_answers_and_scores(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    response = client.post(
        f"/assessments/{draft.pk}/answers/",
        with_version(
            draft,
            answers_data(
                draft, BR_3={"rating": "", "not_applicable": "on", "justification": "No board."}
            ),
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers.count() == 33
    assert draft.coverage == 100
    assert draft.answers.get(criterion__code="BR-3").not_applicable
    assert draft.answers.get(criterion__code="TR-1").evidence_notes == "notes TR-1"


def test_a_partial_draft_can_be_saved(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    data = {"TR-1-rating": "2"}
    response = client.post(f"/assessments/{draft.pk}/answers/", with_version(draft, data))
    assert response.status_code == 302
    assert draft.answers.filter(rating__isnull=False).count() == 1


def test_errors_are_shown_at_the_criterion_and_nothing_typed_is_lost(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    data = answers_data(
        draft,
        BR_3={"rating": "", "not_applicable": "on", "justification": ""},
        IN_1={"rating": "", "not_applicable": "on", "justification": "Not a business."},
        TR_2={"comment": "A comment I typed"},
    )
    response = client.post(f"/assessments/{draft.pk}/answers/", with_version(draft, data))
    assert response.status_code == 400
    errors = {form.criterion.code: form.errors for form in response.context["error_forms"]}
    assert errors["BR-3"]["justification"] == ["Explain why the criterion is not applicable."]
    assert errors["IN-1"]["not_applicable"] == ["This criterion always applies: rate it."]
    page = response.content.decode()
    assert "A comment I typed" in page
    assert "notes CP-4" in page
    assert 'href="#criterion-BR-3"' in page
    assert not draft.answers.exists()


def error_after(page: str, field_html: str, message: str) -> bool:
    """Whether `message` is shown at the field: its markup, then its error, no other field
    between them."""
    pattern = (
        re.escape(field_html)
        + r'(?:(?!name=").)*?<div class="invalid-feedback d-block">([^<]*)</div>'
    )
    found = re.search(pattern, page, re.DOTALL)
    return bool(found) and html.unescape(found[1]) == message


def test_each_answer_rule_of_the_model_shows_its_message_at_its_field(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    data = answers_data(
        draft,
        BR_3={"rating": "", "not_applicable": "on", "justification": "  "},
        IN_1={"rating": "", "not_applicable": "on", "justification": "Not a business."},
        TR_1={"rating": "2", "not_applicable": "on", "justification": "Not relevant."},
        TR_2={"rating": "5"},
    )
    response = client.post(f"/assessments/{draft.pk}/answers/", with_version(draft, data))
    assert response.status_code == 400
    page = response.content.decode()
    assert error_after(
        page, 'name="BR-3-justification"', "Explain why the criterion is not applicable."
    )
    assert error_after(
        page, 'name="IN-1-not_applicable"', "This criterion always applies: rate it."
    )
    assert error_after(
        page, 'id="id_TR-1-rating_4"', "Choose a rating or “not applicable”, not both."
    )
    assert error_after(
        page,
        'id="id_TR-2-rating_4"',
        "Select a valid choice. 5 is not one of the available choices.",
    )
    errors = {form.criterion.code: form.errors for form in response.context["error_forms"]}
    # Each message only at its own field.
    assert {code: list(e) for code, e in errors.items()} == {
        "BR-3": ["justification"],
        "IN-1": ["not_applicable"],
        "TR-1": ["rating"],
        "TR-2": ["rating"],
    }
    assert "Not relevant." in page  # what was typed stays
    assert not draft.answers.exists()
    # The live preview scores what is on screen, rules broken or not.
    assert client.post(f"/assessments/{draft.pk}/preview/", data).status_code == 200


def test_attachments_are_stored_with_their_hash_and_downloadable(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    data = answers_data(draft)
    data["TR-1-files"] = [pdf_upload("report.pdf"), pdf_upload("letter.pdf")]
    response = client.post(f"/assessments/{draft.pk}/answers/", with_version(draft, data))
    assert response.status_code == 302
    attachments = Attachment.objects.filter(assessment=draft, criterion__code="TR-1")
    assert sorted(a.original_name for a in attachments) == ["letter.pdf", "report.pdf"]
    import hashlib

    first = attachments.first()
    assert first.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert first.size == len(PDF_BYTES)
    download = client.get(f"/assessments/attachments/{first.pk}/")
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ...", "this type of file is not accepted"),
        ("fake.pdf", b"not a pdf", "does not look like a .pdf file"),
    ],
)
def test_bad_attachments_are_refused_at_the_field(client, assessor, draft, name, content, message):
    pass_gate(draft)
    client.force_login(assessor)
    data = answers_data(draft)
    data["TR-1-files"] = pdf_upload(name, content)
    response = client.post(f"/assessments/{draft.pk}/answers/", with_version(draft, data))
    assert response.status_code == 400
    assert message in str(response.context["error_forms"][0].errors["files"])
    assert "choose them again" in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachments_over_the_size_limit_are_refused(client, assessor, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 20
    pass_gate(draft)
    client.force_login(assessor)
    data = answers_data(draft)
    data["TR-1-files"] = pdf_upload()
    response = client.post(f"/assessments/{draft.pk}/answers/", with_version(draft, data))
    assert "files may be at most 20" in response.content.decode()


def test_an_attachment_can_be_removed_while_editable(client, assessor, draft):
    attachment_add(
        assessment=draft,
        user=assessor,
        criterion=draft.framework.criteria.first(),
        upload=pdf_upload(),
    )
    client.force_login(assessor)
    attachment = Attachment.objects.get()
    response = client.post(f"/assessments/attachments/{attachment.pk}/delete/")
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_live_preview_scores_the_answers_on_screen_without_saving(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    data = answers_data(draft, rating="2")
    scores = client.post(f"/assessments/{draft.pk}/preview/", data).json()
    assert scores["overall"] == "66.7 %"
    assert scores["coverage"] == "100.0 %"
    assert scores["outcome"] == "Engage with conditions"
    assert scores["principles"]["transparency"] == "66.7 %"
    assert not draft.answers.exists()
    scores = client.post(
        f"/assessments/{draft.pk}/preview/", answers_data(draft, IN_1={"rating": "0"})
    ).json()
    assert scores["key_failures"] == ["IN-1"]
    assert scores["outcome"] == "Do not engage"


# Detail and review


def test_detail_shows_what_is_missing_before_submission(client, assessor, draft):
    client.force_login(assessor)
    page = client.get(f"/assessments/{draft.pk}/").content.decode()
    assert "Complete the exclusion gate." in page
    assert "Answer every applicable criterion (33 still unanswered)." in page
    assert "disabled" in page


def test_submit_from_the_detail_page(client, assessor, draft):
    pass_gate(draft)
    answer_all(draft)
    client.force_login(assessor)
    response = client.post(f"/assessments/{draft.pk}/submit/", follow=True)
    assert "Submitted for review." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_decision_form_errors_keep_what_the_reviewer_typed(client, reviewer, draft):
    in_review(draft, reviewer)
    client.force_login(reviewer)
    response = client.post(
        f"/assessments/{draft.pk}/decide/",
        {
            "outcome": "engage_with_conditions",
            "note": "My careful note",
            "justification": "Because.",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["conditions"] == ["State the conditions of engagement."]
    assert "My careful note" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "in_review"


def test_return_without_a_note_is_refused_at_the_field(client, reviewer, draft):
    in_review(draft, reviewer)
    client.force_login(reviewer)
    response = client.post(f"/assessments/{draft.pk}/return/", {"return-note": ""})
    assert response.status_code == 400
    assert "note" in response.context["form"].errors


def test_returned_assessment_shows_the_reviewers_comment_to_the_assessor(
    client, assessor, reviewer, draft
):
    from partnerships.assessments.workflow import assessment_return

    in_review(draft, reviewer)
    assessment_return(assessment=draft, user=reviewer, note="Please add evidence for AC-2.")
    client.force_login(assessor)
    for url in [f"/assessments/{draft.pk}/", f"/assessments/{draft.pk}/answers/"]:
        assert "Please add evidence for AC-2." in client.get(url).content.decode()
    home = client.get("/").content.decode()
    assert "Returned to me" in home
    assert draft.proposal.title in home


def test_timeline_lists_every_transition(client, reviewer, draft):
    in_review(draft, reviewer)
    client.force_login(reviewer)
    response = client.get(f"/assessments/{draft.pk}/")
    assert [c.to_status for c in response.context["timeline"]] == [
        "draft",
        "submitted",
        "in_review",
    ]


def test_home_lists_what_waits_for_each_person(client, assessor, reviewer, draft, proposal):
    submit(draft)
    client.force_login(reviewer)
    response = client.get("/")
    assert response.context["to_review"].items == [draft]
    client.force_login(assessor)
    response = client.get("/")
    assert response.context["submitted"].items == [draft]
    assert "to_review" not in response.context


# Query budgets


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_assessment_pages_have_a_fixed_query_budget(client, assessor, draft):
    pass_gate(draft)
    client.force_login(assessor)
    urls = [f"/assessments/{draft.pk}/answers/", f"/assessments/{draft.pk}/"]
    empty = [count_queries(client, url) for url in urls]
    answer_all(draft, rating=2)
    for criterion in draft.framework.criteria.all()[:10]:
        attachment_add(assessment=draft, user=assessor, criterion=criterion, upload=pdf_upload())
    assert [count_queries(client, url) for url in urls] == empty


def test_home_has_a_fixed_query_budget(client, reviewer, agency):
    from partnerships.assessments.workflow import assessment_start
    from tests.factories import ProposalPartnerFactory, UserFactory

    client.force_login(reviewer)

    def add(n):
        for _ in range(n):
            author = UserFactory(agency=agency, roles=["Assessor"])
            submit(
                assessment_start(
                    proposal=ProposalPartnerFactory(proposal__agency=agency).proposal, user=author
                )
            )

    add(1)
    few = count_queries(client, "/")
    add(5)
    assert count_queries(client, "/") == few


def test_a_signed_decisions_sections_are_rendered_once_per_language(
    client, assessor, signed, teammate
):
    """A signed decision never changes: its principle sections and scores are kept after
    the first view (fewer queries, the same page), separately for each language."""
    url = f"/assessments/{signed.assessment_id}/"

    def view(**headers) -> str:  # without the per-response CSRF token
        page = client.get(url, **headers).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    client.force_login(assessor)
    with CaptureQueriesContext(connection) as first:
        page = view()
    with CaptureQueriesContext(connection) as again:
        assert view() == page
    assert len(again) < len(first)
    principle = signed.assessment.framework.criteria.select_related("principle").first().principle
    assert principle.short_name_en in page
    # Another user sees the same kept sections; Chinese has its own.
    client.force_login(teammate)
    assert view().count(principle.short_name_en) == page.count(principle.short_name_en)
    chinese = view(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert principle.short_name_zh in chinese


def test_a_signed_decision_without_a_pinned_revision_shows_the_proposal_as_it_stands(
    client, assessor, signed
):
    """Decided before revisions were pinned: its page shows the live proposal, so that
    part is never kept."""
    from tests.test_records import as_database_superuser

    with as_database_superuser() as cursor:
        cursor.execute(
            "UPDATE assessments_assessment SET revision_id = NULL WHERE id = %s",
            [signed.assessment_id],
        )
    url = f"/assessments/{signed.assessment_id}/"
    client.force_login(assessor)
    assert "Decided before the app pinned" in client.get(url).content.decode()
    with as_database_superuser() as cursor:
        cursor.execute(
            "UPDATE proposals_proposal SET requests_un_name_or_emblem = %s, "
            "un_name_or_emblem_use = %s WHERE id = %s",
            [True, "A logo asked for after the decision", signed.assessment.proposal_id],
        )
    assert "A logo asked for after the decision" in client.get(url).content.decode()


def test_an_undecided_assessments_page_shows_each_change_at_once(client, assessor, draft):
    url = f"/assessments/{draft.pk}/"
    client.force_login(assessor)
    answer_all(draft, rating=3)
    assert "Fully met" in client.get(url).content.decode()
    answer_all(draft, rating=0)
    page = client.get(url).content.decode()
    assert "Fully met" not in page and "Not met" in page
