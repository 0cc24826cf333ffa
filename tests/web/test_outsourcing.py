"""'Should we outsource?': the owner records the practice's billing; refused figures keep the other entries."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.helpers import Auth, World, csrf_token
from vendorcheck.audit import actions
from vendorcheck.models import AuditEvent, Baseline, Role

GOOD = {
    "annual_collections": "900,000",
    "net_collection_rate": "90",
    "denial_rate": "12",
    "denials_never_reworked": "40",
    "clean_claim_rate": "88",
    "days_in_ar": "52",
    "staff_cost": "70000",
    "software_cost": "10000",
    "kept_costs": "5000",
    "denials_appealed": "no",
    "claims_followed": "sometimes",
}


def _post(client: FlaskClient, data: dict[str, str]):
    return client.post("/outsourcing", data={"csrf_token": csrf_token(client, "/outsourcing"), **data})


def test_the_owner_records_figures_and_reads_what_they_say(client, auth: Auth, world: World, dbs) -> None:
    auth.login_as(world.users[Role.VIEWER])
    assert "Needs your figures" in client.get("/outsourcing").get_data(as_text=True)
    response = _post(client, GOOD)
    assert response.status_code == 302
    page = client.get("/outsourcing").get_data(as_text=True)
    assert "Outsourcing looks worth evaluating" in page and "Clean-claim rate is 88%" in page
    assert "$48,000" in page  # denied and never reworked: 1,000,000 x 12% x 40%
    assert 'value="900000"' in page
    dbs.rollback()
    row = dbs.scalar(select(Baseline).where(Baseline.org_id == world.users[Role.VIEWER].org_id))
    assert row is not None and row.annual_collections == 900_000 and row.checklist["denials_appealed"] == "no"
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == actions.BASELINE_SAVED))
    assert event is not None and "annual_collections" in event.details["changed"]


def test_each_refused_figure_is_named_and_the_other_entries_are_kept(client, auth: Auth, world: World, dbs) -> None:
    auth.login_as(world.users[Role.ADMIN])
    bad = {**GOOD, "denial_rate": "140", "staff_cost": "-5", "annual_collections": "1e99", "days_in_ar": "lots"}
    response = _post(client, bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter 100 or less." in page and "Enter 0 or more." in page and "Enter a number" in page
    assert page.count('aria-invalid="true"') == 4
    assert 'value="140"' in page and 'value="-5"' in page and 'value="lots"' in page  # as typed
    assert 'value="10000"' in page and 'value="90"' in page  # the others kept
    assert '<option value="no" selected>' in page  # the checklist answers kept
    assert dbs.scalar(select(Baseline)) is None  # nothing saved


def test_a_forged_checklist_answer_is_refused(client, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.VIEWER])
    response = _post(client, {"claims_followed": "maybe"})
    assert response.status_code == 400 and "Answer yes, sometimes or no." in response.get_data(as_text=True)


def test_assessors_and_auditors_read_but_cannot_change_the_figures(client, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.AUDITOR])
    page = client.get("/outsourcing").get_data(as_text=True)
    assert "Should we outsource billing?" in page and "Save my figures" not in page
    assert _post(client, GOOD).status_code == 403


def test_the_comparison_shows_in_house_today_and_each_vendors_economics(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    chosen = f"vendor={vendors['ClearPath'].id}&vendor={vendors['Summit'].id}"
    page = client.get(f"/compare?{chosen}").get_data(as_text=True)
    assert "In-house today" in page and "$1,029,600" in page  # the demo practice: 1,140,000 - 96,000 - 14,400
    demo = client.get("/outsourcing").get_data(as_text=True)
    assert "Outsourcing looks worth evaluating" in demo and "Denial rate is 13%" in demo
    assert _post(client, GOOD).status_code == 302
    page = client.get(f"/compare?{chosen}").get_data(as_text=True)
    economics = page[page.index('id="economics"') :]
    assert "$820,000" in economics  # in-house net: 900,000 - 70,000 - 10,000
    assert "How these are computed" in economics
    data = client.get(f"/compare.json?{chosen}").get_json(force=True)
    assert data["baseline"]["figures"]["annual_collections"] == 900_000
    assert data["baseline"]["verdict"] == "worth_evaluating"
    assert all("economics" in v for v in data["vendors"])
    rows = client.get(f"/compare.csv?{chosen}").get_data(as_text=True).splitlines()
    assert rows[0].endswith("difference_per_year_half_gain,one_time_cash_from_ar,kpis_backed_by_report")
    # ClearPath's figures are shown by its accepted sample monthly report; Summit's are claims only.
    kpis = {v["vendor"]["name"]: v["economics"]["kpis"] for v in data["vendors"]}
    assert kpis["ClearPath Medical Billing"]["backed"] == [
        "clean_claim_rate",
        "denial_rate",
        "days_in_ar",
        "net_collection_rate",
    ]
    assert kpis["Summit Revenue Partners"]["backed"] == [] and kpis["Summit Revenue Partners"]["claimed"]
    assert "Shown by an accepted report: clean-claim rate, denial rate, days in A/R" in economics
    assert "Performance figures are claims: no report shows them yet." in economics


def test_the_memo_says_what_the_pick_will_cost_and_earn(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    chosen = f"vendor={vendors['ClearPath'].id}&vendor={vendors['Summit'].id}"
    assert _post(client, GOOD).status_code == 302
    page = client.get(f"/memo?{chosen}").get_data(as_text=True)
    money = page[page.index("What it will cost and earn") :]
    # ClearPath claims a 95% net collection rate: 1,000,000 x 95% = 950,000 (examples in docs/economics.md).
    assert "you would collect $950,000 a year (today $900,000)" in money
    assert "$77,500 a year more than billing in-house" in money and "sample monthly report" in money
    pdf = client.get(f"/memo.pdf?{chosen}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
