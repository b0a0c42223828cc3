"""What the audit log's readers see of personal data: who changed which field and when, not the value.

The log stores before and after in full (CONTRACT.md section 7), but its only readers, admin and
oversight, see offenders pseudonymised (section 2: no name, date of birth or free text). So on every
read surface (API, page) the values of personal and free-text fields of offender-side events are
replaced, keeping the field name, and an offender is named by its reference, never the stored text.
"""

from typing import Any

REDACTED = "(redacted)"
PERSONAL_TARGET_PREFIX = "offenders."
PERSONAL_FIELDS = frozenset({
    "surname", "forenames", "date_of_birth", "ethnicity", "sex", "suspect_ref", "victim_ref", "name",
    "display_name", "notes", "note", "text", "body", "reason", "exit_reason", "description", "comment",
    "q", "search", "query_text",
})  # fmt: skip


def _redact_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) <= {"before", "after"}:
        return {side: REDACTED for side in value}
    return REDACTED


def redact_changes(changes: Any) -> Any:
    """`changes` with every personal or free-text value replaced, at any depth (a list's query too)."""
    if not isinstance(changes, dict):
        return changes
    return {
        name: _redact_value(value) if name in PERSONAL_FIELDS else redact_changes(value)
        for name, value in changes.items()
    }


def is_personal_target(target_type: str) -> bool:
    return target_type.startswith(PERSONAL_TARGET_PREFIX)


def event_changes_for_reader(event) -> Any:
    return redact_changes(event.changes) if is_personal_target(event.target_type) else event.changes


def event_repr_for_reader(event) -> str:
    """An offender is shown by its pseudonymous reference (derived from the id) and a victim by id,
    whatever was stored (older events may carry a name or a force reference)."""
    from offenders.models import offender_reference  # the offenders app owns the pseudonym's form

    target_id = str(event.target_id)
    if event.target_type == "offenders.offender":
        return offender_reference(int(target_id)) if target_id.isdigit() else event.object_repr  # lists, seeding
    if event.target_type == "offenders.victim":
        return f"victim {target_id}"
    return event.object_repr
