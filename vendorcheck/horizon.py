"""When does what is being computed change by itself, with no write to the database? No Flask, no SQLAlchemy.

Almost everything a page shows changes only when someone changes it (and the organization's audit chain moves on)
or at a day boundary (a document expires, a reassessment falls due). A few rules turn on the clock within a day: a
vendor link stops working at its expiry time. Such a rule calls :func:`changes_at` with that moment; whoever keeps
a computed result (the page cache, ``web.pagecache``) watches with :func:`watching` and drops it then.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

_watchers: ContextVar[list[datetime] | None] = ContextVar("vendorcheck_horizon", default=None)


def changes_at(moment: datetime) -> None:
    """Note that the result being computed changes at ``moment`` (a no-op when nobody is watching)."""
    watched = _watchers.get()
    if watched is not None:
        watched.append(moment)


@contextmanager
def watching() -> Iterator[list[datetime]]:
    """Collect the moments noted while the block runs (nested blocks see only their own)."""
    watched: list[datetime] = []
    token = _watchers.set(watched)
    try:
        yield watched
    finally:
        _watchers.reset(token)
