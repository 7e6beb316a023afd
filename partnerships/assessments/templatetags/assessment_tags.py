from django import template

register = template.Library()

_STATUS_CLASSES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-info",
    "in_review": "text-bg-primary",
    "returned": "text-bg-warning",
    "approved": "text-bg-success",
    "rejected": "text-bg-danger",
    "withdrawn": "text-bg-light border",
}
_OUTCOME_CLASSES = {
    "engage": "text-bg-success",
    "engage_with_conditions": "text-bg-warning",
    "do_not_engage": "text-bg-danger",
    "incomplete": "text-bg-secondary",
}


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def outcome_class(outcome: str) -> str:
    return _OUTCOME_CLASSES.get(outcome, "text-bg-secondary")


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value} %"


@register.filter
def stored_meanwhile(form, name: str):
    """What is stored now for a form's field, when someone else saved a different value."""
    stored = getattr(form, "stored_meanwhile", None)
    return stored.values.get(name) if stored else None
