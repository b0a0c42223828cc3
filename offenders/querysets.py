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


def restricted_q(user: User | None, path: str = "") -> Q:
    """The rows whose offender this user may see: all of them with the grant, else only those whose
    offender is not restricted. `path` leads from the queried model to the offender ("offender" for an
    offence or a case; "" for an offender)."""
    if has_restricted_access(user):
        return Q()
    return Q(**{f"{path}__restricted" if path else "restricted": False})


class OffenderQuerySet(models.QuerySet):
    def visible_to(self, user: User | None) -> "OffenderQuerySet":
        """The offenders the restricted rule lets this user see. What the user's role may do with them is
        the capability's business: restrict(queryset, user, capability) applies both."""
        return self.filter(restricted_q(user))
