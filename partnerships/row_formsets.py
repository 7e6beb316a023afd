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
