"""Shared fixtures: an app on a freshly migrated database, a client, users per role, and sign-in.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (scripts/test
does both). The schema is built with the real migrations once per run; each test then starts from
empty tables.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from vendorcheck import accounts, create_app, db, mfa, passwords, user_sessions
from vendorcheck.audit import Actor
from vendorcheck.models import Base, Organization, Role, User, UserSession
from vendorcheck.vault.keyring import create_keyring

PASSWORD = "correct horse battery staple"
TEST_SECRET = "test-secret-" + "x" * 40
PG_URL_ENV = "TEST_DATABASE_URL"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """argon2id with minimal cost: the tests check behaviour, not hashing strength."""
    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> str:
    """A database migrated to head once per run: a SQLite file to copy, or the PostgreSQL URL."""
    import os

    pg_url = os.environ.get(PG_URL_ENV)
    if pg_url:
        engine = db.make_engine(pg_url)
        _reset_postgres(engine)
        db.upgrade(engine)
        engine.dispose()
        return pg_url
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if database_template.startswith("postgresql"):
        yield database_template
        engine = db.make_engine(database_template)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return
    path = tmp_path / "vendorcheck.db"
    shutil.copy(database_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app in test mode on an empty, migrated database."""
    home = tmp_path / "home"
    home.mkdir()
    create_keyring(home)
    application = create_app({"env": "test", "home": home, "database_url": database_url, "secret_key": TEST_SECRET})
    yield application
    db.engine(application).dispose()
    application.extensions["vendorcheck.read_sessionmaker"].kw["bind"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def dbs(app: Flask) -> Iterator[Session]:
    """A database session of the test's own, apart from the sessions requests open."""
    engine = db.make_engine(app.config["DATABASE_URL"], sqlite_immediate=False)  # must not block requests
    session = sessionmaker(engine, expire_on_commit=False)()
    yield session
    session.close()
    engine.dispose()


# Recovery codes of the users the fixtures enrolled in MFA, by email: Auth.login_as spends them.
MFA_CODES: dict[str, list[str]] = {}


@pytest.fixture(autouse=True)
def _forget_mfa_codes() -> Iterator[None]:
    yield
    MFA_CODES.clear()


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


@pytest.fixture
def world(dbs: Session) -> World:
    """Riverside (the signed-in users' organization) and Elsewhere (another tenant)."""
    org, _ = accounts.get_or_create_organization(dbs, "Riverside Family Medicine")
    other, _ = accounts.get_or_create_organization(dbs, "Elsewhere Clinic")
    users = {r: accounts.create_user(dbs, org, f"{r.value}@riverside.example", r, PASSWORD) for r in Role}
    others = {r: accounts.create_user(dbs, other, f"{r.value}@elsewhere.example", r, PASSWORD) for r in Role}
    for user in (*users.values(), *others.values()):
        if accounts.mfa_required(user):
            enroll_mfa(dbs, user)
    dbs.commit()
    return World(org, other, users, others)


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


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Sign-in helper for ``client``."""
    return Auth(client)


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
