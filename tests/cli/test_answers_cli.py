"""`vendorcheck vendors list|add` and `answers export|import` on an instance folder."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from tests.helpers import InstanceCli


def test_vendors_and_answers_round_trip(vendorcheck: InstanceCli, tmp_path: Path) -> None:
    home = vendorcheck.home
    assert vendorcheck("init", "--admin-email", "admin@practice.example").exit_code == 0
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"phi_volume": "high", "offshore": True, "services": ["billing"]}))
    added = vendorcheck("vendors", "add", "Acme Billing", "--profile", str(profile))
    assert added.exit_code == 0, added.output
    listed = json.loads(vendorcheck("vendors", "list", "--json").output)
    assert listed[0]["name"] == "Acme Billing" and listed[0]["status"] == "prospect"
    bad_profile = tmp_path / "bad.json"
    bad_profile.write_text('{"colour": "red"}')
    refused = vendorcheck("vendors", "add", "Other", "--profile", str(bad_profile))
    assert refused.exit_code == 2 and "unknown field 'colour'" in refused.output

    missing = vendorcheck("answers", "export", "Acme Billing", "--out", str(tmp_path / "a.xlsx"))
    assert missing.exit_code == 2 and "has no assessment" in missing.output

    from vendorcheck import assessments, db
    from vendorcheck.audit import Actor
    from vendorcheck.config import load_settings
    from vendorcheck.models import Vendor
    from vendorcheck.questionnaire.loader import load_library
    from vendorcheck.resources import questionnaires_dir

    engine = db.make_engine(load_settings({"home": home}).database_url)
    with db.transaction(engine) as session:
        vendor = session.query(Vendor).one()
        library = load_library(questionnaires_dir())
        assessments.create(session, Actor.cli(), vendor, [library["billing-vendor"]])
    engine.dispose()

    sheet_path = tmp_path / "acme.xlsx"
    assert vendorcheck("answers", "export", "Acme Billing", "--out", str(sheet_path)).exit_code == 0
    book = openpyxl.load_workbook(sheet_path)
    sheet = book["Answers"]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(rows["denial_rate"], 3).value = 6
    sheet.cell(rows["cyber_insurance"], 3).value = "Maybe"
    book.save(sheet_path)
    refused = vendorcheck("answers", "import", "Acme Billing", str(sheet_path))
    assert refused.exit_code == 1
    assert f"Answers!C{rows['cyber_insurance']}: cyber_insurance: Choose one of: Yes, No." in refused.output

    sheet.cell(rows["cyber_insurance"], 3).value = "Yes"
    book.save(sheet_path)
    dry = vendorcheck("answers", "import", "Acme Billing", str(sheet_path), "--dry-run")
    assert dry.exit_code == 0 and "denial_rate: (blank) -> 6%" in dry.output and "dry run" in dry.output
    applied = vendorcheck("answers", "import", "Acme Billing", str(sheet_path))
    assert applied.exit_code == 0 and "Imported 2 change(s)" in applied.output

    json_path = tmp_path / "acme.json"
    assert vendorcheck("answers", "export", "1", "--out", str(json_path)).exit_code == 0
    exported = json.loads(json_path.read_text())
    assert exported["answers"]["denial_rate"]["value"] == 6
    exported["answers"]["denial_rate"]["value"] = 3
    json_path.write_text(json.dumps(exported))
    again = vendorcheck("answers", "import", "Acme Billing", str(json_path))
    assert again.exit_code == 0 and "Imported 1 change(s)" in again.output
