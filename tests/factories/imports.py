"""Offence CSV files built row by row, and uploads of them, for the import tests."""

import csv
import io

from offenders.imports.sources import Upload

HEADER = [
    "crime_ref", "offence_code", "occurred_on", "reported_on", "status", "suspect_ref", "suspect_surname",
    "suspect_forenames", "suspect_dob", "suspect_sex", "suspect_ethnicity", "victim_ref", "victim_relationship",
    "borough", "domestic",
]  # fmt: skip


def offence_row(n: int, **overrides) -> dict[str, str]:
    """A good row; suspect n % 3 and victim n % 4 so offenders and victims repeat across rows."""
    row = {
        "crime_ref": f"CR/T/{n:05d}",
        "offence_code": ["008/06", "00806", "105/01", "19C"][n % 4],
        "occurred_on": f"2025-0{1 + n % 9}-1{n % 10}",
        "reported_on": f"2025-0{1 + n % 9}-2{n % 8}",
        "status": ["reported", "investigating", "charged", "convicted"][n % 4],
        "suspect_ref": f"SUS/T/{n % 3}",
        "suspect_surname": ["O'Brien", "Smith, Jr", "Nguyễn"][n % 3],
        "suspect_forenames": ["Seán", 'John "Jack"', "Văn"][n % 3],
        "suspect_dob": ["1980-01-01", "", "1999-12-31"][n % 3],
        "suspect_sex": ["male", "", "other"][n % 3],
        "suspect_ethnicity": ["W2", "", "A5"][n % 3],
        "victim_ref": f"VIC/T/{n % 4}",
        "victim_relationship": ["partner", "ex_partner", "", "family"][n % 4],
        "borough": ["Camden", "Tower Hamlets, East", "", "Line one\nline two"][n % 4],
        "domestic": ["true", "false", "", "TRUE"][n % 4],
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, str]], *, header: list[str] | None = None, bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or HEADER, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def upload_of(content: bytes, name: str = "offences.csv") -> Upload:
    return Upload(stream=io.BytesIO(content), name=name, size=len(content))
