"""Writes of non-crime domestic incidents: one at a time (API) or a CSV file, all or nothing (docs/imports.md).

An incident is checked whole (every problem at once, keyed by field or by line and column) and nothing is
written unless everything is good. The file import is the offences import's way: a batch on record before
the load, one transaction, line-numbered problems, the same size limit; a repeated file changes nothing.
Each save asks the apps above to re-score its offender (offences_changed: a policy may count incidents).
"""

import csv
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.accounts.permissions import person_of, require
from portal.audit.context import acting_as
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from .. import rules
from ..hooks import offences_changed
from ..imports.batches import ImportReport, batch_file_hashed, batch_finish, batch_start
from ..imports.problems import FileRefused, ProblemLog
from ..imports.sources import Upload, check_size, sha256_of, utf8_lines
from ..models import DomesticIncident, ImportBatch, IncidentKind, Offender, Victim
from .imports import import_batches_fail_abandoned, import_stopped_by

EDIT_REFUSAL = "Only officers and supervisors may record non-crime incidents."
IMPORT_REFUSAL = "Only an administrator may import non-crime incidents."
CSV_COLUMNS = ("incident_ref", "suspect_ref", "victim_ref", "occurred_on", "kind", "separation")
REQUIRED_CSV_COLUMNS = CSV_COLUMNS[:5]


def _kind(value: Any) -> str:
    text = str(value or "").strip().lower()
    if text not in IncidentKind.values:
        raise ValidationError(f"'{text[:20]}' is not a kind of incident ({', '.join(IncidentKind.values)}).")
    return text


def _separation(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text not in ("true", "false", ""):
        raise ValidationError("Enter true or false.")
    return text == "true"


def _occurred_on(value: Any) -> dt.date:
    return rules.check_not_future(rules.parse_date(value, label="date of the incident"), label="date of the incident")


def _incident_clean(data: Mapping[str, Any], *, offender: Offender | None) -> dict[str, Any]:
    """The incident's fields checked; every problem at once as a ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {"offender": offender}
    checks = (
        ("incident_ref", lambda v: rules.normalize_reference(v, label="incident reference")),
        ("victim_ref", lambda v: rules.normalize_reference(v, label="victim reference")),
        ("occurred_on", _occurred_on),
        ("kind", _kind),
        ("separation", _separation),
    )
    for name, check in checks:
        try:
            clean[name] = check(data.get(name))
        except ValidationError as error:
            errors[name] = error.messages
    if offender is None:
        errors["offender"] = ["Name the offender the incident is recorded against."]
    if errors:
        raise ValidationError(errors)
    return clean


def _save(clean: dict[str, Any]) -> tuple[DomesticIncident, str | None, dict[str, Any]]:
    """Create or update by reference: the incident, the audit action (None: unchanged) and its changes."""
    victim, _created = Victim.objects.get_or_create(victim_ref=clean["victim_ref"])
    incident = DomesticIncident.objects.filter(incident_ref=clean["incident_ref"]).first()
    before = audit_snapshot(incident) if incident else {}
    incident = incident or DomesticIncident(incident_ref=clean["incident_ref"])
    incident.offender, incident.victim = clean["offender"], victim
    incident.occurred_on, incident.kind, incident.separation = clean["occurred_on"], clean["kind"], clean["separation"]
    changes = model_changes(before, audit_snapshot(incident))
    if before and not changes:
        return incident, None, {}
    incident.save()
    return incident, "incident.update" if before else "incident.create", model_changes(before, audit_snapshot(incident))


def incident_record(*, data: Mapping[str, Any], by) -> DomesticIncident:
    """Record (or correct, by its reference) one incident; its offender is re-scored after commit."""
    require(by, "offence.edit", refusal=EDIT_REFUSAL)
    offender = data.get("offender")
    if offender is not None:
        require(by, "offender.edit", offender, refusal=EDIT_REFUSAL)
    clean = _incident_clean(data, offender=offender)
    with transaction.atomic():
        previous = list(DomesticIncident.objects.filter(incident_ref=clean["incident_ref"]).values_list("offender_id"))
        incident, action, changes = _save(clean)
        if action:
            audit_record(action=action, target=incident, changes=changes)
            offences_changed(offender_ids={incident.offender_id, *(row[0] for row in previous)})
    return incident


def incidents_import(*, upload: Upload, by) -> ImportReport:
    """A CSV of incidents (docs/imports.md): every row loads, or none does and each bad row is reported
    as `line N, column C: what is wrong`. Administrators only (SYSTEM for a command)."""
    require(by, "import.run", refusal=IMPORT_REFUSAL, system=True)
    with acting_as(person_of(by)):
        import_batches_fail_abandoned()
        problems = ProblemLog(unit="line")
        batch = batch_start(kind=ImportBatch.Kind.INCIDENTS, file_name=upload.name, file_bytes=upload.size,
                            by=person_of(by))  # fmt: skip
        counts: dict[str, int] = {}
        outcome, too_large, crashed = ImportBatch.Outcome.REJECTED, False, False
        try:
            check_size(upload.size)
            batch_file_hashed(batch, sha256_of(upload.stream))
            with transaction.atomic():
                counts = _load_rows(upload, problems)
                if not problems:
                    batch_finish(
                        batch, outcome=ImportBatch.Outcome.LOADED, problems=problems, counts=counts, details={}
                    )
                    return ImportReport(batch=batch, problems=problems)
                transaction.set_rollback(True)
        except FileRefused as refused:
            problems.add(refused.problem.line, refused.problem.column, refused.problem.message)
            too_large = refused.too_large
        except Exception as error:  # noqa: BLE001 - whatever stopped the load, the batch says so
            crashed, outcome = import_stopped_by(error, problems), ImportBatch.Outcome.FAILED
        with transaction.atomic():
            batch_finish(batch, outcome=outcome, problems=problems, counts={"rows_read": counts.get("rows_read", 0)},
                         details={})  # fmt: skip
        return ImportReport(batch=batch, problems=problems, too_large=too_large, crashed=crashed)


def _load_rows(upload: Upload, problems: ProblemLog) -> dict[str, int]:  # noqa: C901 - one pass, one row at a time
    """Check and write every row (inside the caller's transaction, undone if any row is bad)."""
    reader = csv.reader(utf8_lines(upload.stream))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [name for name in REQUIRED_CSV_COLUMNS if name not in header]
    if missing:
        raise FileRefused(f"The header has no {', '.join(missing)} (required: {', '.join(REQUIRED_CSV_COLUMNS)}).",
                          line=1, column=missing[0])  # fmt: skip
    offenders = {}
    counts = {"rows_read": 0, "rows_created": 0, "rows_updated": 0, "rows_unchanged": 0}
    seen: set[str] = set()
    for line, cells in enumerate(reader, start=2):
        if not "".join(cells).strip():
            continue
        counts["rows_read"] += 1
        row = {name: (cells[index] if index < len(cells) else "") for index, name in enumerate(header)}
        suspect_ref = row["suspect_ref"].strip()
        if suspect_ref not in offenders:
            offenders[suspect_ref] = Offender.objects.filter(suspect_ref=suspect_ref).first()
        try:
            clean = _incident_clean(row, offender=offenders[suspect_ref])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = "suspect_ref" if field == "offender" else field
                for message in messages:
                    problems.add(
                        line, column, message if field != "offender" else f"'{suspect_ref[:20]}' is no known offender."
                    )
            continue
        if clean["incident_ref"] in seen:
            problems.add(line, "incident_ref", f"'{clean['incident_ref']}' appears twice in the file.")
            continue
        seen.add(clean["incident_ref"])
        if problems:
            continue  # keep checking, stop writing: the file will be rolled back
        incident, action, _changes = _save(clean)
        counts[
            {"incident.create": "rows_created", "incident.update": "rows_updated", None: "rows_unchanged"}[action]
        ] += 1
        if action:
            offences_changed(offender_ids=[incident.offender_id])
    if counts["rows_read"] == 0 and not problems:
        problems.add(2, "", "The file has a header but no incident rows.")
    return counts
