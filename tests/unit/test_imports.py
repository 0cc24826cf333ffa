"""What importing vendorcheck pulls in: heavy libraries only where they are used (resident memory is measured)."""

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    """Top-level modules loaded by ``statement`` in a fresh interpreter."""
    code = f"import sys; {statement}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_the_web_app_leaves_the_pdf_and_spreadsheet_libraries_until_used() -> None:
    """fpdf2 and openpyxl cost an app process ~35 MiB; only a memo or a workbook request loads them."""
    loaded = _modules_after("import vendorcheck.web, vendorcheck.cli, vendorcheck.packets")
    assert "vendorcheck" in loaded and "flask" in loaded
    assert {"fpdf", "openpyxl"}.isdisjoint(loaded), loaded & {"fpdf", "openpyxl"}


PURE = [
    "vendorcheck.enums",
    "vendorcheck.permissions",
    "vendorcheck.signing",
    "vendorcheck.numbers",
    "vendorcheck.cells",
    "vendorcheck.questionnaire.loader",
    "vendorcheck.scoring",
    "vendorcheck.vault.envelope",
    "vendorcheck.vault.filetypes",
    "vendorcheck.vault.keyring",
    "vendorcheck.vault.s3store",
]


def test_the_pure_core_imports_neither_flask_nor_sqlalchemy() -> None:
    """The core is usable from the CLI, the web and tests alike; a helper import must not drag the ORM in."""
    for module in PURE:
        loaded = _modules_after(f"import {module}")
        assert {"flask", "sqlalchemy"}.isdisjoint(loaded), f"{module} pulls in {loaded & {'flask', 'sqlalchemy'}}"


def test_the_app_leaves_boto3_until_an_s3_blob_store_is_configured() -> None:
    """boto3 and botocore load only when VENDORCHECK_BLOB_STORE is s3:// (tests/unit/test_config_blob_store.py)."""
    loaded = _modules_after("import vendorcheck.web, vendorcheck.cli, vendorcheck.packets, vendorcheck.blobmigration")
    assert {"boto3", "botocore", "s3transfer"}.isdisjoint(loaded), loaded & {"boto3", "botocore", "s3transfer"}
