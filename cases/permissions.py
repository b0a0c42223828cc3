"""Object rules for cases (the role matrix): every officer and supervisor reads cases, but a
restricted offender's case only with the grant; officers work only the cases they lead or are on;
supervisors manage."""

from django.db.models import Q

from offenders.querysets import restricted_q
from portal.accounts.permissions import register_rule
from portal.accounts.roles import Role, user_role

from .models import Case


def _case_visible_rule(user) -> Q:
    return restricted_q(user, "offender")


def _case_work_rule(user) -> Q:
    visible = _case_visible_rule(user)
    if user_role(user) == Role.SUPERVISOR:
        return visible
    on_team = Case.team.through.objects.filter(user_id=user.pk).values("case_id")
    return visible & (Q(lead_id=user.pk) | Q(pk__in=on_team))


register_rule("case.view", Case, _case_visible_rule)
register_rule("case.manage", Case, _case_visible_rule)
register_rule("case.work", Case, _case_work_rule)
