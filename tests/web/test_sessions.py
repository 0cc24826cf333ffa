"""Server-side sessions: the cookie only names a record, and ending the record signs the browser out.

The outside security test (issue 15, finding 5) copied a session cookie before signing out and kept
using it; these tests replay copied cookies from a second client, as an attacker would.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import BadSignature
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import PASSWORD, TEST_SECRET, Auth, World, csrf_token, session_record, session_token
from vendorcheck import accounts, create_app
from vendorcheck.accounts import sessions as user_sessions
from vendorcheck.audit import Actor
from vendorcheck.models import Role, SessionEnd, User, UserSession
from vendorcheck.web import database

COOKIE = "vendorcheck_session"


def _copy_cookie(source: FlaskClient, target: FlaskClient) -> None:
    """Put ``source``'s session cookie, byte for byte, into ``target`` (a stolen or kept copy)."""
    target.set_cookie(COOKIE, source.get_cookie(COOKIE).value)


def _signed_in(client: FlaskClient) -> bool:
    """True when the client reaches the dashboard rather than being sent to sign in."""
    return client.get("/").status_code == 200


@pytest.fixture
def copy(app: Flask, client: FlaskClient, auth: Auth, world: World) -> FlaskClient:
    """A second browser holding a copy of the viewer's cookie, taken while the viewer is signed in."""
    auth.login_as(world.users[Role.VIEWER])
    thief = app.test_client()
    _copy_cookie(client, thief)
    assert _signed_in(thief)  # the copy works while the session lives
    return thief


def test_a_cookie_copied_before_sign_out_is_refused_after_it(auth: Auth, copy: FlaskClient) -> None:
    auth.logout()
    response = copy.get("/vendors/1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert "Sign in" in copy.get("/login").get_data(as_text=True)  # not signed in, not sent to the dashboard
    assert not _signed_in(copy)


def test_sign_out_ends_the_record_on_the_server(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    auth.login_as(world.users[Role.VIEWER])
    record_id = session_record(client, dbs).id
    auth.logout()
    dbs.rollback()
    record = dbs.get(UserSession, record_id)
    assert record.ended_at is not None
    assert record.end_reason == SessionEnd.SIGN_OUT


def test_sign_out_holds_for_another_app_process_on_the_same_database(
    app: Flask, auth: Auth, copy: FlaskClient, tmp_path: Path
) -> None:
    # A second app on the same database and secret key: another gunicorn worker, or the app after a restart.
    url = app.config["DATABASE_URL"]
    other = create_app({"env": "test", "home": tmp_path / "home", "database_url": url, "secret_key": TEST_SECRET})
    try:
        elsewhere = other.test_client()
        _copy_cookie(copy, elsewhere)
        assert _signed_in(elsewhere)
        auth.logout()
        assert not _signed_in(elsewhere)
    finally:
        database.dispose(other)


def test_the_cookie_carries_only_a_random_token_and_the_server_only_its_hash(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    user = world.users[Role.VIEWER]
    auth.login_as(user)
    data = app.session_interface.get_signing_serializer(app).loads(client.get_cookie(COOKIE).value)
    token = data["_user_id"]
    assert str(user.id) not in token.split(":")  # no longer "<user id>:<version>"
    record = session_record(client, dbs)
    assert record.user_id == user.id
    assert record.token_hash == user_sessions.hash_token(token) != token
    assert not {"signed_in_at", "last_seen"} & set(data)  # no time the client could replay


def test_idle_limit_comes_from_the_server_record_not_the_cookie(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    auth.login_as(world.users[Role.VIEWER])
    assert _signed_in(client)
    fresh_cookie = client.get_cookie(COOKIE).value  # a cookie from a moment when the session was busy
    session_record(client, dbs).last_seen_at -= timedelta(minutes=16)
    dbs.commit()
    replay = app.test_client()
    replay.set_cookie(COOKIE, fresh_cookie)
    with replay.session_transaction() as session:  # whatever times the cookie claims
        session["last_seen"] = session["signed_in_at"] = 2**40
    assert not _signed_in(replay)
    assert "after 15 minutes without activity" in replay.get("/login").get_data(as_text=True)
    dbs.rollback()
    assert dbs.scalar(select(UserSession.end_reason)) == SessionEnd.IDLE
    assert not _signed_in(client)  # the session is over for the original browser too


def test_last_seen_is_written_at_most_once_a_minute(client: FlaskClient, auth: Auth, world: World, dbs: Session):
    auth.login_as(world.users[Role.VIEWER])
    first = session_record(client, dbs).last_seen_at
    assert _signed_in(client) and _signed_in(client)
    assert session_record(client, dbs).last_seen_at == first  # no write per request
    session_record(client, dbs).last_seen_at = first - timedelta(minutes=2)
    dbs.commit()
    assert _signed_in(client)
    assert session_record(client, dbs).last_seen_at > first


def _as_admin(app: Flask, world: World) -> FlaskClient:
    admin = app.test_client()
    Auth(admin).login_as(world.users[Role.ADMIN])
    return admin


def _admin_post(admin: FlaskClient, path: str, **data: str) -> None:
    response = admin.post(path, data={"csrf_token": csrf_token(admin, "/admin/users"), **data})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_sign_out_everywhere_else_ends_the_other_sessions_and_their_copies(
    app: Flask, client: FlaskClient, auth: Auth, world: World
) -> None:
    laptop = app.test_client()  # a computer the viewer no longer uses, and a copy of its cookie
    Auth(laptop).login_as(world.users[Role.VIEWER])
    laptop_copy = app.test_client()
    _copy_cookie(laptop, laptop_copy)
    auth.login_as(world.users[Role.VIEWER])
    token = csrf_token(client, "/account/")
    assert client.post("/account/sign-out-everywhere", data={"csrf_token": token}).status_code == 302
    assert _signed_in(client)  # the session that asked stays
    assert not _signed_in(laptop)
    assert not _signed_in(laptop_copy)


def test_password_change_ends_the_copies(client: FlaskClient, copy: FlaskClient) -> None:
    new = "a brand new passphrase"
    token = csrf_token(client, "/account/password")
    client.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "new": new, "confirm": new})
    assert _signed_in(client)
    assert not _signed_in(copy)


def test_password_change_gives_this_browser_a_new_session_token(client: FlaskClient, copy: FlaskClient) -> None:
    before = session_token(client)
    new = "a brand new passphrase"
    token = csrf_token(client, "/account/password")
    client.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "new": new, "confirm": new})
    assert session_token(client) != before


@pytest.mark.parametrize(
    ("path", "data"),
    [("role", {"role": "assessor", "confirm": "yes"}), ("deactivate", {"confirm": "yes"})],
    ids=["role change", "deactivation"],
)
def test_admin_changes_end_the_users_sessions(
    app: Flask, world: World, client: FlaskClient, copy: FlaskClient, path: str, data: dict[str, str]
) -> None:
    _admin_post(_as_admin(app, world), f"/admin/users/{world.users[Role.VIEWER].id}/{path}", **data)
    assert not _signed_in(client)
    assert not _signed_in(copy)


def test_a_password_reset_ends_the_users_sessions(
    app: Flask, world: World, client: FlaskClient, copy: FlaskClient, dbs: Session
) -> None:
    _link, token = accounts.issue_password_reset(dbs, dbs.get(User, world.users[Role.VIEWER].id), Actor.cli())
    dbs.commit()
    accounts.reset_password(dbs, token, "another fine passphrase", None)
    dbs.commit()
    assert not _signed_in(client)
    assert not _signed_in(copy)


@pytest.mark.parametrize("reason", list(SessionEnd))
def test_every_session_of_the_user_ends_whatever_the_reason(
    app: Flask, world: World, dbs: Session, reason: SessionEnd
) -> None:
    viewer = dbs.get(User, world.users[Role.VIEWER].id)
    clients = [app.test_client() for _ in range(2)]
    for browser in clients:
        Auth(browser).login_as(viewer)
    bystander = app.test_client()
    Auth(bystander).login_as(world.users[Role.ASSESSOR])
    assert user_sessions.end_sessions(dbs, viewer, reason) == 2
    dbs.commit()
    assert not any(_signed_in(browser) for browser in clients)
    assert _signed_in(bystander)  # other users are untouched


def test_a_half_finished_sign_in_ends_with_the_users_sessions(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    from tests.helpers import MFA_CODES

    admin = dbs.get(User, world.users[Role.ADMIN].id)
    auth.login(admin.email)  # right password; the second factor is still owed
    accounts.sign_out_everywhere(dbs, admin, Actor.cli())
    dbs.commit()
    code = MFA_CODES[admin.email][0]
    response = client.post("/login/verify", data={"code": code, "csrf_token": csrf_token(client, "/login")})
    assert response.headers["Location"] == "/login"
    assert not _signed_in(client)


def test_the_account_page_lists_this_users_active_sessions(
    app: Flask, client: FlaskClient, auth: Auth, world: World
) -> None:
    auth.login_as(world.users[Role.VIEWER])
    other = app.test_client()
    other.environ_base["HTTP_USER_AGENT"] = "Firefox on the front desk"
    Auth(other).login_as(world.users[Role.VIEWER])
    page = client.get("/account/").get_data(as_text=True)
    assert "Firefox on the front desk" in page
    assert page.count("This session") == 1
    Auth(other).logout()
    assert "Firefox on the front desk" not in client.get("/account/").get_data(as_text=True)


def test_a_cookie_signed_with_a_rotated_out_key_still_reads_and_new_cookies_use_the_new_key(app: Flask) -> None:
    interface = app.session_interface
    old, new = "o" * 40, "n" * 40
    app.config.update(SECRET_KEY=old, SECRET_KEY_FALLBACKS=[])
    signed_with_old = interface.get_signing_serializer(app).dumps({"probe": 1})
    app.config.update(SECRET_KEY=new, SECRET_KEY_FALLBACKS=[old])  # the key rotated: the serializer follows
    serializer = interface.get_signing_serializer(app)
    assert serializer.loads(signed_with_old) == {"probe": 1}
    signed_with_new = serializer.dumps({"probe": 2})
    app.config.update(SECRET_KEY_FALLBACKS=[])  # the old key retired: its cookies no longer read, new ones do
    with pytest.raises(BadSignature):
        interface.get_signing_serializer(app).loads(signed_with_old)
    assert interface.get_signing_serializer(app).loads(signed_with_new) == {"probe": 2}
