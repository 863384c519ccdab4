"""Which kind of file this is, told by its content (the extension only breaks ties).

Rules:
- over `MAX_FILE_BYTES` → `too_large`; nothing but whitespace → `empty`;
- a zip holding `word/document.xml` is a Word document, one holding `xl/workbook.xml` an Excel
  workbook; any other zip, PDF, image, old binary Office file (.doc/.xls), RTF or HTML is
  `unsupported_format`; a broken zip is `corrupted`; a password-protected Office file (an OLE
  container with `EncryptionInfo`, or a zip with encrypted entries) is `encrypted`; a zip whose
  entries unpack to more than the caps of `bounds` is `too_large_unpacked`;
- anything else must decode as text (UTF-8 with or without BOM, UTF-16 with BOM, else
  Windows-1251) and look like text, or it is `unsupported_format`; text is CSV when it is named
  `.csv` or when its lines split consistently on `;` or `,` and no line is tab-separated.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
import zlib
from enum import StrEnum
from pathlib import PurePath

from bot.plan_import.bounds import BYTES_IN_MB, check_declared_sizes
from bot.plan_import.model import ImportFailure

MAX_FILE_BYTES = 50 * 1024 * 1024

# Share of control characters above which decoded bytes are not text.
MAX_CONTROL_SHARE = 0.005
# Invalid UTF-8 sequences tolerated (replaced) before falling back to Windows-1251.
MAX_BAD_UTF8_SHARE = 0.001
SNIFF_LINES = 60


# What a damaged zip raises while it is opened or read.
DAMAGED_ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,  # "compression method not supported", "zip file version …"
    EOFError,
    OSError,
    ValueError,
    KeyError,
)


class SourceKind(StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"
    CSV = "csv"
    TEXT = "text"


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OLE_MARK = "EncryptionInfo".encode("utf-16-le")

# Leading bytes of formats that are certainly not a plan we can read, with their labels.
FOREIGN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"{\\rtf", "RTF"),
    (b"\x1f\x8b", "GZIP"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7Z"),
    (b"%!PS", "PostScript"),
)


def detect(content: bytes, file_name: str | None) -> tuple[SourceKind, str | None]:
    """The kind of `content` and, for text, its decoded text; `ImportFailure` when it cannot be
    a plan we read."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFailure(
            "too_large",
            size_mb=round(len(content) / BYTES_IN_MB, 1),
            limit_mb=MAX_FILE_BYTES // BYTES_IN_MB,
        )
    if not content.strip():
        raise ImportFailure("empty")
    extension = _extension(file_name)
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(content, extension), None
    if content.startswith(OLE_SIGNATURE):
        if ENCRYPTED_OLE_MARK in content:
            raise ImportFailure("encrypted")
        raise ImportFailure("unsupported_format", kind=_ole_label(extension))
    for signature, label in FOREIGN_SIGNATURES:
        if content.startswith(signature):
            raise ImportFailure("unsupported_format", kind=label)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        raise ImportFailure("unsupported_format", kind="WEBP")
    text = decode_text(content, extension)
    markup = _markup_label(text)
    if markup:
        raise ImportFailure("unsupported_format", kind=markup)
    if extension == ".csv" or looks_like_csv(text):
        return SourceKind.CSV, text
    return SourceKind.TEXT, text


def decode_text(content: bytes, extension: str = "") -> str:
    """The bytes as text, or `unsupported_format` when they are not text."""
    text = _decode(content)
    if text is None or not _plausible_text(text):
        raise ImportFailure("unsupported_format", kind=_unknown_label(extension))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(content: bytes) -> str | None:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    if b"\x00" in content[:4096]:
        return _decode_utf16_without_bom(content)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = content.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(3, len(content) * MAX_BAD_UTF8_SHARE):
        return text
    return content.decode("cp1251", errors="replace")


def _decode_utf16_without_bom(content: bytes) -> str | None:
    head = content[:4096]
    even_zeros = head[0::2].count(0)
    odd_zeros = head[1::2].count(0)
    half = len(head) / 2
    if odd_zeros > 0.3 * half and even_zeros < 0.05 * half:
        return content.decode("utf-16-le", errors="replace")
    if even_zeros > 0.3 * half and odd_zeros < 0.05 * half:
        return content.decode("utf-16-be", errors="replace")
    return None


def _plausible_text(text: str) -> bool:
    sample = text[:200_000]
    if not sample.strip():
        return False
    controls = sum(
        1
        for char in sample
        if char not in "\t\n\r\f" and unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn")
    )
    replaced = sample.count("\ufffd")
    return controls + replaced <= MAX_CONTROL_SHARE * len(sample) + 1


def _markup_label(text: str) -> str | None:
    head = text[:1000].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) or "<html" in head[:200]:
        return "HTML"
    if head.startswith("<?xml"):
        return "XML"
    return None


def looks_like_csv(text: str) -> bool:
    """Lines that split on `;` or `,` into the same number (≥ 3) of fields, and no tabs."""
    lines = [line for line in text.split("\n", SNIFF_LINES)[:SNIFF_LINES] if line.strip()]
    if not lines or any("\t" in line for line in lines):
        return False
    return sniff_delimiter(lines) is not None


def sniff_delimiter(lines: list[str]) -> str | None:
    """`;` or `,` when most sampled lines split into the same number (≥ 3) of fields."""
    best: tuple[float, str] | None = None
    for delimiter in (";", ","):
        counts = [
            len(fields) for fields in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
        ]
        wide = [count for count in counts if count >= 3]
        if not wide:
            continue
        common = max(set(wide), key=wide.count)
        share = wide.count(common) / len(counts)
        if share >= 0.5 and (best is None or share > best[0]):
            best = (share, delimiter)
    return best[1] if best else None


def _zip_kind(content: bytes, extension: str) -> SourceKind:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except DAMAGED_ZIP_ERRORS:
        raise ImportFailure("corrupted", kind=_zip_label(extension)) from None
    names = {info.filename for info in infos}
    if any(info.flag_bits & 0x1 for info in infos):
        raise ImportFailure("encrypted")
    if "word/document.xml" in names:
        check_declared_sizes(infos, xlsx=False)
        return SourceKind.DOCX
    if "xl/workbook.xml" in names:
        check_declared_sizes(infos, xlsx=True)
        return SourceKind.XLSX
    check_declared_sizes(infos, xlsx=False)
    if "content.xml" in names and "mimetype" in names:
        raise ImportFailure("unsupported_format", kind="ODF")
    if extension in (".docx", ".xlsx"):
        raise ImportFailure("corrupted", kind=_zip_label(extension))
    raise ImportFailure("unsupported_format", kind="ZIP")


def _extension(file_name: str | None) -> str:
    return PurePath(file_name).suffix.lower() if file_name else ""


def _zip_label(extension: str) -> str:
    return {".docx": "DOCX", ".xlsx": "XLSX"}.get(extension, "ZIP")


def _ole_label(extension: str) -> str:
    return {".xls": "XLS", ".ppt": "PPT"}.get(extension, "DOC")


def _unknown_label(extension: str) -> str:
    return extension or "?"
