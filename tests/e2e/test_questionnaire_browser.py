"""A vendor completes an assessment through its link in Chromium, with a clarification round trip."""

from pathlib import Path

import pytest

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import open_vendor_list, sign_in

pytestmark = pytest.mark.e2e


def test_vendor_answers_through_the_link_with_a_clarification(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    sign_in(page, live_demo, "compliance@riverside.example")
    open_vendor_list(page)
    page.get_by_role("link", name="BlueHarbor Claims Co.").click()
    page.get_by_role("link", name="Send a questionnaire").click()
    page.get_by_label(
        "SOC 2 report review", exact=False
    ).check()  # the tier's questionnaires come ticked: only this one
    page.get_by_label("HIPAA Security Rule", exact=False).uncheck()
    page.get_by_label("Billing company track record", exact=False).uncheck()
    page.get_by_role("button", name="Create assessment").click()
    page.get_by_role("button", name="Issue vendor link").click()
    link = page.locator("#issued-link").inner_text()
    assert "/a/" in link
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_demo.url)
    page.get_by_role("button", name="Copy the link").click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.get_by_role("link", name="Back to the assessment").click()

    vendor = page.context.browser.new_context().new_page()
    vendor.goto(link)
    vendor.get_by_role("link", name="The report").first.click()
    # Answering "yes" reveals the follow-up questions (saved at once by the page's script, decided by the server).
    vendor.locator("#q-soc2_has_report").get_by_label("Yes").check()
    vendor.wait_for_selector("#q-soc2_report_type")
    vendor.locator("#q-soc2_has_report").get_by_label("No").check()
    vendor.wait_for_selector("#q-soc2_report_type", state="hidden")
    vendor.get_by_role("button", name="Save and continue").click()
    vendor.goto(link)
    vendor.get_by_role("button", name="Submit answers").click()
    assert vendor.get_by_text("Thank you: your answers were submitted").is_visible()
    vendor.screenshot(path=str(tmp_path / "vendor-submitted.png"), full_page=True)

    page.reload()
    row = page.locator("#q-soc2_has_report")
    row.get_by_placeholder("Note (needed to clarify or override)").fill("Is a SOC 2 audit planned? When?")
    row.get_by_role("button", name="Ask to clarify").click()
    page.get_by_role("button", name="Send flagged answers back to the vendor").click()
    assert page.get_by_text("Sent back").is_visible()

    vendor.goto(link)
    assert vendor.get_by_text("asked you to clarify 1 answer").is_visible()
    vendor.get_by_role("link", name="The report").first.click()
    assert vendor.get_by_text("Is a SOC 2 audit planned? When?").is_visible()
    vendor.locator("#q-soc2_has_report").get_by_text("Comment", exact=True).click()
    vendor.locator("#c-soc2_has_report").fill("Our first Type II audit starts in January 2027.")
    vendor.get_by_role("button", name="Save and continue").click()
    vendor.goto(link)
    vendor.get_by_role("button", name="Submit answers").click()
    assert vendor.get_by_text("Thank you: your answers were submitted").is_visible()

    page.reload()
    assert page.get_by_text("Our first Type II audit starts in January 2027.").is_visible()
    page.locator("#q-soc2_has_report").get_by_role("button", name="Accept").click()
    page.get_by_role("button", name="Complete review").click()
    assert page.get_by_text("Review completed; the vendor link is closed.").is_visible()
    page.screenshot(path=str(tmp_path / "assessor-completed.png"), full_page=True)
    vendor.goto(link)
    assert vendor.get_by_text("cannot be used").is_visible()
