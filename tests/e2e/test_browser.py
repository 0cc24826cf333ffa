"""A practice owner signs in to the demo in Chromium and sees the shortlisted vendors."""

import time
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


def open_vendor_list(page) -> None:
    """Go to the vendor list from the main navigation (officers land on their home page after signing in)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Vendors").click()
    page.get_by_role("heading", name="Vendors").wait_for()


def test_owner_signs_in_and_sees_the_demo_dashboard(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    sign_in(page, live_demo, "owner@riverside.example")
    page.wait_for_url(live_demo.url + "/")
    assert page.get_by_role("heading", name="Vendors").is_visible()
    rows = page.locator("table.vendors tbody tr")
    assert rows.count() == len(demo.VENDORS) + len(demo.LIFECYCLE_VENDORS) + 1  # and the outgoing one (contracts)
    for spec in demo.VENDORS + demo.LIFECYCLE_VENDORS:
        assert page.get_by_role("link", name=spec["name"]).is_visible()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)


def test_vendor_page_opens_from_the_dashboard(page, live_demo: LiveDemo) -> None:
    sign_in(page, live_demo, "compliance@riverside.example")
    page.wait_for_url(live_demo.url + "/home")  # the officer lands on the home page; the vendor list is in the nav
    open_vendor_list(page)
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


def test_admin_enrolls_an_authenticator_and_signs_in_with_it(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    pyotp = pytest.importorskip("pyotp")
    sign_in(page, live_demo, "admin@riverside.example")
    page.wait_for_url(live_demo.url + "/account/mfa")
    assert page.get_by_text("Your role requires a code").is_visible()
    assert page.locator(".qr svg").is_visible()
    page.screenshot(path=str(tmp_path / "mfa-enroll.png"), full_page=True)
    secret = page.locator("#mfa-secret").inner_text()
    page.get_by_label("Code shown by the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.get_by_role("heading", name="Two-step sign-in is on").is_visible()
    assert page.locator("ul.codes li").count() == 10
    page.get_by_role("link", name="I have saved them: continue").click()
    assert page.get_by_role("heading", name="Vendors").is_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_demo, "admin@riverside.example")
    page.wait_for_url(live_demo.url + "/login/verify")
    # The code used to enroll cannot be replayed; the app also accepts the next 30-second step.
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(live_demo.url + "/home")  # an admin lands on the officer's home page
    assert page.get_by_role("heading", name="What needs doing").is_visible()
    assert page.get_by_role("link", name="Users").is_visible()
