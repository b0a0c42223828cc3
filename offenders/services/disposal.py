"""Disposing of an offender's record (docs/records.md, docs/decisions/1200): admins only, after a review.

What disposal does, in one transaction, recorded as one audit event (counts only, never a value):

- refused while an app above still needs him (`hooks.disposal_blockers`: an open case), nothing changed;
- runs every eraser: first the apps above's (`hooks.record_erasers`: his live score, his cases' free
  text, ...), then this app's own (`ERASERS` below: his offences, the victims no other offender is linked
  to, the free text of his reviews, and last his identity);
- keeps the row itself, with the identity fields emptied and the status `disposed`, so the pseudonymous
  reference `S-000123`, counts and published rankings stay whole; `restricted_q` keeps a disposed record
  out of every list, report and export, and his profile answers 404.

Adding a table to erase is one line: append a function `(*, offender) -> {"what": count}` to `ERASERS` here
(this app's tables) or register one with `hooks.register(record_eraser=...)` from the app that owns it.

The audit log is append-only and hash-chained: its stored events are never rewritten. Its readers see
every personal value of an offender-side event as "(redacted)" (portal/audit/redaction.py), and the
stored copies go with the log's own retention (docs/records.md).
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.accounts.permissions import require
from portal.audit.services import audit_record

from .. import hooks
from ..choices import OffenderStatus, Sex
from ..models import (
    DomesticIncident,
    Offence,
    Offender,
    OrderBreach,
    ProtectiveOrder,
    RecordReview,
    ReviewOutcome,
    Victim,
)

DISPOSE_REFUSAL = "Only admins may dispose of a record."
HIDDEN_REFUSAL = "You may not dispose of this record (restricted)."
ERASED_TEXT = ""
IDENTITY_FIELDS = ("suspect_ref", "surname", "forenames", "date_of_birth", "sex", "ethnicity", "review_due")


class DisposalRefused(ValidationError):
    """Something still needs the record (an open case): a 409 on the API, nothing changed."""


def disposed_reference(offender: Offender) -> str:
    """What the unique force-reference column holds after disposal: nothing of his, and never a value an
    import can send again (so re-importing a file that names him makes a new record, not a revival)."""
    return f"~disposed-{offender.pk}"


def _erase_offences(*, offender: Offender) -> dict[str, int]:
    """His orders (their conditions, breaches and protected victims), his non-crime incidents and his
    offences go (crime references, dates, places); then every victim they named who is linked to nothing
    else (no other offender's offence, incident or order) goes too."""
    victim_ids = set(offender.offences.values_list("victim_id", flat=True))
    victim_ids |= set(DomesticIncident.objects.filter(offender=offender).values_list("victim_id", flat=True))
    orders = ProtectiveOrder.objects.filter(offender=offender)
    victim_ids |= set(Victim.objects.filter(protecting_orders__in=orders).values_list("pk", flat=True))
    breaches, _ = OrderBreach.objects.filter(order__in=orders).delete()
    order_count = orders.count()
    for order in orders:
        order.protected_victims.clear()
    orders.delete()
    incidents, _ = DomesticIncident.objects.filter(offender=offender).delete()
    offences, _ = Offence.objects.filter(offender=offender).delete()
    alone = Victim.objects.filter(pk__in=victim_ids, offences__isnull=True, incidents__isnull=True).filter(
        protecting_orders__isnull=True
    )
    victims, _ = Victim.objects.filter(pk__in=list(alone.values_list("pk", flat=True))).delete()
    return {
        "orders": order_count, "order_breaches": breaches, "incidents": incidents, "offences": offences,
        "victims_erased": victims, "victims_kept": len(victim_ids) - victims,
    }  # fmt: skip


def _erase_review_reasons(*, offender: Offender) -> dict[str, int]:
    """Earlier reviews' reasons are free text about him; the outcomes and dates stay (the disposal's own
    review, written after the erasers, keeps its reason: why he was disposed of)."""
    erased = RecordReview.objects.filter(offender=offender).exclude(reason=ERASED_TEXT).update(reason=ERASED_TEXT)
    return {"review_reasons": erased}


def _erase_identity(*, offender: Offender) -> dict[str, int]:
    Offender.objects.filter(pk=offender.pk).update(
        suspect_ref=disposed_reference(offender), surname="", forenames="", date_of_birth=None,
        sex=Sex.UNKNOWN, ethnicity="", review_due=None, status=OffenderStatus.DISPOSED,
    )  # fmt: skip
    return {"identity_fields": len(IDENTITY_FIELDS)}


# This app's erasers, run after the apps above's (their rows may point at his offences).
ERASERS: list[Callable[..., dict[str, int]]] = [_erase_offences, _erase_review_reasons, _erase_identity]


def offender_dispose(*, offender: Offender, reason: str, by) -> RecordReview:
    """Erase the record (see the module's docstring); returns the review that disposed of him."""
    require(by, "records.dispose", refusal=DISPOSE_REFUSAL)
    require(by, "records.dispose", offender, refusal=HIDDEN_REFUSAL)
    with transaction.atomic():
        offender = Offender.objects.select_for_update().get(pk=offender.pk)
        blockers = hooks.disposal_blockers(offender=offender)
        if blockers:
            raise DisposalRefused(" ".join(blockers), code="conflict")
        erased: dict[str, int] = {}
        for eraser in [*hooks.record_erasers(), *ERASERS]:
            erased.update(eraser(offender=offender))
        review = RecordReview.objects.create(
            offender=offender, outcome=ReviewOutcome.DISPOSE, reason=reason, reviewed_by=by,
            reviewed_by_username=by.get_username(),
        )  # fmt: skip
        audit_record(
            action="offender.dispose",
            target=offender,
            object_repr=offender.reference,
            changes={"erased_fields": list(IDENTITY_FIELDS), "counts": erased, "reason": reason, "review": review.pk},
        )
    return review
