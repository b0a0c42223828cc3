"""Login (password plus TOTP where required), logout and the lockout page."""

import math
import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from .forms import LoginForm
from .middleware import LAST_SEEN_KEY, LOGIN_STARTED_KEY
from .network import client_ip
from .selectors import sign_in_address_wait
from .services import ADDRESS_LIMIT, PAIR_LIMIT, login_locked_out


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        now = time.time()
        self.request.session[LOGIN_STARTED_KEY] = now
        self.request.session[LAST_SEEN_KEY] = now
        return response


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
