"""The compliance officer signs in, lands on the home page and opens the work from it in Chromium."""

from pathlib import Path

import pytest

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import sign_in
from vendorcheck.demo import lifecycle

pytestmark = pytest.mark.e2e


def test_the_officer_lands_on_home_and_opens_an_overdue_reassessment(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    sign_in(page, live_demo, "compliance@riverside.example")
    page.wait_for_url(live_demo.url + "/home")
    assert page.get_by_role("heading", name="What needs doing").is_visible()
    nav = page.get_by_role("navigation", name="Main").get_by_role("link")
    assert nav.first.inner_text() == "Home"
    overdue = page.locator("section", has=page.get_by_role("heading", name="Overdue"))
    row = overdue.locator("tr", has_text=lifecycle.NORTHWIND).filter(has_text="Reassessment due")
    assert "days overdue" in row.inner_text()
    soon = page.locator("section", has=page.get_by_role("heading", name="Due in the next 30 days"))
    assert soon.get_by_text("Certificate of cyber liability insurance expires").is_visible()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    row.get_by_role("link").click()
    assert page.get_by_role("heading", name=lifecycle.NORTHWIND).is_visible()
    assert page.get_by_role("heading", name="Risk tier and reassessment").is_visible()
    assert page.get_by_role("button", name="Start reassessment").is_visible()
    page.get_by_role("button", name="Start reassessment").click()
    assert page.get_by_text("Reassessment created, pre-filled").is_visible()


def test_the_owner_keeps_the_vendor_list(page, live_demo: LiveDemo) -> None:
    sign_in(page, live_demo, "owner@riverside.example")
    page.wait_for_url(live_demo.url + "/")
    assert page.get_by_role("heading", name="Vendors").is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").count() == 0
