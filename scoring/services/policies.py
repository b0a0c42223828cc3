"""Scoring policy lifecycle: draft -> approved (by a second admin) -> active -> retired.

An approved, active or retired policy never changes: refused here, and by database triggers
(migration 0003) for any other writer. Who may: administrators write drafts (`policy.edit`), and approve
and activate them (`policy.approve`) but never one they wrote or edited (four eyes); every function here
checks its caller (`by`) itself, whoever calls it (docs/decisions/0506).
"""

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from offenders import rules
from offenders.choices import OffenceStatus
from offenders.models import OffenceType
from offenders.reference_data import illustrative_rows
from portal.accounts.permissions import person_of, refuse, require
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from ..days import MAX_DAYS, exact_decimal, harm_days
from ..errors import FourEyesViolation, PolicyFrozen
from ..models import HarmEntry, ScoringPolicy
from ..models.policies import PARAMETER_NAMES, default_status_factors
from ..preview import policy_preview
from ..selectors import policy_entries
from .runs import run_start, runs_supersede

EDIT_REFUSAL = "Only an administrator may write scoring policies."
APPROVE_REFUSAL = "Only an administrator may approve or activate a scoring policy."


def _whole_number(name: str, value: Any, *, low: int, high: int, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError({name: f"must be a whole number from {low} to {high}{' or null' if nullable else ''}"})
    return value


def _number(name: str, value: Any, *, low: float, high: float, nullable: bool = False) -> float | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValidationError({name: f"must be a number from {low:g} to {high:g}{' or null' if nullable else ''}"})
    return float(value)


def _status_factors(value: Any) -> dict[str, float]:
    if not isinstance(value, dict) or set(value) - set(OffenceStatus.values):
        raise ValidationError({"status_factors": f"must map offence statuses ({', '.join(OffenceStatus.values)})"})
    factors = default_status_factors()
    for status, factor in value.items():
        number = _number(f"status_factors.{status}", factor, low=0, high=10)
        assert number is not None, "a status factor is never null"
        factors[status] = number
    return factors


def _multipliers(value: Any) -> dict[str, float]:
    """{offence code: factor}: codes normalised (`00867` = `008/67`), each factor above 0 and at most 10
    with at most two decimal places (so the score stays an exact decimal)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError({"multipliers": 'must map offence codes to factors, e.g. {"008/71": 3}'})
    cleaned: dict[str, float] = {}
    for code, factor in value.items():
        normal = _normal_code(str(code), any_code=False)
        if normal is None:
            raise ValidationError({"multipliers": f"{str(code)[:16]!r} is not an offence code"})
        try:
            number = exact_decimal(factor, what="multiplier", low=Decimal("0.01"), high=Decimal(10))
        except ValidationError:
            raise ValidationError(
                {"multipliers": f"({normal}) must be a number above 0 and at most 10, with at most two decimal places"}
            ) from None
        if normal in cleaned:
            raise ValidationError({"multipliers": f"({normal}) is given twice"})
        cleaned[normal] = float(number)
    return dict(sorted(cleaned.items()))


def _incident_days(value: Any) -> Decimal:
    try:
        return harm_days(0 if value is None else value)
    except ValidationError:
        raise ValidationError(
            {"incident_days": f"must be a number of days from 0 to {MAX_DAYS} with at most two decimal places"}
        ) from None


def parameters_clean(parameters: Any, *, base: dict[str, Any]) -> dict[str, Any]:
    """Validate a (partial) parameter set over `base`; unknown names and bad values are refused."""
    if parameters is None:
        return dict(base)
    if not isinstance(parameters, dict):
        raise ValidationError({"parameters": "must be an object"})
    unknown = set(parameters) - set(PARAMETER_NAMES)
    if unknown:
        raise ValidationError({"parameters": f"unknown parameter(s): {', '.join(sorted(unknown))}"})
    merged = {**base, **parameters}
    return {
        "window_days": _whole_number("window_days", merged["window_days"], low=1, high=3650),
        "min_offences": _whole_number("min_offences", merged["min_offences"], low=1, high=100),
        "status_factors": _status_factors(merged["status_factors"]),
        "recency_half_life_days": _whole_number(
            "recency_half_life_days", merged["recency_half_life_days"], low=1, high=3650, nullable=True
        ),
        "victim_uplift": _number("victim_uplift", merged["victim_uplift"], low=0, high=10, nullable=True),
        **_exit_rule_clean(merged),
        "multipliers": _multipliers(merged.get("multipliers")),
        "incident_days": _incident_days(merged.get("incident_days")),
    }


def _exit_rule_clean(merged: dict[str, Any]) -> dict[str, Any]:
    """The exit rule's parts; each may be off (null)."""
    custody = merged.get("exit_in_custody")
    if custody is not None and not isinstance(custody, bool):
        raise ValidationError({"exit_in_custody": "must be true, false or null"})
    return {
        "exit_outside_top_n_snapshots": _whole_number(
            "exit_outside_top_n_snapshots", merged.get("exit_outside_top_n_snapshots"), low=1, high=24, nullable=True
        ),
        "exit_score_fall_percent": _number(
            "exit_score_fall_percent", merged.get("exit_score_fall_percent"), low=1, high=100, nullable=True
        ),
        "exit_in_custody": custody,
    }


def _normal_code(code: str, *, any_code: bool) -> str | None:
    """`00867` and `008/67` are the same Home Office classification (the offenders app's one spelling).
    A code in no known shape is kept as written only when `any_code` (a harm-index workbook); otherwise
    it is None (refused)."""
    try:
        return rules.normalize_offence_code(code)
    except ValidationError:
        return code.strip()[:16] if any_code else None


def _entry_clean(entry: Any, *, types: dict, known: Collection[str], any_code: bool, seen: set) -> dict | str:
    """One entry cleaned, or the reason it is refused (without its position, added by the caller)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("code"), str) or not entry["code"].strip():
        return "needs a code"
    code = _normal_code(entry["code"], any_code=any_code)
    if code is None or not (any_code or code in types or code in known):
        return f"{entry['code'].strip()[:16]!r} is not the code of a known offence type"
    try:
        days = harm_days(entry.get("days"))
    except ValidationError:
        return f"({code}) days must be a number from 0 to {MAX_DAYS} with at most two decimal places"
    if code in seen:
        return f"({code}) code appears twice"
    seen.add(code)
    offence_type = types.get(code)
    try:
        title = rules.HARM_ENTRY_TITLE.clean(entry.get("title")) or (offence_type.title if offence_type else "")
        provenance = rules.HARM_ENTRY_PROVENANCE.clean(entry.get("provenance"))
    except ValidationError as error:
        return f"({code}) {error.messages[0]}"
    if not title:
        return f"({code}) needs a title"
    return {"code": code, "title": title, "days": days, "provenance": provenance, "type": offence_type}


def entries_clean(entries: Any, *, known: Collection[str] = (), any_code: bool = False) -> list[dict[str, Any]]:
    """Validate harm entries: a list of {code, title, days, provenance}; codes unique, days exact
    decimals (at most two places, docs/scoring.md).

    A code must be an offence type's (normalised) Home Office code, so a policy cannot be approved that
    scores nothing the force records. Two exceptions keep the harm-index import working (docs/imports.md):
    the workbook itself may bring classifications not yet in OffenceType (`any_code`), and such codes
    already in a policy may be copied or kept when it is edited (`known`). A blank title takes the
    offence type's title.
    """
    if not isinstance(entries, list):
        raise ValidationError({"entries": "must be a list of {code, title, days, provenance}"})
    types = {t.code: t for t in OffenceType.objects.all()}
    cleaned, errors, known = [], [], set(known)
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        result = _entry_clean(entry, types=types, known=known, any_code=any_code, seen=seen)
        if isinstance(result, str):
            errors.append(f"entry {index + 1}: {result}")
        else:
            cleaned.append(result)
    if errors:
        raise ValidationError({"entries": errors})
    return cleaned


def _entries_replace(policy: ScoringPolicy, entries: list[dict[str, Any]]) -> None:
    policy.entries.all().delete()
    HarmEntry.objects.bulk_create(
        HarmEntry(
            policy=policy, offence_type=e["type"], code=e["code"], title=e["title"], days=e["days"],
            provenance=e["provenance"],
        )
        for e in entries
    )  # fmt: skip


def carries_illustrative_values(entries: list[dict[str, Any]]) -> bool:
    """True while any entry still holds a value of the shipped illustrative index (same code, days and
    provenance): such a policy must keep its "illustrative" label however many other rows were edited."""
    shipped = {(row.code, row.days, row.provenance) for row in illustrative_rows()}
    return any((e["code"], e["days"], e["provenance"]) in shipped for e in entries)


def _name_and_notes(*, name: str | None, notes: str | None) -> tuple[str, str]:
    """A policy's name (required) and notes, trimmed and within their limits; every problem at once."""
    errors: dict[str, list[str]] = {}
    name = rules.check_field(errors, "name", rules.POLICY_NAME.clean, name, required="A policy needs a name.")
    notes = rules.check_field(errors, "notes", rules.POLICY_NOTES.clean, notes)
    if errors:
        raise ValidationError(errors)
    return name, notes


def policy_create_draft(
    *,
    name: str,
    by,
    based_on: ScoringPolicy | None = None,
    parameters: dict[str, Any] | None = None,
    entries: list[dict[str, Any]] | None = None,
    notes: str = "",
    new_codes: bool = False,
) -> ScoringPolicy:
    """A new draft; `based_on` supplies the entries and parameters not given (a copy to edit).

    `new_codes` is for the harm-index workbook only: its classifications need not be offence types yet.
    """
    require(by, "policy.edit", refusal=EDIT_REFUSAL, system=True)  # the system: a workbook import by command
    author = person_of(by)
    name, notes = _name_and_notes(name=name, notes=notes)
    base = based_on.parameters if based_on else ScoringPolicy(status_factors=default_status_factors()).parameters
    cleaned_parameters = parameters_clean(parameters, base=base)
    known = set(based_on.entries.values_list("code", flat=True)) if based_on else set()
    if entries is not None:
        cleaned_entries = entries_clean(entries, known=known, any_code=new_codes)
    else:
        cleaned_entries = entries_clean(policy_entries(policy=based_on), known=known) if based_on else []
    with transaction.atomic():
        version = (ScoringPolicy.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0) + 1
        policy = ScoringPolicy.objects.create(
            name=name, version=version, based_on=based_on, notes=notes,
            is_illustrative=carries_illustrative_values(cleaned_entries),
            author=author, author_username=author.get_username() if author else "system", **cleaned_parameters,
        )  # fmt: skip
        _entries_replace(policy, cleaned_entries)
        audit_record(action="policy.create", target=policy, changes=model_changes({}, audit_snapshot(policy)))
    return policy


def policy_frozen_reason(policy: ScoringPolicy) -> str | None:
    """Why `policy` can no longer change (None while it is a draft): the refusal of policy_update_draft,
    which the edit page also shows instead of a form."""
    if policy.is_editable:
        return None
    return f"Policy v{policy.version} is {policy.status}; only a draft can change."


def policy_update_draft(
    *,
    policy: ScoringPolicy,
    by,
    name: str | None = None,
    parameters: dict[str, Any] | None = None,
    entries: list[dict[str, Any]] | None = None,
    notes: str | None = None,
) -> ScoringPolicy:
    """Change a draft; anything else is frozen (PolicyFrozen). Whoever changes someone else's draft
    becomes one of its editors, and so may not approve it (four eyes)."""
    require(by, "policy.edit", policy, refusal=EDIT_REFUSAL)
    with transaction.atomic():
        policy = ScoringPolicy.objects.select_for_update().get(pk=policy.pk)
        if frozen := policy_frozen_reason(policy):
            raise PolicyFrozen(frozen)
        before = audit_snapshot(policy)
        name, notes = _name_and_notes(
            name=policy.name if name is None else name, notes=policy.notes if notes is None else notes
        )
        policy.name, policy.notes = name, notes
        for field, value in parameters_clean(parameters, base=policy.parameters).items():
            setattr(policy, field, value)
        if entries is not None:
            known = set(policy.entries.values_list("code", flat=True))
            cleaned_entries = entries_clean(entries, known=known)
            _entries_replace(policy, cleaned_entries)
            policy.is_illustrative = carries_illustrative_values(cleaned_entries)
        policy.save()
        if by.pk != policy.author_id:
            policy.editors.add(by)
        audit_record(action="policy.update", target=policy, changes=model_changes(before, audit_snapshot(policy)))
    return policy


def four_eyes_refusal(*, policy: ScoringPolicy, by, step: str) -> str | None:
    """Why `by` may not `step` ("approve" or "activate") this policy under four eyes, or None: its author
    (by account, or by username once the account is gone) and any admin who edited the draft wrote
    part of it. The system is no second pair of eyes either. The policy page hides the button on it."""
    person = person_of(by)
    if person is None:
        return f"Four eyes: a person must {step} a policy, never the system."
    if policy.author_id is not None and policy.author_id == person.pk:
        return f"Four eyes: the author of a policy may not {step} it."
    if policy.author_id is None and policy.author_username == person.get_username():
        return f"Four eyes: the author of a policy may not {step} it."
    if person.pk is not None and policy.editors.filter(pk=person.pk).exists():
        # whoever changed the draft wrote part of it: approving their own edits would be one pair of eyes
        return f"Four eyes: an admin who edited this draft may not {step} it."
    return None


def _require_step(policy: ScoringPolicy, by, step: str, *, status: str) -> None:
    """The role, then four eyes for a policy in the state the step needs (any other is a conflict, found
    under the lock); checked before the step's transaction so the refusal stays on record. Four eyes is
    checked again under the row lock (an edit may land in between)."""
    require(by, "policy.approve", policy, refusal=APPROVE_REFUSAL)
    if policy.status == status:
        _refuse_author(policy, by, step)


def _refuse_author(policy: ScoringPolicy, by, step: str) -> None:
    if reason := four_eyes_refusal(policy=policy, by=by, step=step):
        refuse(by, reason, capability="policy.approve", target=policy, refusal=FourEyesViolation)


def policy_approve(*, policy: ScoringPolicy, by) -> ScoringPolicy:
    """A second admin approves a draft; the weight table is frozen from here on."""
    _require_step(policy, by, "approve", status=ScoringPolicy.Status.DRAFT)
    with transaction.atomic():
        policy = ScoringPolicy.objects.select_for_update().get(pk=policy.pk)
        if policy.status != ScoringPolicy.Status.DRAFT:
            raise PolicyFrozen(f"Policy v{policy.version} is {policy.status}; only a draft can be approved.")
        _refuse_author(policy, by, "approve")
        if not policy.entries.exists():
            raise ValidationError({"entries": "A policy with no harm entries cannot be approved."})
        policy.status = ScoringPolicy.Status.APPROVED
        policy.approved_by, policy.approved_by_username, policy.approved_at = by, by.get_username(), timezone.now()
        # what the approving admin was shown, kept with the approval (the governance record)
        policy.approval_preview = policy_preview(policy=policy)
        policy.save()
        audit_record(
            action="policy.approve", target=policy,
            changes={"status": {"before": "draft", "after": "approved"}, "preview": policy.approval_preview},
        )  # fmt: skip
    return policy


def policy_activate(*, policy: ScoringPolicy, by):
    """Make an approved policy the active one (the old one retires) and start a full recompute.

    Returns (policy, run). Any run still going under the old policy is superseded, so the ranking is
    published under the policy now in force.
    """
    _require_step(policy, by, "activate", status=ScoringPolicy.Status.APPROVED)
    with transaction.atomic():
        policy = ScoringPolicy.objects.select_for_update().get(pk=policy.pk)
        if policy.status != ScoringPolicy.Status.APPROVED:
            raise PolicyFrozen(
                f"Policy v{policy.version} is {policy.status}; only an approved policy can be activated."
            )
        _refuse_author(policy, by, "activate")
        now = timezone.now()
        previous = ScoringPolicy.objects.select_for_update().active().first()
        if previous is not None:
            previous.status, previous.retired_at = ScoringPolicy.Status.RETIRED, now
            previous.save(update_fields=["status", "retired_at", "updated_at"])
            audit_record(
                action="policy.retire", target=previous, changes={"status": {"before": "active", "after": "retired"}}
            )
        policy.status, policy.activated_at, policy.activated_by_username = (
            ScoringPolicy.Status.ACTIVE,
            now,
            by.get_username(),
        )
        policy.save(update_fields=["status", "activated_at", "activated_by_username", "updated_at"])
        changes: dict[str, Any] = {"status": {"before": "approved", "after": "active"}}
        changes["replaces_version"] = previous.version if previous else None
        audit_record(action="policy.activate", target=policy, changes=changes)
        runs_supersede(reason=f"superseded by activation of policy v{policy.version}")
        run, _created = run_start(by=by, reason="activation", publish=True)
    return policy, run
