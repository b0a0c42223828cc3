"""Who belongs to an outside organisation: a partner always does, and nobody else ever does.

One rule for every way an account is made or changed (`createuser --organisation`, the Django admin's
add and change forms), so a partner can never be left without the agency whose sharing agreement
governs what they see (docs/partners.md), and a police user can never be counted as an agency's.
"""

from django.core.exceptions import ValidationError

from .models import Organisation
from .roles import Role

PARTNER_NEEDS_ORGANISATION = "A partner belongs to an organisation: choose it (createuser: --organisation NAME)."
ONLY_PARTNERS_HAVE_ONE = "Only a partner belongs to an outside organisation."


def organisation_rule_check(*, role: Role, organisation: Organisation | str | None) -> None:
    """Refuse (ValidationError on `organisation`) a partner without an organisation, or anyone else
    with one. `organisation` is the record chosen, or the name given to createuser ("" for none)."""
    if role == Role.PARTNER and not organisation:
        raise ValidationError({"organisation": [PARTNER_NEEDS_ORGANISATION]})
    if organisation and role != Role.PARTNER:
        raise ValidationError({"organisation": [ONLY_PARTNERS_HAVE_ONE]})
