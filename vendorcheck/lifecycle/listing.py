"""Due items in words and as stable JSON, for the home page and ``vendorcheck vendors due``. Pure."""

from __future__ import annotations

from datetime import date
from typing import Any

from vendorcheck.lifecycle.due import DueItem

FORMAT = "vendorcheck-due/1"


def when(item: DueItem, today: date) -> str:
    """The item's date in words: "5 days overdue", "due today", "in 12 days", or "waiting now" without one."""
    days = item.days_left(today)
    if days is None:
        return "waiting now"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "due today"
    return f"in {days} day{'s' if days != 1 else ''}"


def item_json(item: DueItem, today: date, organization: str) -> dict[str, Any]:
    """One item as ``vendors due --json`` prints it (docs/cli.md): stable keys, dates as ISO strings."""
    return {
        "key": item.key,
        "kind": item.kind.value,
        "organization": organization,
        "vendor": {"id": item.vendor_id, "name": item.vendor_name},
        "subject": item.subject,
        "what": item.what,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "days_left": item.days_left(today),
        "state": item.state(today).value,
        "audience": item.audience.value,
    }
