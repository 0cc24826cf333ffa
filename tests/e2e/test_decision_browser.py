"""A practice owner, in Chromium, goes from the outsourcing checklist through the comparison to a recorded decision
and downloads the signed memo;
the comparison reads without sideways scrolling on a laptop (1280 px) and on a phone (390 px)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import sign_in

pytestmark = pytest.mark.e2e
OWNER = "owner@riverside.example"
REASON = "Lowest risk and the best net collections; they sign our BAA as written."
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  tables: Array.from(document.querySelectorAll('.table-scroll'))
    .filter(e => e.querySelector('table.ranking, table.performance, table.economics'))
    .map(e => e.scrollWidth - e.clientWidth),
})"""


def test_owner_goes_from_the_checklist_to_a_recorded_decision_and_the_memo(
    page, live_demo: LiveDemo, tmp_path: Path
) -> None:
    sign_in(page, live_demo, OWNER)
    page.wait_for_url(live_demo.url + "/")
    # First the business question: the practice's own billing against the benchmarks and its checklist.
    page.get_by_role("link", name="Should we outsource?").click()
    page.get_by_label("Denial rate").fill("140")  # a slip: refused, the other entries kept
    page.get_by_label("Are denials analysed and appealed on time?").select_option("no")
    page.get_by_role("button", name="Save my figures").click()
    assert page.get_by_text("Some entries could not be saved").is_visible()
    assert page.get_by_label("Are denials analysed and appealed on time?").input_value() == "no"
    page.get_by_label("Denial rate").fill("14")
    page.get_by_role("button", name="Save my figures").click()
    reading = page.locator("section[aria-labelledby=reading]").inner_text()
    assert "Outsourcing looks worth evaluating" in reading and "Denial rate is 14%" in reading
    page.get_by_role("link", name="Compare vendors against your billing today").click()
    assert page.get_by_role("heading", name="Ranking").is_visible()
    assert "In-house today" in page.locator("#economics").locator("xpath=..").inner_text()
    # the owner reads what "provisional" means next to the word, without leaving the page
    page.locator("table.ranking details.explain summary").first.click()
    assert page.get_by_text("has not finished reviewing this vendor's answers").first.is_visible()

    page.get_by_label("Vendor chosen").select_option(label="ClearPath Medical Billing")
    page.get_by_label("Why (one or two sentences)").fill(REASON)
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url("**/vendors/*")
    decision = page.locator("section.decision-record")
    assert decision.get_by_role("heading", name="The recorded decision").is_visible()
    assert "Dr. Priya Shah" in decision.inner_text() and REASON in decision.inner_text()

    page.get_by_role("link", name="Compare").click()
    assert REASON in page.locator("section.decision-record").inner_text()
    page.get_by_role("link", name="Read the decision memo").click()
    memo = page.locator("article.memo")
    assert "was chosen by Dr. Priya Shah" in memo.inner_text()
    assert memo.get_by_role("heading", name="Conditions to put in the contract and BAA").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "memo.pdf"
    download_info.value.save_as(saved)
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo is missing: run scripts/setup-system (installs poppler-utils)")
    info = subprocess.run(["pdfinfo", str(saved)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True).stdout
    assert "Dr. Priya Shah" in text and "Signatures" in text


@pytest.mark.parametrize("width", [1280, 390])
def test_the_comparison_needs_no_sideways_scrolling(browser, live_demo: LiveDemo, width: int, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, live_demo, OWNER)
    page.wait_for_url(live_demo.url + "/")
    page.goto(live_demo.url + "/compare")
    page.screenshot(path=str(tmp_path / f"compare-{width}.png"), full_page=True)
    found = page.evaluate(OVERFLOW)
    context.close()
    assert found["page"] <= 0 and len(found["tables"]) == 3 and max(found["tables"]) <= 0, found
