"""Which files a report takes, told by their content, and how large they may be.

Rules:
- a file is accepted by what its bytes are, never by its name or the type Telegram was told:
  PDF; Word, Excel and PowerPoint (.docx/.xlsx/.pptx: a zip with `[Content_Types].xml`; the
  binary .doc/.xls/.ppt of Office 97-2003: an OLE2 container); OpenDocument (a zip whose
  `mimetype` is `application/vnd.oasis.opendocument.*`); images (JPEG, PNG, GIF, WebP, TIFF,
  HEIC/HEIF); other ZIP archives; plain text (UTF-8, UTF-16 with BOM or Windows-1251, no
  control characters, not HTML or XML markup). Anything else is `FILE_TYPE_NOT_ALLOWED`;
- a photo sent as a photo is Telegram's own JPEG: nothing to check;
- a file is at most `ReportLimits.file_bytes` (`REPORT_FILE_MAX_MB`), the files of a report
  together at most `ReportLimits.report_bytes` (`REPORT_MAX_MB`): `FILE_TOO_LARGE`,
  `REPORT_TOO_LARGE`;
"""

from __future__ import annotations

import enum
import io
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from bot.refusals import Refusal, Refused

BYTES_IN_MB = 1024 * 1024
MAX_CONTROL_SHARE = 0.001
TEXT_SAMPLE = 100_000


class FileKind(enum.StrEnum):
    PDF = "pdf"
    OFFICE = "office"  # .docx / .xlsx / .pptx
    OFFICE_LEGACY = "office_legacy"  # .doc / .xls / .ppt
    OPEN_DOCUMENT = "open_document"
    IMAGE = "image"
    ZIP = "zip"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class ReportLimits:
    file_bytes: int
    report_bytes: int

    @classmethod
    def in_mb(cls, file_mb: float, report_mb: float) -> ReportLimits:
        return cls(int(file_mb * BYTES_IN_MB), int(report_mb * BYTES_IN_MB))


def _mb(size: int) -> str:
    return f"{size / BYTES_IN_MB:.1f}".removesuffix(".0")


def check_size(size: int | None, attached: Iterable[int | None], limits: ReportLimits) -> None:
    """Refused when a file of `size` bytes is too large alone or with the ones `attached`."""
    size = size or 0
    if size > limits.file_bytes:
        raise Refused(Refusal.FILE_TOO_LARGE, size_mb=_mb(size), limit_mb=_mb(limits.file_bytes))
    if size + sum(other or 0 for other in attached) > limits.report_bytes:
        raise Refused(Refusal.REPORT_TOO_LARGE, limit_mb=_mb(limits.report_bytes))


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_SIGNATURES = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def file_kind(content: bytes) -> FileKind:
    """What the file is, by its bytes; `FILE_TYPE_NOT_ALLOWED` when nothing allowed."""
    if content.startswith(b"%PDF-"):
        return FileKind.PDF
    if content.startswith(OLE2):
        return FileKind.OFFICE_LEGACY
    if content.startswith(IMAGE_SIGNATURES) or _is_webp(content) or _is_heif(content):
        return FileKind.IMAGE
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(content)
    if _is_plain_text(content):
        return FileKind.TEXT
    raise Refused(Refusal.FILE_TYPE_NOT_ALLOWED)


def _is_webp(content: bytes) -> bool:
    return content[:4] == b"RIFF" and content[8:12] == b"WEBP"


def _is_heif(content: bytes) -> bool:
    return content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS


def _zip_kind(content: bytes) -> FileKind:
    """Office and OpenDocument files are zips: told apart by their inner structure (the zip's
    directory only; nothing is unpacked but the few bytes of `mimetype`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return FileKind.OFFICE
            if _open_document_mimetype(archive, names):
                return FileKind.OPEN_DOCUMENT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        raise Refused(Refusal.FILE_TYPE_NOT_ALLOWED) from None
    except NotImplementedError:  # a compression method Python lacks: still a zip
        pass
    return FileKind.ZIP


def _open_document_mimetype(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
        return False
    return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")


def _is_plain_text(content: bytes) -> bool:
    text = _decode(content[:TEXT_SAMPLE])
    if text is None or not text.strip():
        return False
    head = text[:1000].lstrip().lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<svg", "<script")) or "<html" in head:
        return False
    controls = sum(
        1
        for char in text
        if char not in "\t\n\r\f" and unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn")
    )
    return controls <= MAX_CONTROL_SHARE * len(text)


def _decode(sample: bytes) -> str | None:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return sample.decode("utf-16", errors="replace")
    if b"\x00" in sample:
        return None
    try:
        return sample.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 4:  # the sample cut a character in two
            return sample[: error.start].decode("utf-8-sig")
    return sample.decode("cp1251", errors="replace")
