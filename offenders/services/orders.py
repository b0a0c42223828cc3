"""Writes of the orders register: recording and changing a protective order, and recording a breach as
the offence it is (which is then re-scored like any other offence: offences_changed, offenders/hooks.py).

Officers and supervisors keep orders, a restricted offender's only with the grant (`order.edit`, the
same rule as his offences). Bad input is a field error (400) and nothing changes; a breach dated outside
the order's dates is a conflict with the order (OrderNotInForce: 409).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.accounts.permissions import require
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot
from portal.field_errors import FieldErrors, check_choice, check_length, check_past_date

from ..choices import BREACH_OFFENCE_CODES, OffenceStatus, OrderKind, Relationship
from ..models import Offender, OrderBreach, ProtectiveOrder, Victim
from .offences import offence_create

ORDER_REFUSAL = "Only officers and supervisors may record orders (a restricted offender's only with the grant)."
CONDITIONS_MAX = 4000
UNSET: Any = object()
DOMESTIC_ORDER_KINDS = frozenset({OrderKind.DAPN, OrderKind.DAPO, OrderKind.NON_MOLESTATION})


class OrderNotInForce(ValidationError):
    """The breach falls outside the order's dates: it conflicts with the order (a 409)."""


def breach_offence_code(kind: str) -> str:
    """The harm-index code a breach of this kind of order is recorded as (configurable per force)."""
    return {**BREACH_OFFENCE_CODES, **getattr(settings, "PORTAL_BREACH_OFFENCE_CODES", {})}[kind]


def _check(errors: FieldErrors, *, kind, starts_on, ends_on, conditions, victims) -> None:
    check_choice(errors, "kind", kind, OrderKind, what="a kind")
    if starts_on is None:
        errors["starts_on"] = ["Give the date the order starts."]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = ["An order cannot end before it starts."]
    check_length(errors, "conditions", conditions, limit=CONDITIONS_MAX)
    if any(not isinstance(victim, Victim) for victim in victims):
        errors["protected_victims"] = ["Choose victims by their id."]


def order_create(
    *,
    offender: Offender,
    kind: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
    conditions: str = "",
    protected_victims: Iterable[Victim] = (),
    by,
) -> ProtectiveOrder:
    """Record a protective order against `offender`; audited."""
    require(by, "order.edit", refusal=ORDER_REFUSAL)
    require(by, "offender.edit", offender, refusal=ORDER_REFUSAL)
    victims = list(protected_victims)
    errors: dict[str, list[str]] = {}
    _check(errors, kind=kind, starts_on=starts_on, ends_on=ends_on, conditions=conditions, victims=victims)
    if errors:
        raise ValidationError(errors)
    assert starts_on is not None, "refused above"
    with transaction.atomic():
        order = ProtectiveOrder.objects.create(
            offender=offender,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            conditions=(conditions or "").strip(),
            created_by=by,
        )
        order.protected_victims.set(victims)
        audit_record(action="order.create", target=order, changes=model_changes({}, audit_snapshot(order)))
    return order


def order_update(
    *, order: ProtectiveOrder, by, ends_on=UNSET, conditions=UNSET, protected_victims=UNSET, starts_on=UNSET
) -> ProtectiveOrder:
    """Change an order's dates, conditions or protected victims (the whole is checked again); audited."""
    require(by, "order.edit", refusal=ORDER_REFUSAL)
    require(by, "offender.edit", order.offender, refusal=ORDER_REFUSAL)
    new: dict[str, Any] = {
        "starts_on": order.starts_on if starts_on is UNSET else starts_on,
        "ends_on": order.ends_on if ends_on is UNSET else ends_on,
        "conditions": order.conditions if conditions is UNSET else conditions,
        "victims": list(order.protected_victims.all()) if protected_victims is UNSET else list(protected_victims),
    }
    errors: dict[str, list[str]] = {}
    _check(errors, kind=order.kind, **new)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit_snapshot(order)
        order.starts_on, order.ends_on = new["starts_on"], new["ends_on"]
        order.conditions = (new["conditions"] or "").strip()
        order.save()
        order.protected_victims.set(new["victims"])
        changes = model_changes(before, audit_snapshot(order))
        if changes:
            audit_record(action="order.update", target=order, changes=changes)
    return order


def order_breach_record(
    *, order: ProtectiveOrder, occurred_on: dt.date | None, crime_ref: str, victim: Victim | None = None, by
) -> OrderBreach:
    """Record a breach of `order` and the offence it is: a "Breach of a ... order" offence against the
    order's offender and its protected victim (the one given, else the first), reported today. The
    offence is re-scored like any other. A breach in the future is a field error (400); one before the
    order started or after it ended conflicts with the order (409); nothing is written either way."""
    require(by, "order.edit", refusal=ORDER_REFUSAL)
    require(by, "offender.edit", order.offender, refusal=ORDER_REFUSAL)
    today = timezone.localdate()
    errors: FieldErrors = {}
    check_past_date(
        errors, "occurred_on", occurred_on, missing="Give the date of the breach.",
        future="A breach cannot be in the future.",
    )  # fmt: skip
    protected = list(order.protected_victims.order_by("id"))
    if victim is None and protected:
        victim = protected[0]
    if victim is None or victim not in protected:
        errors["victim"] = ["A breach is recorded against a victim the order protects; add one to the order first."]
    if errors:
        raise ValidationError(errors)
    assert occurred_on is not None and victim is not None, "refused above"
    if occurred_on < order.starts_on or (order.ends_on is not None and occurred_on > order.ends_on):
        ended = f"ended on {order.ends_on:%d %b %Y}" if order.ends_on and occurred_on > order.ends_on else ""
        when = ended or f"started on {order.starts_on:%d %b %Y}"
        raise OrderNotInForce(f"The order was not in force on {occurred_on:%d %b %Y}: it {when}.")
    with transaction.atomic():
        offence = offence_create(
            data={
                "crime_ref": crime_ref,
                "offence_code": breach_offence_code(order.kind),
                "occurred_on": occurred_on.isoformat(),
                "reported_on": today.isoformat(),
                "status": OffenceStatus.REPORTED,
                "offender": order.offender_id,
                "victim_ref": victim.victim_ref,
                "victim_relationship": Relationship.UNKNOWN,
                "borough": "",
                "domestic": "true" if order.kind in DOMESTIC_ORDER_KINDS else "false",
            },
            by=by,
        )
        breach = OrderBreach.objects.create(order=order, offence=offence, occurred_on=occurred_on, recorded_by=by)
        audit_record(action="order.breach", target=breach, changes=model_changes({}, audit_snapshot(breach)))
    return breach
