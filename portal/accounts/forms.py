"""The sign-in form: password, and a TOTP code for admin and oversight (or anyone enrolled); and the
code that confirms an authenticator being enrolled."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.validators import MaxLengthValidator

from .roles import ROLES_NEEDING_MFA, user_role
from .totp import totp_device_of


class LoginForm(AuthenticationForm):
    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "otp_required": "Enter the six-digit code from your authenticator app.",
        "otp_invalid": "That authenticator code is wrong or has expired.",
    }
    enrolment_needed = False  # set by clean(): the password was right and an authenticator is to be enrolled

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sets the username's max_length after the field is built, so no validator
        # enforces it: an over-long name would reach the lockout table (255 characters) and fail there.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        device = totp_device_of(user)
        if device is None:
            # First sign-in (or after an administrator's reset): the person enrols their own authenticator
            # next (views.TotpEnrolView), and is signed in only once it gives a right code.
            self.enrolment_needed = user_role(user) in ROLES_NEEDING_MFA
            return cleaned
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            self._otp_failed("otp_required")
        if not device.verify_token(token):
            self._otp_failed("otp_invalid")
        user.otp_device = device  # django_otp's login receiver marks the session verified
        return cleaned

    def _otp_failed(self, code: str):
        """A missing or wrong code counts as a failed sign-in (audited, and towards the lockout)."""
        username = self.cleaned_data.get("username", "")
        user_login_failed.send(
            sender=__name__, credentials={"username": username, "reason": code}, request=self.request
        )
        self.user_cache = None
        raise forms.ValidationError(self.error_messages[code], code=code)


class TotpEnrolForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Enter the six-digit code your authenticator app shows."},
    )


GOVUK_SELECT = "govuk-select"


class TokenIssueForm(forms.Form):
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label="Person", empty_label="Choose a person", widget=forms.Select(attrs={"class": GOVUK_SELECT})
    )
    days = forms.IntegerField(label="Lasts (days)", min_value=1, max_value=366, initial=30)

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = holders
