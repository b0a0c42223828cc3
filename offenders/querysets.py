"""The restricted rule, written once, and the named offender queryset built on it.

A restricted offender is invisible to anyone without the restricted_access grant (docs/decisions/0001):
his record, his offences, his cases and his name on the ranked list. `restricted_q` is the one statement
of that rule; every object rule about an offender's data (offenders/permissions.py, scoring's and the
cases app's permissions.py) and `Offender.objects.visible_to(user)` are built from it.
"""

from django.db import models
from django.db.models import Q

from portal.accounts.models import User
from portal.accounts.roles import has_restricted_access

from .choices import OffenderStatus

DISPOSED = OffenderStatus.DISPOSED


def restricted_q(user: User | None, path: str = "", *, include_disposed: bool = False) -> Q:
    """The rows whose offender this user may see: all of them with the grant, else only those whose
    offender is not restricted; never a disposed record's (docs/records.md: after disposal he is in no list,
    report or export), unless `include_disposed` (a published ranking keeps his pseudonymous row; live
    scores have none left for him). `path` leads from the queried model to the offender ("offender" for an
    offence or a case; "" for an offender)."""
    prefix = f"{path}__" if path else ""
    live = Q() if include_disposed else ~Q(**{f"{prefix}status": DISPOSED})
    if has_restricted_access(user):
        return live
    return live & Q(**{f"{prefix}restricted": False})


class OffenderQuerySet(models.QuerySet):
    def visible_to(self, user: User | None) -> "OffenderQuerySet":
        """The offenders the restricted rule lets this user see. What the user's role may do with them is
        the capability's business: restrict(queryset, user, capability) applies both."""
        return self.filter(restricted_q(user))
