"""Which offence codes an import may use: those in the active scoring policy's harm entries.

An offence whose code has no harm value could never be scored, so the import refuses it rather than
loading a row that silently counts for nothing. The scoring app knows the active policy and answers
through offenders.hooks (`offence_codes`); offenders never asks scoring directly (ADR 0505).
"""

from django.core.exceptions import ValidationError

from offenders import hooks, rules
from offenders.models import OffenceType


def _normalised(code: str) -> str:
    try:
        return rules.normalize_offence_code(code)
    except ValidationError:
        return code


def active_harm_codes() -> tuple[dict[str, int | None], dict[str, str]]:
    """(code -> OffenceType id or None when the entry has no type yet, code -> title) for the active policy.

    Without an active policy (a database part-way through set-up) every known offence type is accepted.
    """
    rows = hooks.offence_codes()
    if rows is None:
        rows = OffenceType.objects.values_list("code", "id", "title")
    type_ids: dict[str, int | None] = {}
    titles: dict[str, str] = {}
    for code, type_id, title in rows:
        type_ids[_normalised(code)] = type_id
        titles[_normalised(code)] = title
    return type_ids, titles
