"""A compliance officer uploads, reviews and downloads evidence in Chromium."""

from pathlib import Path

import pytest

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import open_vendor_list, sign_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n1 0 obj << /Title (Penetration test letter 2026) >> endobj\ntrailer << >>\n%%EOF\n"


def test_upload_review_and_download(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    document = tmp_path / "Pentest letter 2026.pdf"
    document.write_bytes(PDF)
    sign_in(page, live_demo, "compliance@riverside.example")
    open_vendor_list(page)
    page.get_by_role("link", name="BlueHarbor Claims Co.").click()
    page.get_by_role("link", name="Upload evidence").click()
    page.get_by_label("Kind of document").select_option(label="Penetration test letter")
    page.get_by_label("Title", exact=True).fill("Penetration test letter 2026")
    page.get_by_label("Valid until (optional)").fill("2027-05-01")
    page.get_by_label("Document", exact=True).set_input_files(str(document))
    page.get_by_role("button", name="Upload and encrypt").click()
    assert page.get_by_text("was uploaded and encrypted").is_visible()
    assert page.get_by_role("heading", name="Penetration test letter 2026").is_visible()
    page.screenshot(path=str(tmp_path / "evidence.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "Pentest letter 2026.pdf"
    assert Path(download.path()).read_bytes() == PDF

    page.get_by_label("Reject: ask for another document").check()
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Say why the document is rejected").is_visible()
    page.get_by_label("Reason (required when rejecting)").fill("The letter does not name the systems tested.")
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("was recorded.").first.is_visible()  # "Your decision on “…” was recorded."
    assert page.get_by_text("The letter does not name the systems tested.").is_visible()


def test_a_wrong_file_type_is_refused_on_the_form(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    program = tmp_path / "invoice.pdf"
    program.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 20)
    sign_in(page, live_demo, "compliance@riverside.example")
    open_vendor_list(page)
    page.get_by_role("link", name="Apex RCM Solutions").click()
    page.get_by_role("link", name="Upload evidence").click()
    page.get_by_label("Title", exact=True).fill("Invoice")
    page.get_by_label("Document", exact=True).set_input_files(str(program))
    page.get_by_role("button", name="Upload and encrypt").click()
    assert page.get_by_text("This kind of file is not accepted").is_visible()
    assert page.get_by_label("Title", exact=True).input_value() == "Invoice"
