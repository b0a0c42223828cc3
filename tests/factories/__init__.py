"""One set of builders for every area's tests.

- `people`: factory_boy factories for offenders, victims, offences and offence types.
- `clock`: days and times relative to today.
- `audit`: audit events written through the real chain at a chosen time.
- `scores`: live scores and published rankings written straight to the tables the reports read.
- `cases`: cases as the case app would leave them, opened at a chosen time.
- `imports`: offence CSV rows and uploads; `workbooks`: harm-index workbooks.
- `partners`: a partner agency with an information-sharing agreement.

The people factories are re-exported here, so `from tests.factories import OffenderFactory` works.
"""

from tests.factories.people import OffenceFactory, OffenceTypeFactory, OffenderFactory, VictimFactory

__all__ = ["OffenceFactory", "OffenceTypeFactory", "OffenderFactory", "VictimFactory"]
