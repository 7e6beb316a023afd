"""The audit trail of one assessment: every change to it, its answers, gate and
attachments, with who and when (django-simple-history), as a readable list."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from partnerships.assessments.models import (
    Answer,
    Assessment,
    Attachment,
    ExclusionQuestion,
    GateAnswer,
)
from partnerships.partners.models import Partner

IGNORED_FIELDS = {"updated_at", "created_at", "uploaded_at", "file", "version"}
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    when: datetime
    who: str
    subject: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)


def _tracked_fields(model) -> list:
    return [
        f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS and not f.primary_key
    ]


def _display(record, model_field) -> str:
    value = getattr(record, model_field.attname)
    if model_field.choices and value not in (None, ""):
        return str(dict(model_field.flatchoices).get(value, value))
    return "—" if value in (None, "") else str(value)


def _changes(history_rows, model, subject_of) -> list[Change]:
    fields = _tracked_fields(model)
    previous: dict[int, object] = {}
    changes = []
    for row in history_rows:
        before = previous.get(row.id)
        diffs = []
        for model_field in fields:
            after_text = _display(row, model_field)
            before_text = _display(before, model_field) if before is not None else "—"
            if before is None and after_text == "—":
                continue
            if before is None or before_text != after_text:
                diffs.append((str(model_field.verbose_name), before_text, after_text))
        if row.history_type == "-" or diffs:
            changes.append(
                Change(
                    when=row.history_date,
                    who=str(row.history_user) if row.history_user else _("system"),
                    subject=subject_of(row),
                    action=str(ACTIONS[row.history_type]),
                    fields=diffs,
                )
            )
        previous[row.id] = row
    return changes


def assessment_changes(assessment: Assessment) -> list[Change]:
    """Newest first; a fixed number of queries whatever the length of the trail."""
    codes = dict(assessment.framework.criteria.values_list("pk", "code"))
    questions = dict(ExclusionQuestion.objects.values_list("pk", "key"))
    partners = dict(
        Partner.objects.filter(
            pk__in=GateAnswer.history.filter(assessment_id=assessment.pk).values("partner_id")
        ).values_list("pk", "legal_name")
    )

    def gate_subject(row) -> str:
        key = questions.get(row.question_id, "?")
        if row.partner_id is None:
            return _("Gate: %(key)s") % {"key": key}
        return _("Gate: %(key)s, %(partner)s") % {
            "key": key,
            "partner": partners.get(row.partner_id, "?"),
        }

    def ordered(queryset):
        return queryset.select_related("history_user").order_by("history_date", "history_id")

    changes = [
        *_changes(
            ordered(Assessment.history.filter(id=assessment.pk)),
            Assessment,
            lambda row: _("Assessment"),
        ),
        *_changes(
            ordered(Answer.history.filter(assessment_id=assessment.pk)),
            Answer,
            lambda row: _("Answer %(code)s") % {"code": codes.get(row.criterion_id, "?")},
        ),
        *_changes(
            ordered(GateAnswer.history.filter(assessment_id=assessment.pk)),
            GateAnswer,
            gate_subject,
        ),
        *_changes(
            ordered(Attachment.history.filter(assessment_id=assessment.pk)),
            Attachment,
            lambda row: _("Attachment %(name)s") % {"name": row.original_name},
        ),
    ]
    return sorted(changes, key=lambda change: change.when, reverse=True)
