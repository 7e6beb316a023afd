import factory
from django.contrib.auth.models import Group

from partnerships.accounts.models import Agency, User
from partnerships.assessments.latest import latest_assessment_refresh
from partnerships.assessments.models import Assessment
from partnerships.checklists.models import Criterion, Framework, PrincipleWeight
from partnerships.partners import economies
from partnerships.partners.models import Partner, PartnerType
from partnerships.principles.models import Principle
from partnerships.proposals.models import Proposal, ProposalPartner


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["acronym"]

    acronym = factory.Sequence(lambda n: f"AG{n}")
    name = factory.LazyAttribute(lambda o: f"Agency {o.acronym}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, roles, **kwargs):
        for role in roles or []:
            self.groups.add(Group.objects.get(name=role))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    legal_name = factory.Sequence(lambda n: f"Partner {n} Ltd.")
    partner_type = PartnerType.BUSINESS_SME
    country = "KE"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    summary = "A partnership."
    objectives = "Results."


class ProposalPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalPartner

    proposal = factory.SubFactory(ProposalFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = "lead"


class FrameworkFactory(factory.django.DjangoModelFactory):
    """A draft framework with a weight of 1 for every principle and no criteria."""

    class Meta:
        model = Framework
        skip_postgeneration_save = True

    name = "Test checklist"
    version = factory.Sequence(lambda n: f"0.{n}")

    @factory.post_generation
    def principle_weights(self, create, extracted, **kwargs):
        if not create:
            return
        weights = extracted or {}
        PrincipleWeight.objects.bulk_create(
            PrincipleWeight(framework=self, principle=p, weight=weights.get(p.key, 1))
            for p in Principle.objects.all()
        )


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    framework = factory.SubFactory(FrameworkFactory)
    principle = factory.LazyFunction(lambda: Principle.objects.get(key="transparency"))
    code = factory.Sequence(lambda n: f"T-{n}")
    question_en = "Is it so?"
    question_zh = "是这样吗？"
    guidance_en = "Check it."
    guidance_zh = "检查。"
    evidence_en = "A document."
    evidence_zh = "文件。"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    proposal = factory.SubFactory(ProposalFactory)
    assessor = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..proposal.agency"))
    framework = factory.LazyFunction(lambda: Framework.objects.current())
    classification_edition = economies.EDITION

    @factory.post_generation
    def latest(self, create, extracted, **kwargs):
        # As `assessment_create` does: lists and the portfolio find it through the pointer.
        if create:
            latest_assessment_refresh(proposal_id=self.proposal_id)
