"""Partner organisations and their information-sharing agreements (docs/partners.md): administrators
record them (`createuser --organisation` as SYSTEM); each change is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from ..models import Organisation, SharingAgreement
from ..permissions import require
from ..roles import Role

PARTNERS_REFUSAL = "Only an administrator may manage partner organisations and their sharing agreements."
ORGANISATION_NAME_MAX = 120
AGREEMENT_TEXT_MAX = 2000
PARTNER_NEEDS_ORGANISATION = "A partner belongs to an organisation: choose it (createuser: --organisation NAME)."
ONLY_PARTNERS_HAVE_ONE = "Only a partner belongs to an outside organisation."


def organisation_rule_check(*, role: Role, organisation: Organisation | str | None) -> None:
    """Who belongs to an outside organisation: a partner always does (the agency whose sharing
    agreement governs what they see), nobody else ever does; one rule for createuser and the admin's
    forms. Refuse (ValidationError on `organisation`) a partner without one, or anyone else with one.
    `organisation` is the record chosen, or the name given to createuser ("" for none)."""
    if role == Role.PARTNER and not organisation:
        raise ValidationError({"organisation": [PARTNER_NEEDS_ORGANISATION]})
    if organisation and role != Role.PARTNER:
        raise ValidationError({"organisation": [ONLY_PARTNERS_HAVE_ONE]})


def _organisation_get_or_create(name: str) -> Organisation | None:
    """The organisation called `name` (created, and audited, if new), or None for no name."""
    if not name:
        return None
    organisation, created = Organisation.objects.get_or_create(name=name)
    if created:
        audit_record(action="organisation.create", target=organisation, changes={"name": name})
    return organisation


def organisation_create(*, name: str, by) -> Organisation:
    """Record a partner organisation (administrators; `createuser --organisation` as SYSTEM)."""
    require(by, "partners.manage", refusal=PARTNERS_REFUSAL, system=True)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Name the organisation."]})
    if len(name) > ORGANISATION_NAME_MAX:
        raise ValidationError({"name": [f"At most {ORGANISATION_NAME_MAX} characters."]})
    if Organisation.objects.filter(name=name).exists():
        raise ValidationError({"name": [f"An organisation called {name!r} already exists."]})
    with transaction.atomic():
        organisation = _organisation_get_or_create(name)
    assert organisation is not None, "a name was given"
    return organisation


def _agreement_errors(*, purpose: str, legal_basis: str, starts_on, ends_on) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, value in (("purpose", purpose), ("legal_basis", legal_basis)):
        if not (value or "").strip():
            errors[field] = ["Required: an agreement says why and on what legal basis the force shares."]
        elif len(value) > AGREEMENT_TEXT_MAX:
            errors[field] = [f"At most {AGREEMENT_TEXT_MAX} characters."]
    if starts_on is None:
        errors["starts_on"] = ["Give the date the agreement starts."]
    if ends_on is None:
        errors["ends_on"] = ["Give the date the agreement ends: sharing is time-limited."]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = ["The agreement cannot end before it starts."]
    return errors


def sharing_agreement_create(
    *, organisation: Organisation | None, purpose: str, legal_basis: str, starts_on, ends_on, by
) -> SharingAgreement:
    """Record an organisation's information-sharing agreement (administrators); audited."""
    require(by, "partners.manage", refusal=PARTNERS_REFUSAL)
    errors = _agreement_errors(purpose=purpose, legal_basis=legal_basis, starts_on=starts_on, ends_on=ends_on)
    if organisation is None:
        errors["organisation"] = ["Choose the organisation."]
    if errors:
        raise ValidationError(errors)
    assert organisation is not None, "refused above"
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            organisation=organisation,
            purpose=purpose.strip(),
            legal_basis=legal_basis.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit_record(
            action="sharing_agreement.create", target=agreement, changes=model_changes({}, audit_snapshot(agreement))
        )
    return agreement


def sharing_agreement_update(*, agreement: SharingAgreement, by, **fields) -> SharingAgreement:
    """Change an agreement (PATCH `ends_on` to end it early); the whole is checked again; audited."""
    require(by, "partners.manage", refusal=PARTNERS_REFUSAL)
    editable = ("purpose", "legal_basis", "starts_on", "ends_on")
    unknown = sorted(set(fields) - set(editable))
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in unknown})
    merged = {
        name: fields.get(name, getattr(agreement, name)) for name in ("purpose", "legal_basis", "starts_on", "ends_on")
    }
    errors = _agreement_errors(**merged)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit_snapshot(agreement)
        for name, value in merged.items():
            setattr(agreement, name, value.strip() if isinstance(value, str) else value)
        agreement.save()
        changes = model_changes(before, audit_snapshot(agreement))
        if changes:
            audit_record(action="sharing_agreement.update", target=agreement, changes=changes)
    return agreement
