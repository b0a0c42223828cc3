"""Bulk imports: the offences CSV and the harm-index workbook (CONTRACT.md sections 5 and 6).

The services in ``offenders.services.imports`` are the one way in, used by the commands, the admin
upload pages and the API. This package holds what they share:

- ``sources``: reading an upload safely (size limit, SHA-256, strict UTF-8 line by line);
- ``problems``: the `line N, column C: what is wrong` list (first 1,000 kept, all counted);
- ``offences_columns`` and ``offences_csv``: the CSV's columns, their rules (offenders.rules) and the
  streaming reader; ``harm_codes``: which codes the active policy allows;
- ``offences_load``, ``fast_insert``: writing checked rows in bulk (their audit goes through ``portal.audit.bulk``);
- ``harm_workbook``: reading a Cambridge Crime Harm Index workbook;
- ``batches``: the ImportBatch record, its audit event and the report every caller shows;
- ``admin``, ``views``, ``forms``, ``pending``, ``api``, ``commands``: the admin pages, the API view
  and the management commands' shared parts.

Decisions: docs/decisions/0700-0704.
"""
