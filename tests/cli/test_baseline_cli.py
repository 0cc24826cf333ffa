"""`vendorcheck baseline show|set --file` on the demo instance, and `compare --json` carrying the economics."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli


def test_show_set_and_compare_with_the_baseline(demo_home: Path, tmp_path: Path) -> None:
    shown = json.loads(run_cli(demo_home, "baseline", "show", "--json").output)
    assert shown["format"] == "vendorcheck-baseline/1" and shown["figures"]["denial_rate"] == 13
    assert shown["checklist"]["denials_appealed"] == "no"
    assert "worth evaluating" in run_cli(demo_home, "baseline", "show").output

    figures = {"annual_collections": 900000, "net_collection_rate": 90, "staff_cost": 70000}
    figures |= {"software_cost": 10000, "kept_costs": 5000, "days_in_ar": 50}
    good = tmp_path / "baseline.json"
    good.write_text(json.dumps({"figures": figures, "checklist": {"staff_experienced": "yes"}}))
    saved = run_cli(demo_home, "baseline", "set", "--file", str(good))
    assert saved.exit_code == 0, saved.output
    again = json.loads(run_cli(demo_home, "baseline", "show", "--json").output)
    assert again["figures"]["annual_collections"] == 900000 and again["figures"]["denial_rate"] is None

    names = ["ClearPath Medical Billing", "Apex RCM Solutions"]
    compared = json.loads(run_cli(demo_home, "compare", *names, "--json").output)
    assert compared["baseline"]["figures"]["staff_cost"] == 70000
    by_name = {v["vendor"]["name"]: v["economics"] for v in compared["vendors"]}
    assert by_name["ClearPath Medical Billing"]["complete"] and not by_name["Apex RCM Solutions"]["complete"]
    labels = [f["label"] for f in by_name["ClearPath Medical Billing"]["figures"]]
    assert "Difference per year (half the claimed gain)" in labels


def test_refused_figures_are_named_and_nothing_is_saved(demo_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"figures": {"denial_rate": 140, "staff_cost": -1, "annual_collections": 1e300}}))
    result = run_cli(demo_home, "baseline", "set", "--file", str(bad))
    assert result.exit_code == 2
    assert "denial_rate: Enter 100 or less." in result.output and "staff_cost: Enter 0 or more." in result.output
    assert "annual_collections" in result.output
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"figures": {"revenue": 1}}))
    assert "unknown keys: revenue" in run_cli(demo_home, "baseline", "set", "--file", str(unknown)).output
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert run_cli(demo_home, "baseline", "set", "--file", str(broken)).exit_code == 2
    assert json.loads(run_cli(demo_home, "baseline", "show", "--json").output)["figures"]["denial_rate"] == 13
