import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from partnerships.accounts.models import Agency, User
from partnerships.accounts.roles import Role
from partnerships.assessments.choices import Outcome
from partnerships.assessments.models import Answer, Assessment
from partnerships.partners.models import Partner
from partnerships.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in [Agency, User, Partner, Proposal, Assessment, Answer]
    }


def test_demo_data_is_a_plausible_portfolio():
    call_command("load_demo_data")
    assert Agency.objects.count() == 3
    for agency in Agency.objects.all():
        for role in Role:
            assert agency.users.filter(groups__name=role.value).count() == 1, (agency, role)
    assert Partner.objects.count() >= 12
    groups = set(Partner.objects.values_list("economy_group", flat=True))
    assert groups == {"developed", "developing", "transition"}
    assert len(set(Partner.objects.values_list("partner_type", flat=True))) >= 5
    assert Proposal.objects.count() == 8
    assert all(p.partners.count() >= 2 for p in Proposal.objects.all())
    outcomes = set(Assessment.objects.values_list("computed_outcome", flat=True))
    assert outcomes == {o.value for o in Outcome}
    assert Answer.objects.filter(not_applicable=True).exclude(justification="").exists()


def test_demo_logins_are_printed_and_work(capsys):
    call_command("load_demo_data")
    output = capsys.readouterr().out
    assert "undp-assessor" in output
    assert "undp-assessor-demo" in output
    assert output.count("-demo") == 12
    assert Client().login(username="who-reviewer", password="who-reviewer-demo")


def test_loading_twice_changes_nothing(capsys):
    call_command("load_demo_data")
    before = counts()
    scores = list(Assessment.objects.values_list("pk", "overall_score", "computed_outcome"))
    call_command("load_demo_data")
    assert counts() == before
    assert list(Assessment.objects.values_list("pk", "overall_score", "computed_outcome")) == scores
    assert "Demo data: 0 new records." in capsys.readouterr().out


def test_demo_data_is_refused_outside_development(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="only for development"):
        call_command("load_demo_data")
    assert not User.objects.exists()


def test_oversight_and_administrators_can_use_the_admin():
    call_command("load_demo_data")
    client = Client()
    assert client.login(username="unicef-oversight", password="unicef-oversight-demo")
    assert client.get("/admin/assessments/assessment/").status_code == 200
    assert client.login(username="unicef-administrator", password="unicef-administrator-demo")
    assert client.get("/admin/checklists/framework/").status_code == 200
