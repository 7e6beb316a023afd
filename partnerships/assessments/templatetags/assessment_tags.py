from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from partnerships.formats.numbers import amount_text, percent_text
from partnerships.integrity.row_versions import reused

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
    """A score: "66.9 %" (one decimal, the language's number format), "—" for none."""
    return percent_text(value)


@register.filter
def amount(value, currency: str = "") -> str:
    """`{{ proposal.value|amount:proposal.currency }}`: "1,250,000 USD"."""
    return amount_text(value, currency)


@register.filter
def stored_meanwhile(form, name: str):
    """What is stored now for a form's field, when someone else saved a different value."""
    stored = getattr(form, "stored_meanwhile", None)
    return stored.values.get(name) if stored else None


class SignedDecisionFragment(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        assessment, review = context.get("assessment"), context.get("signed_review")
        seconds = settings.DECIDED_SHEET_CACHE_SECONDS
        # Only what is shown from the pinned revision is fixed: a decision from before
        # revisions were pinned shows the proposal as it stands.
        if not (seconds and review and assessment.shows_pinned):
            return self.nodelist.render(context)
        # The signed bytes are in the key: what was signed is what is kept.
        key = (
            f"signed-decision:{self.name}:{assessment.pk}:{translation.get_language()}:"
            f"{review.sha256}"
        )
        fragment = cache.get(key)
        if fragment is None:
            fragment = self.nodelist.render(context)
            cache.set(key, fragment, seconds)
        return fragment


@register.tag
def signed_decision_fragment(parser, token):
    """`{% signed_decision_fragment "name" %}…{% endsigned_decision_fragment %}`: on the
    page of a signed decision shown from its pinned revision, which never changes (the
    database refuses it), the part is rendered once per language and kept for
    DECIDED_SHEET_CACHE_SECONDS, whoever views it; so it must show nothing that depends
    on the viewer or on live data. Elsewhere it is rendered every time."""
    try:
        _, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("signed_decision_fragment takes one name") from None
    nodelist = parser.parse(("endsigned_decision_fragment",))
    parser.delete_first_token()
    return SignedDecisionFragment(name.strip("\"'"), nodelist)


class KeptFragment(template.Node):
    def __init__(self, name: str, versions: template.base.FilterExpression, nodelist):
        self.name, self.versions, self.nodelist = name, versions, nodelist

    def render(self, context) -> str:
        versions = self.versions.resolve(context)
        if not versions:
            return self.nodelist.render(context)
        language, zone = translation.get_language(), timezone.get_current_timezone_name()
        key = f"kept:{self.name}:{language}:{zone}"
        return reused(key, versions, lambda: self.nodelist.render(context))


@register.tag
def kept(parser, token):
    """`{% kept "name" versions %}…{% endkept %}`: the part rendered once per language
    and time zone and kept while the rows it shows are unchanged (`versions`, their row
    versions, read before those rows; rendered every time where there are none). It must
    show nothing but those rows: nothing that depends on the viewer, or on data outside
    them. When it is kept nothing inside runs, so nothing after it may rely on a variable
    it sets."""
    try:
        _, name, versions = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("kept takes a name and the row versions") from None
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptFragment(name.strip("\"'"), parser.compile_filter(versions), nodelist)
