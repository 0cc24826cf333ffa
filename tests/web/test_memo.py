"""The owner's decision document and plain words: the memo (HTML and tagged PDF), the recorded decision on the
comparison, the vendor page and the memo, contract clauses, explanations of "provisional" and "not assessed",
and no scoring internals for the practice owner."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.helpers import Auth, World, csrf_token
from vendorcheck import scores
from vendorcheck.models import Role, Vendor
from vendorcheck.scores.common import EXPLANATIONS
from vendorcheck.scores.memo import BAA_CONDITION, conditions

REASON = "Lowest risk, fair price, and they sign our BAA as written."


def ids(*found: Vendor) -> str:
    return "&".join(f"vendor={v.id}" for v in found)


def three(vendors: dict[str, Vendor]) -> str:
    return ids(vendors["ClearPath"], vendors["Summit"], vendors["BlueHarbor"])


def record(client: FlaskClient, vendors: dict[str, Vendor], chosen: str = "ClearPath") -> None:
    """Record the decision as the signed-in owner would, from the comparison page's form."""
    query = three(vendors)
    form = {
        "csrf_token": csrf_token(client, f"/compare?{query}"),
        "vendors": ",".join(re.findall(r"\d+", query)),
        "chosen": str(vendors[chosen].id),
        "reason": REASON,
    }
    assert client.post("/decision", data=form).status_code == 302


def pdf_text_and_info(data: bytes, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """The PDF's text (pdftotext) and its pdfinfo fields (poppler-utils, from scripts/setup-system)."""
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.fail("pdfinfo/pdftotext are missing: run scripts/setup-system (installs poppler-utils)")
    path = tmp_path / "memo.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return text, {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def test_the_memo_pdf_is_tagged_one_or_two_pages_and_carries_the_decision(
    client: FlaskClient, auth: Auth, world: World, vendors, tmp_path: Path
) -> None:
    owner = world.users[Role.VIEWER]
    auth.login_as(owner)
    record(client, vendors)
    response = client.get(f"/memo.pdf?{three(vendors)}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text, info = pdf_text_and_info(response.data, tmp_path)
    assert info["Tagged"] == "yes" and info["Title"].startswith("Vendor decision memo")
    assert 1 <= int(info["Pages"]) <= 2
    flat = " ".join(text.split())
    assert f"chosen by {owner.display_name}" in flat and REASON in flat
    assert "Conditions to put in the contract and BAA" in flat and "Risks you accept by signing" in flat
    assert "Practice owner" in flat and "Compliance officer" in flat  # the signature block


def test_the_recorded_decision_shows_on_the_comparison_the_vendor_pages_and_the_memo(
    client: FlaskClient, auth: Auth, world: World, vendors
) -> None:
    owner = world.users[Role.VIEWER]
    auth.login_as(owner)
    before = client.get(f"/compare?{three(vendors)}").get_data(as_text=True)
    assert "The recorded decision" not in before
    record(client, vendors)
    for path in (f"/compare?{three(vendors)}", f"/vendors/{vendors['ClearPath'].id}"):
        page = client.get(path).get_data(as_text=True)
        assert "The recorded decision" in page and owner.display_name in page and REASON in page, path
        assert "UTC</time>" in page, path  # when
    summit = client.get(f"/vendors/{vendors['Summit'].id}").get_data(as_text=True)
    assert "Summit Revenue Partners was compared but not chosen" in summit
    assert "The recorded decision" not in client.get(f"/vendors/{vendors['Apex'].id}").get_data(as_text=True)
    memo = client.get(f"/memo?{three(vendors)}").get_data(as_text=True)
    assert f"was chosen by <strong>{owner.display_name}</strong>" in memo and REASON in memo


def test_a_decision_against_the_recommendation_is_said_so_in_the_memo(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    record(client, vendors, chosen="BlueHarbor")
    memo = client.get(f"/memo?{three(vendors)}").get_data(as_text=True)
    assert "The recorded decision chose BlueHarbor Claims Co., which is not the vendor recommended today" in memo


def test_conditions_quote_the_questionnaires_contract_clauses(app, dbs, world, vendors) -> None:
    profile = scores.current_profile(dbs, world.org.id)
    comparison = scores.compare(dbs, [vendors["ClearPath"], vendors["Summit"]], profile)
    best = comparison.recommended
    assert best is not None and best.vendor.name == "ClearPath Medical Billing"
    listed = conditions(best)
    assert listed[0].clause == BAA_CONDITION
    clauses = {q.contract_clause for q in best.questions.values() if q.contract_clause}
    quoted = [c for c in listed[1:] if c.clause in clauses]
    # ClearPath answers "Partly" on role-based access and media disposal: both have clauses in the questionnaire
    assert {c.question_id for c in quoted} >= {"baa_breach_notice_days", "role_based_access", "media_disposal"}
    assert all("Ask whether they will put this in place" not in c.clause for c in quoted)
    # a question pinned before clauses existed is worded from the question, as before
    bare = {qid: dataclasses.replace(q, contract_clause=None) for qid, q in best.questions.items()}
    fallback = conditions(dataclasses.replace(best, questions=bare))
    worded = next(c for c in fallback if c.question_id == "role_based_access")
    assert worded.clause.startswith("Is access to patient data granted by role")


def test_the_owner_sees_no_question_ids_weights_or_scoring_links(client, auth, world, vendors, app) -> None:
    library = app.extensions["vendorcheck.questionnaires"]
    question_ids = {q.id for questionnaire in library.values() for q in questionnaire.questions}
    pages = [f"/compare?{three(vendors)}", f"/memo?{three(vendors)}", f"/vendors/{vendors['BlueHarbor'].id}"]

    def internals(path: str) -> tuple[set[str], bool, bool]:
        page = client.get(path).get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", page)
        shown = {qid for qid in question_ids if re.search(rf"\b{qid}\b", text)}
        return shown, bool(re.search(r"(?i)\bweights?\b", text)), "/admin/scoring" in page

    auth.login_as(world.users[Role.VIEWER])
    for path in pages:
        assert internals(path) == (set(), False, False), path
    auth.logout()
    auth.login_as(world.users[Role.ASSESSOR])
    ids_shown, weights, _ = internals(f"/vendors/{vendors['BlueHarbor'].id}")
    assert "encrypt_at_rest" in ids_shown and weights  # the assessor still sees where a finding comes from
    assert internals(f"/compare?{three(vendors)}")[1]


def test_provisional_and_not_assessed_are_explained_where_they_appear(client, auth, world, vendors) -> None:
    auth.login_as(world.users[Role.VIEWER])
    everyone = ids(*vendors.values())

    def text(path: str) -> str:
        return html.unescape(client.get(path).get_data(as_text=True))

    compare = text(f"/compare?{everyone}")
    assert "provisional" in compare and EXPLANATIONS["provisional"] in compare
    assert EXPLANATIONS["not_assessed"] in compare  # Apex has not submitted
    dashboard = text("/")
    assert EXPLANATIONS["provisional"] in dashboard and EXPLANATIONS["not_assessed"] in dashboard
    assert EXPLANATIONS["not_assessed"] in text(f"/vendors/{vendors['Apex'].id}")
    memo = text(f"/memo?{everyone}")
    assert "(Not assessed)" in memo and EXPLANATIONS["not_assessed"] in memo
