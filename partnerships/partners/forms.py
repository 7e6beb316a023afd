from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from partnerships.partners.models import KeyPersonRole
from partnerships.partners.services import PersonRow
from partnerships.row_formsets import RowFormSet


class KeyPersonForm(forms.Form):
    """A key person of a partner: name, role, and what tells namesakes apart."""

    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *KeyPersonRole.choices], required=False
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    nationality = LazyTypedChoiceField(
        label=_("Nationality"), choices=lambda: [("", "—"), *countries], required=False
    )

    def clean(self):
        data = super().clean()
        if not self.is_blank:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Give the person's name."))
            if not data.get("role"):
                self.add_error("role", _("Give the person's role."))
        born = data.get("date_of_birth")
        if born and born > timezone.localdate():
            self.add_error("date_of_birth", _("A date of birth cannot be in the future."))
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in ["name", "role", "date_of_birth", "nationality"])

    def row(self) -> PersonRow:
        data = self.cleaned_data
        return PersonRow(
            pk=data.get("pk"),
            name=data["name"].strip(),
            role=data["role"],
            date_of_birth=data.get("date_of_birth"),
            nationality=data.get("nationality") or "",
        )


KeyPersonFormSet = forms.formset_factory(
    KeyPersonForm, formset=RowFormSet, extra=3, can_delete=True, max_num=50
)


def key_person_initial(partner) -> list[dict]:
    return [
        {
            "pk": person.pk,
            "name": person.name,
            "role": person.role,
            "date_of_birth": person.date_of_birth,
            "nationality": person.nationality.code,
        }
        for person in partner.key_people.all()
    ]
