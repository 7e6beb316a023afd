from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from partnerships.partners.models import KeyPersonRole, Partner, PartnerType
from partnerships.partners.services import PersonRow
from partnerships.partners.widgets import PartnerSearchSelect, SearchableMultiSelect, preload_chosen
from partnerships.proposals.models import PartnerRole, Proposal
from partnerships.proposals.services import PartnerRow
from partnerships.row_formsets import RowFormSet


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "title", "summary", "objectives", "contribution_types", "value", "currency",
            "start_date", "end_date", "countries", "requests_un_name_or_emblem",
            "un_name_or_emblem_use", "requests_exclusivity", "exclusivity_details",
            "complementarity",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "contribution_types": forms.CheckboxSelectMultiple,
            "start_date": DateInput(),
            "end_date": DateInput(),
            "countries": SearchableMultiSelect(
                attrs={"size": 8},
                js_help=_("Type a country's name to add it; remove one with its ×."),
            ),
            "un_name_or_emblem_use": forms.Textarea(attrs={"rows": 2}),
            "exclusivity_details": forms.Textarea(attrs={"rows": 2}),
            "complementarity": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"countries": _("Hold Ctrl (Cmd on a Mac) to choose several.")}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        if data.get("requests_un_name_or_emblem") and not data.get("un_name_or_emblem_use"):
            self.add_error(
                "un_name_or_emblem_use", _("Say how the UN name or emblem would be used.")
            )
        if data.get("requests_exclusivity") and not data.get("exclusivity_details"):
            self.add_error("exclusivity_details", _("Say what exclusivity is requested."))
        return data

    def validate_constraints(self, exclude=None):
        # The date rule is reported at the end date by clean(); skip the duplicate.
        pass


class PartnerRowForm(forms.Form):
    """A partner of the proposal: picked from the registry, or added here as a new one."""

    partner = forms.ModelChoiceField(
        label=_("Partner from the registry"),
        queryset=Partner.objects.order_by("legal_name"),
        required=False,
        empty_label=_("— or add a new partner below —"),
        # Searched as one types: the page holds the chosen partner, not the registry.
        widget=PartnerSearchSelect(),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *PartnerRole.choices], required=False
    )
    new_legal_name = forms.CharField(
        label=_("New partner: legal name"), required=False, max_length=300
    )
    new_partner_type = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *PartnerType.choices], required=False
    )
    # A callable: country names follow the language of each request.
    new_country = LazyTypedChoiceField(
        label=_("Country"), choices=lambda: [("", "—"), *countries], required=False
    )
    new_website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    new_global_compact_participant = forms.BooleanField(
        label=_("UN Global Compact participant"), required=False
    )
    # The new partner's head, screened with it; more key people on the partner's page.
    new_head_name = forms.CharField(
        label=_("Head of the organization: name"), required=False, max_length=200
    )
    new_head_date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput()
    )
    new_head_nationality = LazyTypedChoiceField(
        label=_("Nationality"), choices=lambda: [("", "—"), *countries], required=False
    )

    def clean(self):
        data = super().clean()
        partner, name = data.get("partner"), (data.get("new_legal_name") or "").strip()
        if partner and name:
            self.add_error(
                "new_legal_name", _("Pick a partner from the registry or add a new one, not both.")
            )
        if name:
            for field in ["new_partner_type", "new_country"]:
                if not data.get(field):
                    self.add_error(field, _("Required for a new partner."))
        if (partner or name) and not data.get("role"):
            self.add_error("role", _("Give the partner's role."))
        head = (data.get("new_head_name") or "").strip()
        head_facts = data.get("new_head_date_of_birth") or data.get("new_head_nationality")
        if partner and (head or head_facts):
            self.add_error(
                "new_head_name",
                _("For a new partner only: record a registry partner's key people on its page."),
            )
        elif not head and head_facts:
            self.add_error("new_head_name", _("Give the person's name."))
        if (head or head_facts) and not partner and not name:
            self.add_error("new_legal_name", _("Give the new partner's legal name."))
        born = data.get("new_head_date_of_birth")
        if born and born > timezone.localdate():
            self.add_error("new_head_date_of_birth", _("A date of birth cannot be in the future."))
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("partner") and not (data.get("new_legal_name") or "").strip()

    def row(self) -> PartnerRow:
        data = self.cleaned_data
        return PartnerRow(
            partner=data.get("partner"),
            role=data["role"],
            legal_name=data.get("new_legal_name", "").strip(),
            partner_type=data.get("new_partner_type", ""),
            country=data.get("new_country", ""),
            website=data.get("new_website", ""),
            global_compact_participant=data.get("new_global_compact_participant", False),
            people=tuple(
                PersonRow(
                    pk=None,
                    name=head,
                    role=KeyPersonRole.HEAD,
                    date_of_birth=data.get("new_head_date_of_birth"),
                    nationality=data.get("new_head_nationality") or "",
                )
                for head in [(data.get("new_head_name") or "").strip()]
                if head and not data.get("partner")
            ),
        )


class BasePartnerRowFormSet(RowFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The chosen partners of all rows are read in one query.
        preload_chosen([form["partner"] for form in self.forms])

    def clean(self):
        if any(self.errors):
            return
        rows = self.filled_forms()
        if not rows:
            raise forms.ValidationError(_("Add at least one partner."))
        if sum(form.cleaned_data.get("role") == PartnerRole.LEAD for form in rows) > 1:
            raise forms.ValidationError(_("A proposal has one lead partner."))
        seen = set()
        for form in rows:
            key = (
                form.cleaned_data.get("partner")
                or form.cleaned_data["new_legal_name"].strip().lower()
            )
            if key in seen:
                form.add_error(None, _("This partner is listed twice."))
            seen.add(key)


# One blank row: "Add another partner" adds more, in the page or (without JavaScript) by a
# submit that keeps what was typed (views.MORE_PARTNERS).
MAX_PARTNERS = 100
PartnerRowFormSet = forms.formset_factory(
    PartnerRowForm,
    formset=BasePartnerRowFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_PARTNERS,
    absolute_max=MAX_PARTNERS,
    validate_max=True,
)


def partner_row_initial(proposal: Proposal) -> list[dict]:
    return [
        {"partner": link.partner, "role": link.role}
        for link in proposal.partner_links.select_related("partner")
    ]
