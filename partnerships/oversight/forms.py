from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.accounts.models import Agency
from partnerships.accounts.roles import Role
from partnerships.oversight.portfolio import PortfolioFilter
from partnerships.partners.models import PartnerType


class DateInput(forms.DateInput):
    input_type = "date"


class PortfolioFilterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.all(),
        required=False,
        empty_label=_("All agencies"),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    partner_type = forms.ChoiceField(
        label=_("Partner type"),
        choices=[("", _("All types")), *PartnerType.choices],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_role(Role.OVERSIGHT):
            del self.fields["agency"]  # reviewers see their own agency only

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data

    def portfolio_filter(self) -> PortfolioFilter:
        # The fields that are valid still apply when another one is not.
        if not self.is_bound:
            return PortfolioFilter()
        self.is_valid()
        data = self.cleaned_data
        return PortfolioFilter(
            agency=data.get("agency"),
            start=data.get("start"),
            end=data.get("end"),
            partner_type=data.get("partner_type", ""),
        )
