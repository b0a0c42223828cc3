"""Writes of offender records: create, edit and the restricted flag, each audited in its own transaction."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.accounts.permissions import Refused, can
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from .. import rules
from ..models import Offender


def _check_suspect_ref_free(suspect_ref: str, *, exclude_pk: int | None = None) -> None:
    others = Offender.objects.exclude(pk=exclude_pk) if exclude_pk is not None else Offender.objects.all()
    taken = others.filter(suspect_ref=suspect_ref).exists()
    if taken:
        raise ValidationError({"suspect_ref": ["An offender with this force reference already exists."]})


def _save(offender: Offender) -> None:
    """Save inside a savepoint so a concurrent duplicate reference is a field error, not a 500."""
    try:
        with transaction.atomic():
            offender.save()
    except IntegrityError as error:
        raise ValidationError({"suspect_ref": ["An offender with this force reference already exists."]}) from error


def _require_restricted_grant(by, offender: Offender | None, refusal: str) -> None:
    """The restricted flag hides a record from everyone without the grant, so only a supervisor who holds
    it may set or change it (CONTRACT.md section 2). `by` None is a trusted caller (shell, seeding)."""
    if by is not None and not can(by, "offender.mark_restricted", offender):
        raise Refused(refusal)


def offender_create(*, data: Mapping[str, Any], restricted: bool = False, by=None) -> Offender:
    """Create an offender from raw field values (forms, API); every bad field is reported at once.

    Asking for `restricted` needs the mark-restricted grant of `by` (refused before any field is read).
    """
    if restricted:
        _require_restricted_grant(by, None, "Only a supervisor with restricted access may mark an offender restricted.")
    clean = rules.clean_offender_fields(data)
    with transaction.atomic():
        _check_suspect_ref_free(clean["suspect_ref"])
        offender = Offender(**clean, restricted=restricted)
        _save(offender)
        audit_record(
            action="offender.create",
            target=offender,
            object_repr=offender.reference,
            changes=model_changes({}, audit_snapshot(offender)),
        )
    return offender


def offender_update(
    *, offender: Offender, data: Mapping[str, Any], restricted: bool | None = None, by=None
) -> Offender:
    """Change the fields present in `data` (a PATCH); nothing is written when any field is bad.

    `restricted` (None: unchanged) needs the mark-restricted grant of `by` and is applied in the same
    transaction as the other fields.
    """
    if restricted is not None:
        refusal = "Only a supervisor with restricted access may change the restricted flag."
        _require_restricted_grant(by, offender, refusal)
    clean = rules.clean_offender_fields(data, partial=True)
    with transaction.atomic():
        if restricted is not None:
            offender_mark_restricted(offender=offender, restricted=restricted)
        offender = Offender.objects.select_for_update().get(pk=offender.pk)
        before = audit_snapshot(offender)
        if "suspect_ref" in clean:
            _check_suspect_ref_free(clean["suspect_ref"], exclude_pk=offender.pk)
        for name, value in clean.items():
            setattr(offender, name, value)
        changes = model_changes(before, audit_snapshot(offender))
        if changes:
            _save(offender)
            audit_record(action="offender.update", target=offender, object_repr=offender.reference, changes=changes)
    return offender


def offender_mark_restricted(*, offender: Offender, restricted: bool, reason: str = "") -> Offender:
    """Hide (or reveal) an offender from everyone without the restricted_access grant; always audited."""
    errors: dict[str, list[str]] = {}
    reason = rules.check_field(errors, "reason", rules.RESTRICTION_REASON.clean, reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        offender = Offender.objects.select_for_update().get(pk=offender.pk)
        before = audit_snapshot(offender)
        offender.restricted = bool(restricted)
        changes = model_changes(before, audit_snapshot(offender))
        if changes:
            offender.save(update_fields=["restricted", "updated_at"])
            if reason:
                changes["reason"] = reason
            audit_record(
                action="offender.mark_restricted", target=offender, object_repr=offender.reference, changes=changes
            )
    return offender
