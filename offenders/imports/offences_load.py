"""Loading checked offence rows in bulk: a few queries per chunk of rows, never one per row.

For each chunk: the offenders, victims and offences it names are fetched in one query each, compared
with the file, and only what differs is written (bulk_create for new records, bulk_update for changed
ones). Unchanged records are not touched and write no audit events, so importing the same file twice
changes nothing the second time. Updates are audited one event per record with before and after;
creations are counted in the batch's single `import.offences` event (ADR 0701).
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from offenders.models import Offence, OffenceType, Offender, Victim, offender_reference
from portal.audit.bulk import AuditBuffer, PendingEvent

from .fast_insert import insert_rows
from .lookups import matching
from .offences_csv import OffenceRow, Person

WRITE_BATCH = 1000
OFFENDER_FIELDS = Person._fields
OFFENCE_OWN_FIELDS = ("victim_relationship", "occurred_on", "reported_on", "status", "borough", "domestic")
OFFENCE_FIELDS = ("offender_id", "victim_id", "offence_type_id", *OFFENCE_OWN_FIELDS)


@dataclass
class LoadCounts:
    """What a load did; `touched_offender_ids` are re-scored once it commits."""

    offences_created: int = 0
    offences_updated: int = 0
    offences_unchanged: int = 0
    offenders_created: int = 0
    offenders_updated: int = 0
    victims_created: int = 0
    offence_types_created: int = 0
    touched_offender_ids: set[int] = field(default_factory=set)

    def summary(self) -> dict[str, int]:
        values = {name: value for name, value in vars(self).items() if isinstance(value, int)}
        return {**values, "offenders_rescored": len(self.touched_offender_ids)}


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": _plain(before[name]), "after": _plain(after[name])}
        for name in after
        if before[name] != after[name]
    }


class OffenceLoader:
    """Writes chunks of rows; remembers the ids it has resolved so later chunks skip those look-ups."""

    def __init__(self, *, type_ids: dict[str, int | None], titles: dict[str, str], purpose: str):
        self.type_ids = dict(type_ids)
        self.titles = titles
        self.purpose = purpose
        self.offender_ids: dict[str, int] = {}
        self.victim_ids: dict[str, int] = {}
        self.counts = LoadCounts()
        self.audit = AuditBuffer()
        self._type_codes: dict[int, str] | None = None

    def load(self, rows: list[OffenceRow]) -> None:
        self._offence_types(rows)
        self._offenders(rows)
        self._victims(rows)
        self._offences(rows)
        self.audit.flush()

    def _offence_types(self, rows: list[OffenceRow]) -> None:
        """Codes in the active harm index with no OffenceType yet (a new workbook) get one, titled from it."""
        missing = {row.offence_code for row in rows if not self.type_ids.get(row.offence_code)}
        if not missing:
            return
        existing = dict(OffenceType.objects.filter(code__in=missing).values_list("code", "id"))
        new = [OffenceType(code=code, title=self.titles.get(code, code)[:200]) for code in missing - set(existing)]
        OffenceType.objects.bulk_create(new)
        self.counts.offence_types_created += len(new)
        existing.update(OffenceType.objects.filter(code__in=[t.code for t in new]).values_list("code", "id"))
        self.type_ids.update(existing)

    def _offenders(self, rows: list[OffenceRow]) -> None:
        people = {row.suspect_ref: row.person for row in rows if row.suspect_ref not in self.offender_ids}
        if not people:
            return
        found = matching(Offender, "suspect_ref", people).values_list("id", "suspect_ref", *OFFENDER_FIELDS)
        changed, now = [], timezone.now()
        for offender_id, ref, *stored in found:
            self.offender_ids[ref] = offender_id
            after = people.pop(ref)
            if tuple(stored) != after:
                changed.append(Offender(id=offender_id, updated_at=now, **after._asdict()))
                changes = _changes(dict(zip(OFFENDER_FIELDS, stored, strict=True)), after._asdict())
                reference = offender_reference(offender_id)  # the pseudonym, as the offender services log it
                self._audit_update("offender.update", "offenders.offender", offender_id, reference, changes)
        Offender.objects.bulk_update(changed, [*OFFENDER_FIELDS, "updated_at"], batch_size=WRITE_BATCH)
        self.counts.offenders_updated += len(changed)
        insert_rows(Offender, ("suspect_ref", *OFFENDER_FIELDS), [(ref, *person) for ref, person in people.items()])
        self.counts.offenders_created += len(people)
        self.offender_ids.update(self._ids(Offender, "suspect_ref", people))

    def _audit_update(self, action: str, target_type: str, target_id: int, reference: str, changes: dict) -> None:
        self.audit.add(PendingEvent(action, target_type, target_id, reference, changes, self.purpose))

    def _victims(self, rows: list[OffenceRow]) -> None:
        refs = {row.victim_ref for row in rows} - set(self.victim_ids)
        if not refs:
            return
        self.victim_ids.update(self._ids(Victim, "victim_ref", refs))
        new = sorted(refs - set(self.victim_ids))
        insert_rows(Victim, ("victim_ref",), [(ref,) for ref in new])
        self.counts.victims_created += len(new)
        self.victim_ids.update(self._ids(Victim, "victim_ref", new))

    @staticmethod
    def _ids(model, key: str, keys) -> dict[str, int]:
        """Force references to ids, one query for the lot."""
        return dict(matching(model, key, keys).values_list(key, "id"))

    def _offence_values(self, row: OffenceRow) -> tuple:
        """The row as the offence's columns (OFFENCE_FIELDS order): ids resolved, own values as checked."""
        return (
            self.offender_ids[row.suspect_ref],
            self.victim_ids[row.victim_ref],
            self.type_ids[row.offence_code],
            row.victim_relationship,
            row.occurred_on,
            row.reported_on,
            row.status,
            row.borough,
            row.domestic,
        )

    def _offences(self, rows: list[OffenceRow]) -> None:
        wanted = {row.crime_ref: row for row in rows}
        found = matching(Offence, "crime_ref", wanted).values_list("id", "crime_ref", *OFFENCE_FIELDS)
        changed = []
        for offence_id, crime_ref, *stored in found:
            row = wanted.pop(crime_ref)
            after = self._offence_values(row)
            if tuple(stored) == after:
                self.counts.offences_unchanged += 1
            else:
                changed.append((offence_id, tuple(stored), after, row))
        if changed:
            self._offences_update(changed)
        new = [(ref, *self._offence_values(row)) for ref, row in wanted.items()]
        insert_rows(Offence, ("crime_ref", *OFFENCE_FIELDS), new)
        self.counts.offences_created += len(new)
        self.counts.touched_offender_ids.update(values[1] for values in new)

    def _offences_update(self, changed: list[tuple]) -> None:
        """Write the changed offences and audit each in the import's own terms (codes and references)."""
        codes = self._codes_by_type_id()
        victim_refs = dict(
            Victim.objects.filter(id__in={stored[1] for _, stored, _, _ in changed}).values_list("id", "victim_ref")
        )
        now = timezone.now()
        objects = []
        for offence_id, stored, after, row in changed:
            objects.append(Offence(id=offence_id, updated_at=now, **dict(zip(OFFENCE_FIELDS, after, strict=True))))
            before = _as_input(stored, code=codes[stored[2]], victim_ref=victim_refs[stored[1]])
            changes = _changes(before, _as_input(after, code=row.offence_code, victim_ref=row.victim_ref))
            self._audit_update("offence.update", "offenders.offence", offence_id, row.crime_ref, changes)
            self.counts.touched_offender_ids.update({stored[0], after[0]})
        Offence.objects.bulk_update(objects, [*OFFENCE_FIELDS, "updated_at"], batch_size=WRITE_BATCH)
        self.counts.offences_updated += len(objects)

    def _codes_by_type_id(self) -> dict[int, str]:
        if self._type_codes is None:
            self._type_codes = dict(OffenceType.objects.values_list("id", "code"))
        return self._type_codes


def _as_input(values: tuple, *, code: str, victim_ref: str) -> dict[str, Any]:
    """An offence in the import's own terms (code and references, not ids), as the audit log shows it."""
    return {
        "offence_code": code,
        "offender": values[0],
        "victim_ref": victim_ref,
        **dict(zip(OFFENCE_OWN_FIELDS, values[3:], strict=True)),
    }
