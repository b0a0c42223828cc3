"""Project-wide pages: the dashboard and the refusal page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal.audit.services import audit_refusal


@login_required
def dashboard(request):
    """Each role's starting page; the panels come from the apps that own the work."""
    from offenders.case_dashboard import dashboard_audit, dashboard_panels

    panels = dashboard_panels(request.user)
    dashboard_audit(panels)
    return render(request, "portal/dashboard.html", panels)


def permission_denied(request, exception=None):
    """Every web refusal is a 403 page, and is audited (deny by default must be visible)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        audit_refusal(request=request, reason=str(exception or ""))
    # Only refusals written for the person (`shown_to_user`) are explained; others may name internals.
    reason = str(exception) if getattr(exception, "shown_to_user", False) else ""
    return render(request, "403.html", {"reason": reason}, status=403)
