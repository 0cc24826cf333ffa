"""Links handed to people are built on VENDORCHECK_PUBLIC_URL, never on the Host header (issue 15, finding 9)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import TEST_SECRET, World, csrf_token
from tests.web.conftest import Targets, sign_in
from vendorcheck import create_app
from vendorcheck.models import Role
from vendorcheck.web import database

PUBLIC = "https://vendorcheck.practice.example"
ISSUED_RE = re.compile(r'<code id="issued-link">([^<]+)</code>')


@pytest.fixture
def public_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app as configured in production: its public address set (same instance and database as ``app``)."""
    settings = app.config["VENDORCHECK_SETTINGS"]
    served = create_app(
        {"env": "test", "home": settings.home, "database_url": database_url, "secret_key": TEST_SECRET}
        | {"public_url": PUBLIC}
    )
    yield served
    database.dispose(served)


class HostClient(FlaskClient):
    """A test client whose every request names ``host`` in its Host header."""

    host = "localhost"

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        kwargs.setdefault("base_url", f"http://{self.host}")
        return super().open(*args, **kwargs)


def _as(app: Flask, world: World, role: Role | None, host: str) -> FlaskClient:
    app.test_client_class = HostClient
    client = app.test_client()
    client.host = host  # type: ignore[attr-defined]
    if role is not None:
        sign_in(client, world.users[role], base_url=f"http://{host}")
    return client


@pytest.mark.parametrize("host", ["vendorcheck.practice.example", "localhost:5000", "127.0.0.1"])
def test_links_use_the_public_url_whatever_the_host(public_app: Flask, world: World, targets: Targets, host: str):
    admin = _as(public_app, world, Role.ADMIN, host)
    token = csrf_token(admin, "/admin/users")
    invited = admin.post("/admin/users/invite", data={"csrf_token": token, "email": "new@riverside.example"})
    reset = admin.post(f"/admin/users/{targets.own['user_id']}/password-reset", data={"csrf_token": token})
    assessor = _as(public_app, world, Role.ASSESSOR, host)
    page = f"/assessments/{targets.own['assessment_id']}"
    link = assessor.post(f"{page}/link", data={"csrf_token": csrf_token(assessor, page), "days": "14"})
    urls = [ISSUED_RE.search(r.get_data(as_text=True)) for r in (invited, reset, link)]
    assert all(urls), [r.status_code for r in (invited, reset, link)]
    prefixes = [f"{PUBLIC}/invitation/", f"{PUBLIC}/reset/", f"{PUBLIC}/a/"]
    assert [u.group(1)[: len(p)] for u, p in zip(urls, prefixes, strict=True)] == prefixes  # type: ignore[union-attr]


@pytest.mark.parametrize("path", ["/login", "/admin/users", "/a/some-token", "/static/css/app.css"])
def test_an_unknown_host_is_refused(public_app: Flask, app: Flask, world: World, path: str) -> None:
    for served in (public_app, app):  # configured, and the development default (loopback names only)
        visitor = _as(served, world, None, "evil.example")
        response = visitor.get(path)
        assert response.status_code == 400
        assert "does not answer to that address" in response.get_data(as_text=True)
        assert response.mimetype == "text/plain"
    forged = _as(public_app, world, None, "evil.example")
    response = forged.post("/admin/users/invite", data={"email": "x@riverside.example", "role": "viewer"})
    assert response.status_code == 400 and "evil.example" not in response.get_data(as_text=True)
