"""Reading the audit trail for people: filtering one organization's events and exporting them as CSV.

An organization's events are those of its own chain, numbered from 1, and any it had in the legacy chain
before chains were per organization: those come last (oldest) and show no number, since theirs counted
every organization's entries.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from vendorcheck.audit.chain import LEGACY_CHAIN
from vendorcheck.cells import csv_writer
from vendorcheck.models import AuditEvent

CSV_COLUMNS = [
    "seq",
    "occurred_at_utc",
    "actor",
    "actor_kind",
    "action",
    "target_type",
    "target_id",
    "vendor_id",
    "source_ip",
    "details",
    "entry_hash",
]


@dataclass(frozen=True)
class EventFilter:
    """What an auditor narrows the trail to; empty fields do not filter."""

    vendor_id: int | None = None
    user_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None

    def query(self, org_id: int) -> Select[tuple[AuditEvent]]:
        """The organization's events matching this filter, newest first."""
        query = select(AuditEvent).where(AuditEvent.org_id == org_id)
        if self.vendor_id is not None:
            query = query.where(AuditEvent.vendor_id == self.vendor_id)
        if self.user_id is not None:
            query = query.where(AuditEvent.actor_user_id == self.user_id)
        if self.action:
            query = query.where(AuditEvent.action.startswith(self.action, autoescape=True))
        if self.since is not None:
            query = query.where(AuditEvent.occurred_at >= datetime.combine(self.since, time.min, UTC))
        if self.until is not None and self.until < date.max:  # until the calendar's last day: no upper bound
            query = query.where(
                AuditEvent.occurred_at < datetime.combine(self.until + timedelta(days=1), time.min, UTC)
            )
        return query.order_by((AuditEvent.chain == LEGACY_CHAIN).asc(), AuditEvent.seq.desc())


@dataclass(frozen=True)
class Cursor:
    """Where a page of the trail ends: the last entry shown (legacy entries come after the organization's own)."""

    legacy: bool
    seq: int

    def token(self) -> str:
        """The cursor as it travels in a URL: ``L123`` for a legacy entry, ``123`` for the organization's."""
        return f"{'L' if self.legacy else ''}{self.seq}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """A cursor from its URL form; None for anything else (the first page)."""
        text = (token or "").strip()
        legacy = text.startswith("L")
        digits = text[1:] if legacy else text
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            return None
        return cls(legacy, int(digits))


def events(
    session: Session, org_id: int, event_filter: EventFilter, limit: int, after: Cursor | None = None
) -> tuple[list[AuditEvent], Cursor | None]:
    """A page of at most ``limit`` matching events, newest first, after ``after``; and the next page's cursor.

    Keyset paging (the last entry's place, not an offset), so a page costs the same however deep it is and
    entries appended meanwhile never shift it.
    """
    query = event_filter.query(org_id)
    if after is not None:
        legacy = AuditEvent.chain == LEGACY_CHAIN
        if after.legacy:
            query = query.where(legacy, AuditEvent.seq < after.seq)
        else:
            query = query.where(or_(legacy, AuditEvent.seq < after.seq))
    found = list(session.scalars(query.limit(limit + 1)))
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], Cursor(last.chain == LEGACY_CHAIN, last.seq)


def has_legacy(session: Session, org_id: int) -> bool:
    """True if the organization has events from before per-organization chains."""
    query = select(AuditEvent.id).where(AuditEvent.org_id == org_id, AuditEvent.chain == LEGACY_CHAIN).limit(1)
    return session.scalar(query) is not None


def seq_of(event: AuditEvent) -> int | None:
    """The number people see: the entry's in its organization's chain (none for legacy entries)."""
    return None if event.chain == LEGACY_CHAIN else event.seq


def actions(session: Session, org_id: int) -> list[str]:
    """The distinct actions recorded for the organization (for the filter's choices)."""
    query = select(AuditEvent.action).where(AuditEvent.org_id == org_id).distinct().order_by(AuditEvent.action)
    return list(session.scalars(query))


def detail_text(value: object) -> str:
    """One detail's value for people: text as it is, anything else as JSON (``null``, not Python's ``None``)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def csv_rows(session: Session, org_id: int, event_filter: EventFilter) -> Iterator[str]:
    """The matching events as CSV text, a chunk per batch of rows (streamed, header first)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    result = session.scalars(event_filter.query(org_id).execution_options(yield_per=500))
    try:
        for count, event in enumerate(result, start=1):
            writer.writerow(
                (
                    seq_of(event),
                    event.occurred_at.isoformat(),
                    event.actor_label,
                    event.actor_kind.value,
                    event.action,
                    event.target_type,
                    event.target_id,
                    event.vendor_id,
                    event.source_ip,
                    json.dumps(event.details, sort_keys=True, ensure_ascii=False),
                    event.entry_hash,
                )
            )
            if count % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    finally:
        result.close()
    yield buffer.getvalue()
