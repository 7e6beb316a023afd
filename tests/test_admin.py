import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.assessments.choices import Outcome
from partnerships.assessments.models import Assessment
from partnerships.assessments.services import answer_save, assessment_create
from partnerships.checklists.models import Framework, FrameworkStatus
from tests.factories import (
    CriterionFactory,
    FrameworkFactory,
    PartnerFactory,
    ProposalFactory,
    ProposalPartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

APP_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label
    in {
        "accounts",
        "principles",
        "checklists",
        "partners",
        "proposals",
        "assessments",
        "reports",
        "oversight",
        "sanctions",
    }
]


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_every_model_of_the_app_is_in_the_admin():
    names = {m._meta.model_name for m in APP_MODELS}
    assert names == {
        "agency", "user", "sourceparagraph", "principle", "framework", "principleweight",
        "criterion", "partner", "proposal", "contributiontype", "assessment", "answer",
        "gateanswer", "attachment", "statuschange", "exclusionquestion", "signedreview",
        "principlescore", "representationtarget", "sanctionslist", "sanctionsentry",
        "screeninghit", "proposalrevision",
    }  # fmt: skip


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda m: m._meta.label)
def test_changelists_and_searches_open_for_administrators(admin_client, model):
    ProposalPartnerFactory()
    assert admin_client.get(admin_url(model)).status_code == 200
    if admin.site._registry[model].search_fields:
        assert admin_client.get(admin_url(model), {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda m: m._meta.label)
def test_change_pages_open(admin_client, agency, assessor, reviewer, model):
    proposal = ProposalPartnerFactory(proposal__agency=agency).proposal
    from partnerships.assessments.services import attachment_add
    from partnerships.assessments.workflow import assessment_start
    from tests.helpers import approve, pdf_upload

    assessment = assessment_start(proposal=proposal, user=assessor)
    attachment_add(
        assessment=assessment,
        user=assessor,
        criterion=assessment.framework.criteria.first(),
        upload=pdf_upload(),
    )
    approve(assessment, reviewer)
    from partnerships.oversight.models import RepresentationTarget

    RepresentationTarget.objects.create(economy_group="developing", target_share=40)
    from pathlib import Path

    from partnerships.sanctions.importing import import_list

    sample = Path(__file__).parent / "data" / "consolidated_sample.xml"
    import_list(sample.read_bytes(), source="sample")
    PartnerFactory(legal_name="Golden Star Shipping")
    obj = model.objects.first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_published_framework_is_read_only_in_the_admin(admin_client):
    framework = Framework.objects.current()
    page = admin_client.get(admin_url(Framework, "change", framework.pk)).content.decode()
    assert 'name="_save"' not in page
    response = admin_client.post(admin_url(Framework, "change", framework.pk), {"name": "Renamed"})
    assert response.status_code == 403
    framework.refresh_from_db()
    assert framework.name == "A/RES/56/76 partnership principles checklist"


def test_draft_framework_is_editable_with_criteria_inline(admin_client):
    draft = FrameworkFactory()
    CriterionFactory(framework=draft, code="TR-9")
    page = admin_client.get(admin_url(Framework, "change", draft.pk)).content.decode()
    assert 'name="_save"' in page
    assert 'name="criteria-0-question_en"' in page


def test_admin_action_creates_a_new_draft_version(admin_client):
    framework = Framework.objects.current()
    response = admin_client.post(
        admin_url(Framework),
        {"action": "create_new_version", "_selected_action": [framework.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft = Framework.objects.get(version="1.1")
    assert draft.status == FrameworkStatus.DRAFT
    assert draft.criteria.count() == 33


def test_admin_action_publishes_a_draft_or_says_why_not(admin_client):
    draft = FrameworkFactory()
    response = admin_client.post(
        admin_url(Framework), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "has no criterion" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT


def test_answers_edited_in_the_admin_go_through_the_scoring_service(admin_client, agency, assessor):
    assessment = assessment_create(proposal=ProposalFactory(agency=agency), assessor=assessor)
    criteria = list(assessment.framework.criteria.all())
    for criterion in criteria:
        answer_save(assessment=assessment, criterion=criterion, rating=1)
    url = admin_url(Assessment, "change", assessment.pk)
    form = admin_client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "status": assessment.status,
            "answers-TOTAL_FORMS": len(criteria),
            "answers-INITIAL_FORMS": len(criteria),
            "answers-MIN_NUM_FORMS": 0,
            "answers-MAX_NUM_FORMS": 1000,
            "edit_version": Assessment.objects.get(pk=assessment.pk).version,
        }
    )
    for index, answer in enumerate(assessment.answers.all()):
        data[f"answers-{index}-id"] = answer.pk
        data[f"answers-{index}-assessment"] = assessment.pk
        data[f"answers-{index}-rating"] = 3
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assessment.refresh_from_db()
    assert assessment.computed_outcome == Outcome.ENGAGE
    assert str(assessment.overall_score) == "100.0"


def test_decided_assessments_are_read_only_in_the_admin(admin_client, decided):
    assessment = decided
    page = admin_client.get(admin_url(Assessment, "change", assessment.pk)).content.decode()
    assert 'name="_save"' not in page
    assert (
        admin_client.post(
            admin_url(Assessment, "delete", assessment.pk), {"post": "yes"}
        ).status_code
        == 403
    )


def test_oversight_reads_the_admin_but_cannot_change(client, oversight):
    oversight.is_staff = True
    oversight.save()
    client.force_login(oversight)
    assert client.get(admin_url(Assessment)).status_code == 200
    assert client.get(admin_url(Framework, "add")).status_code == 403


def test_assessors_are_not_admin_users(client, assessor):
    client.force_login(assessor)
    response = client.get(admin_url(Assessment))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", [Assessment], ids=["assessment"])
def test_changelist_query_count_does_not_grow_with_rows(admin_client, agency, model):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(admin_url(model)).status_code == 200
        return len(context)

    def add_rows(n):
        for _ in range(n):
            proposal = ProposalPartnerFactory(proposal__agency=agency).proposal
            assessment_create(proposal=proposal, assessor=UserFactory(agency=agency))

    add_rows(2)
    few = queries()
    add_rows(6)
    assert queries() == few


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda m: m._meta.label)
def test_history_pages_exist_only_for_models_with_a_history(admin_client, proposal, model):
    from simple_history.admin import SimpleHistoryAdmin

    has_history = hasattr(model, "history")
    assert isinstance(admin.site._registry[model], SimpleHistoryAdmin) == has_history
    obj = model.objects.first()
    if has_history and obj is not None:
        assert admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200


def test_key_people_edited_in_the_admin_go_through_the_service(
    admin_client, administrator, monkeypatch
):
    from partnerships.partners import services
    from partnerships.partners.models import KeyPerson, Partner

    partner = PartnerFactory(legal_name="Lake Kivu Farmers Cooperative", country="CD")
    kept = KeyPerson.objects.create(partner=partner, name="Jean Mbeki", role="owner")
    gone = KeyPerson.objects.create(partner=partner, name="Old Board Member", role="board")
    calls = []
    real_save = services.key_people_save
    monkeypatch.setattr(
        "partnerships.partners.admin.key_people_save",
        lambda **kwargs: calls.append(kwargs) or real_save(**kwargs),
    )
    url = admin_url(Partner, "change", partner.pk)
    data = {
        "legal_name": partner.legal_name, "partner_type": partner.partner_type,
        "country": "CD", "other_names": "", "website": "", "notes": "",
        "key_people-TOTAL_FORMS": "3", "key_people-INITIAL_FORMS": "2",
        "key_people-MIN_NUM_FORMS": "0", "key_people-MAX_NUM_FORMS": "1000",
        "key_people-0-id": kept.pk, "key_people-0-partner": partner.pk,
        "key_people-0-name": "Jean Mbeki", "key_people-0-role": "head",
        "key_people-1-id": gone.pk, "key_people-1-partner": partner.pk,
        "key_people-1-name": "Old Board Member", "key_people-1-role": "board",
        "key_people-1-DELETE": "on",
        "key_people-2-partner": partner.pk,
        "key_people-2-name": "Amina Diallo", "key_people-2-role": "board",
        "key_people-2-nationality": "SN",
    }  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert [call["author"] for call in calls] == [administrator]
    assert sorted(partner.key_people.values_list("name", "role")) == [
        ("Amina Diallo", "board"), ("Jean Mbeki", "head"),
    ]  # fmt: skip
    amina = partner.key_people.get(name="Amina Diallo")
    assert amina.history.get().history_user == administrator
