"""Pages served from the page cache are the pages a fresh render gives, for the session they were made for only.

Every kind of change goes through the service that makes it (and appends to the organization's audit chain, which
the cache keys on); after each, the cached page must equal a render with the cache turned off. A hit must cost one
statement (the session check, which reads the chain heads too) and load no rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.helpers import Auth, csrf_token
from vendorcheck import assessments, create_app, db, scores
from vendorcheck import vendors as vendor_service
from vendorcheck.audit import Actor
from vendorcheck.evidence import reviews
from vendorcheck.models import Assessment, Evidence, EvidenceReview, Role, Vendor
from vendorcheck.scoring import ScoringProfile
from vendorcheck.web import database
from vendorcheck.web.pagecache import PageCache

ACTOR = Actor.cli("test")
TOKEN_RE = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+(")')


def pages(vendors: dict[str, Vendor]) -> list[str]:
    """Every cached page of the demo an admin can open."""
    four = "&".join(f"vendor={v.id}" for v in list(vendors.values())[:4])
    return ["/", "/home", "/contracts", f"/compare?{four}", *(f"/vendors/{v.id}" for v in vendors.values())]


def cache_of(app: Flask) -> PageCache:
    cache = app.extensions["vendorcheck.pages"]
    assert isinstance(cache, PageCache)
    return cache


def fresh(client: FlaskClient, path: str) -> str:
    """``path`` rendered with the cache turned off."""
    app = client.application
    kept, app.extensions["vendorcheck.pages"] = app.extensions["vendorcheck.pages"], None
    try:
        return client.get(path).get_data(as_text=True)
    finally:
        app.extensions["vendorcheck.pages"] = kept


def same_page(cached: str, rendered: str) -> bool:
    """Equal but for the CSRF token's signature time (a fresh render signs the session's secret anew)."""
    return TOKEN_RE.sub(r"\1\2", cached) == TOKEN_RE.sub(r"\1\2", rendered)


def assert_all_fresh(client: FlaskClient, paths: list[str], step: str) -> None:
    for path in paths:
        served = client.get(path)
        assert served.status_code == 200, (step, path, served.status_code)
        assert same_page(served.get_data(as_text=True), fresh(client, path)), f"{path} is stale after: {step}"


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements any of the app's engines runs inside the block."""
    seen: list[str] = []
    engines = {  # by identity: on PostgreSQL the long reads share the main engine
        id(e): e
        for e in (
            database.engine(app),
            app.extensions["vendorcheck.reads"].engine,
            app.extensions["vendorcheck.read_sessionmaker"].kw["bind"],
        )
    }.values()

    def note(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def admin(client: FlaskClient, auth: Auth, world, vendors) -> FlaskClient:  # type: ignore[no-untyped-def]
    auth.login_as(world.users[Role.ADMIN])
    cache_of(client.application).clear()
    return client


def test_every_kind_of_change_shows_at_once_and_nothing_else_renders_again(
    admin: FlaskClient, dbs: Session, vendors: dict[str, Vendor]
) -> None:
    paths = pages(vendors)
    cache = cache_of(admin.application)
    assert_all_fresh(admin, paths, "nothing yet")
    hits = cache.hits
    for path in paths:
        admin.get(path)
    assert cache.hits == hits + len(paths)  # nothing changed: every page served as kept

    vendor = vendors["BlueHarbor"]
    dbs.rollback()  # a snapshot from now: the requests above wrote (a sign-in)
    vendor_service.update(dbs, ACTOR, vendor, {"offshore": not vendor.offshore})
    dbs.commit()
    assert_all_fresh(admin, paths, "a vendor's profile edited")

    pending = dbs.scalars(
        select(Evidence).where(Evidence.vendor_id == vendor.id, Evidence.review_state == EvidenceReview.PENDING)
    ).first()
    assert pending is not None
    reviews.review(dbs, ACTOR, pending, accept=True)
    dbs.commit()
    assert_all_fresh(admin, paths, "a document accepted")

    [entry] = scores.score_vendors(dbs, [vendor], scores.current_profile(dbs, vendor.org_id))
    [assessment] = entry.assessments
    question = next(
        r.question for r in entry.score.results if r.status == "scored" and r.question.type == "yes_no_partial"
    )  # type: ignore[union-attr]
    other = next(c.value for c in question.options if c.value != entry.answers[question.id])
    sheet = assessments.sheet_of(dbs, assessment)
    assessments.review(dbs, ACTOR, sheet, question.id, "override", note="seen on site", override_raw=other)
    dbs.commit()
    assert_all_fresh(admin, paths, "an answer overridden")

    scores.save_profile(dbs, ACTOR, vendor.org_id, ScoringProfile(rating_basis="proven"))
    dbs.commit()
    assert_all_fresh(admin, paths, "the scoring profile saved")

    # Through the web as well: the page after a form is the new one.
    four = [v.id for v in list(vendors.values())[:4]]
    response = admin.post(
        "/decision",
        data={
            "csrf_token": csrf_token(admin, paths[3]),
            "vendors": ",".join(map(str, four)),
            "chosen": str(vendors["ClearPath"].id),
            "reason": "best value",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/vendors/{vendors['ClearPath'].id}"
    assert "Decision recorded" in admin.get(response.headers["Location"]).get_data(as_text=True)  # not a kept page
    assert_all_fresh(admin, paths, "a decision recorded through its form")


def test_a_hit_runs_one_statement_and_loads_no_rows(
    admin: FlaskClient, vendors: dict[str, Vendor], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = admin.application
    prepared: list[str] = []  # statements the driver ran directly (db.Prepared), by their SQL
    run = db.Prepared.first

    def counted(self: db.Prepared, *args: object, **params: object) -> object:
        prepared.append(str(self.statement))
        return run(self, *args, **params)

    monkeypatch.setattr(db.Prepared, "first", counted)
    for path in pages(vendors):
        admin.get(path)  # kept
        prepared.clear()
        with statements(app) as seen:
            assert admin.get(path).status_code == 200
        assert seen == [], (path, seen)  # no ORM session, no other query
        assert len(prepared) == 1 and "user_sessions" in prepared[0] and "audit_head" in prepared[0], path


def test_a_page_is_served_only_to_the_session_it_was_rendered_for(
    app: Flask, world, vendors: dict[str, Vendor]
) -> None:  # type: ignore[no-untyped-def]
    first, second = app.test_client(), app.test_client()
    Auth(first).login_as(world.users[Role.ASSESSOR])
    Auth(second).login_as(world.users[Role.ASSESSOR])
    path = f"/vendors/{vendors['ClearPath'].id}"
    tokens = []
    for client in (first, second, first, second):
        page = client.get(path).get_data(as_text=True)
        tokens.append(TOKEN_RE.search(page).group(0))  # type: ignore[union-attr]
    assert tokens[0] == tokens[2] and tokens[1] == tokens[3]  # each session's page served again (the first
    # page after sign-in is kept too: sign-in makes the session's CSRF secret)...
    assert tokens[0] != tokens[1]  # ...with its own token, never the other session's
    # Signing out in one browser ends its session at once, cached page or not; the other carries on.
    Auth(first).logout()
    assert first.get(path).status_code == 302
    assert second.get(path).status_code == 200


def test_a_page_changes_when_a_vendor_link_runs_out_with_no_write(
    client: FlaskClient, auth: Auth, world, dbs: Session, lifecycle_vendors: dict[str, Vendor], frozen_clock
) -> None:  # type: ignore[no-untyped-def]
    vendor = lifecycle_vendors["Copperline"]
    assessment = dbs.scalars(
        select(Assessment).where(Assessment.vendor_id == vendor.id).order_by(Assessment.id.desc())
    ).first()
    assert assessment is not None and assessment.link_expires_at is not None
    frozen_clock.now = assessment.link_expires_at - timedelta(minutes=5)
    auth.login_as(world.users[Role.ADMIN])
    for _ in range(3):
        before = client.get("/").get_data(as_text=True)
    assert "Copperline" in before and "The vendor link expired" not in before
    hits = cache_of(client.application).hits
    frozen_clock.advance(minutes=6)  # the link has run out; nothing was written
    after = client.get("/").get_data(as_text=True)
    assert cache_of(client.application).hits == hits  # the kept page was dropped at the link's expiry
    assert "The vendor link expired" in after
    assert same_page(after, fresh(client, "/"))


def test_another_process_sees_a_change_made_elsewhere(
    app: Flask, admin: FlaskClient, dbs: Session, database_url: str, vendors: dict[str, Vendor]
) -> None:
    from tests.conftest import _app_on

    other = _app_on(database_url, app.config["VENDORCHECK_SETTINGS"].home)
    try:
        elsewhere = other.test_client()
        with admin.session_transaction() as session:
            cookie = dict(session)
        with elsewhere.session_transaction() as session:
            session.update(cookie)  # the same browser, answered by the second process
        vendor = vendors["Summit"]
        path = f"/vendors/{vendor.id}"
        assert "Summit" in elsewhere.get(path).get_data(as_text=True)
        elsewhere.get(path)  # kept in the second process
        dbs.rollback()
        vendor_service.update(dbs, ACTOR, vendor, {"name": "Summit Renamed Elsewhere"})  # the first process's work
        dbs.commit()
        assert "Summit Renamed Elsewhere" in elsewhere.get(path).get_data(as_text=True)
    finally:
        database.dispose(other)


def test_with_the_cache_turned_off_every_page_renders_afresh(
    database_url: str, app: Flask, world, vendors: dict[str, Vendor]
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import TEST_SECRET

    settings = app.config["VENDORCHECK_SETTINGS"]
    off = create_app(
        {"env": "test", "home": settings.home, "database_url": database_url, "secret_key": TEST_SECRET}
        | {"page_cache_mib": 0}
    )
    try:
        assert off.extensions["vendorcheck.pages"] is None
        client = off.test_client()
        Auth(client).login_as(world.users[Role.ADMIN])
        for path in pages(vendors):
            with statements(off) as seen:
                assert client.get(path).status_code == 200
            assert len(seen) > 1  # rendered from the database every time
    finally:
        database.dispose(off)
