"""CSV exports: cells that a spreadsheet would run as formulas are neutralised; exports stream."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse

from portal.oversight.exports import csv_lines, csv_response, neutralise


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Camden", "Camden"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (True, "yes"),
        (42, 42),
        (1.5, 1.5),
        (datetime.date(2025, 3, 1), "2025-03-01"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_lines_round_trip_with_neutralised_cells():
    text = "".join(csv_lines([["borough", "n"], ["=cmd|' /C calc'!A0", 3], ["Hackney, North", 4]]))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["borough", "n"], ["'=cmd|' /C calc'!A0", "3"], ["Hackney, North", "4"]]


def test_csv_response_streams_from_a_generator():
    consumed = []

    def rows():
        for number in range(3):
            consumed.append(number)
            yield [number]

    response = csv_response(rows(), filename="x.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert consumed == []  # nothing read before the body is iterated
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == "\ufeff0\r\n1\r\n2\r\n"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Content-Type"].startswith("text/csv")
