"""The admin upload forms: a file (within the size limit) and, for a harm index, the new policy's name."""

from django import forms
from django.core.exceptions import ValidationError

from .. import rules
from .problems import FileRefused
from .sources import check_size


def _within_limit(uploaded):
    try:
        check_size(uploaded.size)
    except FileRefused as refused:
        raise ValidationError(str(refused)) from None
    return uploaded


class OffencesUploadForm(forms.Form):
    file = forms.FileField(
        label="Offences CSV",
        help_text="UTF-8 CSV with a header row; one offence a row (the columns of the import format).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        return _within_limit(self.cleaned_data["file"])


class HarmIndexUploadForm(forms.Form):
    name = forms.CharField(label="Name of the new draft policy", validators=[rules.POLICY_NAME.validator()])
    file = forms.FileField(
        label="Harm-index workbook (.xlsx)",
        help_text="The Cambridge Crime Harm Index layout: FULL_OFFENCE_TITLE, CCHI Score, HOME_OFFICE_CLASSIFICATION.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        return _within_limit(self.cleaned_data["file"])
