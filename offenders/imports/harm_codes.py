"""Which offence codes an import may use: those in the active scoring policy's harm entries.

An offence whose code has no harm value could never be scored, so the import refuses it rather than
loading a row that silently counts for nothing.
"""

from django.core.exceptions import ValidationError

from offenders import rules
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
    from scoring.models import HarmEntry, ScoringPolicy

    if ScoringPolicy.objects.filter(status=ScoringPolicy.Status.ACTIVE).exists():
        entries = HarmEntry.objects.filter(policy__status=ScoringPolicy.Status.ACTIVE)
        rows = entries.values_list("code", "offence_type_id", "title")
    else:
        rows = OffenceType.objects.values_list("code", "id", "title")
    type_ids: dict[str, int | None] = {}
    titles: dict[str, str] = {}
    for code, type_id, title in rows:
        type_ids[_normalised(code)] = type_id
        titles[_normalised(code)] = title
    return type_ids, titles
