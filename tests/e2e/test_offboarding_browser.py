"""A compliance officer ends a vendor in Chromium: starts offboarding, ticks every step, the vendor ends."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import open_vendor_list, sign_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n1 0 obj << /Title (Certificate of destruction) >> endobj\ntrailer << >>\n%%EOF\n"


def _tick(page, step: str, note: str = "") -> None:
    row = page.locator(f"#step-{step}")
    if note:
        row.get_by_label("Note", exact=False).fill(note)
    row.get_by_role("button", name="Mark done").click()
    assert (
        page.get_by_text("Step recorded.").is_visible()
        or page.get_by_text("has ended: every step is done").is_visible()
    )


def test_start_tick_every_step_and_the_vendor_ends(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    certificate = tmp_path / "Certificate of destruction.pdf"
    certificate.write_bytes(PDF)
    sign_in(page, live_demo, "compliance@riverside.example")
    open_vendor_list(page)
    page.get_by_role("link", name="Apex RCM Solutions").click()
    page.get_by_role("link", name="End this vendor").click()
    page.get_by_label("Why the practice is ending this vendor").fill("Not chosen; its trial access must end.")
    page.get_by_label("Every step done by").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Start offboarding").click()
    assert page.get_by_text("is in the past").is_visible()
    assert page.get_by_label("Why the practice is ending this vendor").input_value().startswith("Not chosen")
    page.get_by_label("Every step done by").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Start offboarding").click()
    assert page.locator("#vendor-status").inner_text() == "Offboarding"

    _tick(page, "access_revoked", "Trial accounts closed.")
    row = page.locator("#step-phi_returned_or_destroyed")
    row.get_by_role("button", name="Mark done").click()
    assert page.get_by_text("then choose it").is_visible()
    page.locator("#step-phi_returned_or_destroyed").get_by_role("link", name="Upload the certificate").click()
    page.get_by_label("Kind of document").select_option(label="Certificate")
    page.get_by_label("Title", exact=True).fill("Certificate of destruction")
    page.get_by_label("Document", exact=True).set_input_files(str(certificate))
    page.get_by_role("button", name="Upload and encrypt").click()
    assert page.get_by_text("was uploaded and encrypted").is_visible()
    page.get_by_role("link", name="Apex RCM Solutions").first.click()
    page.get_by_role("link", name="Open the checklist").click()
    row = page.locator("#step-phi_returned_or_destroyed")
    chosen = row.locator("option", has_text="Certificate of destruction").get_attribute("value")
    row.get_by_label("Certificate filed as evidence").select_option(value=chosen)
    row.get_by_role("button", name="Mark done").click()
    assert page.get_by_text("Step recorded.").is_visible()
    _tick(page, "final_export_received")
    _tick(page, "ar_runout_arranged", "No claims were submitted during the trial.")
    _tick(page, "surviving_obligations_noted", "None kept: the certificate covers backups.")
    assert page.get_by_text("has ended: every step is done").is_visible()
    assert page.locator("#vendor-status").inner_text() == "Ended"
    assert page.get_by_role("button", name="Mark done").count() == 0
    page.screenshot(path=str(tmp_path / "offboarding.png"), full_page=True)
