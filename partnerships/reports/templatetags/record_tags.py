"""The signed review's word on a page of the assessments app, which does not import this
one: `{% load record_tags %}{% signed_record_status assessment %}`."""

from django import template

from partnerships.reports.verification import stored_review_integrity

register = template.Library()


@register.filter
def difference_field(line: str) -> str:
    """Only the field of a "field: signed X, database Y" line: the public verification
    page says what differs, never what the database holds."""
    return line.split(": signed ", 1)[0]


@register.inclusion_tag("reports/_signed_record_status.html")
def signed_record_status(assessment):
    """Whether the database still says what the assessment's signed review says (its
    stored bytes, signature and embedded record checked: a fixed number of queries)."""
    review = getattr(assessment, "signed_review", None)
    if review is None:
        return {"review": None, "unsigned_decision": assessment.is_decided}
    return {
        "review": review,
        "integrity": stored_review_integrity(review, reuse_checks=True),
    }
