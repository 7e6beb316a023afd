"""What a refused save shows when someone saved the assessment meanwhile: beside each
field whose stored value differs from what the user typed, the stored value, and who
saved it when (from the audit trail)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from partnerships.accounts.models import User
from partnerships.assessments.choices import GateResponse, Rating
from partnerships.assessments.models import Answer, Assessment, GateAnswer


@dataclass
class StoredMeanwhile:
    """One form's stored values that differ from the user's (field name -> text)."""

    saved_by: User | None
    saved_at: datetime | None
    values: dict[str, str] = field(default_factory=dict)


def _last_authors(history) -> dict[int, tuple[User | None, datetime]]:
    """Each row's (history_user, history_date) in its newest history entry, by row id."""
    authors: dict[int, tuple[User | None, datetime]] = {}
    for row in history.select_related("history_user").order_by("-history_date", "-history_id"):
        authors.setdefault(row.id, (row.history_user, row.history_date))
    return authors


def _text(value: str) -> str:
    return value or _("(empty)")


def _answer_texts(answer: Answer | None) -> dict[str, tuple[object, str]]:
    """Each field's stored value and how it reads; no answer reads as an empty one."""
    rating = answer.rating if answer else None
    not_applicable = answer.not_applicable if answer else False
    texts = {
        "rating": (rating, Rating(rating).label if rating is not None else _("Not answered yet")),
        "not_applicable": (
            not_applicable,
            _("Not applicable") if not_applicable else _("Applicable"),
        ),
    }
    for name in ["justification", "evidence_notes", "comment"]:
        value = getattr(answer, name) if answer else ""
        texts[name] = (value, _text(value))
    return texts


def answer_conflicts(assessment: Assessment, forms) -> None:
    """Set `form.stored_meanwhile` on each valid answer form whose criterion's stored
    answer differs from what the form holds."""
    stored = {a.criterion_id: a for a in assessment.answers.all()}
    authors = _last_authors(Answer.history.filter(assessment_id=assessment.pk))
    for form in forms:
        answer = stored.get(form.criterion.pk)
        typed = form.answer_input()
        differing = {
            name: text
            for name, (value, text) in _answer_texts(answer).items()
            if value != getattr(typed, name)
        }
        if differing:
            saved_by, saved_at = authors.get(answer.pk, (None, None)) if answer else (None, None)
            form.stored_meanwhile = StoredMeanwhile(saved_by, saved_at, differing)


def gate_conflicts(assessment: Assessment, forms) -> None:
    """Set `form.stored_meanwhile` on each valid gate form whose stored answer differs."""
    stored = {(g.question_id, g.partner_id): g for g in assessment.gate_answers.all()}
    authors = _last_authors(GateAnswer.history.filter(assessment_id=assessment.pk))
    for form in forms:
        answer = stored.get(form.item.key)
        response = answer.response if answer else ""
        note = answer.note if answer else ""
        differing = {}
        if response != form.cleaned_data["response"]:
            differing["response"] = (
                GateResponse(response).label if response else _("Not answered yet")
            )
        if note != form.cleaned_data["note"]:
            differing["note"] = _text(note)
        if differing:
            saved_by, saved_at = authors.get(answer.pk, (None, None)) if answer else (None, None)
            form.stored_meanwhile = StoredMeanwhile(saved_by, saved_at, differing)
