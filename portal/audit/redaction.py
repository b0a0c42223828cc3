"""What the audit log's readers see of personal data: who changed which field and when, not the value.

The log stores before and after in full (CONTRACT.md section 7), but its only readers, admin and
oversight, see offenders pseudonymised (section 2: no name, date of birth or free text). So on every
read surface (API, page) the values of the personal and free-text fields a model declares
(AUDIT_PERSONAL_FIELDS) are replaced, keeping the field name, and a target is named as its model says
for readers (an offender by its reference, never the stored text). See targets.py for the hook.
"""

from typing import Any

from .targets import personal_fields_of, reader_repr

REDACTED = "(redacted)"


def _redact_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) <= {"before", "after"}:
        return {side: REDACTED for side in value}
    return REDACTED


def redact_changes(changes: Any, personal: frozenset[str]) -> Any:
    """`changes` with every value named in `personal` replaced, at any depth (a list's query too)."""
    if not isinstance(changes, dict):
        return changes
    return {
        name: _redact_value(value) if name in personal else redact_changes(value, personal)
        for name, value in changes.items()
    }


def event_changes_for_reader(event) -> Any:
    personal = personal_fields_of(event.target_type)
    return redact_changes(event.changes, personal) if personal else event.changes


def event_repr_for_reader(event) -> str:
    """The target named as its model shows it to readers (an offender by the pseudonym derived from the
    id, a victim by id), whatever was stored (older events may carry a name or a force reference)."""
    return reader_repr(event.target_type, str(event.target_id), event.object_repr)
