"""The vendor list in Chromium, for each role: filtered and sorted through plain links and a form, at laptop width
and on a phone (screenshots kept under ``E2E_SCREENSHOTS`` when set)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import open_vendor_list, sign_in

pytestmark = pytest.mark.e2e

ROLES = ["owner", "compliance", "auditor", "admin"]


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _signed_in(page, live_demo: LiveDemo, who: str) -> None:
    """Signed in as ``who`` (admins and auditors turn on two-step sign-in first), on the vendor list."""
    sign_in(page, live_demo, f"{who}@riverside.example")
    page.wait_for_load_state()
    if urlsplit(page.url).path == "/account/mfa":
        pyotp = pytest.importorskip("pyotp")
        page.get_by_label("Code shown by the app").fill(pyotp.TOTP(page.locator("#mfa-secret").inner_text()).now())
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        page.get_by_role("link", name="I have saved them: continue").click()
    open_vendor_list(page)


@pytest.mark.parametrize("who", ROLES)
def test_each_role_filters_and_sorts_the_vendor_list(page, live_demo: LiveDemo, who: str, tmp_path: Path) -> None:
    shots = _shots(tmp_path)
    _signed_in(page, live_demo, who)
    rows = page.locator("table.vendors tbody tr")
    everyone = rows.count()
    assert everyone >= 6
    page.screenshot(path=str(shots / f"vendors-{who}-1280.png"), full_page=True)

    page.get_by_label("Assessment stage").select_option(label="Answers to review")
    page.get_by_role("button", name="Show").click()
    assert parse_qs(urlsplit(page.url).query)["stage"] == ["to_review"]
    assert rows.count() == 2 and page.get_by_text(f"Showing 2 of {everyone} vendors.").is_visible()
    for stage in page.locator("td.stage").all_inner_texts():
        assert stage.startswith("Answers to review")

    page.get_by_role("link", name="Rating").click()  # the heading sorts, keeping the filter
    assert parse_qs(urlsplit(page.url).query) == {"stage": ["to_review"], "sort": ["rating"], "order": ["asc"]}
    assert page.locator("th[aria-sort=ascending]").inner_text().lower().startswith("rating")
    page.get_by_role("link", name="Rating").click()
    assert page.locator("th[aria-sort=descending]").inner_text().lower().startswith("rating")
    page.get_by_role("link", name="Clear").click()
    assert rows.count() == everyone

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / f"vendors-{who}-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
