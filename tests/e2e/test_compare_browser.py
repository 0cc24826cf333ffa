"""A practice owner compares three demo vendors in Chromium, reads the memo and downloads it as PDF."""

from pathlib import Path

import pytest

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import sign_in

pytestmark = pytest.mark.e2e
THREE = ("ClearPath Medical Billing", "BlueHarbor Claims Co.", "Summit Revenue Partners")  # best first (method 2)


def test_owner_compares_three_vendors_and_downloads_the_memo(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    sign_in(page, live_demo, "owner@riverside.example")
    page.wait_for_url(live_demo.url + "/")
    page.get_by_role("link", name="Compare").click()
    picker = page.get_by_role("group", name="Vendors to compare")
    for box in picker.get_by_role("checkbox").all():
        box.uncheck()
    for name in THREE:
        picker.get_by_label(name).check()
    page.get_by_role("button", name="Compare", exact=True).click()
    performance = page.locator("table.performance")  # the practice's own row first, then the vendors
    assert performance.locator("tr.baseline").get_by_role("rowheader").inner_text() == "In-house today"
    rows = page.locator("table.ranking tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).get_by_role("rowheader").inner_text().split("\n")[0] for i in range(3)] == list(THREE)
    assert page.get_by_role("img", name="Overall score: claimed and proven").is_visible()
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)

    page.get_by_role("link", name="Read the decision memo").click()
    assert page.get_by_role("heading", name="Recommended: ClearPath Medical Billing").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "memo.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-") and download_info.value.suggested_filename.endswith(".pdf")
