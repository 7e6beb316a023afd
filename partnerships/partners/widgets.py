"""The partner picker: a select that renders only its chosen partner, never the registry.

static/js/partner-search.js turns it into a Tom Select box that asks the partner search
endpoint (partners/views.py) as the user types. Without JavaScript it stays a plain
select holding the current choice (and the empty choice), so a form still submits what
was chosen; picking another registry partner then needs JavaScript.
"""

from urllib.parse import urlencode

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerships.partners.views import MIN_CHARS

TOM_SELECT = "vendor/tom-select-2.6.2"


class PartnerSearchSelect(forms.Select):
    """For a ModelChoiceField over partners. The field's queryset still decides what is
    valid; the widget only changes what is rendered."""

    # Read by templates/_filter_field.html, which renders other selects by hand.
    renders_chosen_only = True

    class Media:
        css = {"all": [f"{TOM_SELECT}/tom-select.bootstrap5.min.css"]}
        js = [f"{TOM_SELECT}/tom-select.complete.min.js", "js/partner-search.js"]

    def __init__(self, attrs=None, *, scope: str = ""):
        super().__init__(attrs)
        self.scope = scope
        # {str(pk): label}, filled for many rows at once by `preload_chosen`.
        self.chosen_labels: dict[str, str] | None = None

    def search_url(self) -> str:
        url = reverse("partner_search")
        return f"{url}?{urlencode({'scope': self.scope})}" if self.scope else url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Texts in the language of this request, for the script to show.
        context["widget"]["attrs"].update(
            {
                "data-search-url": self.search_url(),
                "data-min-chars": MIN_CHARS,
                "data-placeholder": _("Type a name to search"),
                "data-type-more": _("Type at least 2 letters to search the registry."),
                "data-loading": _("Searching…"),
                "data-no-results": _("No partner matches."),
                "data-failed": _("The search failed. Try again."),
                "data-clear": _("Clear"),
            }
        )
        return context

    def use_required_attribute(self, initial) -> bool:
        # forms.Select looks at the first choice, which for a required field means
        # reading the queryset; required is allowed when the empty choice comes first.
        return not self.is_hidden and self._empty_label() is not None

    def optgroups(self, name, value, attrs=None):
        options = []
        empty_label = self._empty_label()
        if empty_label is not None:
            options.append(("", empty_label))
        options.extend(self._chosen(value))
        return [
            (
                None,
                [
                    self.create_option(
                        name, pk, label, str(pk) in value, index, subindex=None, attrs=attrs
                    )
                ],
                index,
            )
            for index, (pk, label) in enumerate(options)
        ]

    def _empty_label(self):
        if isinstance(self.choices, ModelChoiceIterator):
            return self.choices.field.empty_label
        return next((label for key, label in self.choices if key in ("", None)), None)

    def _chosen(self, value: list[str]) -> list[tuple[str, str]]:
        keys = [key for key in value if key not in ("", None)]
        if not keys:
            return []
        if self.chosen_labels is None or not set(keys) <= self.chosen_labels.keys():
            self.chosen_labels = labels_of(self.choices, keys)
        return [(key, self.chosen_labels[key]) for key in keys if key in self.chosen_labels]


class SearchableMultiSelect(forms.SelectMultiple):
    """A multiple select that static/js/multi-select.js turns into a Tom Select box, to
    search by typing, with the chosen options shown in the box. Without JavaScript it is
    the plain list (the field's help text says how to choose several)."""

    class Media:
        css = {"all": [f"{TOM_SELECT}/tom-select.bootstrap5.min.css"]}
        js = [f"{TOM_SELECT}/tom-select.complete.min.js", "js/multi-select.js"]

    def __init__(self, attrs=None, *, js_help: str = ""):
        super().__init__(attrs)
        self.js_help = js_help

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Texts in the language of this request, for the script to show.
        context["widget"]["attrs"].update(
            {
                "data-multi-select": "",
                "data-help": str(self.js_help),
                "data-no-results": _("Nothing matches."),
                "data-remove": _("Remove"),
            }
        )
        return context


def labels_of(choices, keys) -> dict[str, str]:
    """{str(pk): label} of the chosen partners the field accepts (one query): a key
    outside the field's queryset, typed into a URL, shows nothing."""
    if not isinstance(choices, ModelChoiceIterator):
        return {str(key): str(label) for key, label in choices if str(key) in set(keys)}
    pks = []
    for key in keys:
        try:
            pks.append(int(key))
        except (TypeError, ValueError):
            continue
    if not pks:
        return {}
    return {
        str(partner.pk): partner.choice_label for partner in choices.queryset.filter(pk__in=pks)
    }


def preload_chosen(bound_fields) -> None:
    """Read the chosen partners of many picker fields (a formset's rows) in one query."""
    bound_fields = [
        field for field in bound_fields if isinstance(field.field.widget, PartnerSearchSelect)
    ]
    if not bound_fields:
        return
    keys = set()
    for field in bound_fields:
        value = field.value()
        for key in value if isinstance(value, (list, tuple)) else [value]:
            if key not in ("", None):
                keys.add(str(key))
    labels = labels_of(bound_fields[0].field.widget.choices, keys) if keys else {}
    for field in bound_fields:
        field.field.widget.chosen_labels = labels
