"""Scores through the web: vendor panel, comparison (tables, charts, exports), memo, decision, scoring profile."""

from __future__ import annotations

import csv
import io
import json

from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from tests.helpers import Auth, World, csrf_token
from vendorcheck.models import AuditEvent, Decision, Role, ScoreSnapshot, ScoringProfileVersion, Vendor, VendorStatus
from vendorcheck.scoring import DOMAIN_LABELS
from vendorcheck.web import database


def ids(*found: Vendor) -> str:
    return "&".join(f"vendor={v.id}" for v in found)


def test_vendor_page_shows_the_rating_with_its_reasons_or_not_assessed(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    page = client.get(f"/vendors/{vendors['BlueHarbor'].id}").get_data(as_text=True)
    # Method 2: BlueHarbor fails seven critical controls (no encryption at rest, SSL 3.0, shared accounts...).
    assert "High risk" in page and "Must-have controls it fails" in page and "do not use" not in page
    assert "raises it to <strong>High</strong>" in page and "<h3>Findings</h3>" in page
    assert "The gaps that cost the most" in page
    assert "Evidence" in page and "awaiting review" in page
    apex = client.get(f"/vendors/{vendors['Apex'].id}").get_data(as_text=True)
    assert "Not assessed" in apex and "not the same as low risk" in apex and "risk</span>" not in apex


def test_comparison_ranks_explains_and_exports(client: FlaskClient, auth: Auth, world: World, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    chosen = ids(vendors["ClearPath"], vendors["Summit"], vendors["BlueHarbor"], vendors["Apex"])
    page = client.get(f"/compare?{chosen}").get_data(as_text=True)
    ranking = page[page.index("<h2>Ranking</h2>") :]
    # Rated first: BlueHarbor's failures floor it at High; Summit's partial remote MFA with 50,000-250,000
    # patients offshore is Very High.
    order = [ranking.index(name) for name in ("ClearPath Medical", "BlueHarbor Claims", "Summit Revenue", "Apex RCM")]
    assert order == sorted(order)  # best first, the unassessed vendor last
    assert "Recommended: <strong>ClearPath Medical Billing</strong>" in page
    assert "Moderate risk" in page and "High risk" in page and "Very High risk" in page and "Not assessed" in page
    assert page.count("<svg viewBox") == 2 and "<title" in page and "Clean-claim rate" in page
    assert "The order stays the same even if any one area counted" in page or "Close call" in page  # plain words

    exported = client.get(f"/compare.csv?{chosen}")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0][:4] == ["rank", "vendor", "status", "rating"] and len(rows) == 5
    assert rows[1][1] == "ClearPath Medical Billing" and rows[4][3] == "Not assessed"
    data = json.loads(client.get(f"/compare.json?{chosen}").data)
    assert data["format"] == "vendorcheck-comparison/1" and data["recommended"] == "ClearPath Medical Billing"
    blue = next(v for v in data["vendors"] if v["vendor"]["name"].startswith("BlueHarbor"))
    assert blue["rating"] == "High" and not blue["do_not_use"] and blue["rating_steps"]["floored_by_knockout"]
    assert {k["kind"] for k in blue["knockouts"]} == {"critical"} and blue["findings"]
    clear = next(v for v in data["vendors"] if v["vendor"]["name"].startswith("ClearPath"))
    assert clear["rating"] == "Moderate" and not clear["do_not_use"] and clear["knockouts"] == []


def test_one_vendor_is_not_a_comparison(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    page = client.get(f"/compare?{ids(vendors['ClearPath'])}")
    assert page.status_code == 200 and "Choose at least two different vendors" in page.get_data(as_text=True)
    assert client.get(f"/compare.csv?{ids(vendors['ClearPath'])}").status_code == 400


def test_another_organizations_vendors_are_not_compared(client, auth, world, vendors, dbs) -> None:
    stranger = Vendor(org_id=world.other_org.id, name="Stranger Billing")
    dbs.add(stranger)
    dbs.commit()
    auth.login_as(world.users[Role.VIEWER])
    page = client.get(f"/compare?{ids(vendors['ClearPath'], stranger)}").get_data(as_text=True)
    assert "Stranger Billing" not in page and "Choose at least two" in page


def test_memo_recommends_with_conditions_in_html_and_pdf(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    chosen = ids(vendors["ClearPath"], vendors["Summit"], vendors["BlueHarbor"])
    page = client.get(f"/memo?{chosen}").get_data(as_text=True)
    assert "Recommended: ClearPath Medical Billing" in page
    assert "Conditions to put in the contract and BAA" in page and "breach of unsecured protected health" in page
    assert "Fails a must-have control" in page  # BlueHarbor, among the runners-up
    assert "Risks you accept by signing" in page and "Practice owner" in page and "Compliance officer" in page
    pdf = client.get(f"/memo.pdf?{chosen}")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-") and b"%%EOF" in pdf.data[-32:]


def test_the_owner_records_a_decision_and_the_scores_are_frozen(client, auth, world, vendors, dbs) -> None:
    auth.login_as(world.users[Role.VIEWER])
    chosen = ids(vendors["ClearPath"], vendors["Summit"], vendors["BlueHarbor"])
    path = f"/compare?{chosen}"
    form = {"csrf_token": csrf_token(client, path), "vendors": ",".join(chosen.replace("vendor=", "").split("&"))}
    missing = client.post("/decision", data=form | {"chosen": str(vendors["Summit"].id), "reason": ""})
    assert missing.status_code == 302 and "Say in a sentence why" in client.get(missing.headers["Location"]).get_data(
        as_text=True
    )
    assert dbs.scalar(select(func.count()).select_from(Decision)) == 0
    response = client.post(
        "/decision", data=form | {"chosen": str(vendors["ClearPath"].id), "reason": "Lowest risk, BAA signed."}
    )
    assert response.status_code == 302
    dbs.rollback()
    decision = dbs.scalars(select(Decision)).one()
    assert decision.vendor_id == vendors["ClearPath"].id and len(decision.compared) == 3
    snapshots = dbs.scalars(select(ScoreSnapshot).where(ScoreSnapshot.decision_id == decision.id)).all()
    assert {s.residual_rating for s in snapshots} == {"Moderate", "High", "Very High"}
    assert all(s.method_version == "2" and s.profile_version == "0" for s in snapshots)
    assert dbs.get(Vendor, vendors["ClearPath"].id).status == VendorStatus.SELECTED
    event_ = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "decision.recorded")).one()
    assert event_.details["chosen"] == "ClearPath Medical Billing"


def test_an_assessor_cannot_record_the_decision(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.ASSESSOR])
    assert client.post("/decision", data={"chosen": "1", "reason": "x"}).status_code in (400, 403)


def test_admin_edits_the_scoring_profile_and_scores_follow(client, auth, world, vendors, dbs) -> None:
    auth.login_as(world.users[Role.ADMIN])
    path = "/admin/scoring"
    page = client.get(path).get_data(as_text=True)
    assert 'name="t-denial_rate-good"' in page and 'value="soc2_has_report"' in page  # forms, not typed code
    weights = {f"w-{d}": "1" for d in DOMAIN_LABELS}
    form = {"csrf_token": csrf_token(client, path), "knockout_floor": "High", "rating_basis": "claimed"}
    # Bad input: every field comes back as typed, with its message; nothing is saved.
    bad = client.post(
        path,
        data=form
        | weights
        | {"w-encryption": "-2", "t-denial_rate-good": "12", "t-denial_rate-poor": "4", "t-days_in_ar-good": "30"}
        | {"note": "", "action": "save"},
    )
    body = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Enter a number, zero or more." in body and 'value="-2"' in body
    assert "“Good” must be lower than “poor” for this question." in body and "Say what changed." in body
    assert "Enter both numbers" in body and 'value="12"' in body
    zero = {f"w-{d}": "0" for d in DOMAIN_LABELS}
    all_zero = client.post(path, data=form | zero | {"note": "nothing counts", "action": "save"})
    assert all_zero.status_code == 400 and "At least one domain must weigh more than zero" in all_zero.get_data(
        as_text=True
    )
    assert dbs.scalar(select(func.count()).select_from(ScoringProfileVersion)) == 0
    # A preview shows whose rating would change and saves nothing (no note needed yet).
    good = form | weights | {"w-contracts": "3", "w-encryption": "2", "note": "BAA terms matter most to us"}
    good |= {"t-denial_rate-good": "4", "t-denial_rate-poor": "12", "knockouts_off": "soc2_has_report"}
    preview = client.post(path, data=good | {"note": "", "action": "preview"}).get_data(as_text=True)
    assert "What these changes would do" in preview and "ClearPath Medical Billing" in preview
    assert 'value="3"' in preview  # the typed profile is kept for saving
    assert dbs.scalar(select(func.count()).select_from(ScoringProfileVersion)) == 0
    # Saved, it becomes version 1, and the scores name it.
    assert client.post(path, data=good | {"action": "save"}).status_code == 302
    assert "Now in use: version 1" in client.get(path).get_data(as_text=True) and "BAA terms matter" in page + (
        client.get(path).get_data(as_text=True)
    )
    data = json.loads(client.get(f"/compare.json?{ids(vendors['ClearPath'], vendors['Summit'])}").data)
    assert data["profile_version"] == 1 and all(v["profile_version"] == 1 for v in data["vendors"])
    dbs.rollback()
    assert dbs.scalars(select(AuditEvent).where(AuditEvent.action == "scoring_profile.saved")).one()
    saved = dbs.scalars(select(ScoringProfileVersion)).one()
    assert set(saved.content["thresholds"]) == {"denial_rate"}  # rows left blank keep the built-in values


def test_an_earlier_profile_is_restored_as_a_new_version(client, auth, world, vendors, dbs) -> None:
    auth.login_as(world.users[Role.ADMIN])
    path = "/admin/scoring"
    base = {"csrf_token": csrf_token(client, path), "knockout_floor": "High", "rating_basis": "claimed"}
    for contracts, note in (("5", "contracts first"), ("1", "back to even")):
        weights = {f"w-{d}": "1" for d in DOMAIN_LABELS} | {"w-contracts": contracts}
        assert client.post(path, data=base | weights | {"note": note, "action": "save"}).status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "Load version 1 to restore it" in page and "Load version 2" not in page  # version 2 is in use
    loaded = client.get(f"{path}?from=1").get_data(as_text=True)
    assert "The form shows version 1." in loaded and 'id="w-contracts" name="w-contracts" value="5"' in loaded
    assert 'value="Restore version 1"' in loaded
    missing = client.get(f"{path}?from=99").get_data(as_text=True)
    assert "There is no version 99 to restore" in missing
    weights = {f"w-{d}": "1" for d in DOMAIN_LABELS} | {"w-contracts": "5"}
    assert client.post(path, data=base | weights | {"note": "Restore version 1", "action": "save"}).status_code == 302
    dbs.rollback()
    versions = dbs.scalars(select(ScoringProfileVersion).order_by(ScoringProfileVersion.version)).all()
    assert [v.version for v in versions] == [1, 2, 3] and versions[2].content == versions[0].content
    assert versions[2].note == "Restore version 1"


def test_the_comparison_runs_the_same_few_queries_for_any_number_of_vendors(app, client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    engine = database.engine(app)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    counts = []
    for chosen in ([vendors["ClearPath"], vendors["Summit"]], list(vendors.values())):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/compare?{ids(*chosen)}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_vendor_list_shows_each_rating(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    page = client.get("/").get_data(as_text=True)
    rows = {name: page[page.index(name) :][:1500] for name in ("ClearPath Medical", "Summit Revenue", "Apex RCM")}
    assert "Moderate risk" in rows["ClearPath Medical"] and "Very High risk" in rows["Summit Revenue"]
    assert "provisional" in rows["Summit Revenue"] and "Not assessed" in rows["Apex RCM"]
