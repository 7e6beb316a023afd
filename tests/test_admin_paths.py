"""Every write the admin offers goes through the services, and the rules hold below them.

Tried as an attacker: an administrator retitles a proposal under review, moves a decided
proposal to another agency, deletes an open sanctions hit, rewords an answered exclusion
question, or restores a past version from a history page.
"""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from partnerships.assessments import workflow
from partnerships.assessments.models import Assessment, ExclusionQuestion
from partnerships.assessments.revisions import assessed_content
from partnerships.assessments.services import exclusion_question_new_version, gate_is_complete
from partnerships.checklists.models import Criterion, Framework
from partnerships.frozen import FrozenRecordError
from partnerships.partners.models import Partner
from partnerships.proposals.models import ContributionType, Proposal, ProposalPartner
from partnerships.proposals.services import PartnerRow, proposal_save
from partnerships.sanctions.importing import import_list
from partnerships.sanctions.models import HitStatus, ScreeningHit
from partnerships.sanctions.services import hit_decide
from tests.factories import CriterionFactory, FrameworkFactory, PartnerFactory
from tests.helpers import answer_all, approve, gate_fields, pass_gate, submit

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "consolidated_sample.xml"
UNDER_REVIEW = "An assessment of this proposal is under review: it cannot change now."
STAYS_WITH_AGENCY = (
    "An assessment of this proposal was submitted or decided: it stays with its agency."
)
ANSWERED = "This question was answered: its wording stays as answered. Create a new version."


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def submitted(draft):
    submit(draft)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def decided(draft, reviewer):
    approve(draft, reviewer)
    draft.refresh_from_db()
    return draft


def form_errors(response) -> str:
    """Every error of the admin page's form and inline formsets, as one text."""
    # AdminErrorList holds the form's error lists and the formsets' messages themselves.
    return " ".join(
        item if isinstance(item, str) else " ".join(item) for item in response.context["errors"]
    )


# Proposals


def proposal_data(proposal, **changes):
    """The proposal's admin change form as a browser posts it when every field is
    editable, with `changes` (None leaves a field out)."""
    links = list(proposal.partner_links.order_by("pk"))
    data = {
        "agency": proposal.agency_id,
        "title": proposal.title,
        "summary": proposal.summary,
        "objectives": proposal.objectives,
        "currency": proposal.currency,
        "contribution_types": [c.pk for c in proposal.contribution_types.all()],
        "partner_links-TOTAL_FORMS": len(links),
        "partner_links-INITIAL_FORMS": len(links),
        "partner_links-MIN_NUM_FORMS": 0,
        "partner_links-MAX_NUM_FORMS": 1000,
    }
    for index, link in enumerate(links):
        data.update(
            {
                f"partner_links-{index}-id": link.pk,
                f"partner_links-{index}-proposal": proposal.pk,
                f"partner_links-{index}-partner": link.partner_id,
                f"partner_links-{index}-role": link.role,
            }
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def stored(proposal):
    """What the database holds for a proposal: its fields, partner links, contribution
    types and the length of its history."""
    return (
        Proposal.objects.values().get(pk=proposal.pk),
        list(ProposalPartner.objects.filter(proposal=proposal).values().order_by("pk")),
        list(proposal.contribution_types.values_list("pk", flat=True)),
        Proposal.history.filter(id=proposal.pk).count(),
    )


def test_a_proposal_under_review_is_read_only_in_the_admin(admin_client, submitted):
    proposal = submitted.proposal
    page = admin_client.get(admin_url(Proposal, "change", proposal.pk)).content.decode()
    assert UNDER_REVIEW in page
    assert proposal.title in page
    assert 'name="title"' not in page and 'name="agency"' not in page
    assert 'name="partner_links-0-role"' not in page
    assert 'name="partner_links-0-DELETE"' not in page
    assert 'name="_save"' not in page


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Retitled under review"},
        {"value": "9999999"},
        {"contribution_types": ["placeholder"]},
        {"partner_links-0-role": "funder"},
        {"partner_links-0-DELETE": "on"},
        {
            "partner_links-TOTAL_FORMS": 2,
            "partner_links-1-partner": "new partner",
            "partner_links-1-role": "co_partner",
        },
    ],
    ids=["title", "value", "contributions", "role", "remove partner", "add partner"],
)
def test_a_crafted_post_cannot_change_a_proposal_under_review(admin_client, submitted, changes):
    proposal = submitted.proposal
    if changes.get("contribution_types"):
        changes["contribution_types"] = [ContributionType.objects.first().pk]
    if "partner_links-1-partner" in changes:
        changes["partner_links-1-partner"] = PartnerFactory().pk
    before = stored(proposal)
    response = admin_client.post(
        admin_url(Proposal, "change", proposal.pk), proposal_data(proposal, **changes)
    )
    assert response.status_code == 200
    assert UNDER_REVIEW in form_errors(response)
    assert stored(proposal) == before


def test_a_page_opened_before_submission_cannot_save_after_it(admin_client, draft):
    proposal = draft.proposal
    url = admin_url(Proposal, "change", proposal.pk)
    assert 'name="title"' in admin_client.get(url).content.decode()
    submit(draft)
    before = stored(proposal)
    response = admin_client.post(url, proposal_data(proposal, title="Retitled meanwhile"))
    assert response.status_code == 200
    assert UNDER_REVIEW in form_errors(response)
    assert stored(proposal) == before


def test_a_decided_proposal_stays_with_its_agency_in_the_admin(admin_client, decided, other_agency):
    proposal = decided.proposal
    url = admin_url(Proposal, "change", proposal.pk)
    page = admin_client.get(url).content.decode()
    assert STAYS_WITH_AGENCY in page
    assert 'name="agency"' not in page
    assert 'name="title"' in page  # after the decision the proposal may change, not move

    before = stored(proposal)
    response = admin_client.post(
        url, proposal_data(proposal, agency=other_agency.pk, title="Moved to WHO")
    )
    assert response.status_code == 200
    assert STAYS_WITH_AGENCY in form_errors(response)
    assert stored(proposal) == before

    response = admin_client.post(url, proposal_data(proposal, agency=None, title="Renamed"))
    assert response.status_code == 302, form_errors(response)
    proposal.refresh_from_db()
    assert (proposal.title, proposal.agency_id) == ("Renamed", decided.proposal.agency_id)


def test_a_proposal_with_only_drafts_can_be_corrected_to_another_agency(
    admin_client, draft, other_agency
):
    proposal = draft.proposal
    response = admin_client.post(
        admin_url(Proposal, "change", proposal.pk),
        proposal_data(proposal, agency=other_agency.pk),
    )
    assert response.status_code == 302, form_errors(response)
    proposal.refresh_from_db()
    assert proposal.agency == other_agency


def test_the_admin_adds_a_proposal_through_the_service(admin_client, agency, administrator):
    partner = PartnerFactory()
    data = {
        "agency": agency.pk,
        "title": "Added in the admin",
        "summary": "A partnership.",
        "objectives": "Results.",
        "currency": "USD",
        "partner_links-TOTAL_FORMS": 1,
        "partner_links-INITIAL_FORMS": 0,
        "partner_links-MIN_NUM_FORMS": 0,
        "partner_links-MAX_NUM_FORMS": 1000,
        "partner_links-0-partner": partner.pk,
        "partner_links-0-role": "lead",
    }
    response = admin_client.post(admin_url(Proposal, "add"), data)
    assert response.status_code == 302, form_errors(response)
    proposal = Proposal.objects.get(title="Added in the admin")
    assert proposal.created_by == administrator
    assert proposal.history.get().history_user == administrator
    link = proposal.partner_links.get()
    assert (link.partner, link.role) == (partner, "lead")
    assert link.history.get().history_user == administrator


def test_the_admin_says_a_proposal_needs_a_partner(admin_client, agency):
    data = {
        "agency": agency.pk,
        "title": "Without partners",
        "summary": "A partnership.",
        "objectives": "Results.",
        "currency": "USD",
        "partner_links-TOTAL_FORMS": 0,
        "partner_links-INITIAL_FORMS": 0,
        "partner_links-MIN_NUM_FORMS": 0,
        "partner_links-MAX_NUM_FORMS": 1000,
    }
    response = admin_client.post(admin_url(Proposal, "add"), data)
    assert response.status_code == 200
    assert "Add at least one partner." in form_errors(response)
    assert not Proposal.objects.filter(title="Without partners").exists()


def test_a_proposal_under_review_refuses_every_write_below_the_admin(submitted, administrator):
    proposal = submitted.proposal
    link = proposal.partner_links.get()
    contribution = ContributionType.objects.first()
    before = stored(proposal)
    proposal.title = "Retitled in the shell"
    with pytest.raises(FrozenRecordError):
        proposal.save()
    with pytest.raises(FrozenRecordError):
        Proposal.objects.filter(pk=proposal.pk).update(title="Retitled in bulk")
    with pytest.raises(FrozenRecordError):
        proposal.delete()
    link.role = "funder"
    with pytest.raises(FrozenRecordError):
        link.save()
    with pytest.raises(FrozenRecordError):
        link.delete()
    with pytest.raises(FrozenRecordError):
        ProposalPartner.objects.filter(proposal=proposal).delete()
    with pytest.raises(FrozenRecordError):
        ProposalPartner.objects.create(proposal=proposal, partner=PartnerFactory(), role="funder")
    # Relation managers write inside their own transaction: each refusal is rolled back.
    with pytest.raises(FrozenRecordError), transaction.atomic():
        proposal.contribution_types.add(contribution)
    with pytest.raises(FrozenRecordError), transaction.atomic():
        contribution.proposals.add(proposal)
    with pytest.raises(ValidationError, match="under review"):
        proposal_save(
            proposal=Proposal.objects.get(pk=proposal.pk),
            user=None,
            author=administrator,
            partner_rows=[PartnerRow(role="lead", partner=link.partner)],
        )
    assert stored(proposal) == before


def test_a_decided_proposal_cannot_move_agency_below_the_admin(decided, other_agency):
    proposal = decided.proposal
    home = proposal.agency
    proposal.agency = other_agency
    with pytest.raises(FrozenRecordError):
        proposal.save()
    for move in ({"agency": other_agency}, {"agency_id": other_agency.pk}):
        with pytest.raises(FrozenRecordError):
            Proposal.objects.filter(pk=proposal.pk).update(**move)
    with pytest.raises(ValidationError, match="stays with its agency"):
        proposal_save(
            proposal=proposal,
            user=None,
            partner_rows=[PartnerRow(role="lead", partner=proposal.partners.get())],
        )
    proposal.refresh_from_db()
    assert proposal.agency == home
    proposal.title = "Renamed after the decision"
    proposal.save()  # it may still change where it is
    Proposal.objects.filter(pk=proposal.pk).update(agency=home)  # not a move


def test_the_service_names_the_administrator_in_the_audit_trail(proposal, administrator):
    partner = PartnerFactory()
    proposal.title = "Changed by a trusted caller"
    proposal_save(
        proposal=proposal,
        user=None,
        author=administrator,
        partner_rows=[PartnerRow(role="lead", partner=partner)],
    )
    assert proposal.history.latest("history_date").history_user == administrator
    assert proposal.partner_links.get().history.get().history_user == administrator


# Sanctions hits


@pytest.fixture
def hit(db):
    import_list(SAMPLE.read_bytes(), source="sample")
    return ScreeningHit.objects.get(partner=PartnerFactory(legal_name="Golden Star Shipping Co"))


def test_the_admin_offers_no_way_to_change_or_delete_a_hit(admin_client, hit):
    changelist = admin_client.get(admin_url(ScreeningHit)).content.decode()
    assert "delete_selected" not in changelist
    response = admin_client.post(
        admin_url(ScreeningHit),
        {"action": "delete_selected", "_selected_action": [hit.pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}
    page = admin_client.get(admin_url(ScreeningHit, "change", hit.pk)).content.decode()
    assert 'name="_save"' not in page and 'name="note"' not in page
    assert hit.partner_name in page
    changed = admin_client.post(
        admin_url(ScreeningHit, "change", hit.pk), {"status": "cleared", "note": "Not them."}
    )
    assert changed.status_code == 403
    deleted = admin_client.post(admin_url(ScreeningHit, "delete", hit.pk), {"post": "yes"})
    assert deleted.status_code == 403
    stored_hit = ScreeningHit.objects.get(pk=hit.pk)
    assert (stored_hit.status, stored_hit.note) == (HitStatus.OPEN, "")


def test_a_hit_cannot_be_deleted_below_the_admin(hit):
    # Each refusal comes from inside Django's delete transaction: rolled back on its own.
    with pytest.raises(FrozenRecordError), transaction.atomic():
        hit.delete()
    with pytest.raises(FrozenRecordError), transaction.atomic():
        ScreeningHit.objects.filter(pk=hit.pk).delete()
    with pytest.raises(FrozenRecordError), transaction.atomic():
        hit.partner.delete()  # the cascade would take the hit with it
    assert ScreeningHit.objects.filter(pk=hit.pk, status=HitStatus.OPEN).exists()


def test_a_partner_with_a_hit_cannot_be_deleted_in_the_admin(admin_client, hit):
    url = admin_url(Partner, "delete", hit.partner_id)
    page = admin_client.get(url).content.decode()
    assert "permission to delete the following types of objects" in page
    assert "screening hit" in page
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    response = admin_client.post(
        admin_url(Partner),
        {"action": "delete_selected", "_selected_action": [hit.partner_id], "post": "yes"},
    )
    assert response.status_code == 403
    assert ScreeningHit.objects.filter(pk=hit.pk).exists()


def test_a_new_list_keeps_the_hits_of_the_old_one(hit):
    import_list(SAMPLE.read_bytes(), source="sample, again")
    kept = ScreeningHit.objects.get(pk=hit.pk)
    assert kept.entry is None  # the old list's entry is gone ...
    assert (kept.entry_name, kept.entry_data_id) == (
        hit.entry_name,
        hit.entry_data_id,
    )  # ... not what matched


# History pages: a past version is read, never restored


@pytest.mark.parametrize("persona", ["administrator", "oversight"])
def test_no_history_page_restores_a_past_version(client, request, persona, hit, proposal):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    client.force_login(user)
    reviewer = request.getfixturevalue("reviewer")
    proposal.partner_links.create(partner=hit.partner, role="funder")
    hit_decide(hit=hit, user=reviewer, status=HitStatus.CONFIRMED, note="Listed.")
    opened = hit.history.earliest("history_date")
    url = reverse("admin:sanctions_screeninghit_simple_history", args=[hit.pk, opened.history_id])
    page = client.get(url).content.decode()
    assert 'value="Revert"' not in page
    assert client.post(url, {"status": HitStatus.OPEN, "note": ""}).status_code == 403
    assert ScreeningHit.objects.get(pk=hit.pk).status == HitStatus.CONFIRMED

    first = proposal.history.earliest("history_date")
    url = reverse("admin:proposals_proposal_simple_history", args=[proposal.pk, first.history_id])
    assert client.post(url, proposal_data(proposal, title="Restored")).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).title == proposal.title


# Exclusion questions


@pytest.fixture
def sanctions_question(db):
    return ExclusionQuestion.objects.active().get(key="sanctions")


def question_data(question, **changes):
    data = {name: getattr(question, name) for name in ["position", *ExclusionQuestion.TEXT_FIELDS]}
    data.update(changes)
    return data


def stored_question(question):
    return ExclusionQuestion.objects.values().get(pk=question.pk)


def test_the_seven_questions_are_loaded_as_first_versions():
    active = ExclusionQuestion.objects.active()
    assert active.count() == ExclusionQuestion.objects.count() == 7
    assert set(active.values_list("version", flat=True)) == {1}


def test_the_wording_of_an_answered_question_is_read_only_in_the_admin(
    admin_client, draft, sanctions_question
):
    pass_gate(draft)
    page = admin_client.get(
        admin_url(ExclusionQuestion, "change", sanctions_question.pk)
    ).content.decode()
    assert ANSWERED in page
    assert sanctions_question.question_en in page
    assert 'name="question_en"' not in page and 'name="basis"' not in page
    assert 'name="position"' in page  # the order of the gate may still change
    assert admin_url(ExclusionQuestion, "new_version", sanctions_question.pk) in page


def test_a_crafted_post_cannot_reword_an_answered_question(admin_client, draft, sanctions_question):
    url = admin_url(ExclusionQuestion, "change", sanctions_question.pk)
    assert 'name="question_en"' in admin_client.get(url).content.decode()  # not yet answered
    pass_gate(draft)
    before = stored_question(sanctions_question)
    response = admin_client.post(
        url, question_data(sanctions_question, question_en="Is the partner nice?")
    )
    assert response.status_code == 200
    assert ANSWERED in form_errors(response)
    assert stored_question(sanctions_question) == before

    response = admin_client.post(url, {"position": 9})
    assert response.status_code == 302, form_errors(response)
    assert stored_question(sanctions_question) == {**before, "position": 9}


def test_an_unanswered_question_stays_editable(admin_client, sanctions_question):
    url = admin_url(ExclusionQuestion, "change", sanctions_question.pk)
    response = admin_client.post(url, question_data(sanctions_question, basis="A new basis"))
    assert response.status_code == 302, form_errors(response)
    assert ExclusionQuestion.objects.get(pk=sanctions_question.pk).basis == "A new basis"


def test_an_answered_question_refuses_rewording_below_the_admin(draft, sanctions_question):
    pass_gate(draft)
    before = stored_question(sanctions_question)
    sanctions_question.question_en = "Reworded in the shell"
    with pytest.raises(FrozenRecordError):
        sanctions_question.save()
    questions = ExclusionQuestion.objects.filter(pk=sanctions_question.pk)
    with pytest.raises(FrozenRecordError):
        questions.update(guidance_zh="改写")
    with pytest.raises(FrozenRecordError), transaction.atomic():  # bulk_update's own
        ExclusionQuestion.objects.bulk_update([sanctions_question], ["question_en"])
    with pytest.raises(FrozenRecordError):
        questions.update(key="renamed")
    assert stored_question(sanctions_question) == before
    questions.update(position=8)  # not wording
    assert stored_question(sanctions_question) == {**before, "position": 8}


def test_the_admin_action_makes_a_new_version_to_edit(admin_client, draft, sanctions_question):
    pass_gate(draft)
    response = admin_client.post(
        admin_url(ExclusionQuestion),
        {"action": "create_new_version", "_selected_action": [sanctions_question.pk]},
        follow=True,
    )
    assert "Created version 2 of “sanctions”" in response.content.decode()
    old = ExclusionQuestion.objects.get(pk=sanctions_question.pk)
    new = ExclusionQuestion.objects.active().get(key="sanctions")
    assert old.retired_at is not None and new.version == 2
    assert question_data(new) == question_data(old)

    url = admin_url(ExclusionQuestion, "change", new.pk)
    assert 'name="question_en"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, question_data(new, question_en="Is the partner listed?"))
    assert response.status_code == 302, form_errors(response)
    assert ExclusionQuestion.objects.get(pk=new.pk).question_en == "Is the partner listed?"
    assert ExclusionQuestion.objects.get(pk=old.pk).question_en == sanctions_question.question_en


def test_the_change_page_button_makes_a_new_version(admin_client, draft, sanctions_question):
    pass_gate(draft)
    url = admin_url(ExclusionQuestion, "new_version", sanctions_question.pk)
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    new = ExclusionQuestion.objects.active().get(key="sanctions")
    assert new.pk != sanctions_question.pk
    assert response["Location"] == admin_url(ExclusionQuestion, "change", new.pk)


def test_a_retired_version_stays_as_it_was(admin_client, draft, sanctions_question):
    pass_gate(draft)
    admin_client.post(admin_url(ExclusionQuestion, "new_version", sanctions_question.pk))
    before = stored_question(sanctions_question)
    url = admin_url(ExclusionQuestion, "change", sanctions_question.pk)
    assert admin_client.post(url, {"position": 1}).status_code == 403
    response = admin_client.post(
        admin_url(ExclusionQuestion, "new_version", sanctions_question.pk), follow=True
    )
    assert "This version is retired" in response.content.decode()
    assert stored_question(sanctions_question) == before
    assert ExclusionQuestion.objects.filter(key="sanctions").count() == 2


def test_one_active_version_per_question(sanctions_question):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExclusionQuestion.objects.create(
            key="sanctions", version=2, question_en="Again?", question_zh="再次？"
        )


def test_only_administrators_make_new_versions(sanctions_question, assessor):
    with pytest.raises(PermissionDenied):
        exclusion_question_new_version(question=sanctions_question, user=assessor)
    assert ExclusionQuestion.objects.get(pk=sanctions_question.pk).retired_at is None


def test_a_draft_that_answered_the_old_version_answers_the_new_one(
    client, draft, administrator, sanctions_question
):
    pass_gate(draft)
    answer_all(draft)
    assert gate_is_complete(draft)
    new = exclusion_question_new_version(question=sanctions_question, user=administrator)
    new.question_en = "Is the partner, or anyone who controls it, on a sanctions list?"
    new.save()

    assert not gate_is_complete(draft)
    with pytest.raises(ValidationError, match="Complete the exclusion gate"):
        workflow.assessment_submit(assessment=draft, user=draft.assessor)
    client.force_login(draft.assessor)
    page = client.get(reverse("assessment_gate", args=[draft.pk])).content.decode()
    assert new.question_en in page
    assert sanctions_question.question_en not in page

    pass_gate(draft)
    assert gate_is_complete(draft)
    # The answer to the retired version gave way to the answer to the new one.
    assert list(
        draft.gate_answers.filter(question__key="sanctions").values_list("question", flat=True)
    ) == [new.pk]
    workflow.assessment_submit(assessment=draft, user=draft.assessor)


def test_a_gate_page_opened_before_a_new_version_answers_nothing_for_it(
    client, draft, administrator, sanctions_question
):
    client.force_login(draft.assessor)
    url = reverse("assessment_gate", args=[draft.pk])
    page = client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    # The page the assessor opened asks the first version of every question.
    stale_post = {"version": version, **gate_fields(draft)}
    new = exclusion_question_new_version(question=sanctions_question, user=administrator)
    new.question_en = "Is the partner, or anyone who controls it, on a sanctions list?"
    new.save()

    response = client.post(url, stale_post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved. These answers need a correction:" in page
    assert f'<a class="alert-link" href="#gate-sanctions-v{new.version}-p' in page
    assert new.question_en in page
    assert not draft.gate_answers.exists()


def test_a_decided_assessment_keeps_the_wording_it_was_answered_with(
    client, decided, administrator, sanctions_question
):
    new = exclusion_question_new_version(question=sanctions_question, user=administrator)
    new.question_en = "Reworded after the decision?"
    new.save()
    assert decided.gate_answers.get(question__key="sanctions").question_id == sanctions_question.pk
    gate = {answer["key"]: answer for answer in assessed_content(decided)["gate"]}
    assert gate["sanctions"]["question_en"] == sanctions_question.question_en
    client.force_login(decided.assessor)
    page = client.get(reverse("assessment_detail", args=[decided.pk])).content.decode()
    assert sanctions_question.question_en in page
    assert "Reworded after the decision?" not in page


# Assessments end by withdrawal, never by deletion


def test_the_admin_deletes_no_assessment(admin_client, draft):
    changelist = admin_client.get(admin_url(Assessment)).content.decode()
    assert "delete_selected" not in changelist
    url = admin_url(Assessment, "delete", draft.pk)
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Assessment.objects.get(pk=draft.pk).status_changes.exists()


# Checklist content goes into draft frameworks only


def test_a_criterion_cannot_be_put_into_a_published_framework(admin_client):
    published = Framework.objects.current()
    draft = FrameworkFactory()
    criterion = CriterionFactory(framework=draft, code="D-1")
    before = published.criteria.count()
    page = admin_client.get(admin_url(Criterion, "change", criterion.pk)).content.decode()
    assert f'value="{published.pk}"' not in page.split('name="framework"')[1].split("</select>")[0]
    data = {
        "framework": published.pk,
        "principle": criterion.principle_id,
        "code": "D-1",
        "position": 0,
        "weight": 1,
        "allows_not_applicable": "on",
        "question_en": "Moved?",
        "question_zh": "移动？",
        "guidance_en": "Check it.",
        "guidance_zh": "检查。",
        "evidence_en": "A document.",
        "evidence_zh": "文件。",
    }
    response = admin_client.post(admin_url(Criterion, "change", criterion.pk), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["framework"]
    response = admin_client.post(admin_url(Criterion, "add"), {**data, "code": "D-2"})
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["framework"]
    assert published.criteria.count() == before
    assert Criterion.objects.get(pk=criterion.pk).framework == draft


def test_upserts_cannot_reword_a_question_or_change_a_proposal_under_review(
    sanctions_question, submitted
):
    sanctions_question.question_en = "Reworded by an upsert"
    with pytest.raises(FrozenRecordError):
        ExclusionQuestion.objects.all().bulk_create(
            [sanctions_question],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["question_en"],
        )
    proposal = submitted.proposal
    proposal.title = "Retitled by an upsert"
    with pytest.raises(FrozenRecordError):
        Proposal.objects.all().bulk_create(
            [proposal], update_conflicts=True, unique_fields=["id"], update_fields=["title"]
        )
    with pytest.raises(FrozenRecordError):
        ProposalPartner.objects.all().bulk_create(
            [ProposalPartner(proposal=proposal, partner=PartnerFactory(), role="funder")]
        )


def test_a_new_version_of_a_question_that_is_not_a_number_is_no_error(admin_client):
    before = ExclusionQuestion.objects.count()
    response = admin_client.post(
        "/admin/assessments/exclusionquestion/abc/new-version/", follow=True
    )
    assert response.status_code == 200  # the admin's "not found" message, never a 500
    assert ExclusionQuestion.objects.count() == before
