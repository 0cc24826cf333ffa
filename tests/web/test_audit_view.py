"""The auditor's view of the trail: own organization only, filters, chain status, CSV export."""

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.helpers import Auth, World
from vendorcheck import audit, signing
from vendorcheck.models import ActorKind, AuditCheckpoint, AuditEvent, Role, Vendor


def _vendor_events(dbs: Session, world: World) -> Vendor:
    vendor = Vendor(org_id=world.org.id, name="ClearPath")
    dbs.add(vendor)
    dbs.flush()
    actor = audit.Actor(ActorKind.USER, "compliance@riverside.example", world.users[Role.ASSESSOR].id)
    audit.record(dbs, "vendor.create", actor, org_id=world.org.id, vendor_id=vendor.id, details={"name": "ClearPath"})
    audit.record(dbs, "vendor.note", actor, org_id=world.org.id, vendor_id=vendor.id, details={"note": "=HYPERLINK(1)"})
    audit.record(dbs, "vendor.create", audit.Actor.cli(), org_id=world.other_org.id, details={"name": "Secret Co"})
    dbs.commit()
    return vendor


def test_auditor_sees_own_organizations_events_and_chain_status(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    _vendor_events(dbs, world)
    auth.login_as(world.users[Role.AUDITOR])
    page = client.get("/audit/").get_data(as_text=True)
    assert "Chain intact." in page
    assert "vendor.create" in page and "ClearPath" in page
    assert "Secret Co" not in page


def test_the_page_says_how_much_the_newest_checkpoint_covers(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    auth.login_as(world.users[Role.AUDITOR])
    assert "no signed checkpoint yet: one is written within 60 minutes" in " ".join(client.get("/audit/").text.split())
    home = app.config["VENDORCHECK_SETTINGS"].home
    signing.create_signing_key(home)
    audit.write_checkpoint(dbs, signing.load_signer(home), "test", world.org.id)
    dbs.commit()
    page = " ".join(client.get("/audit/").text.split())
    assert "and covers every entry" in page
    _vendor_events(dbs, world)
    page = " ".join(client.get("/audit/").text.split())
    covered = dbs.scalar(select(AuditCheckpoint.tree_size))
    total = dbs.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.org_id == world.org.id))
    assert f"matches the first {covered} of {total} entries, and the newer ones are signed within 60 minutes" in page


def _numbers(page: str) -> list[int]:
    """The entry numbers in the page's table, top to bottom."""
    return [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", page)]


def test_an_auditor_sees_their_organizations_chain_only_numbered_without_gaps(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    """Finding 13: another organization's activity interleaved with ours shows neither as gaps nor in the counts."""
    home = app.config["VENDORCHECK_SETTINGS"].home
    signing.create_signing_key(home)
    for n in range(6):
        org = world.org if n % 3 == 0 else world.other_org
        audit.record(dbs, "vendor.note", audit.Actor.cli(), org_id=org.id, details={"n": n})
    audit.write_checkpoint(dbs, signing.load_signer(home), "test", world.org.id)
    dbs.commit()
    for n in range(4):
        audit.record(dbs, "vendor.note", audit.Actor.cli(), org_id=world.other_org.id, details={"n": n})
    dbs.commit()
    auth.login_as(world.users[Role.AUDITOR])
    page = " ".join(client.get("/audit/").text.split())
    ours = dbs.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.org_id == world.org.id))
    assert _numbers(page) == list(range(ours, 0, -1))
    covered = dbs.scalar(select(AuditCheckpoint.tree_size).where(AuditCheckpoint.chain == world.org.id))
    assert f"chain ({ours} entries)" in page
    assert f"matches the first {covered} of {ours} entries" in page
    csv_seqs = [row["seq"] for row in csv.DictReader(io.StringIO(client.get("/audit/export.csv").text))]
    assert csv_seqs == [str(n) for n in range(ours + 1, 0, -1)]  # the export itself is entry ours + 1


def test_tampering_in_another_organizations_chain_leaves_ours_intact(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    _vendor_events(dbs, world)
    dbs.execute(update(AuditEvent).where(AuditEvent.org_id == world.other_org.id).values(actor_label="nobody"))
    dbs.commit()
    auth.login_as(world.users[Role.AUDITOR])
    assert "Chain intact." in client.get("/audit/").text
    auth.logout()
    auth.login_as(world.other_users[Role.AUDITOR])
    page = client.get("/audit/").text
    first = dbs.scalar(select(AuditEvent.action).where(AuditEvent.chain == world.other_org.id, AuditEvent.seq == 1))
    assert "The audit trail failed verification." in page and f"entry 1 ({first}) was edited" in page


def test_details_read_as_json_and_users_by_email(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    assessor = world.users[Role.ASSESSOR]
    actor = audit.Actor(ActorKind.USER, "admin@riverside.example", world.users[Role.ADMIN].id)
    changes = {"mfa_required": {"from": None, "to": "yes"}}
    audit.record(dbs, "answers.saved", actor, org_id=world.org.id, details={"changes": changes, "note": "it's <b>"})
    audit.record(dbs, "user.role_change", actor, org_id=world.org.id, target_type="user", target_id=assessor.id)
    dbs.commit()
    auth.login_as(world.users[Role.AUDITOR])
    page = client.get("/audit/").text
    assert "changes: {&#34;mfa_required&#34;: {&#34;from&#34;: null, &#34;to&#34;: &#34;yes&#34;}}" in page
    assert "None" not in page and "note: it&#39;s &lt;b&gt;" in page
    assert f"user {assessor.email}" in page


def test_filters_narrow_the_events(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    vendor = _vendor_events(dbs, world)
    auth.login_as(world.users[Role.AUDITOR])
    page = client.get(f"/audit/?vendor={vendor.id}&action=vendor.note").get_data(as_text=True)
    assert "=HYPERLINK(1)" in page
    assert "name: ClearPath" not in page
    user_page = client.get(f"/audit/?user={world.users[Role.ASSESSOR].id}").get_data(as_text=True)
    assert "<code>vendor.note</code>" in user_page and "<code>auth.login</code>" not in user_page


def test_a_bad_date_re_renders_with_a_message(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.AUDITOR])
    response = client.get("/audit/?since=yesterday")
    assert response.status_code == 400
    assert "Not a valid date value" in response.get_data(as_text=True)


def test_csv_export_is_audited_and_defuses_formulas(client: FlaskClient, auth: Auth, world: World, dbs: Session):
    vendor = _vendor_events(dbs, world)
    auth.login_as(world.users[Role.AUDITOR])
    with client.get(f"/audit/export.csv?vendor={vendor.id}") as response:
        body = response.get_data(as_text=True)
        assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["action"] for r in rows] == ["vendor.note", "vendor.create"]
    assert rows[0]["details"] == '{"note": "=HYPERLINK(1)"}'
    dbs.expire_all()
    assert dbs.scalar(select(AuditEvent).where(AuditEvent.action == "audit.export")) is not None


def test_a_tampered_chain_is_shown_as_failed(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    _vendor_events(dbs, world)
    dbs.execute(update(AuditEvent).where(AuditEvent.action == "vendor.note").values(actor_label="nobody"))
    dbs.commit()
    auth.login_as(world.users[Role.AUDITOR])
    page = client.get("/audit/").get_data(as_text=True)
    assert "The audit trail failed verification." in page
    assert "was edited" in page


def test_the_trail_pages_by_keyset_and_keeps_the_filters(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    actor = audit.Actor(ActorKind.USER, "compliance@riverside.example", world.users[Role.ASSESSOR].id)
    for n in range(250):
        audit.record(dbs, "vendor.note", actor, org_id=world.org.id, details={"n": n})
    dbs.commit()
    auth.login_as(world.users[Role.AUDITOR])
    seqs = re.compile(r"<tr>\s*<td>(\d+)</td>")

    first = client.get("/audit/?action=vendor.note").get_data(as_text=True)
    shown = [int(s) for s in seqs.findall(first)]
    assert len(shown) == 200 and shown == sorted(shown, reverse=True)
    older = re.search(r'href="([^"]+)" rel="next">Older entries', first)
    assert older is not None and "action=vendor.note" in older.group(1)  # the filter travels with the page

    second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    rest = [int(s) for s in seqs.findall(second)]
    assert len(rest) == 50 and max(rest) < min(shown) and "Older entries" not in second
    assert "Newest entries" in second
    assert client.get("/audit/?before=L%0A12").status_code == 200  # a malformed cursor is the first page
