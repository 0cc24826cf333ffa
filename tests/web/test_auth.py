"""Signing in and out through the real forms."""

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import PASSWORD, Auth, World, csrf_token, session_record
from vendorcheck import accounts
from vendorcheck.models import AuditEvent, Role


def test_login_page_renders(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert "Sign in" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_signing_in_opens_the_dashboard(client: FlaskClient, auth: Auth, world: World) -> None:
    response = auth.login(world.users[Role.VIEWER].email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Vendors" in client.get("/").get_data(as_text=True)


def test_email_is_case_insensitive(auth: Auth, world: World) -> None:
    assert auth.login("VIEWER@Riverside.example").status_code == 302


def test_wrong_password_gets_a_generic_error_and_keeps_the_email(auth: Auth, world: World) -> None:
    response = auth.login("viewer@riverside.example", "wrong password entirely")
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "do not match an active account" in page
    assert 'value="viewer@riverside.example"' in page
    assert "wrong password entirely" not in page


def test_unknown_email_gets_the_same_error(auth: Auth, world: World) -> None:
    response = auth.login("nobody@riverside.example")
    assert response.status_code == 401
    assert "do not match an active account" in response.get_data(as_text=True)


def test_sign_in_success_and_failure_are_audited(auth: Auth, world: World, dbs: Session) -> None:
    auth.login("viewer@riverside.example", "wrong password entirely")
    auth.login("viewer@riverside.example")
    events = dbs.execute(
        select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.actor_user_id)
        .where(AuditEvent.action.like("auth.%"))
        .order_by(AuditEvent.seq)
    ).all()
    viewer = world.users[Role.VIEWER].id
    assert [tuple(e) for e in events] == [
        ("auth.login_failed", "anonymous", None),  # nobody proved who they were
        ("auth.login", "viewer@riverside.example", viewer),  # the person who signed in, not "anonymous"
    ]


def test_deactivated_users_cannot_sign_in(auth: Auth, world: World, dbs: Session) -> None:
    world.users[Role.VIEWER].is_active = False
    dbs.commit()
    assert auth.login("viewer@riverside.example").status_code == 401


def test_post_without_csrf_token_is_refused(client: FlaskClient, world: World) -> None:
    response = client.post("/login", data={"email": "viewer@riverside.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_next_redirect_accepts_local_paths(auth: Auth, world: World, dbs: Session) -> None:
    response = auth.login("viewer@riverside.example", next_path="/vendors/1")
    assert response.headers["Location"] == "/vendors/1"


def test_next_redirect_ignores_other_sites(auth: Auth, world: World) -> None:
    for target in ("//evil.example", "/\\evil.example", "https:evil.example", "https://evil.example/"):
        auth.logout()
        response = auth.login("viewer@riverside.example", next_path=target)
        assert response.headers["Location"] == "/", target


def test_session_cookie_is_secure_httponly_lax(auth: Auth, world: World) -> None:
    cookie = auth.login("viewer@riverside.example").headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_sign_out_needs_a_post_with_token(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.VIEWER])
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


def test_one_time_password_must_be_changed_first(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    user = world.users[Role.ADMIN]
    user.must_change_password = True
    dbs.commit()
    auth.login_as(user)
    response = client.get("/")
    assert response.headers["Location"] == "/account/password"
    token = csrf_token(client, "/account/password")
    new = "a brand new passphrase"
    response = client.post(
        "/account/password", data={"csrf_token": token, "current": PASSWORD, "new": new, "confirm": new}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    dbs.expire_all()
    assert accounts.authenticate(dbs, user.email, new) is not None


def test_password_change_errors_are_shown_on_their_fields(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.VIEWER])
    token = csrf_token(client, "/account/password")
    new = "a brand new passphrase"
    response = client.post(
        "/account/password", data={"csrf_token": token, "current": "not it at all", "new": new, "confirm": new}
    )
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)
    response = client.post(
        "/account/password", data={"csrf_token": token, "current": PASSWORD, "new": "short", "confirm": "short"}
    )
    assert "at least 12 characters" in response.get_data(as_text=True)


def test_changing_password_signs_out_other_sessions(app, auth: Auth, world: World) -> None:
    other_client = app.test_client()
    Auth(other_client).login_as(world.users[Role.VIEWER])
    auth.login_as(world.users[Role.VIEWER])
    token = csrf_token(auth.client, "/account/password")
    new = "a brand new passphrase"
    auth.client.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "new": new, "confirm": new})
    assert auth.client.get("/").status_code == 200
    assert other_client.get("/").status_code == 302


def test_idle_sessions_are_signed_out(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    auth.login_as(world.users[Role.VIEWER])
    session_record(client, dbs).last_seen_at -= timedelta(minutes=16)
    dbs.commit()
    response = client.get("/vendors/7")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/vendors/7"
    assert "after 15 minutes without activity" in client.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_activity_keeps_a_session_alive(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    auth.login_as(world.users[Role.VIEWER])
    session_record(client, dbs).last_seen_at -= timedelta(minutes=14)
    dbs.commit()
    assert client.get("/").status_code == 200
    session_record(client, dbs).last_seen_at -= timedelta(minutes=14)
    dbs.commit()
    assert client.get("/").status_code == 200


def test_sessions_end_after_their_absolute_lifetime(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    auth.login_as(world.users[Role.VIEWER])
    session_record(client, dbs).created_at -= timedelta(hours=13)
    dbs.commit()
    assert client.get("/").status_code == 302
    assert "after a long session" in client.get("/login").get_data(as_text=True)


def test_sign_in_starts_a_new_session(client: FlaskClient, auth: Auth, world: World) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login_as(world.users[Role.VIEWER])
    with client.session_transaction() as session:
        assert "planted" not in session
