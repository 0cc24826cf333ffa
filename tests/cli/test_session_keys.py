"""Rotating the session key keeps people signed in; dropping an old key ends the sessions it signed."""

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, Auth
from vendorcheck import accounts, create_app, db
from vendorcheck.config import ConfigError, load_settings
from vendorcheck.instance import initialize, rotate_session_key
from vendorcheck.models import Role

COOKIE = "vendorcheck_session"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An initialized instance with one practice owner."""
    home = tmp_path / "instance"
    settings = load_settings({"home": home}, environ={}, require_instance=False)
    initialize(settings)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        org, _ = accounts.get_or_create_organization(session, "Riverside")
        accounts.create_user(session, org, "owner@riverside.example", Role.VIEWER, PASSWORD)
    engine.dispose()
    return home


def _restarted(home: Path, cookie: str) -> FlaskClient:
    """A client of a freshly started app (as after a restart) carrying ``cookie``."""
    client = create_app({"home": home, "public_url": "https://vendorcheck.practice.example"}).test_client()
    client.set_cookie(COOKIE, cookie)
    return client


def test_rotation_keeps_signed_in_users_signed_in(home: Path) -> None:
    client = create_app({"home": home, "public_url": "https://vendorcheck.practice.example"}).test_client()
    Auth(client).login("owner@riverside.example")
    cookie = client.get_cookie(COOKIE).value
    before = (home / "secret_key").read_text()
    assert rotate_session_key(home) == 0
    assert (home / "secret_key").read_text() != before
    assert (home / "secret_key").stat().st_mode & 0o777 == 0o600
    assert _restarted(home, cookie).get("/").status_code == 200


def test_a_key_rotated_out_twice_no_longer_verifies(home: Path) -> None:
    client = create_app({"home": home, "public_url": "https://vendorcheck.practice.example"}).test_client()
    Auth(client).login("owner@riverside.example")
    cookie = client.get_cookie(COOKIE).value
    rotate_session_key(home)
    assert rotate_session_key(home) == 1  # the original key is dropped
    assert _restarted(home, cookie).get("/").status_code == 302


def test_rotation_needs_an_initialized_instance(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="run `vendorcheck init` first"):
        rotate_session_key(tmp_path)
