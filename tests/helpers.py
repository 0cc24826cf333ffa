"""What the tests share besides fixtures: the suite's password, the two-organization world, signing in through
the real forms, CSRF tokens, server-side sessions, and running the ``vendorcheck`` command.

Fixtures live in the conftest files; the functions and classes they (and the tests) use live here, so a test
module imports them from one ordinary module rather than from a conftest.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result
from flask.testing import FlaskClient
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from vendorcheck import accounts, db
from vendorcheck.accounts import sessions as user_sessions
from vendorcheck.accounts import totp as mfa
from vendorcheck.audit import Actor
from vendorcheck.cli import cli
from vendorcheck.config import load_settings
from vendorcheck.models import Organization, Role, User, UserSession

PASSWORD = "correct horse battery staple"
TEST_SECRET = "test-secret-" + "x" * 40
PG_URL_ENV = "TEST_DATABASE_URL"
ORG_NAME, OTHER_ORG_NAME = "Riverside Family Medicine", "Elsewhere Clinic"

# Recovery codes of the users the fixtures enrolled in MFA, by email: Auth.login_as spends them.
MFA_CODES: dict[str, list[str]] = {}


def run_cli(home: Path, *args: str, **env: str) -> Result:
    """Run the ``vendorcheck`` command on the instance folder ``home`` with a clean environment."""
    environ = {"VENDORCHECK_HOME": str(home), "DATABASE_URL": None, "VENDORCHECK_SECRET_KEY": None, **env}
    return CliRunner().invoke(cli, list(args), env=environ)


def copy_home(template: Path, target: Path) -> Path:
    """A copy of an instance folder (database, key ring, evidence, keys), with its owner-only modes."""
    shutil.copytree(template, target)
    return target


class InstanceCli:
    """The ``vendorcheck`` command bound to one instance folder: ``vendorcheck("init")``."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def __call__(self, *args: str, **env: str) -> Result:
        """Run the command with ``args`` (and extra environment ``env``) on this instance."""
        return run_cli(self.home, *args, **env)


def enroll_mfa(dbs: Session, user: User) -> str:
    """Turn on MFA for ``user`` as the enrollment page would; returns the TOTP secret."""
    import pyotp

    secret = mfa.new_secret()
    codes = accounts.confirm_mfa_enrollment(dbs, user, secret, pyotp.TOTP(secret).now(), Actor.cli("tests"))
    MFA_CODES[user.email] = codes
    return secret


@dataclass
class World:
    """Two organizations with a user of every role in each."""

    org: Organization
    other_org: Organization
    users: dict[Role, User]
    other_users: dict[Role, User]


def _email(role: Role, org_name: str) -> str:
    return f"{role.value}@{org_name.split()[0].lower()}.example"


def make_world(dbs: Session) -> World:
    """Create Riverside (the signed-in users' organization) and Elsewhere (another tenant), a user per role in
    each, MFA on where a role requires it (the recovery codes go to ``MFA_CODES``); commits."""
    org, _ = accounts.get_or_create_organization(dbs, ORG_NAME)
    other, _ = accounts.get_or_create_organization(dbs, OTHER_ORG_NAME)
    users = {r: accounts.create_user(dbs, org, _email(r, ORG_NAME), r, PASSWORD) for r in Role}
    others = {r: accounts.create_user(dbs, other, _email(r, OTHER_ORG_NAME), r, PASSWORD) for r in Role}
    for user in (*users.values(), *others.values()):
        if accounts.mfa_required(user):
            enroll_mfa(dbs, user)
    dbs.commit()
    return World(org, other, users, others)


def load_world(dbs: Session) -> World:
    """The world ``make_world`` created, read back (from a copied database)."""

    def users_of(org_name: str) -> dict[Role, User]:
        return {r: dbs.scalars(select(User).where(User.email == _email(r, org_name))).one() for r in Role}

    def org_named(name: str) -> Organization:
        return dbs.scalars(select(Organization).where(Organization.name == name)).one()

    return World(org_named(ORG_NAME), org_named(OTHER_ORG_NAME), users_of(ORG_NAME), users_of(OTHER_ORG_NAME))


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token in the form at ``path``."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


class Auth:
    """Signs the test client in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, next_path: str = ""):
        """Post the sign-in form with its CSRF token."""
        token = csrf_token(self.client, "/login")
        return self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token, "next": next_path}
        )

    def login_as(self, user: User):
        """Sign in as an existing user with the suite's password (and a recovery code, if MFA is on)."""
        response = self.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        if response.headers["Location"] == "/login/verify":
            code = MFA_CODES[user.email].pop()
            token = csrf_token(self.client, "/login/verify")
            response = self.client.post("/login/verify", data={"code": code, "csrf_token": token})
            assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        """Post the sign-out form."""
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client, "/")})

    def reauthenticate(self, user: User, password: str = PASSWORD):
        """Confirm it is ``user`` again (password, and a recovery code if MFA is on), as factor changes need."""
        data = {"password": password, "csrf_token": csrf_token(self.client, "/account/confirm")}
        if user.email in MFA_CODES:
            data["code"] = MFA_CODES[user.email].pop()
        response = self.client.post("/account/confirm", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


def session_token(client: FlaskClient) -> str:
    """The session token the client's cookie carries (Flask-Login's user id is the server-side session's token)."""
    with client.session_transaction() as session:
        return session["_user_id"]


def session_record(client: FlaskClient, dbs: Session) -> UserSession:
    """The server-side session record the client's cookie names, freshly read."""
    dbs.rollback()  # end the read snapshot: see what the requests changed
    record = dbs.scalar(
        select(UserSession).where(UserSession.token_hash == user_sessions.hash_token(session_token(client)))
    )
    assert record is not None, "the cookie names no session record"
    return record


def instance_rows(home: Path, query: Select) -> list:
    """What ``query`` finds in the database of the instance folder ``home`` (a test looking behind the CLI)."""
    engine = db.make_engine(load_settings({"home": home}, environ={}).database_url)
    try:
        with db.transaction(engine) as session:
            return list(session.scalars(query))
    finally:
        engine.dispose()
