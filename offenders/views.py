"""Offender pages: search, profile (after a purpose of access), and the forms officers keep records with.

Views parse the request, call one selector or service and render; refusals raise PermissionDenied
(the 403 handler audits them): a record hidden by `restrict()` is refused, a missing one is a 404 (ADR 0102).
Who may write what is the services' to decide (ADR 0506); a view's capability is only the early 403.
"""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import FormView, ListView

from portal.accounts.guards import CapabilityRequiredMixin
from portal.accounts.permissions import can
from portal.audit.targets import audit_snapshot
from portal.forms import add_service_errors

from . import hooks, records, selectors
from .filters import OffenderFilter
from .forms import OffenceForm, OffenderForm, PurposeForm, RestrictedForm, ReviewForm
from .models import Offence, Offender
from .services.access import list_view_record, offender_view_record, subject_access_disclose
from .services.offences import offence_create, offence_delete, offence_update
from .services.offenders import offender_create, offender_mark_restricted, offender_update
from .services.reviews import offender_review

PURPOSES_SESSION_KEY = "offender_access_purposes"
SORTABLE_COLUMNS = (
    ("reference", "Reference"),
    ("surname", "Surname"),
    ("forenames", "Forenames"),
    ("suspect_ref", "Force reference"),
    ("date_of_birth", "Date of birth"),
)


def sortable_columns(current: str) -> list[dict[str, str]]:
    """Header links: a click sorts by the column, a second click reverses it (aria-sort tells screen readers)."""
    columns = []
    for key, label in SORTABLE_COLUMNS:
        ascending, descending = current == key, current == f"-{key}"
        aria = "ascending" if ascending else "descending" if descending else "none"
        columns.append({"label": label, "next": f"-{key}" if ascending else key, "aria_sort": aria})
    return columns


def with_score_note(message: str, offender_id: int) -> str:
    """An offence saved while the broker was unreachable says so in plain words: the record is kept, and
    the offender's score follows when the re-score is resent (the API answers as usual: the save stood)."""
    if hooks.score_update_waiting(offender_id=offender_id):
        return f"{message.rstrip('.')}; the score will update shortly."
    return message


def visible_offender(request, pk, capability: str = "offender.view") -> Offender:
    # an "offender." capability fetches an offender (record_get_or_refuse picks the model by its prefix)
    return cast(Offender, selectors.record_get_or_refuse(user=request.user, pk=pk, capability=capability))


def visible_offence(request, pk, capability: str = "offence.edit") -> Offence:
    return cast(Offence, selectors.record_get_or_refuse(user=request.user, pk=pk, capability=capability))


class OffenderSearchView(CapabilityRequiredMixin, ListView):
    """Search, filter, sort and page through the offenders this user may see (paged in SQL)."""

    capability = "offender.view"
    template_name = "offenders/offender_list.html"
    context_object_name = "offenders"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = OffenderFilter(
            self.request.GET or None, queryset=selectors.offender_list(user=self.request.user)
        )
        list_view_record(subject="offender", query=self.request.GET.dict())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["ordering"] = self.request.GET.get("ordering", "")
        context["columns"] = sortable_columns(context["ordering"])
        context["can_create"] = can(self.request.user, "offender.edit")
        return context


class OffenderProfileView(CapabilityRequiredMixin, View):
    """The profile, shown once the officer has said why they are opening it (once per offender per session)."""

    capability = "offender.view"

    def get(self, request, pk):
        offender = visible_offender(request, pk)
        purpose = request.session.get(PURPOSES_SESSION_KEY, {}).get(str(offender.pk))
        if not purpose:
            return render(request, "offenders/offender_purpose.html", {"offender": offender, "form": PurposeForm()})
        offender_view_record(offender=offender, purpose=purpose)
        profile = selectors.offender_profile(user=request.user, offender=offender)
        context = {
            "offender": offender,
            "offences": profile.offences,
            "incidents": profile.incidents,
            "purpose": purpose,
            "can_edit": can(request.user, "offender.edit", offender),
            "can_mark_restricted": can(request.user, "offender.mark_restricted", offender),
            "profile_panels": profile.panels,  # the score beside, the cases below (ADR 0505)
            "orders": selectors.offender_orders(user=request.user, offender=offender),
        }
        return render(request, "offenders/offender_detail.html", context)

    def post(self, request, pk):
        offender = visible_offender(request, pk)
        form = PurposeForm(request.POST)
        if not form.is_valid():
            return render(request, "offenders/offender_purpose.html", {"offender": offender, "form": form}, status=400)
        purposes = request.session.get(PURPOSES_SESSION_KEY, {})
        purposes[str(offender.pk)] = form.cleaned_data["purpose"]
        request.session[PURPOSES_SESSION_KEY] = purposes
        return redirect("offenders:offender-detail", pk=offender.pk)


class ServiceFormView(CapabilityRequiredMixin, FormView):
    """A form whose valid data goes to one service; the service's field errors come back onto the form."""

    success_message: str  # each view names its own, or overrides success_message_for

    def load(self, **kwargs) -> None:
        """Fetch the record the form works on; runs after the capability check, so a refused role gets 403."""

    def get(self, request, *args, **kwargs):
        self.load(**kwargs)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load(**kwargs)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            result = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message_for(result))
        return redirect(self.success_url_for(result))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def success_message_for(self, result) -> str:
        return self.success_message

    def success_url_for(self, result) -> str:
        """The profile the record belongs to (an offence's offender, or the offender itself)."""
        return f"/offenders/{getattr(result, 'offender_id', None) or result.pk}/"


class OffenderCreateView(ServiceFormView):
    capability = "offender.edit"
    form_class = OffenderForm
    template_name = "offenders/offender_form.html"
    success_message = "Offender created."

    def perform(self, data):
        return offender_create(data=data, by=self.request.user)


class OffenderEditView(ServiceFormView):
    capability = "offender.edit"
    form_class = OffenderForm
    template_name = "offenders/offender_form.html"
    success_message = "Offender details saved."

    def load(self, pk):
        self.offender = visible_offender(self.request, pk, "offender.edit")

    def get_initial(self):
        """The form edits the fields a write records (Offender.AUDIT_FIELDS), as plain values."""
        return {name: value or "" for name, value in audit_snapshot(self.offender).items()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(offender=self.offender, **kwargs)

    def perform(self, data):
        return offender_update(offender=self.offender, data=data, by=self.request.user)


class OffenderRestrictedView(CapabilityRequiredMixin, View):
    """Mark an offender restricted or not (supervisors with restricted access only: the service decides;
    the capability here is the early 403)."""

    capability = "offender.mark_restricted"

    def get(self, request, pk):
        """The form is on the profile; a typed address goes there (through the purpose question), not to a 405."""
        offender = visible_offender(request, pk)
        return redirect("offenders:offender-detail", pk=offender.pk)

    def post(self, request, pk):
        offender = visible_offender(request, pk)
        form = RestrictedForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
            return redirect("offenders:offender-detail", pk=offender.pk)
        data = form.cleaned_data
        offender_mark_restricted(
            offender=offender, restricted=data["restricted"], reason=data["reason"], by=request.user
        )
        messages.success(request, "Restricted flag updated.")
        return redirect("offenders:offender-detail", pk=offender.pk)


class OffenceCreateView(ServiceFormView):
    capability = "offence.edit"
    form_class = OffenceForm
    template_name = "offenders/offence_form.html"
    success_message = "Offence recorded."

    def load(self, pk):
        self.offender = visible_offender(self.request, pk, "offender.edit")

    def get_context_data(self, **kwargs):
        return super().get_context_data(offender=self.offender, **kwargs)

    def perform(self, data):
        return offence_create(data={**data, "offender": self.offender}, by=self.request.user)

    def success_message_for(self, result) -> str:
        return with_score_note(self.success_message, result.offender_id)


class OffenceEditView(ServiceFormView):
    capability = "offence.edit"
    form_class = OffenceForm
    template_name = "offenders/offence_form.html"
    success_message = "Offence saved."

    def load(self, pk):
        self.offence = visible_offence(self.request, pk)

    def get_initial(self):
        """The offence in its input form (Offence.AUDIT_FIELDS)."""
        return audit_snapshot(self.offence)

    def get_context_data(self, **kwargs):
        return super().get_context_data(offender=self.offence.offender, offence=self.offence, **kwargs)

    def perform(self, data):
        return offence_update(offence=self.offence, data=data, by=self.request.user)

    def success_message_for(self, result) -> str:
        return with_score_note(self.success_message, result.offender_id)


class OffenceDeleteView(CapabilityRequiredMixin, View):
    """Delete an offence keyed in error, after a confirmation page."""

    capability = "offence.edit"

    def get(self, request, pk):
        offence = visible_offence(request, pk)
        return render(request, "offenders/offence_confirm_delete.html", {"offence": offence})

    def post(self, request, pk):
        offence = visible_offence(request, pk)
        offender_id = offence.offender_id
        offence_delete(offence=offence, by=request.user)
        messages.success(request, with_score_note(f"Offence {offence.crime_ref} deleted.", offender_id))
        return redirect("offenders:offender-detail", pk=offender_id)


class SubjectAccessPageView(CapabilityRequiredMixin, View):
    """The subject access bundle as a printable page (admins; audited as a disclosure, like the JSON)."""

    capability = "records.subject_access"

    def get(self, request, pk):
        offender = records.record_for(user=request.user, pk=pk, capability=self.capability)
        subject_access_disclose(offender=offender, channel_format="page", by=request.user)
        bundle = records.subject_access_bundle(offender=offender)
        personal = [(label, bundle["personal_data"][key]) for key, label in records.PERSONAL_LABELS]
        context = {"offender": offender, "bundle": bundle, "personal": personal}
        return render(request, "offenders/subject_access.html", context)


class ReviewQueueView(CapabilityRequiredMixin, ListView):
    """The records whose review date has come (supervisors and admins), by reference: docs/records.md."""

    capability = "records.review"
    template_name = "offenders/review_queue.html"
    context_object_name = "due"
    paginate_by = 50

    def get_queryset(self):
        return records.review_queue(user=self.request.user)


class OffenderReviewView(CapabilityRequiredMixin, View):
    """Record a review's outcome; `dispose` is the admins' (the service refuses anyone else)."""

    capability = "records.review"

    def _render(self, request, offender, form):
        return render(request, "offenders/review_form.html", {"offender": offender, "form": form})

    def get(self, request, pk):
        offender = records.record_for(user=request.user, pk=pk, capability=self.capability)
        return self._render(request, offender, ReviewForm())

    def post(self, request, pk):
        offender = records.record_for(user=request.user, pk=pk, capability=self.capability)
        form = ReviewForm(request.POST)
        if form.is_valid():
            if request.POST.get("check") == "1" and form.cleaned_data["outcome"] == "dispose":
                return self._check_page(request, offender, form.cleaned_data)  # the confirmation disposes
            try:
                review = offender_review(offender=offender, by=request.user, **form.cleaned_data)
            except ValidationError as error:  # DisposalRefused (an open case) included: nothing changed
                add_service_errors(form, error)
            else:
                done = "disposed of" if review.outcome == "dispose" else "kept; next review set"
                messages.success(request, f"{offender.reference}: {done}.")
                return redirect("offenders:review-list")
        return self._render(request, offender, form)

    def _check_page(self, request, offender, data):
        """Disposal cannot be undone: the admin checks the answers first (the review form asks for it)."""
        rows = [("Record", offender.reference), ("Outcome", "Dispose of the record"), ("Reason", data["reason"])]
        hidden = [("outcome", "dispose"), ("reason", data["reason"])]
        return render(request, "includes/check_answers.html", {
            "title": "Check before you dispose of this record", "rows": rows, "action": request.path,
            "hidden": hidden, "confirm_label": "Dispose of the record", "back_url": request.path,
            "warning": "His identity, offences, orders, incidents and any victim linked to no one else are erased. "
            "This cannot be undone.",
        })  # fmt: skip
