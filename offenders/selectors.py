"""Reads of offenders and offences. Every queryset a person can reach goes through `restrict()`.

So a restricted offender is invisible to anyone without the grant in search, lists, profile and API
alike: the page and the API ask the same functions.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from portal.accounts.models import User
from portal.accounts.permissions import restrict

from . import hooks
from .choices import OffenderStatus
from .models import DomesticIncident, Offence, Offender, ProtectiveOrder


def offender_list(*, user, capability: str = "offender.view") -> QuerySet[Offender]:
    """The offenders this user may reach; no per-row annotations so 35,000 rows page in SQL cheaply."""
    return restrict(Offender.objects.all(), user, capability)


def _by_pk(queryset: QuerySet, pk: Any):
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError, queryset.model.DoesNotExist):
        return None


def offender_get(*, user, pk: Any, capability: str = "offender.view") -> Offender | None:
    """One offender if this user may reach it, else None (unknown and hidden look the same)."""
    return _by_pk(offender_list(user=user, capability=capability), pk)


def record_exists(*, model: type[Offender] | type[Offence], pk: Any) -> bool:
    """Whether the record exists at all: used only to audit attempts on hidden records, never shown. A
    disposed offender's record no longer exists as his (docs/records.md): a 404, like a missing id."""
    queryset = model.objects.only("pk")
    if model is Offender:
        queryset = queryset.exclude(status=OffenderStatus.DISPOSED)
    return _by_pk(queryset, pk) is not None


def offence_list(*, user, capability: str = "offence.view") -> QuerySet[Offence]:
    """The offences this user may reach, with what a table row shows loaded in the same query."""
    queryset = Offence.objects.select_related("offence_type", "victim", "offender")
    return restrict(queryset, user, capability)


def offence_get(*, user, pk: Any, capability: str = "offence.view") -> Offence | None:
    return _by_pk(offence_list(user=user, capability=capability), pk)


def record_get_or_refuse(*, user, pk: Any, capability: str) -> Offender | Offence:
    """The offender or offence (by the capability's prefix) through `restrict()`, for a page or an API call.

    A record that exists but is hidden from this user is refused (403, audited by the refusal handlers:
    docs/roles.md); a missing one is a 404 (docs/decisions/0102).
    """
    is_offender = capability.startswith("offender.")
    get = offender_get if is_offender else offence_get
    record = get(user=user, pk=pk, capability=capability)
    if record is None:
        model = Offender if is_offender else Offence
        if record_exists(model=model, pk=pk):
            raise PermissionDenied(f"{model._meta.model_name} not visible ({capability})")
        raise Http404("No such record.")
    return record


def offender_timeline(*, offender: Offender) -> QuerySet[Offence]:
    """The offender's offences, newest first, for the profile's timeline (each row names its offender:
    loaded in the same query, not once per offence)."""
    return (
        Offence.objects.filter(offender=offender)
        .select_related("offence_type", "victim", "offender")
        .order_by("-occurred_on", "-reported_on", "-id")
    )


@dataclass(frozen=True)
class ProfilePanel:
    """A panel another app adds to the profile: its template and the data it shows (read already)."""

    template: str
    data: dict[str, Any]


@dataclass(frozen=True)
class OffenderProfile:
    """The profile as its page and the API detail read it: the offences newest first, the live score and
    its per-offence breakdown as the scoring app explains them (through offenders.hooks: ADR 0505), and,
    for the page, the other apps' panels by slot ("beside", "below")."""

    offender: Offender
    offences: list[Offence]
    score_summary: dict[str, Any]
    panels: dict[str, list[ProfilePanel]]
    incidents: list[DomesticIncident]


def offender_profile(*, user: User, offender: Offender, panels: bool = True) -> OffenderProfile:
    """Everything the profile shows, read here so the page and the API detail agree and no template reads
    the database. The API detail shows no panels (`panels=False` spares their reads)."""
    score_summary = hooks.score_summary(offender=offender)
    by_slot: dict[str, list[ProfilePanel]] = {}
    for slot, templates in (hooks.profile_panels() if panels else {}).items():
        by_slot[slot] = [
            ProfilePanel(
                template,
                hooks.profile_panel_data(template=template, user=user, offender=offender, score_summary=score_summary),
            )
            for template in templates
        ]
    return OffenderProfile(
        offender=offender,
        offences=list(offender_timeline(offender=offender)),
        score_summary=score_summary,
        panels=by_slot,
        incidents=list(offender.incidents.select_related("victim").order_by("-occurred_on", "-id")),
    )


def order_list(*, user) -> QuerySet[ProtectiveOrder]:
    """The protective orders this user may read (a restricted offender's only with the grant)."""
    orders = ProtectiveOrder.objects.select_related("offender").prefetch_related(
        "protected_victims", "breaches__offence"
    )
    return restrict(orders, user, "order.view")


def order_get_or_refuse(*, user, pk: Any, capability: str = "order.view") -> ProtectiveOrder:
    """One order through `restrict()`: hidden from this user, 403 (audited); missing, 404."""
    order = restrict(order_list(user=user), user, capability).filter(pk=pk).first()
    if order is None:
        if ProtectiveOrder.objects.filter(pk=pk).exists():
            raise PermissionDenied(f"order not visible ({capability})")
        raise Http404("No such order.")
    return order


def offender_orders(*, user, offender: Offender) -> list[ProtectiveOrder]:
    """The offender's orders for his profile and his case page, newest first."""
    return list(order_list(user=user).filter(offender=offender))
