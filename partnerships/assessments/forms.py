from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from partnerships.assessments import scoring
from partnerships.assessments.attachments import ACCEPT, check_upload
from partnerships.assessments.choices import DECISION_OUTCOMES, GateResponse, Rating
from partnerships.assessments.services import AnswerInput, answer_check
from partnerships.assessments.workflow import decision_problems

RATING_CHOICES = [("", _("Not answered yet")), *[(str(v), label) for v, label in Rating.choices]]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned, errors = [], []
        for upload in files:
            try:
                upload = super().clean(upload, initial)
                check_upload(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


class AnswerForm(forms.Form):
    """One criterion's answer; the form's prefix is the criterion code."""

    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    not_applicable = forms.BooleanField(label=_("Not applicable"), required=False)
    justification = forms.CharField(
        label=_("Justification for “not applicable”"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_notes = forms.CharField(
        label=_("Evidence notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label=_("Attach files"), required=False)

    def __init__(self, *args, criterion, **kwargs):
        self.criterion = criterion
        super().__init__(*args, prefix=criterion.code, **kwargs)

    def clean(self):
        # The answer rules are the model's (Answer.clean and its constraints): run them
        # and show each message at its field.
        data = super().clean()
        try:
            answer_check(self._input(data))
        except ValidationError as error:
            for field, errors in error.update_error_dict({}).items():
                target = field if field in self.fields else None
                if target not in self.errors:  # a field refused by the form says why already
                    self.add_error(target, errors)
        return data

    def _input(self, data) -> AnswerInput:
        return AnswerInput(
            criterion=self.criterion,
            rating=data.get("rating"),
            not_applicable=data.get("not_applicable", False),
            justification=data.get("justification", ""),
            evidence_notes=data.get("evidence_notes", ""),
            comment=data.get("comment", ""),
        )

    def answer_input(self) -> AnswerInput:
        return self._input(self.cleaned_data)

    def preview_value(self) -> scoring.AnswerValue:
        """What the engine should see for a live preview, even while the form has errors."""
        not_applicable = self.data.get(self.add_prefix("not_applicable")) in {"on", "true", "1"}
        raw = self.data.get(self.add_prefix("rating"), "")
        rating = int(raw) if raw in {"0", "1", "2", "3"} and not not_applicable else None
        return scoring.AnswerValue(rating=rating, not_applicable=not_applicable)


class GateAnswerForm(forms.Form):
    """One exclusion question about one partner. The form's prefix is the question's key and
    version and the partner's id, so that a page opened before a new version of the question
    (or before a change of partners) answers nothing for what it did not show."""

    response = forms.ChoiceField(
        label=_("Answer"),
        choices=GateResponse.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for “yes” and “unknown”: what you found, or what is being checked."),
    )

    def __init__(self, *args, item, **kwargs):
        self.item = item
        self.question, self.partner = item.question, item.partner
        prefix = f"{item.question.key}-v{item.question.version}-p{item.partner.pk}"
        super().__init__(*args, prefix=prefix, **kwargs)

    def clean(self):
        data = super().clean()
        if (
            data.get("response") in {GateResponse.YES, GateResponse.UNKNOWN}
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("Explain a “yes” or “unknown” in the note."))
        return data


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What the assessor should change"), widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why is this assessment withdrawn?"),
        help_text=_("Shown in the assessment's history."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_OUTCOMES, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Decision note"), widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Engage with conditions”."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when you depart from the computed outcome or the exclusion gate "
            "raised a concern."
        ),
    )

    language = forms.ChoiceField(
        label=_("Language of the signed report"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, assessment, **kwargs):
        self.assessment = assessment
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("language", translation.get_language() or "en")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        problems = decision_problems(
            self.assessment,
            outcome=data.get("outcome", ""),
            note=data.get("note", ""),
            conditions=data.get("conditions", ""),
            justification=data.get("justification", ""),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data
