"""What every page form shares: putting a service's refusal back on the form that asked for it.

Forms only parse; the services apply the rules and raise a ValidationError keyed by field. Showing
that error the same way on every page (field messages against their fields, the rest in the error
summary at the top) is what lets a page and the API refuse the same things in the same words.
"""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
