"""An auditor exports a vendor's evidence packet in Chromium; it verifies with vendorcheck and with `bagit`."""

import zipfile
from pathlib import Path

import bagit
import pyotp
import pytest
from click.testing import CliRunner

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import sign_in
from vendorcheck.cli import cli

pytestmark = pytest.mark.e2e


def test_auditor_exports_a_packet_that_verifies_offline(page, live_demo: LiveDemo, tmp_path: Path) -> None:
    sign_in(page, live_demo, "auditor@riverside.example")
    page.wait_for_url(live_demo.url + "/account/mfa")  # auditors must use two-step sign-in
    page.get_by_label("Code shown by the app").fill(pyotp.TOTP(page.locator("#mfa-secret").inner_text()).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_role("link", name="I have saved them: continue").click()

    page.get_by_role("link", name="ClearPath Medical Billing").click()
    panel = page.get_by_role("region", name="Evidence packet")
    assert panel.is_visible()
    page.screenshot(path=str(tmp_path / "vendor-auditor.png"), full_page=True)
    with page.expect_download() as download_info:
        panel.get_by_role("button", name="Export evidence packet").click()
    download = download_info.value
    assert download.suggested_filename.startswith("vendorcheck-packet-clearpath-medical-billing-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    # vendorcheck, offline, with the organization's public key pinned (the instance's key).
    checked = CliRunner().invoke(
        cli, ["packet", "verify", str(saved)], env={"VENDORCHECK_HOME": str(live_demo.home), "DATABASE_URL": None}
    )
    assert checked.exit_code == 0, checked.output
    assert "Packet intact" in checked.output and "4 evidence file(s)" in checked.output
    # The Library of Congress validator, on the bag as unzipped.
    with zipfile.ZipFile(saved) as archive:
        archive.extractall(tmp_path / "unzipped")
    [bag] = [p for p in (tmp_path / "unzipped").iterdir() if p.is_dir()]
    bagit.Bag(str(bag)).validate()
    # And the export is in the audit trail the auditor reads.
    page.get_by_role("link", name="Audit trail").click()
    assert page.get_by_role("cell", name="packet.exported").first.is_visible()
