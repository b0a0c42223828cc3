"""Writes of offences (pages and API): validated whole, audited, and followed by a re-score of the offender.

The input is the import format of docs/imports.md with ``offender`` (an Offender or its id) in
place of the suspect columns. Every problem is raised at once as a ValidationError keyed by field, and
nothing is written unless the whole record is good. Each checks its caller first (`by`), before any
field is read: officers and supervisors keep offences, a restricted offender's only with the grant
(docs/decisions/0506).
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.accounts.permissions import require
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from .. import rules
from ..choices import OffenderStatus
from ..hooks import offences_changed
from ..models import Offence, OffenceType, Offender, Victim

OFFENCE_INPUT_FIELDS = (
    "crime_ref", "offence_code", "occurred_on", "reported_on", "status", "offender", "victim_ref",
    "victim_relationship", "borough", "domestic",
)  # fmt: skip
DUPLICATE_CRIME_REF = "An offence with this crime reference already exists."
EDIT_REFUSAL = "Only officers and supervisors may record, correct or delete offences."
HIDDEN_REFUSAL = "You may not record offences against this offender (restricted)."


def _resolve_offender(value: Any) -> Offender:
    if isinstance(value, Offender):
        return value
    if value in (None, ""):
        raise ValidationError("Choose the offender.", code="required")
    try:
        return Offender.objects.exclude(status=OffenderStatus.DISPOSED).get(pk=int(value))  # disposed: gone
    except (TypeError, ValueError, Offender.DoesNotExist) as error:
        raise ValidationError(f"There is no offender with id '{str(value)[:20]}'.", code="unknown") from error


def _clean(raw: Mapping[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    """All checks, pure and database ones, with every error collected: {field: [messages]}."""
    clean, errors = rules.collect_offence_fields(raw)
    try:
        clean["offender"] = _resolve_offender(raw.get("offender"))
    except ValidationError as error:
        errors["offender"] = error.messages
    if "offence_code" in clean:
        clean["offence_type"] = OffenceType.objects.filter(code=clean["offence_code"]).first()
        if clean["offence_type"] is None:
            errors["offence_code"] = [f"There is no offence type with the code {clean['offence_code']}."]
    others = Offence.objects.exclude(pk=exclude_pk) if exclude_pk is not None else Offence.objects.all()
    if "crime_ref" in clean and others.filter(crime_ref=clean["crime_ref"]).exists():
        errors["crime_ref"] = [DUPLICATE_CRIME_REF]
    if errors:
        raise ValidationError(errors)
    return clean


def _apply(offence: Offence, clean: dict[str, Any]) -> None:
    """Copy clean values onto the model; the victim is found or created by the force's reference."""
    offence.victim, _ = Victim.objects.get_or_create(victim_ref=clean["victim_ref"])
    for name in ("crime_ref", "offence_type", "offender", "occurred_on", "reported_on", "status"):
        setattr(offence, name, clean[name])
    for name in ("victim_relationship", "borough", "domestic"):
        setattr(offence, name, clean[name])
    try:
        with transaction.atomic():
            offence.save()
    except IntegrityError as error:  # a concurrent writer took the crime reference first
        raise ValidationError({"crime_ref": [DUPLICATE_CRIME_REF]}) from error


def _require_edit(by, offence: Offence | None = None) -> None:
    require(by, "offence.edit", refusal=EDIT_REFUSAL)
    if offence is not None:
        require(by, "offence.edit", offence, refusal=HIDDEN_REFUSAL)


def _require_offender(by, value: Any) -> None:
    """The offender an offence is recorded against must be one `by` may edit. A value that names no
    offender is left to the field checks (a field error, not a refusal)."""
    try:
        offender = _resolve_offender(value)
    except ValidationError:
        return
    require(by, "offender.edit", offender, refusal=HIDDEN_REFUSAL)


def offence_create(*, data: Mapping[str, Any], by) -> Offence:
    """Record a new offence; its offender is re-scored once the transaction commits (offences_changed: the
    scoring app queues it, offenders/hooks.py)."""
    _require_edit(by)
    _require_offender(by, data.get("offender"))
    clean = _clean(data)
    with transaction.atomic():
        offence = Offence()
        _apply(offence, clean)
        audit_record(action="offence.create", target=offence, changes=model_changes({}, audit_snapshot(offence)))
        offences_changed(offender_ids=[offence.offender_id])
    return offence


def offence_update(*, offence: Offence, data: Mapping[str, Any], by) -> Offence:
    """Change the fields present in `data`; the result is checked as a whole (e.g. the date pair)."""
    _require_edit(by, offence)
    if "offender" in data:
        _require_offender(by, data["offender"])
    unknown = sorted(set(data) - set(OFFENCE_INPUT_FIELDS))
    if unknown:
        raise ValidationError({name: ["This field is not part of an offence."] for name in unknown})
    with transaction.atomic():
        offence = Offence.objects.select_for_update().select_related("offence_type", "victim").get(pk=offence.pk)
        before = audit_snapshot(offence)
        clean = _clean({**before, **data}, exclude_pk=offence.pk)
        _apply(offence, clean)
        changes = model_changes(before, audit_snapshot(offence))
        if changes:
            audit_record(action="offence.update", target=offence, changes=changes)
            offences_changed(offender_ids=sorted({before["offender"], offence.offender_id}))
    return offence


def offence_delete(*, offence: Offence, by) -> None:
    """Delete an offence (for example one keyed in error); the record of it stays in the audit log."""
    _require_edit(by, offence)
    with transaction.atomic():
        offence = Offence.objects.select_for_update().select_related("offence_type", "victim").get(pk=offence.pk)
        before = audit_snapshot(offence)
        offender_id = offence.offender_id
        audit_record(action="offence.delete", target=offence, changes=model_changes(before, {}))
        offence.delete()
        offences_changed(offender_ids=[offender_id])
