"""Importing a downloaded public list as a dated, hashed version: streamed, checked, all or nothing.

Two passes over the file, both in fixed memory. The first hashes it (SHA-256) and checks that it ends with
a line break (a download cut off mid-line would otherwise pass as a shorter list); a file already imported
with the same digest is a no-op. The second reads it line by line (each line decoded as UTF-8 on its own, so
a byte of another encoding is named by its line), through the ``csv`` module, checks the header against the
list's columns, parses every row and inserts rows in batches inside a savepoint: the first bad line, or
column, rolls the whole import back and nothing is stored.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.enums import ListSource
from vendorcheck.models import ListRow, ListVersion
from vendorcheck.screening.formats import FORMATS, LABELS, Format, RowError, looks_like

CHUNK = 1 << 20
MAX_LINE = 1 << 20  # bytes: a longer "line" is not one of these lists
BATCH = 2000  # rows per INSERT
FIELD_LIMIT = 1 << 20  # characters per field (csv's own default is 128 KiB)


class ListImportError(ValueError):
    """A list file refused; the message names the line (and column) and what to do. Nothing was stored."""


@dataclass(frozen=True)
class Imported:
    """What an import did: the version (new, or the one already holding this file) and whether it was new."""

    version: ListVersion
    created: bool

    @property
    def summary(self) -> str:
        """One line for the user."""
        v = self.version
        head = f"{LABELS[v.source]} {v.version_date.isoformat()} (sha256 {v.sha256[:12]}…), {v.row_count} rows"
        if not self.created:
            return f"already imported: {head}; nothing changed"
        return f"imported {head}" + ("; older than the newest version already imported" if v.older else "")


def visible(org_id: int | None) -> object:
    """Versions an organization sees: the instance's (imported at the command line) and its own."""
    return or_(ListVersion.org_id.is_(None), ListVersion.org_id == org_id) if org_id is not None else (
        ListVersion.org_id.is_(None)
    )  # fmt: skip


def digest_of(stream: IO[bytes]) -> str:
    """The file's SHA-256; ListImportError if it is empty or does not end with a line break (cut off)."""
    stream.seek(0)
    hasher = hashlib.sha256()
    last = b""
    first = stream.read(CHUNK)
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ListImportError(
            "line 1, character 1: the file is in UTF-16, another encoding (save it as UTF-8, or download the "
            "original again)"
        )
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        hasher.update(chunk)
        last = chunk[-1:]
    if not last:
        raise ListImportError("the file is empty")
    if last not in (b"\n", b"\r"):
        raise ListImportError("the file ends in the middle of a line: the download looks cut off; download it again")
    stream.seek(0)
    return hasher.hexdigest()


def _lines(stream: IO[bytes], counter: list[int]) -> Iterator[str]:
    """The file's lines as text, each decoded on its own so that a bad byte is named with its line."""
    while raw := stream.readline(MAX_LINE + 1):
        counter[0] += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            raise ListImportError(f"line {counter[0]}: longer than {MAX_LINE} bytes; this is not a list file")
        try:
            yield raw.decode("utf-8-sig" if counter[0] == 1 else "utf-8")
        except UnicodeDecodeError as error:
            bad = raw[error.start : error.start + 1].hex()
            raise ListImportError(
                f"line {counter[0]}, character {error.start + 1}: byte 0x{bad} is not UTF-8; the file is in another "
                "encoding (save it as UTF-8, or download the original again)"
            ) from None


def import_list(
    session: Session,
    actor: Actor,
    source: ListSource | str,
    stream: IO[bytes],
    filename: str,
    *,
    org_id: int | None = None,
    version_date: date | None = None,
) -> Imported:
    """Import one list file (``stream`` binary and seekable) in the caller's transaction; audited.

    ``org_id`` None makes the version the instance's (the command line); an organization's admin imports
    for that organization only. ``version_date`` defaults to the newest date in the file (the list's dates
    of exclusion, reinstatement or breach submission). Re-screening is the caller's next step.
    """
    try:
        source = ListSource(source)
    except ValueError:
        raise ListImportError(f"unknown list {source!r}; choose leie, sam or ocr") from None
    spec = FORMATS[source]
    digest = digest_of(stream)
    same = session.scalar(
        select(ListVersion).where(ListVersion.source == source, ListVersion.sha256 == digest, visible(org_id))
    )
    if same is not None:
        return Imported(same, False)
    counter = [0]
    reader = csv.reader(_lines(stream, counter), strict=True)
    csv.field_size_limit(FIELD_LIMIT)
    with session.begin_nested():
        version = ListVersion(
            org_id=org_id, source=source, version_date=version_date or date.min, sha256=digest, row_count=0,
            filename=Path(filename).name[:255] or "upload.csv", imported_by=actor.label[:200],
        )  # fmt: skip
        session.add(version)
        session.flush()
        count, newest = _load_rows(session, reader, counter, spec, version.id)
        version.row_count = count
        version.version_date = version_date or newest
        latest = session.scalar(
            select(func.max(ListVersion.version_date)).where(
                ListVersion.source == source, ListVersion.id != version.id, visible(org_id)
            )
        )
        version.older = latest is not None and version.version_date < latest
        session.flush()
    audit.record(
        session,
        actions.SCREENING_LIST_IMPORTED,
        actor,
        org_id=org_id,
        target_type="list_version",
        target_id=version.id,
        details={
            "source": source.value,
            "version_date": version.version_date.isoformat(),
            "sha256": digest,
            "rows": count,
            "filename": version.filename,
            "older": version.older,
        },
    )
    return Imported(version, True)


def _load_rows(
    session: Session, reader: Iterator[list[str]], counter: list[int], spec: Format, version_id: int
) -> tuple[int, date]:
    """Check the header, parse and insert every row; the rows' count and newest date."""
    try:
        header = next(reader)
    except StopIteration:
        raise ListImportError("the file is empty") from None
    except csv.Error as error:
        raise ListImportError(f"line {counter[0]}: not CSV ({error})") from None
    positions = spec.positions(header)
    if isinstance(positions, str):
        other = looks_like(header)
        hint = (
            f"; this looks like the {LABELS[other]} file: import it as `{other.value}`"
            if other is not None and other != spec.source
            else f"; expected the {spec.label} columns {', '.join(spec.columns)}"
        )
        raise ListImportError(f"line 1: column {positions!r} is missing{hint}")
    while header and not header[-1].strip():  # a trailing empty header cell (the OCR export has one)
        header = header[:-1]
    width = len(header)
    batch: list[dict[str, object]] = []
    count = 0
    newest = date.min
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ListImportError(f"line {counter[0]}: {error} (the file looks cut off or damaged)") from None
        line = counter[0]
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) < width:
            raise ListImportError(
                f"line {line}: {len(cells)} columns where the header has {width} (the file looks cut off or damaged)"
            )
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise ListImportError(f"line {line}: {len(cells)} columns where the header has {width}")
        row = {column: cells[index] for column, index in positions.items()}
        try:
            parsed = spec.parse(row)
        except RowError as error:
            raise ListImportError(f"line {line}, column {error.column}: {error}") from None
        for day in (parsed.get("listed_on"), parsed.get("ends_on")):
            if day is not None and day > newest:
                newest = day
        batch.append({**parsed, "version_id": version_id, "line": line, "raw": dict(zip(header, cells, strict=False))})
        count += 1
        if len(batch) >= BATCH:
            session.execute(insert(ListRow), batch)
            batch = []
    if batch:
        session.execute(insert(ListRow), batch)
    if count == 0:
        raise ListImportError("line 2: the file has a header but no rows")
    return count, newest


def newest_version(session: Session, source: ListSource, org_id: int | None) -> ListVersion | None:
    """The version of ``source`` with the latest date that ``org_id`` sees (the last imported on a tie)."""
    return session.scalar(
        select(ListVersion)
        .where(ListVersion.source == source, visible(org_id))
        .order_by(ListVersion.version_date.desc(), ListVersion.id.desc())
        .limit(1)
    )
