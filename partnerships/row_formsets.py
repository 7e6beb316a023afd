"""Formsets of rows typed into a page (partners of a proposal, key people of a partner):
blank rows are left unused, and each filled row becomes the service's row."""

from django import forms


class RowFormSet(forms.BaseFormSet):
    """Its forms have `is_blank` and `row()`; `rows()` are the filled, kept ones."""

    def filled_forms(self) -> list[forms.Form]:
        return [
            form for form in self.forms if not form.is_blank and not self._should_delete_form(form)
        ]

    def rows(self) -> list:
        return [form.row() for form in self.filled_forms()]


def typed_values(form: forms.Form) -> dict:
    """What was typed into a bound form, field by field, as initial values for a fresh
    unbound copy: the page comes back as it was sent, without judging it yet."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }


def with_more_rows(formset: RowFormSet, more: int = 1) -> RowFormSet:
    """An unbound copy of a bound formset holding every row as typed, then `more` blank
    ones: the "more rows" submit of a page without JavaScript."""
    copy = type(formset)(
        prefix=formset.prefix,
        initial=[typed_values(form) for form in formset.forms],
        form_kwargs=formset.form_kwargs,
    )
    copy.extra = more
    return copy
