"""A frozen clock for walking records through time: every ``utcnow`` the package imported answers a set time.

The package reads the time through ``vendorcheck.models.base.utcnow`` (imported by name into many modules), so
the clock replaces that function wherever a loaded ``vendorcheck`` module holds it, and puts them back after.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest

from vendorcheck.models import base


class FrozenClock:
    """The time every ``utcnow`` answers while the fixture runs; move it with :meth:`set` or :meth:`advance`."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date, at: time = time(10, 0)) -> None:
        """Go to ``day`` (10:00 UTC unless told)."""
        self.now = datetime.combine(day, at, tzinfo=UTC)

    def advance(self, **delta: float) -> None:
        """Move forward by a ``timedelta``'s keywords."""
        self.now += timedelta(**delta)

    @property
    def today(self) -> date:
        """The clock's date."""
        return self.now.date()


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FrozenClock]:
    """Every ``utcnow`` of the package frozen at 2026-01-15 10:00 UTC until moved."""
    clock = FrozenClock(datetime(2026, 1, 15, 10, 0, tzinfo=UTC))
    original = base.utcnow
    for name, module in list(sys.modules.items()):
        if name.startswith("vendorcheck") and getattr(module, "utcnow", None) is original:
            monkeypatch.setattr(module, "utcnow", clock)
    yield clock
