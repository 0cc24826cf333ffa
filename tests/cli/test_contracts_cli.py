"""`vendorcheck contracts list [--json]`: the register in the stable vendorcheck-contracts/1 form (docs/cli.md)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tests.helpers import run_cli
from vendorcheck import signing
from vendorcheck.packets.verify import verify as verify_packet


def test_contracts_list_json_is_the_documented_register(demo_home: Path) -> None:
    result = run_cli(demo_home, "contracts", "list", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["format"] == "vendorcheck-contracts/1" and document["today"]
    by_title = {a["title"]: a for a in document["agreements"]}
    summit = by_title["Business associate agreement (Summit paper)"]
    assert summit["missing_required"] == ["return_or_destroy"] and summit["kind"] == "baa"
    assert (
        summit["vendor"]["name"] == "Summit Revenue Partners" and summit["organization"] == "Riverside Family Medicine"
    )
    clause = next(c for c in summit["clauses"] if c["id"] == "return_or_destroy")
    assert clause == {
        "id": "return_or_destroy", "title": "Return or destruction of patient information at termination",
        "required": True, "citations": ["HIPAA 164.504(e)(2)(ii)(J)"], "present": False, "reference": None,
    }  # fmt: skip
    services = by_title["Billing services agreement"]
    assert services["auto_renews"] and services["notice_days"] == 30 and services["in_force"]
    assert services["vendor"]["status"] == "offboarding" and services["notice_by"] < services["current_term_ends_on"]
    assert set(summit) == {
        "id", "organization", "vendor", "kind", "title", "effective_on", "term_months", "auto_renews", "notice_days",
        "ends_on", "current_term_ends_on", "notice_by", "terminated_on", "in_force", "document_id",
        "clauses_version", "clauses", "missing_required",
    }  # fmt: skip
    text = run_cli(demo_home, "contracts", "list")
    assert text.exit_code == 0 and "MISSING return_or_destroy" in text.output


def test_the_packet_holds_the_agreements_and_the_offboarding_and_still_verifies(demo_home: Path) -> None:
    out = demo_home / "keystone.zip"
    result = run_cli(demo_home, "packet", "export", "Keystone Billing Services", "--out", str(out))
    assert result.exit_code == 0, result.output
    verified = run_cli(demo_home, "packet", "verify", str(out))
    assert verified.exit_code == 0, verified.output
    report = verify_packet(io.BytesIO(out.read_bytes()), signing.verification_keys(demo_home))
    assert report.ok, report.problems
    with zipfile.ZipFile(out) as archive:
        [name] = [n for n in archive.namelist() if n.endswith("data/contracts/agreements.json")]
        document = json.loads(archive.read(name))
        events = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith("data/audit/events.json"))))
    assert document["format"] == "vendorcheck-vendor-contracts/1"
    assert {a["kind"] for a in document["agreements"]} == {"services", "baa"}
    baa = next(a for a in document["agreements"] if a["kind"] == "baa")
    assert baa["missing_required"] == [] and all(c["present"] for c in baa["clauses"] if c["required"])
    steps = {s["step"]: s for s in document["offboarding"]["steps"]}
    assert steps["access_revoked"]["done_at"] and steps["phi_returned_or_destroyed"]["done_at"] is None
    assert document["offboarding"]["ended_at"] is None
    actions = [e["entry"]["action"] for e in events["events"]]
    assert actions.count("offboarding.step_done") == 2 and "offboarding.started" in actions
