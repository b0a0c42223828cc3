"""/oversight/audit/: the audit log for admin and oversight, filtered like the API; reading it is
itself audited."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from portal.accounts.guards import CapabilityRequiredMixin

from .filters import AuditLogFilter
from .redaction import event_repr_for_reader
from .selectors import audit_actions_recorded, audit_events_visible
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
        filterset = audit_log_filter(params, user=self.request.user)
        events = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = Paginator(events, self.paginate_by).get_page(page_number)
        page.object_list = list(page.object_list)
        for event in page.object_list:  # a target named by its reference (as the model shows readers), not an id
            event.reference = event_repr_for_reader(event)
        audit_log_read(filters=filters_used(params), page=page.number)
        context.update(filter=filterset, page_obj=page, query=params.urlencode(), chosen=params.getlist("action"))
        if verify:
            context["chain"] = audit_chain_verify_recorded()
        return context


def audit_log_filter(params, *, user) -> AuditLogFilter:
    """The page's (and its export's) filters over the events `user` may read."""
    chosen = [name[:64] for name in params.getlist("action")]  # kept even if the cached list predates it
    actions = sorted(set(audit_actions_recorded()) | set(chosen))
    return AuditLogFilter(params, queryset=audit_events_visible(user=user), actions=actions)


def filters_used(params) -> dict[str, str]:
    """The filters as recorded in the log: every value of a repeated one (the ticked actions)."""
    return {name: ",".join(params.getlist(name)) for name in params}
