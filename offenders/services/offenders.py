"""Writes of offender records: create, edit and the restricted flag, each audited in its own transaction.

Each checks its caller first (`by`: the person, or portal.accounts.permissions.SYSTEM for a command),
before any field is read: docs/decisions/0506.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.accounts.permissions import require
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from .. import rules
from ..models import Offender
from ..review_rules import review_dates_set


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


EDIT_REFUSAL = "Only officers and supervisors may create or edit offender records."
HIDDEN_REFUSAL = "You may not edit this offender's record (restricted)."
MARK_REFUSAL = "Only a supervisor with restricted access may mark an offender restricted."
CHANGE_FLAG_REFUSAL = "Only a supervisor with restricted access may change the restricted flag."


def _require_edit(by, offender: Offender | None = None) -> None:
    """Officers and supervisors keep offender records; a restricted one only with the grant."""
    require(by, "offender.edit", refusal=EDIT_REFUSAL)
    if offender is not None:
        require(by, "offender.edit", offender, refusal=HIDDEN_REFUSAL)


def offender_create(*, data: Mapping[str, Any], restricted: bool = False, by) -> Offender:
    """Create an offender from raw field values (forms, API); every bad field is reported at once.

    Asking for `restricted` needs the mark-restricted grant of `by` (docs/roles.md: the flag hides the record
    from everyone without the grant); both are refused before any field is read.
    """
    _require_edit(by)
    if restricted:
        require(by, "offender.mark_restricted", refusal=MARK_REFUSAL)
    clean = rules.clean_offender_fields(data)
    with transaction.atomic():
        _check_suspect_ref_free(clean["suspect_ref"])
        offender = Offender(**clean, restricted=restricted)
        _save(offender)
        if offender.review_due is None:  # every record has a review date (docs/records.md)
            review_dates_set(offender_ids=[offender.pk])
            offender.refresh_from_db(fields=["review_due"])
        audit_record(
            action="offender.create",
            target=offender,
            object_repr=offender.reference,
            changes=model_changes({}, audit_snapshot(offender)),
        )
    return offender


def offender_update(*, offender: Offender, data: Mapping[str, Any], restricted: bool | None = None, by) -> Offender:
    """Change the fields present in `data` (a PATCH); nothing is written when any field is bad.

    `restricted` (None: unchanged) needs the mark-restricted grant of `by` and is applied in the same
    transaction as the other fields.
    """
    _require_edit(by, offender)
    if restricted is not None:
        require(by, "offender.mark_restricted", offender, refusal=CHANGE_FLAG_REFUSAL)
    clean = rules.clean_offender_fields(data, partial=True)
    with transaction.atomic():
        if restricted is not None:
            _restricted_set(offender, restricted=restricted)
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


def offender_mark_restricted(*, offender: Offender, restricted: bool, reason: str = "", by) -> Offender:
    """Hide (or reveal) an offender from everyone without the restricted_access grant; always audited.
    Only a supervisor who holds the grant may (docs/roles.md), on the page and the API alike."""
    require(by, "offender.mark_restricted", offender, refusal=CHANGE_FLAG_REFUSAL)
    return _restricted_set(offender, restricted=restricted, reason=reason)


def _restricted_set(offender: Offender, *, restricted: bool, reason: str = "") -> Offender:
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
