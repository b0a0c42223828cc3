"""Case pages: the list, the case page with its plan and forms, tasking an offender, and the form posts.

Each view parses, calls one service or selector and renders. A refused form re-renders the case page
with the service's message on the form and nothing changed; a refused role is a 403 (audited).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import ListView

from offenders.selectors import record_get_or_refuse
from offenders.services.access import list_view_record
from offenders.services.orders import order_create
from portal.accounts.guards import CapabilityRequiredMixin
from portal.accounts.selectors import is_partner
from portal.forms import add_service_errors

from . import scores
from .dashboard import my_work_page
from .filters import case_filter_for
from .forms import (
    ActionForm,
    ActionUpdateForm,
    CaseEditForm,
    CaseOpenForm,
    ClaresLawForm,
    NoteForm,
    OrderForm,
    PartnerActionForm,
    SafetyCheckForm,
    TransitionForm,
)
from .models import CaseStage, ExitReason
from .selectors import (
    action_get,
    case_detail,
    case_get_or_refuse,
    case_list,
    case_open_for_offender,
    case_protect_panel,
    case_victim_get,
    case_victims,
)
from .services.cases import (
    ALLOWED_TRANSITIONS,
    case_note_add,
    case_open,
    case_transition,
    case_update,
    case_view_record,
    partner_disclosure_record,
)
from .services.plan_actions import plan_action_add, plan_action_update
from .services.safety import clares_law_record, safety_check_record


class CaseListView(CapabilityRequiredMixin, ListView):
    """/cases/: mine, my team or all, filtered by stage, overdue and borough; paginated."""

    capability = "case.view"
    template_name = "cases/case_list.html"
    context_object_name = "cases"
    paginate_by = 25

    def get_queryset(self):
        params = self.request.GET.copy()
        params.setdefault("scope", "all")
        filterset_class = case_filter_for(self.request.user)
        self.filterset = filterset_class(params, queryset=case_list(user=self.request.user), request=self.request)
        list_view_record(subject="case", query=self.request.GET.dict())
        if is_partner(self.request.user):
            shown = list(self.filterset.qs.values_list("pk", flat=True)) if self.filterset.is_valid() else []
            partner_disclosure_record(user=self.request.user, what="case list", case_ids=shown)
        return self.filterset.qs.order_by("review_due", "id") if self.filterset.is_valid() else case_list(user=None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            scope=self.filterset.data.get("scope"),
            query=query.urlencode(),
        )
        return context


def _partner_case_page(request, case, *, status: int = 200, **forms):
    """A partner's case page (docs/partners.md): the offender's name and reference, the team, the plan and
    the notes marked for partners; they add and complete their own actions."""
    detail = case_detail(user=request.user, case=case)
    context = {
        "case": case,
        "team": detail.team,
        "plan": detail.plan,
        "notes": detail.notes,
        "may_act": case.is_open,
        "action_form": forms.get("action_form") or PartnerActionForm(),
        "update_form": forms.get("update_form"),
        "update_action_id": forms.get("update_action_id"),
        "outcome_form": ActionUpdateForm(),
    }
    return render(request, "cases/partner_case_detail.html", context, status=status)


def _case_page(request, case, *, status: int = 200, **forms):
    """Render the case page; `forms` replaces the blank forms with bound ones that carry errors."""
    user = request.user
    if is_partner(user):
        return _partner_case_page(request, case, status=status, **forms)
    context = {
        **vars(case_detail(user=user, case=case)),  # case, live_score, plan, timeline, may_work...
        "action_form": forms.get("action_form") or ActionForm(initial={"owner": user.pk}),
        "note_form": forms.get("note_form") or NoteForm(),
        "transition_form": forms.get("transition_form")
        or TransitionForm(allowed=ALLOWED_TRANSITIONS.get(case.stage, ())),
        "update_form": forms.get("update_form"),
        "update_action_id": forms.get("update_action_id"),
        "outcome_form": ActionUpdateForm(),
        **_protect_context(request, case, **forms),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _protect_context(request, case, **forms) -> dict:
    """The Protect panel (victims' safety, Clare's Law) for the case team; nothing for anyone else."""
    panel = case_protect_panel(user=request.user, case=case)
    if panel is None:
        return {"protect": None}
    return {
        "protect": panel,
        "safety_form": forms.get("safety_form") or SafetyCheckForm(victims=panel["victims"]),
        "clares_form": forms.get("clares_form") or ClaresLawForm(),
        "order_form": forms.get("order_form") or OrderForm(victims=panel["victims"], prefix="order"),
    }


class CaseDetailView(CapabilityRequiredMixin, View):
    """/cases/<id>/: the case page; every view is audited."""

    capability = "case.view"

    def get(self, request, pk):
        case = case_get_or_refuse(user=request.user, case_id=pk)
        case_view_record(case=case)
        partner_disclosure_record(user=request.user, what="case page", case=case)
        return _case_page(request, case)


class CaseOpenView(CapabilityRequiredMixin, View):
    """/cases/new/?offender=<id>: a supervisor tasks an offender."""

    capability = "case.manage"
    template_name = "cases/case_open.html"

    def _offender(self, request, offender_id: str):
        """The offender to task; None when none was chosen. A restricted one hidden from this user is
        refused (403, audited) as on his profile; a missing one is a 404 (ADR 0102)."""
        if not offender_id:
            return None
        if not offender_id.isdigit():
            raise Http404("No such offender.")
        return record_get_or_refuse(user=request.user, pk=offender_id, capability="offender.view")

    def _render(self, request, form, offender, status=200):
        existing = case_open_for_offender(offender=offender, user=request.user)
        live = scores.score_now(offender=offender)
        context = {"form": form, "offender": offender, "existing": existing, "live": live}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        offender = self._offender(request, request.GET.get("offender", ""))
        if offender is None:
            messages.info(request, "Choose the offender to task from the ranked list or his profile.")
            return redirect("/rankings/")
        return self._render(request, CaseOpenForm(user=request.user, initial={"offender": offender.pk}), offender)

    def post(self, request):
        offender = self._offender(request, request.POST.get("offender", ""))
        if offender is None:
            return HttpResponseBadRequest("Choose an offender to task (the form needs an offender id).")
        form = CaseOpenForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                case = case_open(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{offender.reference} tasked: case {case.pk} opened.")
                return redirect("cases:case-detail", pk=case.pk)
        return self._render(request, form, offender)


class CasePostView(CapabilityRequiredMixin, View):
    """Base of the case page's forms: POST only; refusals re-render the case page with the errors."""

    capability = "case.view"
    form_class: type[Form]  # or make_form overridden
    form_name = ""
    success = ""

    def get(self, request, pk, **kwargs):
        """A POST-only address opened in the browser sends the reader back to the case."""
        return redirect("cases:case-detail", pk=pk)

    def post(self, request, pk, **kwargs):
        case = case_get_or_refuse(user=request.user, case_id=pk)
        self.check_object(case)  # the early 403 for someone not on the case; the service decides
        form = self.make_form(request, case)
        if form.is_valid():
            if request.POST.get("check") == "1" and (page := self.check_page(request, case, form.cleaned_data)):
                return page  # check your answers first (the page's form asks for it); the confirmation acts
            try:
                self.act(request, case, form.cleaned_data, **kwargs)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.success)
                return redirect("cases:case-detail", pk=case.pk)
        return _case_page(request, case, **{self.form_name: form, **self.extra_forms(kwargs)})

    def make_form(self, request, case):
        return self.form_class(request.POST)

    def extra_forms(self, kwargs) -> dict:
        return {}

    def check_page(self, request, case, data):
        """A check-your-answers page before a consequential change, or None to act at once."""
        return None

    def act(self, request, case, data, **kwargs):
        raise NotImplementedError


class CaseTransitionPage(CasePostView):
    capability = "case.manage"
    form_name = "transition_form"
    success = "Stage changed."

    def make_form(self, request, case):
        return TransitionForm(request.POST, allowed=ALLOWED_TRANSITIONS.get(case.stage, ()))

    def act(self, request, case, data, **kwargs):
        case_transition(case=case, by=request.user, **data)

    def check_page(self, request, case, data):
        """Closing a case ends the work on it: the supervisor checks the answers first."""
        if data["to"] != CaseStage.CLOSED or not data.get("exit_reason"):
            return None  # not closing, or refused at once by the service (a close needs an exit reason)
        exit_reason = ExitReason(data["exit_reason"]).label if data.get("exit_reason") else ""
        rows = [
            ("Case", f"Case {case.pk}, {case.offender.reference}"),
            ("Stage now", case.get_stage_display()),
            ("New stage", "Closed"),
            ("Exit reason", exit_reason or "–"),
            ("Reason", data.get("reason") or "–"),
        ]
        hidden = [(name, request.POST.get(name, "")) for name in ("to", "reason", "exit_reason")]
        return render(request, "includes/check_answers.html", {
            "title": "Check before you close this case", "rows": rows, "action": request.path, "hidden": hidden,
            "confirm_label": "Close the case", "back_url": f"/cases/{case.pk}/",
            "warning": "A closed case cannot be reopened; its actions stop and its score at exit is frozen.",
        })  # fmt: skip


class CaseNotePage(CasePostView):
    capability = "case.work"
    form_class = NoteForm
    form_name = "note_form"
    success = "Note added."

    def act(self, request, case, data, **kwargs):
        case_note_add(case=case, by=request.user, **data)


class CaseActionAddPage(CasePostView):
    capability = "case.act"
    form_class = ActionForm
    form_name = "action_form"
    success = "Action added to the plan."

    def make_form(self, request, case):
        return (PartnerActionForm if is_partner(request.user) else ActionForm)(request.POST)

    def act(self, request, case, data, **kwargs):
        owner = data.pop("owner", None) if not is_partner(request.user) else request.user
        plan_action_add(case=case, by=request.user, owner=owner, **data)


class CaseActionUpdatePage(CasePostView):
    capability = "case.act"
    form_class = ActionUpdateForm
    form_name = "update_form"
    success = "Action updated."

    def extra_forms(self, kwargs) -> dict:
        return {"update_action_id": kwargs.get("action_id")}

    def act(self, request, case, data, *, action_id):
        action = action_get(case=case, action_id=action_id)
        plan_action_update(action=action, by=request.user, **data)


class CaseSafetyCheckPage(CasePostView):
    capability = "case.safety"
    form_name = "safety_form"
    success = "Safety check recorded."

    def make_form(self, request, case):
        return SafetyCheckForm(request.POST, victims=case_victims(case=case))

    def act(self, request, case, data, **kwargs):
        victim = case_victim_get(case=case, victim_id=data.pop("victim"))
        safety_check_record(case=case, victim=victim, by=request.user, **data)


class CaseOrderPage(CasePostView):
    """A protective order against the case's offender, recorded from the case page (the orders register)."""

    capability = "case.safety"
    form_name = "order_form"
    success = "Order recorded."

    def make_form(self, request, case):
        return OrderForm(request.POST, victims=case_victims(case=case), prefix="order")

    def act(self, request, case, data, **kwargs):
        victims = [case_victim_get(case=case, victim_id=pk) for pk in data.pop("protected_victims")]
        order_create(offender=case.offender, protected_victims=victims, by=request.user, **data)


class CaseClaresLawPage(CasePostView):
    capability = "case.safety"
    form_class = ClaresLawForm
    form_name = "clares_form"
    success = "Clare's Law decision recorded."

    def act(self, request, case, data, **kwargs):
        clares_law_record(case=case, by=request.user, **data)


class CaseEditView(CapabilityRequiredMixin, View):
    """/cases/<id>/edit/: lead, team and review date (supervisors)."""

    capability = "case.manage"
    template_name = "cases/case_edit.html"

    def get(self, request, pk):
        case = case_get_or_refuse(user=request.user, case_id=pk)
        self.check_object(case)
        initial = {"lead": case.lead_id, "team": list(case.team.all()), "review_due": case.review_due}
        return render(request, self.template_name, {"case": case, "form": CaseEditForm(initial=initial)})

    def post(self, request, pk):
        case = case_get_or_refuse(user=request.user, case_id=pk)
        self.check_object(case)
        form = CaseEditForm(request.POST)
        if form.is_valid():
            try:
                case_update(case=case, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Case updated.")
                return redirect("cases:case-detail", pk=case.pk)
        return render(request, self.template_name, {"case": case, "form": form})


class MyWorkView(CapabilityRequiredMixin, View):
    """/my-work/: every open action I own and every open case I lead or am on, with the dashboard's counts."""

    capability = "case.work"

    def get(self, request):
        context = my_work_page(user=request.user)
        list_view_record(subject="case", query={"view": "my-work"})
        return render(request, "cases/my_work.html", context)
