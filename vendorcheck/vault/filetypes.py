"""Which evidence files are accepted: decided by content, never by the name the uploader gave.

``Sniffer`` watches the plaintext as it streams into the encryptor and keeps only the first and last few
kilobytes, so a decision needs no plaintext on disk: PDF, PNG and JPEG by their signatures and trailers,
CSV and TXT as UTF-8 text without control bytes, DOCX and XLSX as ZIP archives that are then opened
(from the encrypted blob, through a random-access decryptor) and checked as Office Open XML, with limits
that refuse zip bombs and macro-enabled documents.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from vendorcheck.vault.chunked import VaultError

HEAD_SIZE = 8 * 1024
TAIL_SIZE = 1024
# Zip-bomb limits for DOCX/XLSX: what real documents stay far below.
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200
# Bytes that never appear in text (tab, line feed, carriage return and form feed do): deleting every other
# byte with bytes.translate leaves only these, at memory speed.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
NOT_CONTROL = bytes(b for b in range(256) if b not in CONTROL_BYTES)
SMALL_PART = 1024 * 1024  # parts this small may compress at any ratio


class RejectedFile(VaultError):
    """The upload is not an accepted kind of document; the message says why, for the uploader."""


@dataclass(frozen=True)
class FileType:
    """An accepted kind of file: ``extension`` is the canonical one, ``also`` other names it goes by."""

    label: str
    media_type: str
    extension: str
    also: tuple[str, ...] = ()

    @property
    def extensions(self) -> tuple[str, ...]:
        """Every extension a file of this type may carry (lower case, no dot)."""
        return (self.extension, *self.also)


PDF = FileType("PDF document", "application/pdf", "pdf")
PNG = FileType("PNG image", "image/png", "png")
JPEG = FileType("JPEG image", "image/jpeg", "jpg", ("jpeg",))
DOCX = FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
CSV = FileType("CSV file", "text/csv", "csv")
TXT = FileType("text file", "text/plain", "txt", ("text", "log"))
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX, CSV, TXT)
ACCEPTED_TEXT = "PDF, PNG, JPEG, Word (DOCX), Excel (XLSX), CSV or plain text"
BY_MEDIA_TYPE = {t.media_type: t for t in ACCEPTED}


def name_for(filename: str, file_type: FileType) -> str:
    """``filename`` if its last extension is one ``file_type`` goes by, else with the canonical one appended.

    The content decides the type; the name must not claim another one, or whoever opens the download would
    get the program its extension names (``report.pdf.bat`` that is text becomes ``report.pdf.bat.txt``).
    """
    stem, dot, extension = filename.rpartition(".")
    if dot and stem and extension.lower() in file_type.extensions:
        return filename
    return f"{filename}.{file_type.extension}"


_OOXML_MAIN = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
}


class Sniffer:
    """Fed the plaintext as it streams; ``result`` names its type or raises RejectedFile."""

    def __init__(self) -> None:
        self.size = 0
        self._head = bytearray()
        self._tail = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._text_ok = True

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Look at the next piece of the file."""
        data = data if isinstance(data, bytes) else bytes(data)
        self.size += len(data)
        if len(self._head) < HEAD_SIZE:
            self._head += data[: HEAD_SIZE - len(self._head)]
        self._tail += data[-TAIL_SIZE:]
        del self._tail[:-TAIL_SIZE]
        if self._text_ok:
            try:
                self._decoder.decode(data)
            except UnicodeDecodeError:
                self._text_ok = False
            else:
                self._text_ok = not data.translate(None, NOT_CONTROL)

    @property
    def hopeless(self) -> bool:
        """True as soon as the file can no longer turn out to be an accepted type (stop reading it early)."""
        return len(self._head) >= 8 and self._binary_type() is None and not self._text_ok

    def _binary_type(self) -> FileType | None:
        head = bytes(self._head)
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return DOCX  # provisionally: the archive is opened to tell DOCX from XLSX (or refuse it)
        return None

    def result(self, filename: str) -> FileType:
        """The file's type once it has all streamed in; RejectedFile if it is none of the accepted ones."""
        if self.size == 0:
            raise RejectedFile("The file is empty. Choose the document again.")
        found = self._binary_type()
        tail = bytes(self._tail)
        if found is PDF and b"%%EOF" not in tail:
            raise RejectedFile("The PDF is incomplete (it has no end marker). Save or export it again and retry.")
        if found is PNG and not tail.endswith(b"IEND\xaeB`\x82"):
            raise RejectedFile("The PNG image is incomplete. Save it again and retry.")
        if found is JPEG and b"\xff\xd9" not in tail[-16:]:
            raise RejectedFile("The JPEG image is incomplete. Save it again and retry.")
        if found is not None:
            return found
        if self._text_ok:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self._text_ok = False
        if self._text_ok:
            return CSV if filename.lower().endswith(".csv") else TXT
        raise RejectedFile(f"This kind of file is not accepted. Upload a {ACCEPTED_TEXT} file.")


def check_office_document(source: BinaryIO) -> FileType:
    """Open a ZIP-based upload and say whether it is a DOCX or XLSX without macros and within the limits."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise RejectedFile("The document has too many parts to be a normal Word or Excel file.")
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names:
                raise RejectedFile("ZIP archives are not accepted. Upload the Word or Excel document itself.")
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise RejectedFile("Documents with macros are not accepted. Save it as a plain .docx or .xlsx.")
            kinds = [kind for main, kind in _OOXML_MAIN.items() if main in names]
            if len(kinds) != 1:
                raise RejectedFile("Only Word (.docx) and Excel (.xlsx) documents are accepted among Office files.")
            _check_expansion(archive, entries)
            return kinds[0]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError) as exc:
        raise RejectedFile(f"The document is damaged and cannot be opened ({exc}).") from None


def _check_expansion(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Decompress every part, counting real bytes (headers can lie), against the zip-bomb limits."""
    total = 0
    for entry in entries:
        allowed = max(entry.compress_size * MAX_ZIP_RATIO, SMALL_PART)
        if entry.file_size > allowed or entry.file_size > MAX_ZIP_UNCOMPRESSED:
            raise RejectedFile("The document expands to far more than its size (a 'zip bomb'); it is refused.")
        produced = 0
        with archive.open(entry) as part:
            while piece := part.read(64 * 1024):
                produced += len(piece)
                total += len(piece)
                if produced > allowed or total > MAX_ZIP_UNCOMPRESSED:
                    raise RejectedFile("The document expands to far more than its size (a 'zip bomb'); it is refused.")
