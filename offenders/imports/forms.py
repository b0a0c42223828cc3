"""The admin upload form for the offences CSV, and the size check every upload form shares (the harm-index
form is scoring's: scoring/forms.py)."""

from django import forms
from django.core.exceptions import ValidationError

from .problems import FileRefused
from .sources import check_size


def file_within_limit(uploaded):
    """The uploaded file, or a form error when it is over the import size limit."""
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
        return file_within_limit(self.cleaned_data["file"])
