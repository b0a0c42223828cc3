"""Object rules for offenders and what belongs to them: one rule, `restricted_q` (offenders/querysets.py),
hides a restricted offender and everything of his (offences, cases, scores, ranking entries, report rows)
from everyone without the restricted_access grant. Every capability that reaches such rows registers it
(the cases and scoring apps register it for their own models, through `of_offender`)."""

from functools import partial

from portal.accounts.permissions import register_rule

from .models import Offence, Offender, ProtectiveOrder
from .querysets import restricted_q

of_offender = partial(restricted_q, path="offender")  # the rule for rows that belong to one offender

for _capability in (
    "offender.view", "offender.edit", "offender.mark_restricted", "reports.view",
    "records.review", "records.dispose", "records.subject_access",
):  # fmt: skip
    register_rule(_capability, Offender, restricted_q)
for _capability in ("offence.view", "offence.edit", "reports.view"):
    register_rule(_capability, Offence, of_offender)
for _capability in ("order.view", "order.edit"):
    register_rule(_capability, ProtectiveOrder, of_offender)
