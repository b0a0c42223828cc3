"""A process for test_failed_imports: a real offences import that stalls mid-load, to be killed there.

`python -m tests.offenders.imports.stalled_import FILE MARKER` imports FILE through the one import service in
chunks of two rows; once the first chunk is written (inside the load's transaction, not committed), it
writes MARKER and sleeps. The test then kills the process with SIGKILL, as an operator or the kernel's
out-of-memory killer would, and checks what the portal has on record.
"""

import sys
import time
from pathlib import Path

import django


def main(csv_path: str, marker: str) -> None:
    django.setup()
    from offenders.imports.offences_load import OffenceLoader
    from offenders.imports.sources import Upload
    from offenders.services import imports
    from portal.accounts.permissions import SYSTEM

    real_load = OffenceLoader.load

    def load_then_stall(loader, chunk):
        real_load(loader, chunk)
        Path(marker).write_text("first chunk written")
        time.sleep(300)  # the test kills the process long before this ends

    OffenceLoader.load = load_then_stall
    imports.CHUNK_ROWS = 2
    path = Path(csv_path)
    with path.open("rb") as stream:
        report = imports.offences_import(upload=Upload(stream, path.name, path.stat().st_size), by=SYSTEM)
    print(f"the import ended without stalling: {report.as_dict()}")  # for the test's failure message


if __name__ == "__main__":
    main(*sys.argv[1:3])
