"""Pages of the scoring app: thin views that parse, call one service or selector, and render.

The services decide who may write (ADR 0506); a view's capability is only the early 403, and the page
asks the service's own rules (policy_frozen_reason, four_eyes_refusal) to show or hide a button."""

from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from portal.accounts.guards import CapabilityRequiredMixin, PageRefused
from portal.accounts.permissions import role_allows
from portal.exports import csv_response
from portal.forms import add_service_errors

from . import selectors, services
from .errors import FourEyesViolation, PolicyFrozen
from .forms import PolicyCreateForm, PolicyEditForm
from .hooks import ranking_marks
from .models import RankingSnapshot, ScoringPolicy, ScoringRun
from .preview import policy_preview
from .templatetags.scoring_tags import movement_label


class RankingView(CapabilityRequiredMixin, View):
    """The live ranked list (top N), with filters, movement since the last snapshot and new entrants."""

    capability = "ranking.view"

    def get(self, request):
        filterset = selectors.ranking_filter(user=request.user, params=request.GET)
        sort = request.GET.get("sort", "rank")
        snapshot = selectors.latest_snapshot()
        rows = selectors.ranking_rows_for(user=request.user, filters=filterset, snapshot=snapshot)
        rows = selectors.ranking_sorted(rows, sort=sort)
        if request.GET.get("format") == "csv":
            services.ranking_export_record(rows=rows, query=request.GET.dict(), by=request.user)
            return csv_response(ranking_csv_rows(rows, snapshot=snapshot), filename="ranking.csv")
        services.ranking_view_record(rows=rows)
        marks = ranking_marks(user=request.user, offender_ids=[row["offender"]["id"] for row in rows])
        for row in rows:
            row["marks"] = marks.get(row["offender"]["id"], {})
        query = request.GET.copy()
        query.pop("sort", None)
        context = {
            "filterset": filterset,
            "rows": rows,
            "sort": sort,
            "sort_columns": SORT_COLUMNS,
            "query": query.urlencode(),
            "can_task": role_allows(request.user, "case.manage"),
            "top_n": settings.PORTAL_TOP_N,
            "policy": selectors.active_policy(),
            "snapshot": snapshot,
            "can_view_profiles": role_allows(request.user, "offender.view"),
            "profile_prefix": reverse("offenders:offender-detail", args=[0])[:-2],  # "/offenders/" (one reverse)
        }
        return render(request, "scoring/rankings.html", context)


SORT_COLUMNS = (
    ("rank", "Rank", True), ("name", "Offender", False), ("score", "Score", True), ("harm_days", "Harm days", True),
    ("offences", "Offences", True), ("victims", "Victims", True), ("days_since_last", "Days since last", True),
    ("movement", "Since last snapshot", False),
)  # fmt: skip


def ranking_csv_rows(rows: list[dict], *, snapshot) -> Iterator[list]:
    """The ranked list as CSV: a name only where the page shows one (else blank: the reference stands)."""
    yield ["rank", "reference", "name", "score", "harm_days", "offences", "victims", "days_since_last", "movement"]
    since = f" since {snapshot.published_at:%d %b %Y}" if snapshot else ""
    for row in rows:
        movement = movement_label(row["movement"])
        yield [
            row["rank"], row["offender"]["reference"], row["offender"]["display_name"] or "", row["score"],
            row["components"]["harm_days"], row["components"]["offence_count"], row["components"]["victim_count"],
            row["components"]["days_since_last"], movement if movement == "new" else movement + since,
        ]  # fmt: skip


class SnapshotDetailView(CapabilityRequiredMixin, View):
    """One published ranking: frozen ranks with movement from the snapshot before."""

    capability = "ranking.view"

    def get(self, request, pk: int):
        snapshot = get_object_or_404(RankingSnapshot.objects.select_related("policy", "previous"), pk=pk)
        rows = selectors.snapshot_rows(user=request.user, snapshot=snapshot, limit=settings.PORTAL_TOP_N)
        services.snapshot_view_record(snapshot=snapshot, rows=rows)
        return render(request, "scoring/snapshot_detail.html", {"snapshot": snapshot, "rows": rows})


class RunListView(CapabilityRequiredMixin, View):
    """Runs: the current one with a live progress bar, the history, and a start button."""

    capability = "scoring.view"
    write_capability = "recompute.start"

    def get(self, request):
        context = {
            "current": selectors.run_current_or_latest(),
            "runs": selectors.runs_recent(),
            "can_start": role_allows(request.user, "recompute.start"),
        }
        return render(request, "scoring/runs.html", context)

    def post(self, request):
        run, created = services.run_start(by=request.user, reason="manual")
        messages.success(
            request, f"Recompute {run.pk} queued." if created else f"Recompute {run.pk} is already running."
        )
        return redirect("scoring:run-list")


class RunProgressView(CapabilityRequiredMixin, View):
    """The progress partial htmx polls (hx-trigger every half second while a run is going)."""

    capability = "scoring.view"

    def get(self, request, pk: int):
        run = get_object_or_404(ScoringRun.objects.select_related("policy"), pk=pk)
        return render(request, "scoring/_run_progress.html", {"run": run, "history": selectors.runs_recent()})


class RunDetailView(CapabilityRequiredMixin, View):
    capability = "scoring.view"

    def get(self, request, pk: int):
        run = get_object_or_404(ScoringRun.objects.select_related("policy"), pk=pk)
        return render(request, "scoring/run_detail.html", {"run": run, "chunks": run.chunks.all()})


class PolicyListView(CapabilityRequiredMixin, View):
    capability = "scoring.view"

    def get(self, request):
        policies = ScoringPolicy.objects.order_by("-version")
        return render(
            request,
            "scoring/policies.html",
            {"policies": policies, "can_edit": role_allows(request.user, "policy.edit"), "form": PolicyCreateForm()},
        )


class PolicyCreateView(CapabilityRequiredMixin, View):
    capability = "policy.edit"

    def get(self, request):
        """The form lives on the policy list; an address typed or bookmarked goes there, not to a blank 405."""
        return redirect("scoring:policy-list")

    def post(self, request):
        form = PolicyCreateForm(request.POST)
        if form.is_valid():
            try:
                policy = services.policy_create_draft(
                    name=form.cleaned_data["name"], based_on=form.cleaned_data["based_on"], by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Draft v{policy.version} created.")
                return redirect("scoring:policy-edit", pk=policy.pk)
        policies = ScoringPolicy.objects.order_by("-version")
        return render(
            request, "scoring/policies.html", {"policies": policies, "can_edit": True, "form": form}, status=400
        )


class PolicyDetailView(CapabilityRequiredMixin, View):
    """One version: parameters, weight table, who wrote and approved it, and the diff from its base."""

    capability = "scoring.view"

    def get(self, request, pk: int):
        policy = get_object_or_404(ScoringPolicy, pk=pk)
        can_approve = role_allows(request.user, "policy.approve")
        four_eyes = can_approve and services.policies.four_eyes_refusal(policy=policy, by=request.user, step="approve")
        context = {
            "policy": policy,
            "entries": selectors.policy_entries(policy=policy),  # the API detail's weight table too
            "diff": selectors.policy_diff(policy=policy),
            "can_edit": role_allows(request.user, "policy.edit") and policy.is_editable,
            "can_approve": can_approve,
            # the service's four-eyes rule: its author and editors see why, not a button that would refuse
            "four_eyes": four_eyes,
            # the approving admin sees what the draft would do before approving it (docs/scoring.md)
            "preview": policy_preview(policy=policy)
            if policy.is_editable and can_approve and not four_eyes
            else policy.approval_preview,
        }
        return render(request, "scoring/policy_detail.html", context)


class PolicyEditView(CapabilityRequiredMixin, View):
    capability = "policy.edit"

    def _render(self, request, policy, form, status=200):
        return render(request, "scoring/policy_edit.html", {"policy": policy, "form": form}, status=status)

    def get(self, request, pk: int):
        policy = get_object_or_404(ScoringPolicy, pk=pk)
        if frozen := services.policies.policy_frozen_reason(policy):
            messages.error(request, frozen)
            return redirect("scoring:policy-detail", pk=pk)
        entries = selectors.policy_entries(policy=policy)
        return self._render(request, policy, PolicyEditForm(initial=PolicyEditForm.initial_for(policy, entries)))

    def post(self, request, pk: int):
        policy = get_object_or_404(ScoringPolicy, pk=pk)
        form = PolicyEditForm(request.POST)
        if form.is_valid():
            try:
                services.policy_update_draft(
                    policy=policy, by=request.user, name=form.cleaned_data["name"], notes=form.cleaned_data["notes"],
                    parameters=form.parameters(), entries=form.cleaned_data["entries"],
                )  # fmt: skip
            except PolicyFrozen as error:
                form.add_error(None, error.messages)
                return self._render(request, policy, form, status=409)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Draft v{policy.version} saved.")
                return redirect("scoring:policy-detail", pk=pk)
        return self._render(request, policy, form, status=400)


class PolicyStepView(CapabilityRequiredMixin, View):
    """POST approve or activate (four eyes: the author is refused with a 403)."""

    capability = "policy.approve"
    step = ""

    def get(self, request, pk: int):
        """A POST-only address opened in the browser shows the policy (with its buttons), not a blank 405."""
        get_object_or_404(ScoringPolicy, pk=pk)
        return redirect("scoring:policy-detail", pk=pk)

    def post(self, request, pk: int):
        policy = get_object_or_404(ScoringPolicy, pk=pk)
        if request.POST.get("check") == "1":  # from the policy page's button: check before acting
            return self._check_page(request, policy)
        try:
            if self.step == "approve":
                services.policy_approve(policy=policy, by=request.user)
                messages.success(request, f"Policy v{policy.version} approved.")
                return redirect("scoring:policy-detail", pk=pk)
            _policy, run = services.policy_activate(policy=policy, by=request.user)
        except FourEyesViolation:
            raise
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("scoring:policy-detail", pk=pk)
        messages.success(request, f"Policy v{policy.version} is active; recompute {run.pk} started.")
        return redirect("scoring:run-list")

    def _check_page(self, request, policy):
        """Check your answers: what is approved or activated and what follows, refused first (with the
        reason) when the four-eyes rule would refuse the step."""
        refusal = services.policies.four_eyes_refusal(policy=policy, by=request.user, step=self.step)
        if refusal:
            raise PageRefused(refusal)
        approve = self.step == "approve"
        rows = [
            ("Policy", f"v{policy.version} {policy.name}"),
            ("Status now", policy.get_status_display()),
            ("Written by", policy.author_username or "the portal"),
            ("After this", "Approved: another admin may then activate it." if approve
             else "Active: the current policy retires and a full recompute of every score starts."),
        ]  # fmt: skip
        return render(request, "includes/check_answers.html", {
            "title": f"Check before you {'approve' if approve else 'activate'} this policy",
            "rows": rows,
            "action": request.path,
            "hidden": [],
            "confirm_label": "Approve" if approve else "Activate and recompute",
            "back_url": f"/scoring/policies/{policy.pk}/",
            "warning": "" if approve else "Every offender's score and rank will change to this policy's.",
        })  # fmt: skip
