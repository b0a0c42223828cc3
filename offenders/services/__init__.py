"""Every write of the offenders app, one module per subject (DESIGN.md section 7).

offences.py: offenders and offences (pages, API). Cases (cases*.py) and imports live beside it.
Import from the module that owns the write, e.g. ``from offenders.services.offences import offence_create``.
"""
