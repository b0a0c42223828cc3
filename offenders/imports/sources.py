"""Reading an uploaded file safely: the size limit, its SHA-256, and UTF-8 text one line at a time.

Files arrive as binary streams (an upload, or a path opened by the command). Nothing here reads the
whole file into memory: hashing and decoding both stream, so memory stays flat whatever the size.
"""

import codecs
import hashlib
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
    digest = hashlib.file_digest(stream, "sha256").hexdigest()
    stream.seek(0)
    return digest


def _refuse_other_encodings(first_bytes: bytes) -> None:
    for bom, name in _OTHER_BOMS.items():
        if first_bytes.startswith(bom) and not first_bytes.startswith(codecs.BOM_UTF8):
            raise FileRefused(f"The file is encoded as {name}, not UTF-8. {SAVE_AS_UTF8}", line=1)


def utf8_lines(stream: BinaryIO) -> Iterator[str]:
    """The file's lines as text, strictly UTF-8 (a leading BOM dropped); refuse anything else by line.

    Decoding line by line (not through one text wrapper) names the exact line of a bad byte, which
    is what someone fixing a Latin-1 export in a spreadsheet needs.
    """
    stream.seek(0)
    _refuse_other_encodings(stream.read(4))
    stream.seek(0)
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if b"\x00" in raw:
            raise FileRefused(
                f"The line contains a NUL byte: the file is UTF-16 or not a text file. {SAVE_AS_UTF8}", line=number
            )
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = raw[error.start : error.start + 1].hex().upper()
            raise FileRefused(
                f"Byte 0x{byte} is not UTF-8 (the file looks like Latin-1/Windows-1252). {SAVE_AS_UTF8}",
                line=number,
            ) from None
