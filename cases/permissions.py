"""Object rules for cases (the role matrix): every officer and supervisor reads cases, but a
restricted offender's case only with the grant; officers work only the cases they lead or are on;
supervisors manage. A partner reads, and adds and completes their own actions on, only the cases whose
team includes them, and only while their organisation's sharing agreement is in force (docs/partners.md)."""

from django.db.models import Q

from offenders.permissions import of_offender
from portal.accounts.permissions import register_rule
from portal.accounts.roles import Role, user_role
from portal.accounts.selectors import partner_agreement

from .models import Case, MeetingItem


def on_team_q(user) -> Q:
    """The cases whose team includes this user."""
    return Q(pk__in=Case.team.through.objects.filter(user_id=user.pk).values("case_id"))


def _partner_rule(user) -> Q:
    """A partner: the cases whose team includes them, never a restricted offender's, while the agreement
    is in force (pk__in=[] otherwise: nothing)."""
    if partner_agreement(user) is None:
        return Q(pk__in=[])
    return of_offender(None) & on_team_q(user)


def _case_view_rule(user) -> Q:
    return _partner_rule(user) if user_role(user) == Role.PARTNER else of_offender(user)


def _case_work_rule(user) -> Q:
    visible = of_offender(user)
    if user_role(user) == Role.SUPERVISOR:
        return visible
    return visible & (Q(lead_id=user.pk) | on_team_q(user))


def _case_act_rule(user) -> Q:
    return _partner_rule(user) if user_role(user) == Role.PARTNER else _case_work_rule(user)


for _capability in ("case.manage", "reports.view"):
    register_rule(_capability, Case, of_offender)
register_rule("case.view", Case, _case_view_rule)
register_rule("case.work", Case, _case_work_rule)
for _capability in ("meeting.view", "meeting.chair"):
    register_rule(_capability, MeetingItem, of_offender)
register_rule("case.safety", Case, _case_work_rule)
register_rule("case.act", Case, _case_act_rule)
