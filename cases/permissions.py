"""Object rules for cases (the role matrix): every officer and supervisor reads cases, but a
restricted offender's case only with the grant; officers work only the cases they lead or are on;
supervisors manage."""

from django.db.models import Q

from offenders.permissions import of_offender
from portal.accounts.permissions import register_rule
from portal.accounts.roles import Role, user_role

from .models import Case, MeetingItem


def _case_work_rule(user) -> Q:
    visible = of_offender(user)
    if user_role(user) == Role.SUPERVISOR:
        return visible
    on_team = Case.team.through.objects.filter(user_id=user.pk).values("case_id")
    return visible & (Q(lead_id=user.pk) | Q(pk__in=on_team))


for _capability in ("case.view", "case.manage", "reports.view"):
    register_rule(_capability, Case, of_offender)
register_rule("case.work", Case, _case_work_rule)
for _capability in ("meeting.view", "meeting.chair"):
    register_rule(_capability, MeetingItem, of_offender)
