"""What the audit log's readers see of personal data: who changed which field and when, not the value.

The log stores before and after in full (docs/access-and-audit.md), but its only readers, admin and
oversight, see offenders pseudonymised (section 2: no name, date of birth, crime reference or free
text, the audit log included). So on every read surface (API, page) the values of the personal and
free-text fields a model declares (AUDIT_PERSONAL_FIELDS) are replaced, keeping the field name; a
crime reference is replaced in every event, whatever its target; and a target is named as its model
says for readers (an offender by its reference, an offence and a victim by id, never the stored text).
Redacting on read leaves the stored events, and so the hash chain, untouched. See targets.py for the hook.
"""

from typing import Any

from .targets import personal_fields_of, reader_repr

REDACTED = "(redacted)"
# A crime or incident reference names an offence or a non-crime incident (and so its suspect) in the
# force's own systems: never shown, in any event, whatever its target (a search, a list's filters, a
# case's copy of it, an incident's record).
CRIME_REFERENCE_FIELDS = frozenset({"crime_ref", "incident_ref"})


def _redact_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) <= {"before", "after"}:
        return {side: REDACTED for side in value}
    return REDACTED


def redact_changes(changes: Any, personal: frozenset[str]) -> Any:
    """`changes` with every value named in `personal` replaced, at any depth (a list's query, the rows
    of a list, too)."""
    if isinstance(changes, list):
        return [redact_changes(item, personal) for item in changes]
    if not isinstance(changes, dict):
        return changes
    return {
        name: _redact_value(value) if name in personal else redact_changes(value, personal)
        for name, value in changes.items()
    }


def event_changes_for_reader(event) -> Any:
    return redact_changes(event.changes, CRIME_REFERENCE_FIELDS | personal_fields_of(event.target_type))


def event_repr_for_reader(event) -> str:
    """The target named as its model shows it to readers (an offender by the pseudonym derived from the
    id, a victim by id), whatever was stored (older events may carry a name or a force reference)."""
    return reader_repr(event.target_type, str(event.target_id), event.object_repr)
