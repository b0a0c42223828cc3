"""Tasking meeting pages: the list (and opening one), the agenda worked item by item, the decision and
referral posts, closing, and the minutes (a printable page and a CSV export, audited as an export).

Each view parses, calls one service or selector and renders; a refused decision re-renders the agenda
with the service's message on that item's form (400, or 409 once the meeting is closed), nothing changed.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from offenders.selectors import offender_list
from portal.accounts.guards import CapabilityRequiredMixin
from portal.accounts.permissions import role_allows
from portal.exports import csv_response
from portal.forms import add_service_errors

from .forms import MeetingDecisionForm, MeetingOpenForm, MeetingReferralForm
from .meetings import (
    meeting_chairs,
    meeting_get,
    meeting_item_to_decide,
    meeting_items,
    meeting_list,
    minutes_rows,
    shows_identities,
)
from .services.meetings import (
    MeetingConflict,
    meeting_close,
    meeting_decide,
    meeting_minutes_export,
    meeting_open,
    meeting_refer,
)


class MeetingListPage(CapabilityRequiredMixin, View):
    """/meetings/: the meetings, newest first; a supervisor opens one here."""

    capability = "meeting.view"
    write_capability = "meeting.chair"

    def _render(self, request, form=None, status=200):
        context = {"meetings": meeting_list(user=request.user)[:50], "form": form}
        if form is None and role_allows(request.user, "meeting.chair"):
            context["form"] = MeetingOpenForm(chairs=meeting_chairs(), initial={"chair": request.user.pk})
        return render(request, "cases/meeting_list.html", context, status=status)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        form = MeetingOpenForm(request.POST, chairs=meeting_chairs())
        if form.is_valid():
            try:
                meeting = meeting_open(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Meeting opened: {meeting.items.count()} items on the agenda.")
                return redirect("cases:meeting-detail", pk=meeting.pk)
        return self._render(request, form, status=400)


def _agenda_page(request, meeting, *, status=200, failed_item=None, failed_form=None, referral_form=None):
    items = list(meeting_items(user=request.user, meeting=meeting))
    may_chair = role_allows(request.user, "meeting.chair") and meeting.is_open
    forms = {}
    if may_chair:
        for item in items:
            if item.decided_at is None:
                forms[item.pk] = failed_form if item.pk == failed_item else MeetingDecisionForm(prefix=f"item{item.pk}")
    context = {
        "meeting": meeting,
        "items": [(item, forms.get(item.pk)) for item in items],
        "undecided": sum(1 for item in items if item.decided_at is None),
        "may_chair": may_chair,
        "identities": shows_identities(request.user),
        "referral_form": referral_form or (MeetingReferralForm() if may_chair else None),
    }
    return render(request, "cases/meeting_detail.html", context, status=status)


def _written(form, write: Callable[[], object]) -> int | None:
    """Run one write; None when it was made, else the status to answer with the service's words on the
    form: 409 when the meeting is closed or the item decided, 400 for a field error."""
    try:
        write()
    except MeetingConflict as error:
        form.add_error(None, error)
        return 409
    except ValidationError as error:
        add_service_errors(form, error)
        return 400
    return None


class MeetingDetailPage(CapabilityRequiredMixin, View):
    """/meetings/<id>/: the agenda, worked item by item."""

    capability = "meeting.view"

    def get(self, request, pk):
        return _agenda_page(request, meeting_get(user=request.user, meeting_id=pk))


class MeetingDecisionPage(CapabilityRequiredMixin, View):
    """POST /meetings/<id>/items/<item id>/decision/: record the item's one decision."""

    capability = "meeting.chair"

    def post(self, request, pk, item_id):
        meeting = meeting_get(user=request.user, meeting_id=pk)
        item = meeting_item_to_decide(meeting=meeting, item_id=item_id)
        form = MeetingDecisionForm(request.POST, prefix=f"item{item.pk}")
        status = 400
        if form.is_valid():
            status = _written(form, lambda: meeting_decide(item=item, by=request.user, **form.decide_kwargs()))
            if status is None:
                messages.success(request, f"Decision recorded for {item.offender.reference}.")
                return redirect(f"{reverse('cases:meeting-detail', args=[meeting.pk])}#item-{item.pk}")
        return _agenda_page(request, meeting, status=status, failed_item=item.pk, failed_form=form)


class MeetingReferralPage(CapabilityRequiredMixin, View):
    """POST /meetings/<id>/items/: add an offender to the agenda by his reference."""

    capability = "meeting.chair"

    def post(self, request, pk):
        meeting = meeting_get(user=request.user, meeting_id=pk)
        form = MeetingReferralForm(request.POST)
        status = 400
        if form.is_valid():
            offender = _offender_by_reference(request.user, form.cleaned_data["reference"])
            if offender is None:
                form.add_error("reference", "No offender you may see has this reference.")
            else:
                reason = form.cleaned_data["reason"]
                status = _written(
                    form, lambda: meeting_refer(meeting=meeting, offender=offender, reason=reason, by=request.user)
                )
                if status is None:
                    messages.success(request, f"{offender.reference} added to the agenda.")
                    return redirect("cases:meeting-detail", pk=meeting.pk)
        return _agenda_page(request, meeting, status=status, referral_form=form)


def _offender_by_reference(user, reference: str):
    digits = reference.strip().upper().removeprefix("S-")
    if not digits.isdigit():
        return None
    return offender_list(user=user).filter(pk=int(digits)).first()


class MeetingClosePage(CapabilityRequiredMixin, View):
    """POST /meetings/<id>/close/: freeze the meeting once every item has its decision."""

    capability = "meeting.chair"

    def post(self, request, pk):
        meeting = meeting_get(user=request.user, meeting_id=pk)
        try:
            meeting_close(meeting=meeting, by=request.user)
        except MeetingConflict as error:
            messages.error(request, " ".join(error.messages))
            return _agenda_page(request, meeting, status=409)
        messages.success(request, "Meeting closed: its decisions are final.")
        return redirect("cases:meeting-minutes", pk=meeting.pk)


class MeetingMinutesPage(CapabilityRequiredMixin, View):
    """/meetings/<id>/minutes/: the printable record of the decisions; `?format=csv` exports it (audited).
    Admin and oversight get it pseudonymised: no names, no reasons."""

    capability = "meeting.view"

    def get(self, request, pk):
        meeting = meeting_get(user=request.user, meeting_id=pk)
        if request.GET.get("format") == "csv":
            lines, filename = meeting_minutes_export(meeting=meeting, by=request.user)
            return csv_response(lines, filename=filename)
        rows = minutes_rows(user=request.user, meeting=meeting)
        context = {"meeting": meeting, "rows": rows, "identities": shows_identities(request.user)}
        return render(request, "cases/meeting_minutes.html", context)
