"""A practice owner signs in to the demo in Chromium and sees the shortlisted vendors."""

from pathlib import Path

import pytest

from tests.e2e.conftest import LiveDemo
from vendorcheck import demo

pytestmark = pytest.mark.e2e


def sign_in(page, live_demo: LiveDemo, email: str) -> None:
    """Fill the sign-in form as a person would."""
    page.goto(live_demo.url + "/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(live_demo.passwords[email])
    page.get_by_role("button", name="Sign in").click()


def test_owner_signs_in_and_sees_the_demo_dashboard(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    sign_in(page, live_demo, "owner@riverside.example")
    page.wait_for_url(live_demo.url + "/")
    assert page.get_by_role("heading", name="Vendors").is_visible()
    rows = page.locator("table.vendors tbody tr")
    assert rows.count() == len(demo.VENDORS)
    for spec in demo.VENDORS:
        assert page.get_by_role("link", name=spec["name"]).is_visible()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)


def test_vendor_page_opens_from_the_dashboard(page, live_demo: LiveDemo) -> None:
    sign_in(page, live_demo, "compliance@riverside.example")
    page.get_by_role("link", name="Summit Revenue Partners").click()
    assert page.get_by_role("heading", name="Summit Revenue Partners").is_visible()
    assert page.get_by_text("India").first.is_visible()


def test_wrong_password_keeps_the_email_and_says_why(page, live_demo: LiveDemo) -> None:
    page.goto(live_demo.url + "/login")
    page.get_by_label("Email").fill("owner@riverside.example")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("do not match an active account").is_visible()
    assert page.get_by_label("Email").input_value() == "owner@riverside.example"
    assert page.get_by_label("Password").input_value() == ""


def test_sign_out_returns_to_sign_in(page, live_demo: LiveDemo) -> None:
    sign_in(page, live_demo, "auditor@riverside.example")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You are signed out.").is_visible()
    page.goto(live_demo.url + "/")
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_no_console_errors_from_csp(page, live_demo: LiveDemo) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_demo, "owner@riverside.example")
    page.goto(live_demo.url + "/vendors/1")
    assert errors == []
