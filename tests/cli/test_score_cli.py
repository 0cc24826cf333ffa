"""`vendorcheck score` and `vendorcheck compare` on the demo instance."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.helpers import run_cli


def test_score_and_compare_the_demo_vendors(demo_home: Path, tmp_path: Path) -> None:
    home = demo_home

    text = run_cli(home, "score", "BlueHarbor Claims Co.")
    assert text.exit_code == 0, text.output
    assert "High risk" in text.output and "raised to High by" in text.output and "Knock-outs:" in text.output
    scored = json.loads(run_cli(home, "score", "ClearPath Medical Billing", "--json").output)
    assert scored["format"] == "vendorcheck-score/1" and scored["rating"] == "Moderate" and scored["knockouts"] == []
    assert 0 <= scored["proven"] <= scored["claimed"] <= 100 and scored["method_version"] == "2"
    unscored = json.loads(run_cli(home, "score", "Apex RCM Solutions", "--json").output)
    assert unscored["status"] == "not_assessed" and unscored["rating"] is None

    names = ["Summit Revenue Partners", "ClearPath Medical Billing", "BlueHarbor Claims Co."]
    listed = run_cli(home, "compare", *names)
    assert listed.exit_code == 0 and listed.output.startswith("1. ClearPath Medical Billing: Moderate")
    compared = json.loads(run_cli(home, "compare", *names, "--json").output)
    assert compared["ranking"] == ["ClearPath Medical Billing", "BlueHarbor Claims Co.", "Summit Revenue Partners"]
    out = tmp_path / "comparison.csv"
    assert run_cli(home, "compare", *names, "--csv", str(out)).exit_code == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert [r[3] for r in rows[1:]] == ["Moderate", "High", "Very High"]

    alone = run_cli(home, "compare", "ClearPath Medical Billing")
    assert alone.exit_code == 2 and "at least two different vendors" in alone.output
    unknown = run_cli(home, "score", "Nobody Billing")
    assert unknown.exit_code == 2 and "vendors list" in unknown.output
