"""Django's authentication signals, turned into audit events (the only place every path meets:
the login form, django-axes and the admin all send them)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="portal_audit_login")
def on_logged_in(sender, request, user, **kwargs):
    services.login_succeeded(user=user)


@receiver(user_login_failed, dispatch_uid="portal_audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # django-axes refused the attempt before checking the password (the pair is already locked):
    # it flags the request as locked out without counting a failure.
    refused_while_locked = (
        getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", None) is None
    )
    if refused_while_locked:
        return  # not a new failure: the lockout response records the refusal (auth.lockout_refused)
    services.login_failed(
        username=str(credentials.get("username", "")), reason=str(credentials.get("reason", "bad credentials"))
    )


@receiver(user_logged_out, dispatch_uid="portal_audit_logout")
def on_logged_out(sender, request, user, **kwargs):
    services.logout_recorded(user=user)
