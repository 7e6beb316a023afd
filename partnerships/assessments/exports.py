"""The rows of the assessment and answer exports, in the reader's language.

Headers and values are labels ("Approved", "Engage with conditions", "Lead partner"),
not codes. A decided assessment is exported as it was decided: its proposal's title,
value, currency and partners come from its pinned revision (revisions.py), never from
the live proposal. Dates stay datetimes: the file writers (oversight/exports.py) write
them in the current time zone, which the headers name.

The rows are read as plain values (`values_list`, never model instances) so that an
export of 100,000 assessments or 3 million answers runs in constant memory and at the
speed of the database: one query streams the assessments in chunks, and each chunk adds
a fixed number of queries (its principle scores and the partners of its undecided
assessments; its answers). Reference data (principles, criteria, frameworks) is read
once. Nothing here grows with the number of rows but the rows.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.assessments import revisions
from partnerships.assessments.choices import (
    AssessmentStatus,
    Outcome,
    Rating,
)
from partnerships.assessments.models import Answer, Assessment, PrincipleScore
from partnerships.checklists.models import Criterion, Framework
from partnerships.principles.models import Principle
from partnerships.proposals.models import ProposalPartner

CHUNK = 2000  # assessments per chunk of the assessment export
ANSWER_CHUNK = 1000  # assessments per query of answers (about 33,000 answers)

# What a live partner row reads (the keys of a revision snapshot's partners).
PARTNER_VALUES = {
    "partner_id": "partner_id",
    "legal_name": "partner__legal_name",
    "role": "role",
    "partner_type": "partner__partner_type",
    "country": "partner__country",
    "economy_group": "partner__economy_group",
    "global_compact_participant": "partner__global_compact_participant",
}


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def _person(first_name: str, last_name: str, username: str) -> str:
    # As User.__str__: the full name, else the username.
    return f"{first_name} {last_name}".strip() or username


def _labels(choices) -> dict:
    """{value: label} in the active language; an unknown or empty value shows as itself,
    as Django's get_FOO_display() does."""
    return {value: str(label) for value, label in choices.choices}


class _PartnersCell:
    """Every partner in one cell: name (role, country, economy group); …

    The labels are `revisions.partner_views`' (as on the pages and the report), read once
    per role, country and economy group: an export repeats a few hundred of them over
    100,000 rows, and reading each from the catalog is most of an export's time."""

    def __init__(self):
        self.text = _("%(name)s (%(role)s, %(country)s, %(economy_group)s)")
        self.labels: dict[tuple, dict] = {}

    def _labels(self, partner: dict) -> dict:
        key = (partner["role"], partner["country"], partner["economy_group"])
        labels = self.labels.get(key)
        if labels is None:
            [view] = revisions.partner_views({"proposal": {"partners": [partner]}})
            labels = self.labels[key] = {
                "role": view.role_label,
                "country": view.country_name,
                "economy_group": view.economy_group_label,
            }
        return labels

    def __call__(self, partners: list[dict]) -> str:
        return "; ".join(
            self.text % {"name": partner["legal_name"], **self._labels(partner)}
            for partner in partners
        )


def _live_partners(proposal_ids: set[int]) -> dict[int, list[dict]]:
    """The partners of these proposals as they stand, in a snapshot's form and order."""
    found: dict[int, list[dict]] = {pk: [] for pk in proposal_ids}
    if not proposal_ids:
        return found
    links = (
        ProposalPartner.objects.filter(proposal_id__in=proposal_ids)
        .order_by()
        .values_list("proposal_id", *PARTNER_VALUES.values())
    )
    for proposal_id, *values in links:
        found[proposal_id].append(dict(zip(PARTNER_VALUES, values, strict=True)))
    return {pk: revisions.sort_partners(partners) for pk, partners in found.items()}


def _time_zone_label(label: str) -> str:
    # Excel has no time zones: the header says which one the dates are in.
    return label % {"time_zone": timezone.get_current_timezone_name()}


def _in_scope(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    # The caller's queryset may carry joins, distinct or an ordering (the admin's
    # changelist): its ids are the scope, the columns are read here.
    return Assessment.objects.filter(pk__in=assessments.values("pk")).order_by("pk")


ASSESSMENT_VALUES = [
    "pk", "proposal__agency__acronym", "status", "revision_id", "revision__title",
    "revision__value", "revision__currency", "revision__content__proposal__partners",
    "proposal_id", "proposal__title", "proposal__value", "proposal__currency", "framework_id",
    "assessor__first_name", "assessor__last_name", "assessor__username", "reviewer_id",
    "reviewer__first_name", "reviewer__last_name", "reviewer__username", "overall_score",
    "coverage", "computed_outcome", "decided_outcome", "decision_note", "conditions",
    "decision_justification", "submitted_at", "decided_at",
]  # fmt: skip


def assessment_rows(assessments: QuerySet[Assessment]) -> Iterator[list]:
    """One row per assessment: what was assessed, its scores, outcome and decision."""
    principles = list(Principle.objects.order_by("number"))
    yield [
        _("Assessment"), _("Agency"), _("Proposal"), _("Value"), _("Currency"), _("Partners"),
        _("Status"), _("Framework"), _("Assessor"), _("Reviewer"), _("Overall score (%)"),
        _("Coverage (%)"), _("Computed outcome"), _("Decided outcome"), _("Decision note"),
        _("Conditions"), _("Justification"),
        _time_zone_label(_("Submitted (%(time_zone)s)")),
        _time_zone_label(_("Decided (%(time_zone)s)")),
        *[_("Score: %(principle)s") % {"principle": p.short_name} for p in principles],
    ]  # fmt: skip
    frameworks = {framework.pk: str(framework) for framework in Framework.objects.all()}
    partners_cell = _PartnersCell()
    statuses, outcomes = _labels(AssessmentStatus), _labels(Outcome)
    principle_ids = [p.pk for p in principles]
    rows = _in_scope(assessments).values_list(*ASSESSMENT_VALUES)
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        scores: dict[int, dict[int, object]] = {row[0]: {} for row in chunk}
        for assessment_id, principle_id, score in (
            PrincipleScore.objects.filter(assessment_id__in=scores)
            .order_by()
            .values_list("assessment_id", "principle_id", "score")
        ):
            scores[assessment_id][principle_id] = score
        # Decided assessments show their pinned revision.
        live = _live_partners(
            {row[8] for row in chunk if not Assessment.pinned_for(row[2], row[3])}
        )
        for (
            pk, agency, status, revision_id, revision_title, revision_value, revision_currency,
            pinned_partners, proposal_id, proposal_title, proposal_value, proposal_currency,
            framework_id, assessor_first, assessor_last, assessor_username, reviewer_id,
            reviewer_first, reviewer_last, reviewer_username, overall_score, coverage,
            computed_outcome, decided_outcome, decision_note, conditions, justification,
            submitted_at, decided_at,
        ) in chunk:  # fmt: skip
            if Assessment.pinned_for(status, revision_id):
                title, value, currency = revision_title, revision_value, revision_currency
                partners = pinned_partners or []
            else:
                title, value, currency = proposal_title, proposal_value, proposal_currency
                partners = live[proposal_id]
            principle_scores = scores[pk]
            yield [
                pk, agency, title, value, currency, partners_cell(partners),
                statuses.get(status, status), frameworks.get(framework_id, ""),
                _person(assessor_first, assessor_last, assessor_username),
                _person(reviewer_first, reviewer_last, reviewer_username) if reviewer_id else "",
                overall_score, coverage, outcomes.get(computed_outcome, computed_outcome),
                outcomes.get(decided_outcome, decided_outcome), decision_note, conditions,
                justification, submitted_at, decided_at,
                *[principle_scores.get(principle_id) for principle_id in principle_ids],
            ]  # fmt: skip


def answer_rows(assessments: QuerySet[Assessment]) -> Iterator[list]:
    """One row per answer: the criterion, its rating (0–3) and the rating's label."""
    yield [
        _("Assessment"), _("Agency"), _("Proposal"), _("Principle"), _("Criterion"),
        _("Question"), _("Key criterion"), _("Rating"), _("Answer"), _("Justification"),
        _("Evidence notes"), _("Comment"),
    ]  # fmt: skip
    # Every framework's criteria, read once: what each answer row repeats of its criterion,
    # and the order of a framework (principle, position, code).
    criteria = {}
    for criterion in Criterion.objects.select_related("principle"):
        criteria[criterion.pk] = (
            (criterion.principle.number, criterion.position, criterion.code),
            [
                criterion.principle.short_name, criterion.code, criterion.question,
                _yes_no(criterion.is_key),
            ],
        )  # fmt: skip
    # As Answer.display_value, with the labels read once.
    ratings = {rating.value: str(rating.label) for rating in Rating}
    not_applicable, unanswered = str(_("Not applicable")), str(_("Unanswered"))
    assessed = _in_scope(assessments).values_list(
        "pk", "proposal__agency__acronym", "status", "revision_id", "revision__title",
        "proposal__title",
    )  # fmt: skip
    for chunk in _chunks(assessed.iterator(chunk_size=ANSWER_CHUNK), ANSWER_CHUNK):
        # The proposal's title as decided (Assessment.assessed_title), else as it stands.
        heads = {
            pk: [pk, agency, pinned if Assessment.pinned_for(status, revision_id) else title]
            for pk, agency, status, revision_id, pinned, title in chunk
        }
        answers = sorted(
            Answer.objects.filter(assessment_id__in=heads)
            .order_by()
            .values_list(
                "assessment_id", "criterion_id", "rating", "not_applicable", "justification",
                "evidence_notes", "comment",
            ),
            key=lambda answer: (answer[0], criteria[answer[1]][0]),
        )  # fmt: skip
        for assessment_id, criterion_id, rating, is_na, justification, notes, comment in answers:
            label = not_applicable if is_na else unanswered if rating is None else ratings[rating]
            yield [
                *heads[assessment_id], *criteria[criterion_id][1], rating, label,
                justification, notes, comment,
            ]  # fmt: skip
