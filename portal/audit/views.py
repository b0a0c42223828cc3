"""/oversight/audit/: the audit log for admin and oversight, filtered like the API; reading it is
itself audited."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from portal.accounts.guards import CapabilityRequiredMixin

from .filters import AuditEventFilter
from .selectors import audit_events_visible
from .services import audit_log_read
from .verify import audit_chain_verify_recorded


class AuditLogView(CapabilityRequiredMixin, TemplateView):
    capability = "audit.view"
    template_name = "audit/event_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        page_number = params.pop("page", ["1"])[-1]
        verify = params.pop("verify", [""])[-1] == "1"
        filterset = AuditEventFilter(params, queryset=audit_events_visible(user=self.request.user))
        events = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = Paginator(events, self.paginate_by).get_page(page_number)
        audit_log_read(filters=params.dict(), page=page.number)
        context.update(filter=filterset, page_obj=page, query=params.urlencode())
        if verify:
            context["chain"] = audit_chain_verify_recorded()
        return context
