"""Load the demo portfolio: agencies, a user per role per agency, partners, proposals, assessments.

For a developer's machine only (DEBUG on): the users' passwords are printed and
published in the README. Safe to run again: what exists already is left as it is.
"""

import itertools
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from partnerships.accounts.models import Agency, User
from partnerships.accounts.roles import Role
from partnerships.assessments import workflow
from partnerships.assessments.services import (
    AnswerInput,
    assessment_save_answers,
    gate_items,
    gate_save,
)
from partnerships.assessments.workflow import assessment_start
from partnerships.demo import content
from partnerships.partners.models import Partner
from partnerships.proposals.models import ContributionType, Proposal, ProposalPartner
from partnerships.reports.services import review_decide
from partnerships.sanctions.importing import import_list
from partnerships.sanctions.models import SanctionsList
from partnerships.sanctions.screening import screen_partners

STAFF_ROLES = {Role.OVERSIGHT, Role.ADMINISTRATOR}
DEMO_LIST = Path(__file__).resolve().parents[2] / "data" / "demo_consolidated.xml"
DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"
# A criterion the demo marks "not applicable", and the key criterion a weak proposal fails
# (the UN emblem used without consent).
NOT_APPLICABLE_CRITERION = "BR-3"
KEY_FAILURE_CRITERION = "RM-1"


def demo_password(username: str) -> str:
    return f"{username}-demo"


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is only for development: set DEBUG=1 to load it.")
        # The demo's workflow steps would otherwise e-mail the demo users.
        with override_settings(EMAIL_BACKEND=DUMMY_EMAIL), transaction.atomic():
            created = self.load()
        self.stdout.write(self.style.SUCCESS(f"Demo data: {created} new records."))
        self.print_logins()

    def load(self) -> int:
        created = 0
        agencies, users = {}, {}
        for acronym, name in content.AGENCIES:
            agencies[acronym], new = Agency.objects.get_or_create(
                acronym=acronym, defaults={"name": name}
            )
            created += new
            for role in Role:
                username = f"{acronym.lower()}-{role.value.lower()}"
                user, new = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "agency": agencies[acronym],
                        "first_name": role.label,
                        "last_name": acronym,
                        "email": f"{username}@example.org",
                        "is_staff": role in STAFF_ROLES,
                    },
                )
                users[username] = user
                if new:
                    created += 1
                    user.set_password(demo_password(username))
                    user.save(update_fields=["password"])
                    user.groups.add(Group.objects.get(name=role.value))

        partners = {}
        for legal_name, other_names, partner_type, country, compact, website in content.PARTNERS:
            partners[legal_name], new = Partner.objects.get_or_create(
                legal_name=legal_name,
                defaults={
                    "other_names": other_names,
                    "partner_type": partner_type,
                    "country": country,
                    "global_compact_participant": compact,
                    "website": website,
                    "notes": "Fictional partner, part of the demo data.",
                },
            )
            created += new

        contribution_types = {c.key: c for c in ContributionType.objects.all()}
        for item in content.PROPOSALS:
            agency = agencies[item["agency"]]
            assessor = User.objects.get(username=f"{agency.acronym.lower()}-assessor")
            proposal, new = Proposal.objects.get_or_create(
                agency=agency,
                title=item["title"],
                defaults={
                    "summary": item["summary"],
                    "objectives": item["objectives"],
                    "value": item["value"],
                    "start_date": item["dates"][0],
                    "end_date": item["dates"][1],
                    "countries": item["countries"],
                    "requests_un_name_or_emblem": item["emblem"],
                    "un_name_or_emblem_use": "Co-branded project materials."
                    if item["emblem"]
                    else "",
                    "requests_exclusivity": item["exclusivity"],
                    "exclusivity_details": "Sole technology provider for the project."
                    if item["exclusivity"]
                    else "",
                    "complementarity": item["complementarity"],
                    "created_by": assessor,
                },
            )
            if not new:
                continue
            created += 1
            proposal.contribution_types.set(
                [contribution_types[key] for key in item["contributions"]]
            )
            for legal_name, role in item["partners"]:
                ProposalPartner.objects.create(
                    proposal=proposal, partner=partners[legal_name], role=role
                )
            assessment = assessment_start(proposal=proposal, user=assessor)
            self.screen(assessment, item)
            self.answer(assessment, item)
            self.advance(assessment, item, reviewer=users[f"{agency.acronym.lower()}-reviewer"])
        if SanctionsList.current() is None:
            # A fictional list, imported last so that its hit waits on a draft's partner.
            import_list(DEMO_LIST.read_bytes(), source="demo (fictional entries)")
            screen_partners()
            created += 1
        return created

    def answer(self, assessment, item) -> None:
        ratings = itertools.cycle(content.PROFILES[item["profile"]])
        criteria = list(assessment.framework.criteria.all())
        answers = []
        for criterion in criteria[: len(criteria) - item.get("unanswered", 0)]:
            if criterion.code == NOT_APPLICABLE_CRITERION:
                answers.append(
                    AnswerInput(
                        criterion=criterion,
                        not_applicable=True,
                        justification=content.NOT_APPLICABLE_JUSTIFICATION,
                    )
                )
                continue
            rating = next(ratings)
            if criterion.is_key:
                failed = item.get("key_failure") and criterion.code == KEY_FAILURE_CRITERION
                rating = 0 if failed else 3
            answers.append(
                AnswerInput(
                    criterion=criterion,
                    rating=rating,
                    evidence_notes=content.EVIDENCE_BY_RATING[rating],
                )
            )
        assessment_save_answers(assessment=assessment, user=assessment.assessor, answers=answers)

    def screen(self, assessment, item) -> None:
        # A concern is about the lead partner; the others answer "no".
        concerns = content.GATE_CONCERNS.get(item["title"], {})
        items = gate_items(assessment)
        gate_save(
            assessment=assessment,
            user=assessment.assessor,
            responses={
                gate_item: concerns.get(gate_item.question.key, ("no", ""))
                if gate_item.partner == items[0].partner
                else ("no", "")
                for gate_item in items
            },
        )

    def advance(self, assessment, item, reviewer) -> None:
        """Take the assessment through the workflow to the status the demo gives it."""
        target = item["status"]
        if target == "draft":
            return
        workflow.assessment_submit(assessment=assessment, user=assessment.assessor)
        if target == "submitted":
            return
        workflow.assessment_start_review(assessment=assessment, user=reviewer)
        if target == "returned":
            workflow.assessment_return(
                assessment=assessment, user=reviewer, note=content.RETURN_NOTE
            )
        elif target in content.DECISIONS:
            assessment.refresh_from_db()
            outcome = assessment.computed_outcome
            review_decide(
                assessment=assessment,
                user=reviewer,
                outcome=outcome,
                conditions=content.CONDITIONS if outcome == "engage_with_conditions" else "",
                **content.DECISIONS[target],
            )

    def print_logins(self) -> None:
        self.stdout.write("\nDemo logins (development passwords):")
        self.stdout.write(f"  {'username':<24} {'password':<30} role")
        for user in User.objects.filter(username__in=self.demo_usernames()).prefetch_related(
            "groups"
        ):
            role = ", ".join(group.name for group in user.groups.all())
            self.stdout.write(f"  {user.username:<24} {demo_password(user.username):<30} {role}")

    @staticmethod
    def demo_usernames() -> list[str]:
        return [
            f"{acronym.lower()}-{role.value.lower()}"
            for acronym, _ in content.AGENCIES
            for role in Role
        ]
