"""Login, logout and the lockout page."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def lockout_response(request, credentials=None, *args, **kwargs):
    """Shown (403) while a username and address pair is locked out after repeated failures."""
    return render(request, "accounts/locked_out.html", status=403)
