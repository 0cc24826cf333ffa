"""Which reminder is due for an item on a given day (pure)."""

from datetime import date, timedelta

import pytest

from vendorcheck.reminders import describe_stage, reminder_stage

DUE = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("days_before_due", "stage"),
    [
        (45, None),
        (31, None),
        (30, "30d"),
        (20, "30d"),  # the scheduler was off on day 30, or the item appeared late: the 30-day reminder now
        (8, "30d"),
        (7, "7d"),
        (2, "7d"),
        (1, "1d"),
        (0, "due"),
        (-1, "due"),
        (-6, "due"),
        (-7, "overdue-1w"),
        (-13, "overdue-1w"),
        (-14, "overdue-2w"),
        (-70, "overdue-10w"),
    ],
)
def test_dated_items_are_reminded_30_7_1_days_before_on_the_day_then_weekly(days_before_due: int, stage: str) -> None:
    assert reminder_stage(DUE, DUE - timedelta(days=days_before_due)) == stage


def test_other_offsets_come_from_the_settings() -> None:
    assert reminder_stage(DUE, DUE - timedelta(days=14), days_before=(14, 3)) == "14d"
    assert reminder_stage(DUE, DUE - timedelta(days=20), days_before=(14, 3)) is None
    assert reminder_stage(DUE, DUE - timedelta(days=3), days_before=(14, 3)) == "3d"


def test_undated_items_are_reminded_when_they_appear_then_weekly() -> None:
    seen = date(2027, 1, 4)
    assert reminder_stage(None, seen) == "new"
    assert reminder_stage(None, seen + timedelta(days=6), first_seen=seen) == "new"
    assert reminder_stage(None, seen + timedelta(days=7), first_seen=seen) == "week-1"
    assert reminder_stage(None, seen + timedelta(days=15), first_seen=seen) == "week-2"


def test_where_an_item_stands_in_words() -> None:
    assert describe_stage(DUE, DUE - timedelta(days=7)) == "due in 7 days"
    assert describe_stage(DUE, DUE - timedelta(days=1)) == "due tomorrow"
    assert describe_stage(DUE, DUE) == "due today"
    assert describe_stage(DUE, DUE + timedelta(days=1)) == "1 day overdue"
    assert describe_stage(DUE, DUE + timedelta(days=9)) == "9 days overdue"
    assert describe_stage(None, DUE) == "waiting"
