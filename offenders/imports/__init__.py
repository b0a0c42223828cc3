"""Bulk imports: the offences CSV, and what the harm-index workbook import shares with it.

The service in ``offenders.services.imports`` is the one way in for offences, used by the command, the
admin upload pages and the API. The harm-index workbook makes a scoring policy, so its reader,
service, command and admin page are the scoring app's (``scoring.harm_workbook``,
``scoring.services.harm_index``); they use the batches, reports and upload handling here. This package
holds what they share:

- ``sources``: reading an upload safely (size limit, SHA-256, strict UTF-8 line by line);
- ``problems``: the `line N, column C: what is wrong` list (first 1,000 kept, all counted);
- ``offences_columns`` and ``offences_csv``: the CSV's columns, their rules (offenders.rules) and the
  streaming reader; ``harm_codes``: which codes the active policy allows (asked through offenders.hooks);
- ``offences_load``, ``fast_insert``: writing checked rows in bulk (their audit goes through ``portal.audit.bulk``);
- ``batches``: the ImportBatch record, its audit event and the report every caller shows;
- ``admin``, ``views``, ``forms``, ``pending``, ``api``, ``commands``: the admin pages, the API view
  and the management commands' shared parts.

Decisions: docs/decisions/0700-0704.
"""
