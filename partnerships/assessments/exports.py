"""The rows of the assessment and answer exports, in the reader's language.

Headers and values are labels ("Approved", "Engage with conditions", "Lead partner"),
not codes. A decided assessment is exported as it was decided: its proposal's title,
value, currency and partners come from its pinned revision (revisions.py), never from
the live proposal. Dates stay datetimes: the file writers (oversight/exports.py) write
them in the current time zone, which the headers name.

The rows are read in chunks (`iterator`), with a fixed number of queries per chunk.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.assessments import revisions
from partnerships.assessments.models import Answer, Assessment, PrincipleScore
from partnerships.principles.models import Principle
from partnerships.proposals.models import ProposalPartner

CHUNK = 500


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


@dataclass
class _Assessed:
    title: str
    value: Decimal | None
    currency: str
    partners: str


def _partners_cell(content: dict) -> str:
    """Every partner in one cell: name (role, country, economy group); …"""
    return "; ".join(
        _("%(name)s (%(role)s, %(country)s, %(economy_group)s)")
        % {
            "name": partner.name,
            "role": partner.role_label,
            "country": partner.country_name,
            "economy_group": partner.economy_group_label,
        }
        for partner in revisions.partner_views(content)
    )


def _assessed(assessment: Assessment) -> _Assessed:
    """What was assessed, as `revisions.assessed_content()` has it, from the rows the
    export loaded: the pinned revision once decided, else the proposal as it stands."""
    if assessment.shows_pinned:
        revision = assessment.revision
        return _Assessed(
            revision.title, revision.value, revision.currency, _partners_cell(revision.content)
        )
    proposal = assessment.proposal
    live = {"proposal": {"partners": revisions.partners_content(proposal.partner_links.all())}}
    return _Assessed(proposal.title, proposal.value, proposal.currency, _partners_cell(live))


def _time_zone_label(label: str) -> str:
    # Excel has no time zones: the header says which one the dates are in.
    return label % {"time_zone": timezone.get_current_timezone_name()}


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
    rows = assessments.select_related(
        "proposal__agency", "framework", "assessor", "reviewer", "revision"
    ).prefetch_related(
        Prefetch(
            "principle_scores",
            queryset=PrincipleScore.objects.only("assessment_id", "principle_id", "score"),
        ),
        Prefetch(
            "proposal__partner_links", queryset=ProposalPartner.objects.select_related("partner")
        ),
    )
    for a in rows.order_by("pk").iterator(chunk_size=CHUNK):
        assessed = _assessed(a)
        scores = {s.principle_id: s.score for s in a.principle_scores.all()}
        yield [
            a.pk, a.proposal.agency.acronym, assessed.title, assessed.value, assessed.currency,
            assessed.partners, a.get_status_display(), str(a.framework), str(a.assessor),
            str(a.reviewer) if a.reviewer else "", a.overall_score, a.coverage,
            a.get_computed_outcome_display(), a.get_decided_outcome_display(), a.decision_note,
            a.conditions, a.decision_justification, a.submitted_at, a.decided_at,
            *[scores.get(p.pk) for p in principles],
        ]  # fmt: skip


def answer_rows(assessments: QuerySet[Assessment]) -> Iterator[list]:
    """One row per answer: the criterion, its rating (0–3) and the rating's label."""
    yield [
        _("Assessment"), _("Agency"), _("Proposal"), _("Principle"), _("Criterion"),
        _("Question"), _("Key criterion"), _("Rating"), _("Answer"), _("Justification"),
        _("Evidence notes"), _("Comment"),
    ]  # fmt: skip
    answers = (
        Answer.objects.filter(assessment__in=assessments)
        .select_related(
            "assessment__proposal__agency", "assessment__revision", "criterion__principle"
        )
        # The title is all a row needs of the revision.
        .defer("assessment__revision__content")
        .order_by("assessment_id", "criterion__principle__number", "criterion__position")
    )
    for answer in answers.iterator(chunk_size=CHUNK):
        assessment, criterion = answer.assessment, answer.criterion
        yield [
            assessment.pk, assessment.proposal.agency.acronym, assessment.assessed_title,
            criterion.principle.short_name, criterion.code, criterion.question,
            _yes_no(criterion.is_key), answer.rating, answer.display_value, answer.justification,
            answer.evidence_notes, answer.comment,
        ]  # fmt: skip
