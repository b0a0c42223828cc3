"""Project-wide pages: the dashboard and the refusal page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from cases.dashboard import dashboard_panels
from cases.services.cases import dashboard_view_record
from portal.accounts.selectors import is_partner
from portal.audit.services import audit_refusal


@login_required
def dashboard(request):
    """Each role's starting page; the panels come from the apps that own the work."""
    if is_partner(request.user):  # a partner has no dashboard: their starting page is their cases
        return redirect("cases:case-list")
    panels = dashboard_panels(user=request.user)
    dashboard_view_record(panels=panels)
    return render(request, "portal/dashboard.html", panels)


def permission_denied(request, exception=None):
    """Every web refusal is a 403 page, and is audited once (deny by default must be visible): a service's
    `Refused` is on record already (audit_refusal writes nothing then)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        audit_refusal(request=request, reason=str(exception or ""), exception=exception)
    # Only refusals written for the person (`shown_to_user`) are explained; others may name internals.
    reason = str(exception) if getattr(exception, "shown_to_user", False) else ""
    return render(request, "403.html", {"reason": reason}, status=403)
