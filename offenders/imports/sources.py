"""Reading an uploaded file safely: the size limit, its SHA-256, and UTF-8 text one line at a time.

Files arrive as binary streams (an upload, or a path opened by the command). Nothing here reads the
whole file into memory: hashing and decoding both stream, so memory stays flat whatever the size.
"""

import codecs
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .problems import FileRefused

SAVE_AS_UTF8 = (
    "Save it again as UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'; "
    "in LibreOffice tick 'Edit filter settings' and choose 'Unicode (UTF-8)') and upload it again."
)
_OTHER_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


@dataclass(frozen=True)
class Upload:
    """An import file: a seekable binary stream plus what the batch record needs to say about it."""

    stream: BinaryIO
    name: str
    size: int


def import_size_limit() -> int:
    return int(getattr(settings, "PORTAL_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def check_size(size: int) -> None:
    """Refuse a file over PORTAL_IMPORT_MAX_BYTES before reading a byte of it."""
    limit = import_size_limit()
    if size > limit:
        raise FileRefused(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)}. "
            "Split it into smaller files and import each one.",
            too_large=True,
        )


def sha256_of(stream: BinaryIO) -> str:
    """The file's SHA-256 (what the batch record and the audit event identify it by); rewinds after."""
    stream.seek(0)
    digest = hashlib.file_digest(stream, "sha256").hexdigest()  # type: ignore[arg-type]  # BinaryIO omits readinto
    stream.seek(0)
    return digest


def _refuse_other_encodings(first_bytes: bytes) -> None:
    for bom, name in _OTHER_BOMS.items():
        if first_bytes.startswith(bom) and not first_bytes.startswith(codecs.BOM_UTF8):
            raise FileRefused(f"The file is encoded as {name}, not UTF-8. {SAVE_AS_UTF8}", line=1)


def utf8_lines(stream: BinaryIO) -> Iterator[str]:
    """The file's physical lines as text (a leading BOM dropped), whatever their endings (CRLF, LF or a
    lone CR, as old Mac exports write), each with its ending kept so quoted cells may span lines.

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``) rather than refused
    here: the CSV reader then names the line AND the column of each bad cell (`bad_bytes_message`),
    which is what someone fixing a Latin-1 export in a spreadsheet needs. Such text never reaches the
    database. A NUL byte (UTF-16 without a BOM, or a binary file) refuses the file at its line.
    """
    stream.seek(0)
    _refuse_other_encodings(stream.read(4))
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        for number, line in enumerate(text, start=1):
            if "\x00" in line:
                raise FileRefused(
                    f"The line contains a NUL byte: the file is UTF-16 or not a text file. {SAVE_AS_UTF8}",
                    line=number,
                )
            yield line
    finally:
        if not stream.closed:  # a load stopped mid-file is closed by its caller before this generator is
            text.detach()  # the caller owns (and closes) the binary stream


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def has_bad_bytes(text: str) -> bool:
    """Whether `text` (read by `utf8_lines`) holds bytes that were not UTF-8."""
    return _NOT_UTF8.search(text) is not None


def bad_bytes_message(text: str) -> str:
    """What is wrong with a cell holding non-UTF-8 bytes, naming the first byte (never echoing the cell)."""
    found = _NOT_UTF8.search(text)
    assert found is not None, "called only for text where has_bad_bytes is true"
    byte = ord(found[0]) - 0xDC00
    return f"Byte 0x{byte:02X} is not UTF-8 (the file looks like Latin-1/Windows-1252). {SAVE_AS_UTF8}"
