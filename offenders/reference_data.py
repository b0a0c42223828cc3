"""The illustrative harm index shipped with the portal (offenders/reference/), read once, in one place."""

import csv
from dataclasses import dataclass
from pathlib import Path

ILLUSTRATIVE_INDEX = Path(__file__).resolve().parent / "reference" / "harm_index_illustrative.csv"
ILLUSTRATIVE_LABEL = "Illustrative"


@dataclass(frozen=True)
class ReferenceRow:
    code: str
    title: str
    category: str
    days: int
    provenance: str


def illustrative_rows() -> list[ReferenceRow]:
    """Every row of the illustrative index: code, title, category, harm days and where the value came from."""
    with ILLUSTRATIVE_INDEX.open(newline="", encoding="utf-8") as handle:
        return [
            ReferenceRow(row["code"], row["title"], row["category"], int(row["days"]), row["provenance"])
            for row in csv.DictReader(handle)
        ]
