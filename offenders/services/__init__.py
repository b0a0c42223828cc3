"""Every write of the offenders app, one module per subject (DESIGN.md section 7).

offenders.py and offences.py: offender and offence records (pages, API); access.py: the audit records of
reading them (profiles, lists, the dashboard); cases.py, case_actions.py, case_digests.py: cases and
their 4P plans; imports.py: the offences CSV and the harm-index workbook.
Import from the module that owns the write, e.g. ``from offenders.services.offences import offence_create``.
"""
