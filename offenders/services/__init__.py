"""Every write of the offenders app, one module per subject (docs/decisions/0505-cases-app-and-one-way-dependencies.md).

offenders.py and offences.py: offender and offence records (pages, API); access.py: the audit records of
reading them (profiles, lists); imports.py: the offences CSV (the harm-index workbook is scoring's:
scoring/services/harm_index.py).
Import from the module that owns the write, e.g. ``from offenders.services.offences import offence_create``.
"""
