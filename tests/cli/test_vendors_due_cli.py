"""`vendorcheck vendors due [--json]` on the demo instance: the same list as the officer's home page."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from tests.helpers import run_cli
from vendorcheck.demo import lifecycle


def test_due_lists_the_demo_lifecycle_as_stable_json(demo_home: Path) -> None:
    result = run_cli(demo_home, "vendors", "due", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    today = date.fromisoformat(data["today"])
    assert data["format"] == "vendorcheck-due/1"
    items = data["items"]
    keys = {"key", "kind", "organization", "vendor", "subject", "what", "due_on", "days_left", "state", "audience"}
    assert all(set(item) == keys for item in items)
    by_kind = {}
    for item in items:
        by_kind.setdefault(item["kind"], []).append(item)
    [reassessment] = by_kind["reassessment"]
    assert reassessment["vendor"]["name"] == lifecycle.NORTHWIND and reassessment["state"] == "overdue"
    assert (
        reassessment["audience"] == "assessors" and reassessment["subject"] == f"vendor:{reassessment['vendor']['id']}"
    )
    assert reassessment["days_left"] < 0
    expiring = {i["what"]: i for i in by_kind["evidence_expiry"] if i["vendor"]["name"] == lifecycle.NORTHWIND}
    insurance = expiring["Certificate of cyber liability insurance expires"]
    assert insurance["due_on"] == (today + timedelta(days=25)).isoformat() and insurance["state"] == "due_soon"
    late = [i for i in by_kind["answers"] if i["vendor"]["name"] == lifecycle.COPPERLINE]
    assert [(i["days_left"], i["state"], i["audience"]) for i in late] == [(-7, "overdue", "vendor")]
    assert any(i["kind"] == "review" and i["due_on"] is None and i["state"] == "waiting" for i in items)
    dated = [i["due_on"] for i in items if i["due_on"]]
    assert dated == sorted(dated) and items[-1]["due_on"] is None  # overdue first, undated last

    table = run_cli(demo_home, "vendors", "due")
    assert table.exit_code == 0
    line = next(row for row in table.output.splitlines() if lifecycle.COPPERLINE in row)
    assert line.startswith("7 days overdue") and "answers" in line


def test_nothing_due_says_so(vendorcheck) -> None:
    assert vendorcheck("init", "--admin-email", "admin@example.org").exit_code == 0
    assert vendorcheck("vendors", "due").output.strip() == "Nothing is due."
    assert json.loads(vendorcheck("vendors", "due", "--json").output)["items"] == []
