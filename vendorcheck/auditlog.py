"""Reading the audit trail for people: filtering one organization's events and exporting them as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

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
# Spreadsheet programs run a cell starting with these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
        return query.order_by(AuditEvent.seq.desc())


def events(session: Session, org_id: int, event_filter: EventFilter, limit: int) -> list[AuditEvent]:
    """At most ``limit`` matching events, newest first."""
    return list(session.scalars(event_filter.query(org_id).limit(limit)))


def actions(session: Session, org_id: int) -> list[str]:
    """The distinct actions recorded for the organization (for the filter's choices)."""
    query = select(AuditEvent.action).where(AuditEvent.org_id == org_id).distinct().order_by(AuditEvent.action)
    return list(session.scalars(query))


def detail_text(value: object) -> str:
    """One detail's value for people: text as it is, anything else as JSON (``null``, not Python's ``None``)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(session: Session, org_id: int, event_filter: EventFilter) -> Iterator[str]:
    """The matching events as CSV text, a chunk per batch of rows (streamed, header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    result = session.scalars(event_filter.query(org_id).execution_options(yield_per=500))
    try:
        for count, event in enumerate(result, start=1):
            writer.writerow(
                _cell(value)
                for value in (
                    event.seq,
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
