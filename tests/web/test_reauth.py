"""Changing a second factor needs a recent re-authentication: the password and the current factor.

The outside security test (issue 15, finding 6) replaced a user's authenticator with ``POST /account/mfa``
from a signed-in session alone; these tests hold the change back until the person proves who they are.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import PASSWORD, Auth, World, csrf_token, enroll_mfa, session_record
from vendorcheck.models import AuditEvent, Role, User

CONFIRM = "/account/confirm?next=/account/mfa"


def _actions(dbs: Session) -> list[str]:
    dbs.rollback()
    return list(dbs.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def _signed_in_with_a_known_secret(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> tuple[User, str]:
    """The viewer with an authenticator whose secret the test knows, signed in."""
    user = world.users[Role.VIEWER]
    secret = enroll_mfa(dbs, user)
    dbs.commit()
    auth.login_as(user)
    return user, secret


def _confirm(client: FlaskClient, password: str, code: str = "", next_path: str = "/account/mfa"):
    token = csrf_token(client, "/account/confirm")
    return client.post(
        "/account/confirm", data={"password": password, "code": code, "next": next_path, "csrf_token": token}
    )


def _enroll(client: FlaskClient) -> tuple[str, object]:
    """Read the secret the enrolment page offers and confirm it with its current code."""
    page = client.get("/account/mfa")
    assert page.status_code == 200, page.headers.get("Location")
    text = page.get_data(as_text=True)
    secret = text.split('id="mfa-secret">', 1)[1].split("<", 1)[0]
    token = csrf_token(client, "/account/mfa")
    return secret, client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})


def test_a_signed_in_session_alone_cannot_replace_the_factor(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    user, secret = _signed_in_with_a_known_secret(client, auth, world, dbs)
    response = client.get("/account/mfa")
    assert response.status_code == 302
    assert response.headers["Location"] == CONFIRM
    # Even a code for a secret the attacker planted on the session is refused without the step.
    planted = pyotp.random_base32(32)
    session_record(client, dbs).pending_mfa_secret = planted
    dbs.commit()
    token = csrf_token(client, "/account/")
    response = client.post("/account/mfa", data={"code": pyotp.TOTP(planted).now(), "csrf_token": token})
    assert response.headers["Location"] == "/account/confirm?next=/account/mfa"
    dbs.expire_all()
    assert dbs.get(User, user.id).mfa_secret == secret


def test_password_and_current_code_allow_the_change(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    user, old_secret = _signed_in_with_a_known_secret(client, auth, world, dbs)
    elsewhere = app.test_client()
    Auth(elsewhere).login_as(user)
    response = _confirm(client, PASSWORD, pyotp.TOTP(old_secret).at(time.time() + 30))
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/mfa"
    new_secret, done = _enroll(client)
    assert "Two-step sign-in is on" in done.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.get(User, user.id).mfa_secret == new_secret != old_secret
    assert {"auth.reauth", "user.mfa_replace"} <= set(_actions(dbs))
    assert client.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the others end with the old factor


def test_a_recovery_code_counts_as_the_current_factor(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    auth.login_as(world.users[Role.ADMIN])
    assert auth.reauthenticate(world.users[Role.ADMIN]).headers["Location"] == "/account/"
    assert client.get("/account/mfa").status_code == 200


def test_the_password_alone_is_not_enough_when_a_factor_exists(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    _signed_in_with_a_known_secret(client, auth, world, dbs)
    response = _confirm(client, PASSWORD, "")
    assert response.status_code == 400
    assert "Enter the code" in response.get_data(as_text=True)
    assert client.get("/account/mfa").headers["Location"] == CONFIRM


def test_wrong_password_or_code_is_refused_and_audited(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    _user, secret = _signed_in_with_a_known_secret(client, auth, world, dbs)
    response = _confirm(client, "not my password at all", pyotp.TOTP(secret).at(time.time() + 30))
    assert response.status_code == 401
    assert "password or code is not right" in response.get_data(as_text=True)
    assert _confirm(client, PASSWORD, "000000").status_code == 401
    assert client.get("/account/mfa").headers["Location"] == CONFIRM
    assert _actions(dbs).count("auth.reauth_failed") == 2
    # The code offered with a wrong password was not spent: it still works with the right one.
    assert _confirm(client, PASSWORD, pyotp.TOTP(secret).at(time.time() + 30)).status_code == 302


def test_failed_reauthentication_is_throttled_like_sign_in(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    user, secret = _signed_in_with_a_known_secret(client, auth, world, dbs)
    for _ in range(5):
        assert _confirm(client, "not my password at all", "000000").status_code == 401
    response = _confirm(client, PASSWORD, pyotp.TOTP(secret).at(time.time() + 30))
    assert response.status_code == 429
    assert "Too many wrong attempts. Try again in" in response.get_data(as_text=True)
    # Guesses here and at the sign-in page draw on one budget per account.
    assert Auth(app.test_client()).login(user.email).status_code == 429


def test_re_authentication_counts_for_five_minutes(client: FlaskClient, auth: Auth, world: World, dbs: Session):
    _user, secret = _signed_in_with_a_known_secret(client, auth, world, dbs)
    _confirm(client, PASSWORD, pyotp.TOTP(secret).at(time.time() + 30))
    assert client.get("/account/mfa").status_code == 200
    session_record(client, dbs).reauthenticated_at -= timedelta(minutes=6)
    dbs.commit()
    assert client.get("/account/mfa").headers["Location"] == CONFIRM


def test_re_authentication_gives_a_new_session_token(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    _user, secret = _signed_in_with_a_known_secret(client, auth, world, dbs)
    copy = app.test_client()
    copy.set_cookie("vendorcheck_session", client.get_cookie("vendorcheck_session").value)
    _confirm(client, PASSWORD, pyotp.TOTP(secret).at(time.time() + 30))
    assert client.get("/account/mfa").status_code == 200
    assert copy.get("/account/mfa").status_code == 302  # a copy from before the step is worth nothing


def test_next_after_re_authentication_stays_on_this_site(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    _user, secret = _signed_in_with_a_known_secret(client, auth, world, dbs)
    response = _confirm(client, PASSWORD, pyotp.TOTP(secret).at(time.time() + 30), next_path="//evil.example")
    assert response.headers["Location"] == "/account/"


def test_first_enrolment_right_after_sign_in_needs_no_extra_step(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    auth.login_as(world.users[Role.ASSESSOR])  # no factor yet
    _secret, done = _enroll(client)
    assert "Two-step sign-in is on" in done.get_data(as_text=True)
    assert "user.mfa_enable" in _actions(dbs)


def test_first_enrolment_long_after_sign_in_asks_for_the_password(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    auth.login_as(world.users[Role.ASSESSOR])
    session_record(client, dbs).created_at -= timedelta(minutes=30)
    dbs.commit()
    assert client.get("/account/mfa").headers["Location"] == CONFIRM
    page = client.get(CONFIRM).get_data(as_text=True)
    assert 'name="password"' in page and 'name="code"' not in page  # nothing to ask but the password
    assert _confirm(client, PASSWORD).status_code == 302
    assert client.get("/account/mfa").status_code == 200


def test_the_secret_being_enrolled_is_not_in_the_cookie(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    auth.login_as(world.users[Role.ASSESSOR])
    page = client.get("/account/mfa").get_data(as_text=True)
    secret = page.split('id="mfa-secret">', 1)[1].split("<", 1)[0]
    cookie = client.get_cookie("vendorcheck_session").value
    data = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert secret not in repr(data)
    assert session_record(client, dbs).pending_mfa_secret == secret  # it waits on the server instead
    assert client.get("/account/mfa").get_data(as_text=True).count(secret) >= 1  # the same one, on reload


def test_resetting_someone_elses_factor_needs_the_admin_to_re_authenticate(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    target = world.users[Role.AUDITOR]
    auth.login_as(world.users[Role.ADMIN])
    token = csrf_token(client, f"/admin/users/{target.id}")
    response = client.post(f"/admin/users/{target.id}/reset-mfa", data={"csrf_token": token})
    assert response.headers["Location"] == f"/account/confirm?next=/admin/users/{target.id}"
    dbs.expire_all()
    assert dbs.get(User, target.id).has_mfa
