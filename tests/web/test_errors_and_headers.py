"""Friendly error pages and the security headers on every response."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import Auth, World
from vendorcheck.models import Role


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found" in page
    assert "<html" in page


def test_wrong_method_is_a_405_page(client: FlaskClient) -> None:
    response = client.delete("/login")
    assert response.status_code == 405
    assert "Not allowed" in response.get_data(as_text=True)


def test_unexpected_errors_show_no_stack_trace(app: Flask, client: FlaskClient, caplog) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page
    assert "Traceback" not in page
    assert "secret internals" in caplog.text  # ...but the operator's log has it


def test_malformed_session_cookie_is_ignored(client: FlaskClient) -> None:
    client.set_cookie("vendorcheck_session", "not-a-valid-cookie{}")
    assert client.get("/login").status_code == 200


def test_oversized_form_is_refused_cleanly(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/login", "/", "/no/such/page"])
def test_security_headers_on_every_page(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_over_https(client: FlaskClient) -> None:
    response = client.get("/login", base_url="https://vendorcheck.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_static_assets_ship_with_the_package(client: FlaskClient) -> None:
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert "--brand" in response.get_data(as_text=True)


def test_pages_use_no_inline_script_or_style(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.ADMIN])
    for path in ("/login", "/", "/account/password"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page
        assert "style=" not in page
        assert "<style" not in page
