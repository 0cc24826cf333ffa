"""Which reminder an item is due today. Pure: dates in, a stage name out.

A dated item is reminded ``days_before`` its date (30, 7 and 1 by default), on the day, and then every week
while it is overdue. The stage returned is the *latest* one reached, so a scheduler that was stopped for a
while sends the reminder that fits today (not every one it missed), and each stage is sent once: the outbox
keys a reminder by its item and stage. An item with no date (answers waiting on review) is reminded when it
first appears and then weekly from that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

DEFAULT_DAYS_BEFORE = (30, 7, 1)
NEW = "new"  # an undated item, the first time it is seen
DUE = "due"  # the day itself (and the week after, if that reminder went out late)


def reminder_stage(
    due_on: date | None,
    today: date,
    *,
    first_seen: date | None = None,
    days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
) -> str | None:
    """The reminder due today: ``30d``, ``7d``, ``1d``, ``due``, ``overdue-1w``, ``overdue-2w``...; for an item
    with no date ``new`` then ``week-1``, ``week-2``... counted from ``first_seen``; None before the first one."""
    if due_on is None:
        weeks = 0 if first_seen is None else max((today - first_seen).days, 0) // 7
        return NEW if weeks == 0 else f"week-{weeks}"
    left = (due_on - today).days
    if left > 0:
        reached = [days for days in days_before if days >= left]
        return f"{min(reached)}d" if reached else None
    weeks = -left // 7
    return DUE if weeks == 0 else f"overdue-{weeks}w"


def describe_stage(due_on: date | None, today: date) -> str:
    """Where the item stands in words: "due in 7 days", "due today", "3 days overdue", "waiting"."""
    if due_on is None:
        return "waiting"
    left = (due_on - today).days
    if left > 1:
        return f"due in {left} days"
    if left == 1:
        return "due tomorrow"
    if left == 0:
        return "due today"
    return f"{-left} day{'s' if left < -1 else ''} overdue"
