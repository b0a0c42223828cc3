"""What the audit log's readers see of personal data: who changed which field and when, not the value.

The log stores before and after in full (CONTRACT.md section 7), but its only readers, admin and
oversight, see offenders pseudonymised (section 2: no name, date of birth, crime reference or free
text, the audit log included). So on every read surface (API, page) the values of personal and
free-text fields of offender-side events are replaced, keeping the field name; a crime reference is
replaced in every event, whatever its target; an offender is named by its reference, an offence and a
victim by their ids, never by the stored text. Redacting on read leaves the stored events, and so the
hash chain, untouched.
"""

from typing import Any

REDACTED = "(redacted)"
PERSONAL_TARGET_PREFIX = "offenders."
# A crime reference names an offence (and so its suspect) in the force's own systems: never shown.
CRIME_REFERENCE_FIELDS = frozenset({"crime_ref"})
PERSONAL_FIELDS = CRIME_REFERENCE_FIELDS | frozenset({
    "surname", "forenames", "date_of_birth", "ethnicity", "sex", "suspect_ref", "victim_ref", "name",
    "display_name", "notes", "note", "text", "body", "reason", "exit_reason", "description", "comment",
    "q", "search", "query_text",
})  # fmt: skip


def _redact_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) <= {"before", "after"}:
        return {side: REDACTED for side in value}
    return REDACTED


def redact_changes(changes: Any, fields: frozenset[str] = PERSONAL_FIELDS) -> Any:
    """`changes` with the value of every field named in `fields` replaced, at any depth (a list's query,
    the rows of a list, too)."""
    if isinstance(changes, list):
        return [redact_changes(item, fields) for item in changes]
    if not isinstance(changes, dict):
        return changes
    return {
        name: _redact_value(value) if name in fields else redact_changes(value, fields)
        for name, value in changes.items()
    }


def is_personal_target(target_type: str) -> bool:
    return target_type.startswith(PERSONAL_TARGET_PREFIX)


def event_changes_for_reader(event) -> Any:
    fields = PERSONAL_FIELDS if is_personal_target(event.target_type) else CRIME_REFERENCE_FIELDS
    return redact_changes(event.changes, fields)


def event_repr_for_reader(event) -> str:
    """An offender is shown by its pseudonymous reference (derived from the id), an offence and a victim
    by id, whatever was stored (an offence's stored text is its crime reference; older events may carry
    a name or a force reference)."""
    from offenders.models import offender_reference  # the offenders app owns the pseudonym's form

    target_id = str(event.target_id)
    if event.target_type == "offenders.offender":
        return offender_reference(int(target_id)) if target_id.isdigit() else event.object_repr  # lists, seeding
    if event.target_type in ("offenders.offence", "offenders.victim"):
        return f"{event.target_type.removeprefix(PERSONAL_TARGET_PREFIX)} {target_id}" if target_id else ""
    return event.object_repr
