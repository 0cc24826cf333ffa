"""Shared fixtures: an app on a freshly migrated database, a client, users per role, sign-in, the demo.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (scripts/test
does both). The schema is built with the real migrations once per run; each test then starts from
empty tables, or, if it asks for ``demo_data``, from a copy of the demo seeded once per run.
The helpers these fixtures use (Auth, World, run_cli...) are in tests/helpers.py.
"""

from __future__ import annotations

import copy
import importlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tests.clock import frozen_clock  # noqa: F401  (a fixture for every test: time moved by hand)
from tests.helpers import (
    MFA_CODES,
    PG_URL_ENV,
    TEST_SECRET,
    Auth,
    InstanceCli,
    World,
    copy_home,
    load_world,
    make_world,
    run_cli,
)
from vendorcheck import create_app, db, demo
from vendorcheck.accounts import passwords
from vendorcheck.models import Base
from vendorcheck.vault.keyring import create_keyring
from vendorcheck.web import database


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """argon2id with minimal cost: the tests check behaviour, not hashing strength."""
    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True, scope="session")
def _questionnaires_parsed_once() -> Iterator[None]:
    """The app parses and checks its questionnaire library as it starts (~0.3 s of YAML per app): the tests
    start hundreds of apps on the same files, so each folder is parsed once per run while its files are unchanged.
    Each app still gets a dict of its own; the questionnaires themselves are frozen."""
    app_module = importlib.import_module("vendorcheck.app")
    original = app_module.load_library
    parsed: dict[tuple, dict] = {}

    def load_library(folder: Path) -> dict:
        files = sorted(p for p in folder.iterdir() if p.is_file())
        key = (folder, tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files))
        if key not in parsed:
            parsed[key] = original(folder)
        return dict(parsed[key])

    app_module.load_library = load_library
    yield
    app_module.load_library = original


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> str:
    """A database migrated to head once per run: a SQLite file to copy, or the PostgreSQL URL."""
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


def _truncate_postgres(url: str) -> None:
    engine = db.make_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def _postgres_admin(url: str, *statements: str) -> None:
    """Run statements that cannot run in a transaction (CREATE/DROP DATABASE) on ``url``'s server."""
    engine = db.make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def _app_on(database_url: str, home: Path) -> Flask:
    return create_app({"env": "test", "home": home, "database_url": database_url, "secret_key": TEST_SECRET})


def _dispose(application: Flask) -> None:
    database.dispose(application)


@dataclass(frozen=True)
class DemoTemplate:
    """The world with the demo seeded into its organization: a database to copy (a SQLite file or a PostgreSQL
    template database), the home folder beside it (key ring, evidence blobs) and the world's MFA recovery codes."""

    database: str
    home: Path
    mfa_codes: dict[str, list[str]]


@pytest.fixture(scope="session")
def demo_template(database_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoTemplate]:
    """The world and then the demo (``demo.seed_all``) seeded once per run, for the tests that ask for ``demo_data``."""
    folder = tmp_path_factory.mktemp("demo-template")
    home = folder / "home"
    home.mkdir()
    create_keyring(home)
    if database_template.startswith("postgresql"):
        base = make_url(database_template)
        name = f"{base.database}_demo_template"
        _postgres_admin(database_template, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        url = base.set(database=name).render_as_string(hide_password=False)
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
    else:
        shutil.copy(database_template, folder / "vendorcheck.db")
        url = f"sqlite:///{folder / 'vendorcheck.db'}"
    application = _app_on(url, home)
    with Session(database.engine(application), expire_on_commit=False) as session:
        make_world(session)
    demo.seed_all(
        database.engine(application),
        application.extensions["vendorcheck.vault"],
        application.extensions["vendorcheck.questionnaires"],
        demo.load_or_create_credentials(home),
    )
    _dispose(application)  # PostgreSQL copies a template only while nobody is connected to it
    codes = copy.deepcopy(MFA_CODES)
    MFA_CODES.clear()
    yield DemoTemplate(url if url.startswith("postgresql") else str(folder / "vendorcheck.db"), home, codes)
    if url.startswith("postgresql"):
        _postgres_admin(database_template, f"DROP DATABASE IF EXISTS {make_url(url).database}")


def _wants_demo(request: pytest.FixtureRequest) -> bool:
    return "demo_data" in request.fixturenames


@pytest.fixture
def database_url(request: pytest.FixtureRequest, database_template: str, tmp_path: Path) -> Iterator[str]:
    """A migrated database for one test: empty, or a copy of the demo template if the test asks for ``demo_data``."""
    if _wants_demo(request):
        template: DemoTemplate = request.getfixturevalue("demo_template")
        if template.database.startswith("postgresql"):
            url = make_url(template.database)
            name = f"{make_url(database_template).database}_demo_{uuid.uuid4().hex[:12]}"
            _postgres_admin(database_template, f"CREATE DATABASE {name} TEMPLATE {url.database}")
            yield url.set(database=name).render_as_string(hide_password=False)
            _postgres_admin(database_template, f"DROP DATABASE {name} WITH (FORCE)")
            return
        database_template = template.database
    elif database_template.startswith("postgresql"):
        yield database_template
        _truncate_postgres(database_template)
        return
    path = tmp_path / "vendorcheck.db"
    shutil.copy(database_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app in test mode on a migrated database (see ``database_url``) with a home folder of its own."""
    home = tmp_path / "home"
    if _wants_demo(request):  # the demo's evidence is encrypted under the template's key ring
        shutil.copytree(request.getfixturevalue("demo_template").home, home)
    else:
        home.mkdir()
        create_keyring(home)
    application = _app_on(database_url, home)
    yield application
    _dispose(application)


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


@pytest.fixture(autouse=True)
def _forget_mfa_codes() -> Iterator[None]:
    yield
    MFA_CODES.clear()


@pytest.fixture
def world(request: pytest.FixtureRequest, dbs: Session) -> World:
    """Riverside (the signed-in users' organization) and Elsewhere (another tenant): made, or read back from the
    demo template's copy with the recovery codes it had."""
    if _wants_demo(request):
        MFA_CODES.update(copy.deepcopy(request.getfixturevalue("demo_template").mfa_codes))
        return load_world(dbs)
    return make_world(dbs)


@pytest.fixture
def demo_data(world: World) -> World:
    """The demo (``demo.seed_all``) seeded into the world's organization, copied from a template made once per run.

    Asking for it is what switches ``database_url``, ``app`` and ``world`` to the copy.
    """
    return world


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Sign-in helper for ``client``."""
    return Auth(client)


@pytest.fixture(scope="session")
def demo_home_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo instance folder made once per run by `vendorcheck demo --no-serve` (its own SQLite database)."""
    home = tmp_path_factory.mktemp("demo-home-template") / "demo"
    result = run_cli(home, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def demo_home(demo_home_template: Path, tmp_path: Path) -> Path:
    """A demo instance folder of the test's own, copied from the one made once per run."""
    return copy_home(demo_home_template, tmp_path / "demo")


@pytest.fixture
def vendorcheck(tmp_path: Path) -> InstanceCli:
    """The ``vendorcheck`` command on an instance folder of the test's own (not created: ``init`` makes it)."""
    return InstanceCli(tmp_path / "home")
