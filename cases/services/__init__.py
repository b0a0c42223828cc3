"""Every write of the cases app, one module per subject.

cases.py: tasking an offender, lead/team/review changes, stage moves, notes, and the audit records of
reading cases and the dashboard; plan_actions.py: the 4P plan's actions; digests.py: the morning job.
Import from the module that owns the write, e.g. ``from cases.services.cases import case_open``.
"""
