"""Build a realistic portfolio of N proposals in PostgreSQL, fast (COPY, one transaction).

What it adds beside the demo data, as years of use would leave it:
- ten agencies (vocabulary.AGENCIES), each with assessors, reviewers, an Oversight user and
  an Administrator (the role groups of accounts/roles.py; every one's password is
  `BENCHMARK_PASSWORD`, published like the demo's);
- about N/5 partners over every economy group and UN M49 region;
- N proposals created over four years, 1–3 partners each (one lead), contribution types;
- about one assessment per proposal on the current framework: most approved or rejected,
  some draft, submitted, in review, returned or withdrawn, some re-assessments of decided
  proposals (pre-filled from the last approved one, `based_on`). An assessment with answers
  has ALL of them, and its exclusion gate; one without (a fresh draft) has neither;
- scores exactly as the scoring engine computes them: each distinct answer pattern is scored
  once by `scoring.score()`; its overall score, coverage, computed outcome and principle
  scores are stored for every assessment with that pattern;
- the workflow's traces: status changes, the revisions pinned at each submission and at the
  decision (with their partners), decided outcome, note, conditions, justification,
  reviewer and dates; the audit trail's "created" rows (and a "changed" row per assessment)
  in the simple_history tables of partners, proposals, partner links, assessments, answers
  and gate answers;
- signed reviews for a sample: those assessments are loaded in review and then decided
  through `reports.services.review_decide`, so their PDFs are real.
Then it rebuilds the latest-assessment pointers and runs VACUUM ANALYZE (this server's
autovacuum may be off; the planner needs statistics, index-only scans the visibility map).

Integrity triggers: LIFTED for the bulk load only, with `triggers_disabled(connection)`
inside its one transaction. Rows are written in their final state — a decided assessment
together with its answers, gate answers, scores and status history — which the triggers
refuse by design; they are recreated before that transaction commits, so no other session
ever sees the database without them. The signed sample is decided afterwards through the
real workflow, with the triggers in place.

How it is fast: ids are reserved from the tables' identities, so that rows refer to each
other before they are written; every table is filled with one COPY (the answers, their
history and the principle scores as pre-formatted text, from each pattern's lines); the
big tables' indexes and foreign keys are dropped for the load and made again once at its
end (copying.DeferredIndexes), in the same transaction. Rows are written in time order
(ids follow the created dates), as years of use write them.
"""

import hashlib
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from partnerships.accounts.models import Agency, User
from partnerships.accounts.roles import Role
from partnerships.assessments import scoring
from partnerships.assessments.choices import AssessmentStatus, Outcome
from partnerships.assessments.latest import latest_assessment_rebuild
from partnerships.assessments.models import (
    Answer,
    Assessment,
    ExclusionQuestion,
    GateAnswer,
    PrincipleScore,
    ProposalRevision,
    RevisionPartner,
    RevisionStage,
    StatusChange,
)
from partnerships.assessments.revisions import ROLE_ORDER
from partnerships.assessments.selectors import framework_scoring_inputs
from partnerships.benchmarks import vocabulary as words
from partnerships.benchmarks.copying import DeferredIndexes, Table, copy_text, reserve_ids
from partnerships.checklists.models import Framework
from partnerships.integrity.triggers import triggers_disabled
from partnerships.partners import economies
from partnerships.partners.models import Partner
from partnerships.principles.models import Principle
from partnerships.proposals.models import ContributionType, PartnerRole, Proposal, ProposalPartner
from partnerships.reports.services import review_decide

S = AssessmentStatus
BENCHMARK_PASSWORD = "benchmark-demo"
DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"
STAFF = {Role.ASSESSOR: 5, Role.REVIEWER: 3, Role.OVERSIGHT: 1, Role.ADMINISTRATOR: 1}
STAFF_ROLES = {Role.OVERSIGHT, Role.ADMINISTRATOR}
YEARS = 4
PARTNERS_PER_PROPOSAL = {1: 35, 2: 45, 3: 20}
ASSESSMENTS_PER_PROPOSAL = {0: 3, 1: 89, 2: 7, 3: 1}
# The newest assessment of a proposal, and the earlier ones of a re-assessed proposal.
LATEST_STATUS = {
    S.APPROVED: 52, S.REJECTED: 20, S.DRAFT: 8, S.SUBMITTED: 6, S.IN_REVIEW: 5,
    S.RETURNED: 3, S.WITHDRAWN: 6,
}  # fmt: skip
EARLIER_STATUS = {S.APPROVED: 70, S.REJECTED: 20, S.WITHDRAWN: 10}
OPEN_STATUSES = {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.RETURNED}
DECIDED = {S.APPROVED, S.REJECTED}
PATTERNS = 400
ROLES_AFTER_LEAD = [PartnerRole.CO_PARTNER, PartnerRole.FUNDER, PartnerRole.IMPLEMENTER]


def spread(rng: random.Random, n: int, weights: dict) -> list:
    """`n` keys in the proportions of `weights` (largest remainder), every key at least
    once when there is room, shuffled: small portfolios still have every kind."""
    total = sum(weights.values())
    exact = {key: n * weight / total for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    if n >= len(weights):
        counts = {key: max(count, 1) for key, count in counts.items()}
    by_remainder = sorted(weights, key=lambda key: exact[key] - int(exact[key]), reverse=True)
    index = 0
    while sum(counts.values()) < n:
        counts[by_remainder[index % len(by_remainder)]] += 1
        index += 1
    while sum(counts.values()) > n:
        counts[max(counts, key=counts.get)] -= 1
    keys = [key for key, count in counts.items() for _ in range(count)]
    rng.shuffle(keys)
    return keys


def canonical_json(content: dict) -> str:
    """The text `revisions.content_sha256` hashes (plain JSON values only here)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False)


@dataclass(slots=True)
class Pattern:
    """One set of answers to every criterion, scored once by the engine."""

    answers: list[tuple[int, int | None, bool, str, str]]  # criterion, rating, N/A, why, notes
    card: scoring.ScoreCard
    scores: list[tuple[int, Decimal | None, int, int]]  # principle, score, applicable, answered
    answer_text: list[str] = field(default_factory=list)
    history_text: list[str] = field(default_factory=list)
    score_text: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PartnerPlan:
    legal_name: str
    other_names: str
    partner_type: str
    country: str
    economy_group: str
    region: str
    compact: bool
    website: str
    created_at: datetime
    id: int = 0


@dataclass(slots=True)
class ProposalPlan:
    agency: Agency
    creator_id: int
    title: str
    summary: str
    objectives: str
    value: Decimal | None
    currency: str
    countries: list[str]
    emblem: bool
    exclusivity: bool
    complementarity: str
    contributions: list[str]
    partners: list[tuple[PartnerPlan, str]]
    created_at: datetime = None
    start_offset: timedelta = timedelta(0)
    duration: timedelta = timedelta(0)
    id: int = 0
    link_ids: list[int] = field(default_factory=list)
    content: dict | None = None
    content_text: str | None = None


@dataclass(slots=True)
class Step:
    from_status: str
    to_status: str
    by_reviewer: bool
    offset: timedelta  # from the proposal's creation, until the plan is placed in time
    note: str = ""
    at: datetime = None


@dataclass(slots=True)
class AssessmentPlan:
    proposal: ProposalPlan
    assessor_id: int
    reviewer_id: int | None
    status: str
    steps: list[Step]
    pattern: Pattern
    answered: bool
    answered_offset: timedelta | None
    gate: list[tuple[ExclusionQuestion, PartnerPlan, str, str]]
    decided_outcome: str = ""
    decision_note: str = ""
    conditions: str = ""
    justification: str = ""
    previous: "AssessmentPlan | None" = None
    based_on: "AssessmentPlan | None" = None
    sample: bool = False
    id: int = 0
    created_at: datetime = None
    answered_at: datetime | None = None
    revisions: list[tuple[int, str, datetime]] = field(default_factory=list)


def _countries() -> dict[str, economies.CountryClassification]:
    """The countries WESP lists (partners are registered in countries, not in the
    uninhabited territories the classification file also decides on)."""
    return {code: c for code, c in economies.classifications().items() if c.basis == "wesp"}


def _days(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=rng.uniform(low, high) * 86400)


class PortfolioBuilder:
    """`PortfolioBuilder(proposals=N).build()`; `log` receives progress lines."""

    def __init__(
        self,
        *,
        proposals: int,
        signed: int = 20,
        seed: int = 5676,
        log: Callable[[str], None] = lambda line: None,
    ):
        if proposals < 1:
            raise ValueError("A portfolio has at least one proposal.")
        self.proposal_count = proposals
        self.partner_count = max(3, round(proposals / 5))
        self.signed = signed
        self.rng = random.Random(seed)
        self.log = log
        self.now = timezone.now()
        self.start = self.now - timedelta(days=365 * YEARS)
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}
        self.staff: dict[tuple[str, Role], list[int]] = {}
        self.agencies: list[Agency] = []

    # The whole build.

    def build(self) -> dict[str, int]:
        with override_settings(EMAIL_BACKEND=DUMMY_EMAIL):
            with (
                self._phase("bulk load, one transaction"),
                transaction.atomic(),
                triggers_disabled(connection),
                connection.cursor() as wrapper,
            ):
                cursor = wrapper.cursor  # psycopg's own, for COPY
                with self._phase("  plan (staff, answer patterns, timelines)"):
                    self._staff_create()
                    self._reference_read()
                    partners = self._partners_plan()
                    proposals = self._proposals_plan(partners)
                    assessments = self._assessments_plan(proposals)
                    self._ids_assign(cursor, partners, proposals, assessments)
                deferred = DeferredIndexes(cursor, self._big_tables())
                with self._phase("  indexes and foreign keys of the big tables dropped"):
                    deferred.drop()
                with self._phase("  partners, proposals, partner links"):
                    self._partners_write(cursor, partners)
                    self._proposals_write(cursor, proposals)
                self._assessments_write(cursor, assessments)
                with self._phase("  indexes and foreign keys made again"):
                    deferred.restore()
                self.log("  commit…")
            with self._phase("signed reviews"):
                self._sample_decide(assessments)
        with self._phase("latest-assessment pointers"):
            latest_assessment_rebuild()
        with self._phase("VACUUM ANALYZE"), connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        return self.counts

    @contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        self.log(f"{name}…")
        yield
        self.timings[name] = time.monotonic() - started
        self.log(f"{name}: {self.timings[name]:.1f} s")

    @staticmethod
    def _big_tables() -> list:
        """The tables of many rows whose indexes are built once, after their rows."""
        parts = [
            Answer, GateAnswer, PrincipleScore, StatusChange, RevisionPartner, ProposalPartner,
            Proposal.contribution_types.through,
        ]  # fmt: skip
        histories = [Answer, GateAnswer, Assessment, Proposal, ProposalPartner, Partner]
        return [*parts, *(model.history.model for model in histories)]

    # Reference data and staff.

    def _staff_create(self) -> None:
        groups = {role: Group.objects.get(name=role.value) for role in Role}
        password = make_password(BENCHMARK_PASSWORD)  # hashed once: one password for all
        users = 0
        for acronym, name in words.AGENCIES:
            agency, _new = Agency.objects.get_or_create(acronym=acronym, defaults={"name": name})
            self.agencies.append(agency)
            for role, count in STAFF.items():
                ids = []
                for number in range(1, count + 1):
                    username = f"{acronym.lower()}-{role.value.lower()}-{number}"
                    user, new = User.objects.get_or_create(
                        username=username,
                        defaults={
                            "agency": agency,
                            "first_name": self.rng.choice(words.FIRST_NAMES),
                            "last_name": self.rng.choice(words.LAST_NAMES),
                            "email": f"{username}@example.org",
                            "is_staff": role in STAFF_ROLES,
                            "password": password,
                        },
                    )
                    if new:
                        user.groups.add(groups[role])
                        users += 1
                    ids.append(user.pk)
                self.staff[(acronym, role)] = ids
        self.counts["agencies"] = len(self.agencies)
        self.counts["users"] = users

    def _reference_read(self) -> None:
        self.framework = Framework.objects.current()
        if self.framework is None:
            raise RuntimeError("No published framework: run `manage.py migrate` first.")
        self.questions = list(ExclusionQuestion.objects.active().order_by("position", "key"))
        self.contribution_types = list(ContributionType.objects.order_by("position"))
        self.principle_ids = dict(Principle.objects.values_list("key", "pk"))
        self.patterns, self.empty_pattern = self._patterns_make()

    def _patterns_make(self) -> tuple[dict[str, list[Pattern]], Pattern]:
        """Answer patterns, by the outcome the engine computes for them."""
        rng = self.rng
        specs, weights = framework_scoring_inputs(self.framework)
        criteria = list(
            self.framework.criteria.order_by("principle__number", "position", "code").values(
                "pk", "code", "is_key", "allows_not_applicable"
            )
        )
        keys = [c for c in criteria if c["is_key"]]

        def scored(answers: dict[str, scoring.AnswerValue]) -> scoring.ScoreCard:
            return scoring.score(
                criteria=specs,
                answers=answers,
                principle_weights=weights,
                engage_threshold=self.framework.engage_threshold,
                conditions_threshold=self.framework.conditions_threshold,
            )

        def pattern(rows) -> Pattern:
            card = scored(
                {
                    code: scoring.AnswerValue(rating=rating, not_applicable=na)
                    for code, (_pk, rating, na, _why, _notes) in rows.items()
                }
            )
            made = Pattern(
                answers=list(rows.values()),
                card=card,
                scores=[
                    (self.principle_ids[p.principle], p.percent, p.applicable, p.answered)
                    for p in card.principles
                ],
            )
            for pk, rating, na, why, notes in made.answers:
                values = "\t".join(copy_text(v) for v in (rating, na, why, notes, ""))
                made.answer_text.append(f"{pk}\t{values}")
                made.history_text.append(values)
            made.score_text = ["\t".join(copy_text(v) for v in row) for row in made.scores]
            return made

        by_outcome: dict[str, list[Pattern]] = {o: [] for o in Outcome if o != Outcome.INCOMPLETE}
        wanted = PATTERNS // 4
        for _attempt in range(50 * PATTERNS):
            if all(len(found) >= wanted for found in by_outcome.values()):
                break
            quality = rng.uniform(0.3, 1.0)
            failed_key = rng.choice(keys)["code"] if keys and rng.random() < 0.12 else None
            rows = {}
            for c in criteria:
                if c["allows_not_applicable"] and rng.random() < 0.05:
                    rows[c["code"]] = (c["pk"], None, True, words.NOT_APPLICABLE_JUSTIFICATION, "")
                    continue
                rating = min(3, max(0, round(rng.gauss(quality * 3, 0.7))))
                if c["is_key"]:
                    rating = 0 if c["code"] == failed_key else max(rating, 1)
                rows[c["code"]] = (c["pk"], rating, False, "", words.EVIDENCE_BY_RATING[rating])
            made = pattern(rows)
            if made.card.outcome in by_outcome and len(by_outcome[made.card.outcome]) < wanted:
                by_outcome[made.card.outcome].append(made)
        missing = [o for o, found in by_outcome.items() if not found]
        if missing:
            raise RuntimeError(f"The framework's thresholds leave no pattern for {missing}.")
        return by_outcome, pattern({})

    # Plans: what to write, placed in time.

    def _partners_plan(self) -> list[PartnerPlan]:
        rng = self.rng
        classification = economies.classifications()
        by_place: dict[tuple[str, str], list[str]] = {}
        by_group: dict[str, list[str]] = {}
        for code, item in sorted(_countries().items()):
            by_place.setdefault((item.group.value, item.region), []).append(code)
            by_group.setdefault(item.group.value, []).append(code)
        # Every group in turn, each time in another region: the first few partners
        # already cover every group and region.
        regions = {g: [r for group, r in sorted(by_place) if group == g] for g in by_group}
        places = [
            (group, regions[group][turn])
            for turn in range(max(map(len, regions.values())))
            for group in sorted(regions)
            if turn < len(regions[group])
        ]
        groups = spread(rng, self.partner_count, words.ECONOMY_GROUP_WEIGHTS)
        types = spread(rng, self.partner_count, words.PARTNER_TYPE_WEIGHTS)
        partners = []
        for index in range(self.partner_count):
            # The first ones cover every group and region, however small the portfolio.
            if index < len(places):
                country = rng.choice(by_place[places[index]])
            else:
                country = rng.choice(by_group[groups[index]])
            item = classification[country]
            proper = "".join(rng.choice(words.SYLLABLES) for _ in range(rng.randint(2, 3)))
            sector = (
                words.SEARCH_WORD.capitalize()
                if index == 1 or rng.random() < words.SEARCH_WORD_SHARE
                else rng.choice(words.SECTORS)
            )
            partner_type = types[index]
            name = f"{proper.capitalize()} {sector} {rng.choice(words.LEGAL_FORMS[partner_type])}"
            partners.append(
                PartnerPlan(
                    legal_name=name,
                    other_names=f"{proper.capitalize()} {sector}" if rng.random() < 0.25 else "",
                    partner_type=partner_type,
                    country=country,
                    economy_group=item.group.value,
                    region=item.region,
                    compact=partner_type.startswith("business") and rng.random() < 0.3,
                    website=f"https://{proper}-{sector.lower()}.example"
                    if rng.random() < 0.6
                    else "",
                    created_at=self.start - _days(rng, 1, 365),
                )
            )
        return partners

    def _proposals_plan(self, partners: list[PartnerPlan]) -> list[ProposalPlan]:
        rng = self.rng
        n = self.proposal_count
        agencies = spread(rng, n, dict(zip(self.agencies, words.AGENCY_WEIGHTS, strict=True)))
        sizes = spread(
            rng, n, {k: v for k, v in PARTNERS_PER_PROPOSAL.items() if k <= len(partners)}
        )
        classification = economies.classifications()
        developing = [code for code, c in _countries().items() if c.group == "developing"]
        currencies = list(words.CURRENCY_WEIGHTS)
        currency_weights = list(words.CURRENCY_WEIGHTS.values())
        proposals = []
        for index in range(n):
            agency = agencies[index]
            # A few partners lead many proposals, most lead a few (skewed draw).
            chosen = [partners[int(len(partners) * rng.random() ** 2)]]
            while len(chosen) < sizes[index]:
                other = rng.choice(partners)
                if other not in chosen:
                    chosen.append(other)
            lead = chosen[0]
            countries = {
                lead.country if lead.economy_group == "developing" else rng.choice(developing)
            }
            countries.update(rng.sample(developing, rng.randint(0, 2)))
            countries = sorted(countries)
            names = [classification[code].name for code in countries]
            theme = words.THEMES[0] if index == 0 else rng.choice(words.THEMES)
            beneficiary = rng.choice(words.BENEFICIARIES)
            value = None
            if rng.random() > 0.05:
                value = Decimal(int(math.exp(rng.gauss(13, 1.5))) // 1000 * 1000 + 1000)
                value = value.quantize(Decimal("0.01"))
            emblem = rng.random() < 0.15
            exclusivity = rng.random() < 0.08
            proposals.append(
                ProposalPlan(
                    agency=agency,
                    creator_id=rng.choice(self.staff[(agency.acronym, Role.ASSESSOR)]),
                    title=f"{theme} for {beneficiary} in {names[0]}",
                    summary=f"{theme} for {beneficiary} in {', '.join(names)}, led by "
                    f"{lead.legal_name}.",
                    objectives=rng.choice(words.OBJECTIVES),
                    value=value,
                    currency=rng.choices(currencies, currency_weights)[0],
                    countries=countries,
                    emblem=emblem,
                    exclusivity=exclusivity,
                    complementarity=rng.choice(words.COMPLEMENTARITY),
                    contributions=sorted(
                        rng.sample(
                            [c.key for c in self.contribution_types],
                            rng.randint(1, min(3, len(self.contribution_types))),
                        )
                    ),
                    partners=[
                        (partner, PartnerRole.LEAD if i == 0 else rng.choice(ROLES_AFTER_LEAD))
                        for i, partner in enumerate(chosen)
                    ],
                    start_offset=_days(rng, 30, 200),
                    duration=_days(rng, 365, 4 * 365),
                )
            )
        return proposals

    def _steps(self, status: str) -> tuple[list[Step], bool]:
        """The workflow's steps to `status`, from the assessment's creation (offsets from
        it), and whether the assessment went as far as being submitted."""
        rng = self.rng
        t = timedelta(0)
        steps = [Step("", S.DRAFT, False, t)]
        if status == S.DRAFT:
            return steps, False
        if status == S.WITHDRAWN and rng.random() < 0.5:  # withdrawn as a draft
            t += _days(rng, 1, 30)
            steps.append(Step(S.DRAFT, S.WITHDRAWN, False, t))
            return steps, False
        t += _days(rng, 2, 40)
        steps.append(Step(S.DRAFT, S.SUBMITTED, False, t))
        if status == S.SUBMITTED:
            return steps, True
        if status == S.WITHDRAWN:
            t += _days(rng, 0.5, 10)
            steps.append(Step(S.SUBMITTED, S.WITHDRAWN, False, t))
            return steps, True
        t += _days(rng, 0.2, 10)
        steps.append(Step(S.SUBMITTED, S.IN_REVIEW, True, t))
        if status == S.RETURNED:
            t += _days(rng, 1, 20)
            steps.append(Step(S.IN_REVIEW, S.RETURNED, True, t, words.RETURN_NOTE))
            return steps, True
        if rng.random() < 0.08:  # returned once on the way, then submitted again
            t += _days(rng, 1, 20)
            steps.append(Step(S.IN_REVIEW, S.RETURNED, True, t, words.RETURN_NOTE))
            t += _days(rng, 2, 20)
            steps.append(Step(S.RETURNED, S.SUBMITTED, False, t))
            t += _days(rng, 0.2, 5)
            steps.append(Step(S.SUBMITTED, S.IN_REVIEW, True, t))
        if status == S.IN_REVIEW:
            return steps, True
        t += _days(rng, 1, 30)
        steps.append(Step(S.IN_REVIEW, status, True, t))
        return steps, True

    def _decision(self, plan: AssessmentPlan) -> Pattern:
        """Pick the answers and the reviewer's decision of a decided assessment: mostly
        the computed outcome, sometimes a reasoned departure from it."""
        rng, patterns = self.rng, self.patterns
        roll = rng.random()
        if plan.status == S.APPROVED:
            if roll < 0.55:
                pattern = rng.choice(patterns[Outcome.ENGAGE])
                decided = Outcome.ENGAGE if rng.random() < 0.92 else Outcome.ENGAGE_WITH_CONDITIONS
            else:
                pattern = rng.choice(patterns[Outcome.ENGAGE_WITH_CONDITIONS])
                decided = Outcome.ENGAGE_WITH_CONDITIONS if rng.random() < 0.95 else Outcome.ENGAGE
            plan.decision_note = rng.choice(words.APPROVAL_NOTES)
        else:
            if roll < 0.85:
                pattern = rng.choice(patterns[Outcome.DO_NOT_ENGAGE])
            else:
                pattern = rng.choice(patterns[Outcome.ENGAGE_WITH_CONDITIONS])
            decided = Outcome.DO_NOT_ENGAGE
            plan.decision_note = rng.choice(words.REJECTION_NOTES)
        concern = any(response == "yes" for _q, _p, response, _note in plan.gate)
        if concern and decided == Outcome.ENGAGE:
            decided = Outcome.ENGAGE_WITH_CONDITIONS  # a gate concern rules out Engage
        plan.decided_outcome = decided
        plan.conditions = words.CONDITIONS if decided == Outcome.ENGAGE_WITH_CONDITIONS else ""
        if concern or decided != pattern.card.outcome:
            plan.justification = words.JUSTIFICATION
        return pattern

    def _gate(
        self, proposal: ProposalPlan
    ) -> list[tuple[ExclusionQuestion, PartnerPlan, str, str]]:
        """Every question about every partner, as the gate asks them: "no", or now and
        then one "yes" or "unknown"."""
        rng = self.rng
        partners = sorted(
            proposal.partners,
            key=lambda x: (ROLE_ORDER.get(str(x[1]), 99), x[0].legal_name, x[0].id),
        )
        gate = [
            (question, partner, "no", "")
            for question in self.questions
            for partner, _role in partners
        ]
        roll = rng.random()
        if gate and roll < 0.07:
            index = rng.randrange(len(gate))
            response = "yes" if roll < 0.04 else "unknown"
            gate[index] = (*gate[index][:2], response, words.GATE_NOTES[response])
        return gate

    def _assessments_plan(self, proposals: list[ProposalPlan]) -> list[AssessmentPlan]:
        rng = self.rng
        chains = spread(rng, len(proposals), ASSESSMENTS_PER_PROPOSAL)
        latest = iter(spread(rng, sum(1 for k in chains if k), LATEST_STATUS))
        plans: list[AssessmentPlan] = []
        for proposal, length in zip(proposals, chains, strict=True):
            statuses = [
                rng.choices(list(EARLIER_STATUS), list(EARLIER_STATUS.values()))[0]
                for _ in range(length - 1)
            ]
            if length:
                statuses.append(next(latest))
            acronym = proposal.agency.acronym
            offset = _days(rng, 0.5, 20)
            previous = last_approved = None
            chain = []
            for status in statuses:
                steps, submitted = self._steps(status)
                answered = submitted or rng.random() < (0.6 if status == S.DRAFT else 0.5)
                plan = AssessmentPlan(
                    proposal=proposal,
                    assessor_id=proposal.creator_id
                    if rng.random() < 0.8
                    else rng.choice(self.staff[(acronym, Role.ASSESSOR)]),
                    reviewer_id=rng.choice(self.staff[(acronym, Role.REVIEWER)])
                    if any(step.by_reviewer for step in steps)
                    else None,
                    status=status,
                    steps=steps,
                    pattern=self.empty_pattern,
                    answered=answered,
                    answered_offset=None,
                    gate=self._gate(proposal) if answered else [],
                    previous=previous,
                    based_on=last_approved,
                )
                if answered:
                    plan.pattern = (
                        self._decision(plan)
                        if status in DECIDED
                        else rng.choice(rng.choice(list(self.patterns.values())))
                    )
                    first_move = steps[1].offset if len(steps) > 1 else _days(rng, 0.1, 3)
                    plan.answered_offset = first_move * rng.uniform(0.5, 0.9)
                for step in steps:
                    step.offset += offset
                if plan.answered_offset is not None:
                    plan.answered_offset += offset
                # The next assessment starts some months after this one ended.
                offset = steps[-1].offset + _days(rng, 30, 400)
                if status == S.APPROVED:
                    last_approved = plan
                previous = plan
                chain.append(plan)
            self._place(proposal, chain)
            plans.extend(chain)
        self._sample_choose(plans)
        return plans

    def _place(self, proposal: ProposalPlan, chain: list[AssessmentPlan]) -> None:
        """Put the proposal and its assessments in time: open work is recent, closed work
        anywhere in the last four years (more of it lately, as use grew)."""
        rng = self.rng
        span = timedelta(0)
        for plan in chain:
            span = max(span, plan.steps[-1].offset, plan.answered_offset or timedelta(0))
        latest_open = chain and chain[-1].status in OPEN_STATUSES
        room = self.now - span - self.start
        if latest_open or room <= timedelta(0):
            created = self.now - span - _days(rng, 0.01, 45 if latest_open else 30)
        else:
            created = self.start + room * math.sqrt(rng.random())
        proposal.created_at = created
        for plan in chain:
            plan.created_at = created + plan.steps[0].offset
            for step in plan.steps:
                step.at = created + step.offset
            if plan.answered_offset is not None:
                plan.answered_at = created + plan.answered_offset

    def _sample_choose(self, plans: list[AssessmentPlan]) -> None:
        """Newest assessments of their proposal, to be decided through the workflow (a
        real signed PDF each): they are loaded in review, their decision still to come."""
        newest = {}
        for plan in plans:
            newest[id(plan.proposal)] = plan
        candidates = [p for p in newest.values() if p.status in DECIDED]
        for plan in self.rng.sample(candidates, min(self.signed, len(candidates))):
            plan.sample = True

    # Ids, in time order.

    def _ids_assign(self, cursor, partners, proposals, assessments) -> None:
        partners.sort(key=lambda p: p.created_at)
        first = reserve_ids(cursor, Partner, len(partners))
        for offset, partner in enumerate(partners):
            partner.id = first + offset
        proposals.sort(key=lambda p: p.created_at)
        first = reserve_ids(cursor, Proposal, len(proposals))
        link = reserve_ids(cursor, ProposalPartner, sum(len(p.partners) for p in proposals))
        for offset, proposal in enumerate(proposals):
            proposal.id = first + offset
            proposal.link_ids = list(range(link, link + len(proposal.partners)))
            link += len(proposal.partners)
        assessments.sort(key=lambda a: a.created_at)
        first = reserve_ids(cursor, Assessment, len(assessments))
        for offset, plan in enumerate(assessments):
            plan.id = first + offset
        pinned = []
        for plan in assessments:
            for step in plan.steps:
                if step.to_status == S.SUBMITTED:
                    pinned.append((step.at, plan, RevisionStage.SUBMITTED))
                elif step.to_status in DECIDED and not plan.sample:
                    pinned.append((step.at, plan, RevisionStage.DECIDED))
        pinned.sort(key=lambda item: item[0])
        first = reserve_ids(cursor, ProposalRevision, len(pinned))
        for offset, (at, plan, stage) in enumerate(pinned):
            plan.revisions.append((first + offset, stage, at))

    # Writing.

    def _partners_write(self, cursor, partners: list[PartnerPlan]) -> None:
        columns = [
            "id", "legal_name", "other_names", "partner_type", "country", "economy_group",
            "region", "classification_edition", "global_compact_participant", "website",
            "notes", "created_at", "updated_at",
        ]  # fmt: skip
        rows = [
            (
                p.id, p.legal_name, p.other_names, p.partner_type, p.country, p.economy_group,
                p.region, economies.EDITION, p.compact, p.website, "", p.created_at, p.created_at,
            )
            for p in partners
        ]  # fmt: skip
        self.counts["partners"] = Table(Partner, columns).write(cursor, rows)
        history = Table(
            Partner.history.model, [*columns, "history_date", "history_type", "history_user_id"]
        )
        self.counts["partner history"] = history.write(
            cursor, ((*row, row[-2], "+", None) for row in rows)
        )

    def _proposals_write(self, cursor, proposals: list[ProposalPlan]) -> None:
        columns = [
            "id", "agency_id", "title", "summary", "objectives", "value", "currency",
            "start_date", "end_date", "countries", "requests_un_name_or_emblem",
            "un_name_or_emblem_use", "requests_exclusivity", "exclusivity_details",
            "complementarity", "created_by_id", "created_at", "updated_at",
        ]  # fmt: skip
        rows = []
        for p in proposals:
            start = (p.created_at + p.start_offset).date()
            rows.append(
                (
                    p.id, p.agency.pk, p.title, p.summary, p.objectives, p.value, p.currency,
                    start, start + p.duration, ",".join(p.countries), p.emblem,
                    "Co-branded project materials." if p.emblem else "", p.exclusivity,
                    "Sole technology provider for the project." if p.exclusivity else "",
                    p.complementarity, p.creator_id, p.created_at, p.created_at,
                )
            )  # fmt: skip
        self.counts["proposals"] = Table(Proposal, columns).write(cursor, rows)
        history = Table(
            Proposal.history.model, [*columns, "history_date", "history_type", "history_user_id"]
        )
        history.write(cursor, ((*row, row[-1], "+", row[-3]) for row in rows))
        contribution_ids = {c.key: c.pk for c in self.contribution_types}
        through = Proposal.contribution_types.through
        self.counts["contribution types"] = Table(
            through, ["proposal_id", "contributiontype_id"]
        ).write(
            cursor,
            ((p.id, contribution_ids[key]) for p in proposals for key in p.contributions),
        )
        links = [
            (link_id, p.id, partner.id, role, p.created_at, p.creator_id)
            for p in proposals
            for link_id, (partner, role) in zip(p.link_ids, p.partners, strict=True)
        ]
        self.counts["partner links"] = Table(
            ProposalPartner, ["id", "proposal_id", "partner_id", "role"]
        ).write(cursor, (row[:4] for row in links))
        Table(
            ProposalPartner.history.model,
            ["id", "proposal_id", "partner_id", "role", "history_date", "history_type",
             "history_user_id"],
        ).write(cursor, ((*row[:4], row[4], "+", row[5]) for row in links))  # fmt: skip

    def _content_text(self, plan: AssessmentPlan) -> str:
        """`canonical_json(self._content(plan))`, put together from the canonical text of
        the proposal (the same for all its revisions) and of the gate: the keys "gate",
        "hits", "proposal" are in sorted order."""
        content = self._content(plan)
        p = plan.proposal
        if p.content_text is None:
            p.content_text = canonical_json(p.content)
        gate = canonical_json(content["gate"])
        return f'{{"gate": {gate}, "hits": [], "proposal": {p.content_text}}}'

    def _content(self, plan: AssessmentPlan) -> dict:
        """The revision's snapshot, as `revisions.live_content()` builds it."""
        p = plan.proposal
        if p.content is None:
            partners = [
                {
                    "partner_id": partner.id,
                    "legal_name": partner.legal_name,
                    "role": str(role),
                    "partner_type": partner.partner_type,
                    "country": partner.country,
                    "economy_group": partner.economy_group,
                    "region": partner.region,
                    "classification_edition": economies.EDITION,
                    "global_compact_participant": partner.compact,
                    "key_people": [],  # the benchmark's partners record none
                }
                for partner, role in p.partners
            ]
            partners.sort(
                key=lambda x: (ROLE_ORDER.get(x["role"], 99), x["legal_name"], x["partner_id"])
            )
            start = (p.created_at + p.start_offset).date()
            p.content = {
                "id": p.id,
                "agency": p.agency.acronym,
                "title": p.title,
                "summary": p.summary,
                "objectives": p.objectives,
                "contribution_types": [
                    {"key": c.key, "name_en": c.name_en, "name_zh": c.name_zh}
                    for c in self.contribution_types
                    if c.key in p.contributions
                ],
                "value": None if p.value is None else str(p.value),
                "currency": p.currency,
                "start_date": start.isoformat(),
                "end_date": (start + p.duration).isoformat(),
                "countries": p.countries,
                "requests_un_name_or_emblem": p.emblem,
                "un_name_or_emblem_use": "Co-branded project materials." if p.emblem else "",
                "requests_exclusivity": p.exclusivity,
                "exclusivity_details": "Sole technology provider for the project."
                if p.exclusivity
                else "",
                "complementarity": p.complementarity,
                "partners": partners,
            }
        gate = [
            {
                "key": question.key,
                "version": question.version,
                "question_en": question.question_en,
                "question_zh": question.question_zh,
                "partner_id": partner.id,
                "partner_name": partner.legal_name,
                "response": response,
                "note": note,
            }
            for question, partner, response, note in plan.gate
        ]
        return {"proposal": p.content, "gate": gate, "hits": []}

    def _state(self, plan: AssessmentPlan, *, final: bool) -> dict:
        """The assessment row: as created (a fresh draft), or as it stands at the end."""
        created = {
            "id": plan.id,
            "proposal_id": plan.proposal.id,
            "assessor_id": plan.assessor_id,
            "framework_id": self.framework.pk,
            "classification_edition": economies.EDITION,
            "based_on_id": plan.based_on.id if plan.based_on else None,
            "status": S.DRAFT,
            "computed_outcome": self.empty_pattern.card.outcome,
            "overall_score": self.empty_pattern.card.overall_percent,
            "coverage": self.empty_pattern.card.coverage_percent,
            "reviewer_id": None,
            "decided_outcome": "",
            "decision_note": "",
            "conditions": "",
            "decision_justification": "",
            "submitted_at": None,
            "decided_at": None,
            "revision_id": None,
            "version": 1,
            "created_at": plan.created_at,
            "updated_at": plan.created_at,
        }
        if not final:
            return created
        card = plan.pattern.card
        steps = [s for s in plan.steps if not (plan.sample and s.to_status in DECIDED)]
        decided = [s for s in steps if s.to_status in DECIDED]
        submissions = [s.at for s in steps if s.to_status == S.SUBMITTED]
        return {
            **created,
            "status": steps[-1].to_status,
            "computed_outcome": card.outcome,
            "overall_score": card.overall_percent,
            "coverage": card.coverage_percent,
            "reviewer_id": plan.reviewer_id,
            "decided_outcome": plan.decided_outcome if decided else "",
            "decision_note": plan.decision_note if decided else "",
            "conditions": plan.conditions if decided else "",
            "decision_justification": plan.justification if decided else "",
            "submitted_at": submissions[-1] if submissions else None,
            "decided_at": decided[-1].at if decided else None,
            "revision_id": plan.revisions[-1][0] if plan.revisions else None,
            # Every save of the draft (the gate, the answers) moves the version on.
            "version": 3 if plan.answered else 1,
            "updated_at": max(steps[-1].at, plan.answered_at or steps[-1].at),
        }

    def _assessments_write(self, cursor, plans: list[AssessmentPlan]) -> None:
        columns = list(self._state(plans[0], final=True)) if plans else ["id"]
        states = [self._state(plan, final=True) for plan in plans]
        with self._phase("  assessments and their history"):
            self.counts["assessments"] = Table(Assessment, columns).write(
                cursor, (tuple(state[c] for c in columns) for state in states)
            )
            self._history_write(cursor, plans, states, columns)
        with self._phase("  answers and their history"):
            self._answers_write(cursor, plans)
        with self._phase("  gate answers, principle scores, status changes"):
            self._gate_write(cursor, plans)
            self._scores_write(cursor, plans)
            self._steps_write(cursor, plans)
        with self._phase("  revisions and their partners"):
            self._revisions_write(cursor, plans)

    def _history_write(self, cursor, plans, states, columns) -> None:
        history_columns = [c for c in columns if c != "version"]
        table = Table(
            Assessment.history.model,
            [*history_columns, "history_date", "history_type", "history_user_id"],
        )

        def rows() -> Iterator[tuple]:
            for plan, state in zip(plans, states, strict=True):
                created = self._state(plan, final=False)
                yield (
                    *(created[c] for c in history_columns),
                    plan.created_at,
                    "+",
                    plan.assessor_id,
                )
                last = [s for s in plan.steps if not (plan.sample and s.to_status in DECIDED)][-1]
                by = plan.reviewer_id if last.by_reviewer else plan.assessor_id
                yield (*(state[c] for c in history_columns), state["updated_at"], "~", by)

        self.counts["assessment history"] = table.write(cursor, rows())

    def _answers_write(self, cursor, plans: list[AssessmentPlan]) -> None:
        answered = [plan for plan in plans if plan.answered]
        total = sum(len(plan.pattern.answers) for plan in answered)
        first = reserve_ids(cursor, Answer, total)
        table = Table(
            Answer,
            ["id", "assessment_id", "criterion_id", "rating", "not_applicable", "justification",
             "evidence_notes", "comment", "updated_at"],
        )  # fmt: skip
        tail = table.text_defaults

        def answers() -> Iterator[str]:
            next_id = first
            for plan in answered:
                at = plan.answered_at.isoformat()
                lines = [
                    f"{next_id + i}\t{plan.id}\t{text}\t{at}{tail}\n"
                    for i, text in enumerate(plan.pattern.answer_text)
                ]
                next_id += len(lines)
                yield "".join(lines)

        table.write_text(cursor, answers())
        self.counts["answers"] = total
        history = Table(
            Answer.history.model,
            ["id", "rating", "not_applicable", "justification", "evidence_notes", "comment",
             "updated_at", "history_date", "history_type", "history_user_id", "assessment_id",
             "criterion_id"],
        )  # fmt: skip
        tail = history.text_defaults

        def history_rows() -> Iterator[str]:
            next_id = first
            for plan in answered:
                at = plan.answered_at.isoformat()
                lines = [
                    f"{next_id + i}\t{text}\t{at}\t{at}\t+\t{plan.assessor_id}\t{plan.id}\t"
                    f"{answer[0]}{tail}\n"
                    for i, (text, answer) in enumerate(
                        zip(plan.pattern.history_text, plan.pattern.answers, strict=True)
                    )
                ]
                next_id += len(lines)
                yield "".join(lines)

        history.write_text(cursor, history_rows())
        self.counts["answer history"] = total

    def _gate_write(self, cursor, plans: list[AssessmentPlan]) -> None:
        rows = [
            (plan.id, question.pk, partner.id, response, note, plan.answered_at, plan.assessor_id)
            for plan in plans
            for question, partner, response, note in plan.gate
        ]
        first = reserve_ids(cursor, GateAnswer, len(rows))
        columns = [
            "id", "assessment_id", "question_id", "partner_id", "response", "note", "updated_at",
        ]  # fmt: skip
        self.counts["gate answers"] = Table(GateAnswer, columns).write(
            cursor, ((first + i, *row[:6]) for i, row in enumerate(rows))
        )
        Table(
            GateAnswer.history.model, [*columns, "history_date", "history_type", "history_user_id"]
        ).write(cursor, ((first + i, *row[:6], row[5], "+", row[6]) for i, row in enumerate(rows)))

    def _scores_write(self, cursor, plans: list[AssessmentPlan]) -> None:
        table = Table(
            PrincipleScore, ["assessment_id", "principle_id", "score", "applicable", "answered"]
        )
        tail = table.text_defaults
        table.write_text(
            cursor,
            (
                "".join(f"{plan.id}\t{text}{tail}\n" for text in plan.pattern.score_text)
                for plan in plans
            ),
        )
        self.counts["principle scores"] = sum(len(plan.pattern.score_text) for plan in plans)

    def _steps_write(self, cursor, plans: list[AssessmentPlan]) -> None:
        rows = sorted(
            (
                (
                    step.at, plan.id, step.from_status, step.to_status,
                    plan.reviewer_id if step.by_reviewer else plan.assessor_id,
                    plan.decision_note if step.to_status in DECIDED else step.note,
                )
                for plan in plans
                for step in plan.steps
                if not (plan.sample and step.to_status in DECIDED)
            ),
            key=lambda row: row[0],
        )  # fmt: skip
        self.counts["status changes"] = Table(
            StatusChange,
            ["created_at", "assessment_id", "from_status", "to_status", "user_id", "note"],
        ).write(cursor, rows)

    def _revisions_write(self, cursor, plans: list[AssessmentPlan]) -> None:
        pinned = sorted(
            ((at, pk, stage, plan) for plan in plans for pk, stage, at in plan.revisions),
            key=lambda item: item[1],
        )
        partner_rows = []

        def rows() -> Iterator[tuple]:
            for at, pk, stage, plan in pinned:
                text = self._content_text(plan)
                proposal = plan.proposal.content
                for partner in proposal["partners"]:
                    partner_rows.append(
                        (pk, partner["partner_id"], partner["role"], partner["legal_name"],
                         partner["partner_type"], partner["country"], partner["economy_group"],
                         partner["region"], partner["classification_edition"])
                    )  # fmt: skip
                yield (
                    pk, plan.id, stage, text, hashlib.sha256(text.encode()).hexdigest(),
                    proposal["title"], plan.proposal.value, proposal["currency"], at,
                )  # fmt: skip

        self.counts["revisions"] = Table(
            ProposalRevision,
            ["id", "assessment_id", "stage", "content", "sha256", "title", "value", "currency",
             "created_at"],
        ).write(cursor, rows())  # fmt: skip
        self.counts["revision partners"] = Table(
            RevisionPartner,
            ["revision_id", "partner_id", "role", "legal_name", "partner_type", "country",
             "economy_group", "region", "classification_edition"],
        ).write(cursor, partner_rows)  # fmt: skip

    # The signed sample, through the workflow.

    def _sample_decide(self, plans: list[AssessmentPlan]) -> None:
        sample = [plan for plan in plans if plan.sample]
        reviewers = {u.pk: u for u in User.objects.filter(pk__in={p.reviewer_id for p in sample})}
        for plan in sample:
            assessment = Assessment.objects.select_related("proposal__agency", "framework").get(
                pk=plan.id
            )
            review_decide(
                assessment=assessment,
                user=reviewers[plan.reviewer_id],
                outcome=plan.decided_outcome,
                note=plan.decision_note,
                conditions=plan.conditions,
                justification=plan.justification,
            )
        self.counts["signed reviews"] = len(sample)
