"""`vendorcheck screening`: import (idempotent, refusals in one line), run, list --json, confirm and dismiss;
a confirmed exclusion shows in `score --json` as a disqualifying knock-out."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli
from tests.screening_files import leie, leie_row


def test_import_list_confirm_and_score(demo_home: Path, tmp_path: Path):
    listed = json.loads(run_cli(demo_home, "screening", "list", "--json").output)
    assert listed["format"] == "vendorcheck-screening-list/1" and [v["list"] for v in listed["lists"]] == [
        "leie",
        "ocr",
    ]
    becker = next(c for c in listed["candidates"] if c["subject"] == "Thomas Becker")
    assert becker["status"] == "open" and {r["field"] for r in becker["reasons"]} == {"name", "date of birth"}

    refused = run_cli(demo_home, "screening", "confirm", str(becker["id"]), "--note", " ")
    assert refused.exit_code == 2 and "why" in refused.output
    done = run_cli(demo_home, "screening", "confirm", str(becker["id"]), "--note", "Owner confirmed by phone")
    assert done.exit_code == 0, done.output
    score = json.loads(run_cli(demo_home, "score", "BlueHarbor Claims Co.", "--json").output)
    assert score["do_not_use"] and score["rating"] == "Very High"
    assert (
        score["knockouts"][0]["question"] == "company_excluded" and "Thomas Becker" in score["knockouts"][0]["answer"]
    )

    upload = tmp_path / "UPDATED.csv"
    upload.write_bytes(leie(leie_row(business="SOMEONE ELSE LLC", excl="20260101")))
    first = run_cli(demo_home, "screening", "import", "leie", str(upload))
    assert first.exit_code == 0 and "imported OIG LEIE 2026-01-01" in first.output
    again = run_cli(demo_home, "screening", "import", "leie", str(upload))
    assert again.exit_code == 0 and "already imported" in again.output

    bad = tmp_path / "breaches.csv"
    bad.write_bytes(leie(leie_row(business="X")))
    wrong = run_cli(demo_home, "screening", "import", "ocr", str(bad))
    assert wrong.exit_code == 2 and "line 1: column 'Name of Covered Entity' is missing" in wrong.output
    assert "nothing was imported" in wrong.output and len(wrong.output.strip().splitlines()) == 1

    ran = run_cli(demo_home, "screening", "run", "Summit Revenue Partners")
    assert ran.exit_code == 0 and "screened against OIG LEIE 2026-01-01" in ran.output
