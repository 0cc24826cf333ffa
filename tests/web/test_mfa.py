"""Two-step sign-in: enrollment, codes, replay, recovery codes, and who must use it."""

import re
import time

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.helpers import MFA_CODES, Auth, World, csrf_token, enroll_mfa
from vendorcheck import accounts
from vendorcheck.accounts import totp as mfa
from vendorcheck.audit import Actor
from vendorcheck.models import Role


def _verify(client: FlaskClient, code: str):
    return client.post("/login/verify", data={"code": code, "csrf_token": csrf_token(client, "/login/verify")})


def test_password_alone_does_not_sign_in_an_mfa_user(client: FlaskClient, auth: Auth, world: World) -> None:
    response = auth.login(world.users[Role.ADMIN].email)
    assert response.headers["Location"] == "/login/verify"
    assert client.get("/").status_code == 302


def test_a_fresh_code_completes_sign_in(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    user = world.users[Role.VIEWER]
    secret = enroll_mfa(dbs, user)
    dbs.commit()
    auth.login(user.email)
    # The enrollment used the current step; the app accepts the next one (clock drift window).
    assert _verify(client, pyotp.TOTP(secret).at(time.time() + 30)).status_code == 302
    assert client.get("/").status_code == 200


def test_a_used_code_is_refused_as_replay(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    user = world.users[Role.VIEWER]
    secret = enroll_mfa(dbs, user)  # enrollment consumed the current code
    dbs.commit()
    auth.login(user.email)
    response = _verify(client, pyotp.TOTP(secret).now())
    assert response.status_code == 401
    assert "already used" in response.get_data(as_text=True)


def test_recovery_codes_work_once(client: FlaskClient, auth: Auth, world: World) -> None:
    user = world.users[Role.AUDITOR]
    code = MFA_CODES[user.email][0]
    auth.login(user.email)
    assert _verify(client, code.upper()).status_code == 302
    auth.logout()
    auth.login(user.email)
    assert _verify(client, code).status_code == 401


def test_sixth_wrong_code_is_throttled(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login(world.users[Role.ADMIN].email)
    for _ in range(5):
        assert _verify(client, "000000").status_code == 401
    response = _verify(client, MFA_CODES[world.users[Role.ADMIN].email][0])
    assert response.status_code == 429
    assert "Too many wrong codes. Try again in" in response.get_data(as_text=True)


def test_verify_without_a_password_step_goes_back_to_sign_in(client: FlaskClient) -> None:
    assert client.get("/login/verify").headers["Location"] == "/login"


def test_admins_must_enroll_before_anything_else(client: FlaskClient, auth: Auth, world: World, dbs: Session):
    admin = world.users[Role.ADMIN]
    accounts.reset_mfa(dbs, admin, Actor.cli("tests"))
    dbs.commit()
    auth.login(admin.email)
    response = client.get("/")
    assert response.headers["Location"] == "/account/mfa"
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "<svg" in page
    assert "Your role requires" in page


def test_enrollment_shows_recovery_codes_once(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    user = world.users[Role.ASSESSOR]
    auth.login_as(user)
    page = client.get("/account/mfa").get_data(as_text=True)
    secret = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/account/mfa", data={"code": "123456", "csrf_token": csrf_token(client, "/account/mfa")})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.get_data(as_text=True)
    response = client.post(
        "/account/mfa",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_token(client, "/account/mfa")},
    )
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", response.get_data(as_text=True))
    assert len(codes) == mfa.RECOVERY_CODE_COUNT
    dbs.expire_all()
    assert user.has_mfa
    assert all(c.code_hash not in codes for c in user.recovery_codes)  # only hashes are kept


def test_organization_policy_requires_everyone(client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    auth.login_as(world.users[Role.ADMIN])
    token = csrf_token(client, "/admin/users")
    assert client.post("/admin/policy", data={"mfa_required": "y", "csrf_token": token}).status_code == 302
    dbs.expire_all()
    assert world.org.mfa_required
    viewer = Auth(client.application.test_client())
    viewer.login(world.users[Role.VIEWER].email)
    assert viewer.client.get("/").headers["Location"] == "/account/mfa"


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_malformed_codes_are_refused(code: str) -> None:
    assert mfa.accepted_step(mfa.new_secret(), code, None) is None
