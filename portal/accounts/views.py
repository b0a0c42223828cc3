"""Login (password plus TOTP where required), logout and the lockout page."""

import time

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from .forms import LoginForm
from .middleware import LAST_SEEN_KEY, LOGIN_STARTED_KEY
from .services import login_locked_out


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
    """Shown (403) while a username and address pair is locked out after repeated failures; each
    refusal is audited."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    login_locked_out(username=str(username))
    return render(request, "accounts/locked_out.html", status=403)
