"""The vendor portal in Chromium: answers save as the vendor types, an upload mid-section loses nothing, a question
that drives follow-ups is answered with the keyboard alone, and leaving with something unsaved asks first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import LiveDemo
from vendorcheck import assessments
from vendorcheck.audit import Actor
from vendorcheck.models import Vendor
from vendorcheck.web import database

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n1 0 obj << /Title (SOC 2 Type II 2026) >> endobj\ntrailer << >>\n%%EOF\n"


def _soc2_link(live_demo: LiveDemo) -> str:
    """A new SOC 2 review of a demo vendor, sent: the vendor's link."""
    assert live_demo.app is not None
    with live_demo.app.app_context():
        session = database.session()
        vendor = session.query(Vendor).filter(Vendor.name == "BlueHarbor Claims Co.").one()
        library = live_demo.app.extensions["vendorcheck.questionnaires"]
        assessment = assessments.create(session, Actor.cli("portal test"), vendor, [library["soc2-review"]])
        token = assessments.issue_link(session, Actor.cli("portal test"), assessment)
        session.commit()
    return f"{live_demo.url}/a/{token}"


def _saved(page) -> None:
    """Wait until the page's status says the last change was saved."""
    page.wait_for_function("() => document.getElementById('save-status').textContent.startsWith('Saved')")


def test_a_vendor_types_uploads_mid_section_and_loses_nothing(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    link = _soc2_link(live_demo)
    document = tmp_path / "SOC 2 Type II 2026.pdf"
    document.write_bytes(PDF)
    page.goto(f"{link}/s/1")
    report = page.locator("#q-soc2_has_report")
    report.get_by_label("Yes").check()
    page.wait_for_selector("#q-soc2_report_type", state="visible")  # appeared without a reload
    page.locator("#q-soc2_report_type").get_by_label("Type II").check()
    page.locator("#in-soc2_period_end").fill("2026-06-30")
    page.locator("#q-soc2_report_type summary").click()
    page.locator("#c-soc2_report_type").fill("Covers twelve months")
    # Straight on to the upload, before the autosave's pause: the page saves first, then uploads.
    slot = page.locator("#q-soc2_report_upload")
    slot.get_by_label("Document (").set_input_files(str(document))
    slot.get_by_role("button", name="Upload document").click()
    page.wait_for_url("**/s/1#q-soc2_report_upload")
    note = page.locator("#note-soc2_report_upload")
    assert "was received and encrypted" in note.inner_text()
    assert note.evaluate("n => n.closest('fieldset').id") == "q-soc2_report_upload"  # beside its question
    page.wait_for_function("() => document.activeElement.id === 'note-soc2_report_upload'")  # focus moved to it
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "portal-after-upload-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.reload()
    assert page.locator("#q-soc2_has_report").get_by_label("Yes").is_checked()
    assert page.locator("#q-soc2_report_type").get_by_label("Type II").is_checked()
    assert page.locator("#in-soc2_period_end").input_value() == "2026-06-30"
    assert page.locator("#c-soc2_report_type").input_value() == "Covers twelve months"
    assert "✓ Received: " in page.locator("#q-soc2_report_upload").inner_text()

    # A link within the portal waits for the save too.
    page.locator("#q-soc2_period_end summary").click()
    page.locator("#c-soc2_period_end").fill("Bridge letter to follow")
    page.get_by_role("link", name="All sections").click()
    page.wait_for_url(link)
    page.goto(f"{link}/s/1")
    assert page.locator("#c-soc2_period_end").input_value() == "Bridge letter to follow"
    page.screenshot(path=str(tmp_path / "portal-section-1280.png"), full_page=True)


def test_keyboard_only_answering_of_a_question_that_drives_follow_ups(page, live_demo: LiveDemo) -> None:
    link = _soc2_link(live_demo)
    page.goto(f"{link}/s/1")
    page.evaluate("window.notReloaded = true")
    first = page.locator("#q-soc2_has_report input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")  # "Yes"
    page.wait_for_selector("#q-soc2_report_type", state="visible")
    _saved(page)
    assert page.evaluate("document.activeElement.name") == "q-soc2_has_report"
    page.keyboard.press("ArrowDown")  # "No": the follow-ups go
    page.wait_for_selector("#q-soc2_report_type", state="hidden")
    assert page.evaluate("[document.activeElement.name, document.activeElement.value]") == ["q-soc2_has_report", "no"]
    page.keyboard.press("ArrowUp")  # "Yes" again: they come back, focus never left the group
    page.wait_for_selector("#q-soc2_report_type", state="visible")
    _saved(page)
    assert page.evaluate("[document.activeElement.name, document.activeElement.value]") == ["q-soc2_has_report", "yes"]
    assert page.evaluate("window.notReloaded") is True
    page.reload()
    assert page.locator("#q-soc2_has_report").get_by_label("Yes").is_checked()


def test_a_refused_answer_is_marked_and_leaving_asks_first(page, live_demo: LiveDemo) -> None:
    link = _soc2_link(live_demo)
    page.goto(f"{link}/s/1")
    page.locator("#q-soc2_has_report").get_by_label("Yes").check()
    with page.expect_response(lambda r: r.url.endswith("/s/1/answers") and "type_2" in (r.request.post_data or "")):
        page.locator("#q-soc2_report_type").get_by_label("Type II").check()
    page.goto(f"{link}/s/2")
    count = page.locator("#in-soc2_exception_count")
    count.fill("a few")
    page.wait_for_function("() => document.getElementById('save-status').textContent.startsWith('Not saved')")
    assert count.get_attribute("aria-invalid") == "true"
    assert "err-soc2_exception_count" in count.get_attribute("aria-describedby")
    assert page.locator("#err-soc2_exception_count").is_visible()
    dialogs: list[str] = []

    def answer(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(1000)
    assert dialogs == ["beforeunload"]
