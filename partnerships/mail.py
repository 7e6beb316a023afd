"""E-mail leaves as plain text: its templates (templates/emails/) are rendered by a
template engine of their own that escapes nothing (the "plain_text" engine of
settings.TEMPLATES, which sees no other folder), so a title with `<`, `&` or `'` arrives
as it was typed; HTML pages never go through it."""

from django.template.loader import render_to_string

ENGINE = "plain_text"


def plain_text_mail(name: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and body of templates/emails/<name>_subject.txt and
    <name>.txt."""
    subject = render_to_string(f"{name}_subject.txt", context, using=ENGINE)
    body = render_to_string(f"{name}.txt", context, using=ENGINE)
    return " ".join(subject.split()), body
