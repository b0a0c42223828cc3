"""Login (password plus TOTP where required), first-sign-in authenticator enrolment, logout and the
lockout page."""

import math
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View

from .forms import LoginForm, TokenIssueForm, TotpEnrolForm
from .guards import CapabilityRequiredMixin
from .middleware import LAST_SEEN_KEY, LOGIN_STARTED_KEY
from .models import ApiToken, User
from .network import client_ip
from .selectors import api_tokens_listed, sign_in_address_wait, token_holders
from .services import (
    ADDRESS_LIMIT,
    PAIR_LIMIT,
    login_locked_out,
    token_issue,
    token_revoke,
    totp_enrolment_begin,
    totp_enrolment_confirm,
)
from .totp import hex_to_secret

ENROL_USER_KEY = "portal_enrol_user"
ENROL_STARTED_KEY = "portal_enrol_at"
ENROL_NEXT_KEY = "portal_enrol_next"
QR_TITLE = "QR code of your authenticator key"
ENROL_SECONDS = 600  # the password was checked this long ago at most


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        if form.enrolment_needed:
            # Not signed in yet: the enrolment page knows whose password was just checked, for ten minutes.
            session = self.request.session
            session.cycle_key()
            session[ENROL_USER_KEY] = form.get_user().pk
            session[ENROL_STARTED_KEY] = time.time()
            session[ENROL_NEXT_KEY] = self.get_success_url()
            return redirect("accounts:enrol")
        response = super().form_valid(form)
        _session_started(self.request)
        return response


def _session_started(request) -> None:
    now = time.time()
    request.session[LOGIN_STARTED_KEY] = now
    request.session[LAST_SEEN_KEY] = now


def _enrolling_user(request):
    """The person whose password was checked for enrolment in this session (recently), or None."""
    started = request.session.get(ENROL_STARTED_KEY) or 0
    if time.time() - started > ENROL_SECONDS:
        return None
    return User.objects.filter(pk=request.session.get(ENROL_USER_KEY), is_active=True).first()


class TotpEnrolView(View):
    """Set up an authenticator app at the first sign-in of an admin or oversight account: a QR code drawn
    by the portal (no outside service sees the secret), the base32 secret for typing in, and a code to
    prove the app has it. The right code confirms the authenticator and signs the person in."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("dashboard")
        self.person = _enrolling_user(request)
        if self.person is None:
            return auth_views.redirect_to_login(request.path)
        self.device = totp_enrolment_begin(user=self.person, by=self.person)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(TotpEnrolForm())

    def post(self, request):
        form = TotpEnrolForm(request.POST)
        if form.is_valid():
            if totp_enrolment_confirm(device=self.device, token=form.cleaned_data["otp_token"], by=self.person):
                return self._signed_in(request)
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.person.username, "reason": "otp_enrol_invalid"},
                request=request,
            )
            form.add_error("otp_token", "That code is wrong or has expired; enter the code your app shows now.")
        return self._render(form)

    def _signed_in(self, request):
        following = request.session.get(ENROL_NEXT_KEY) or "/"
        for key in (ENROL_USER_KEY, ENROL_STARTED_KEY, ENROL_NEXT_KEY):
            request.session.pop(key, None)
        self.person.otp_device = self.device  # django_otp's login receiver marks the session verified
        auth_login(request, self.person, backend="portal.accounts.backends.PortalModelBackend")
        _session_started(request)
        if not url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()}):
            following = "/"
        return redirect(following)

    def _render(self, form):
        secret = hex_to_secret(self.device.key)
        qr = segno.make(self.device.config_url, error="m")
        context = {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            # segno writes the SVG from the QR matrix alone: no text of the person's reaches it unescaped.
            "qr_svg": mark_safe(qr.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", title=QR_TITLE)),  # noqa: S308
            "person": self.person,
        }
        return render(self.request, "accounts/totp_enrol.html", context)


class LogoutView(auth_views.LogoutView):
    """POST signs out (audited by the logout receiver); GET, as from a typed or bookmarked address,
    shows a page with the sign-out button rather than a 405, and changes nothing."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "accounts/logout_confirm.html")


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """Shown (403) while a sign-in is refused: the username and address pair is locked after repeated
    failures, or the address is, after failures across usernames. Each refusal is audited; the page
    is the same whether or not the username exists."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    address_wait = sign_in_address_wait(address=client_ip(request))
    login_locked_out(username=str(username), limit=ADDRESS_LIMIT if address_wait else PAIR_LIMIT)
    pair_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"address_refused": bool(address_wait), "minutes": math.ceil(address_wait / 60) or pair_minutes}
    return render(request, "accounts/locked_out.html", context, status=403)


class ApiTokensView(CapabilityRequiredMixin, View):
    """/accounts/tokens/: an administrator issues an API token to a person (the key is shown once, on
    the answer to the issuing request, and never stored) and revokes tokens. Both audited."""

    capability = "users.manage"

    def get(self, request):
        return self._render(TokenIssueForm(holders=token_holders()))

    def post(self, request):
        if "revoke" in request.POST:
            tokens = ApiToken.objects.select_related("user")
            token = get_object_or_404(tokens, pk=_int_or_none(request.POST["revoke"]))
            if token_revoke(token=token, by=request.user):
                messages.success(request, f"Token {token.prefix}… of {token.user.username} revoked: it works no more.")
            return redirect("accounts:tokens")
        form = TokenIssueForm(request.POST, holders=token_holders())
        if form.is_valid():
            try:
                data = form.cleaned_data
                token, key = token_issue(user=data["user"], days=data["days"], by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self._render(TokenIssueForm(holders=token_holders()), issued=token, key=key)
        return self._render(form)

    def _render(self, form, **extra):
        context = {"form": form, "tokens": api_tokens_listed(), **extra}
        return render(self.request, "accounts/tokens.html", context)


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() else None
