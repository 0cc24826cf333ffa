"""What importing vendorcheck pulls in: heavy libraries only where they are used (resident memory is measured)."""

import subprocess
import sys

import pytest


def _modules_after(statement: str) -> set[str]:
    """Top-level modules loaded by ``statement`` in a fresh interpreter."""
    code = f"import sys; {statement}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


LAZY = {"fpdf", "openpyxl", "weasyprint", "pydyf", "tinyhtml5"}


def test_the_web_app_leaves_the_pdf_and_spreadsheet_libraries_until_used() -> None:
    """WeasyPrint (with Pango), fpdf2 and openpyxl cost an app process tens of MiB; only a memo PDF, a demo document
    or a workbook request loads them."""
    loaded = _modules_after("import vendorcheck.web, vendorcheck.cli, vendorcheck.packets, vendorcheck.printing")
    assert "vendorcheck" in loaded and "flask" in loaded
    assert LAZY.isdisjoint(loaded), loaded & LAZY


def _pure_core_modules(package: str) -> list[str]:
    """``package`` and every module in it, found on disk (a module added later is covered without a list)."""
    import importlib.util
    import pkgutil

    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations is not None
    found = pkgutil.walk_packages(spec.submodule_search_locations, prefix=f"{package}.")
    return [package, *sorted(info.name for info in found)]


PURE_PACKAGES = ["vendorcheck.questionnaire", "vendorcheck.scoring", "vendorcheck.vault"]
PURE_MODULES = [
    "vendorcheck.enums",
    "vendorcheck.permissions",
    "vendorcheck.signing",
    "vendorcheck.numbers",
    "vendorcheck.cells",
    "vendorcheck.audit.chain",
    "vendorcheck.audit.merkle",
    "vendorcheck.audit.actor",
    "vendorcheck.audit.actions",
    "vendorcheck.packets.format",
    "vendorcheck.packets.verify",
]


@pytest.mark.parametrize("module", PURE_MODULES + [m for p in PURE_PACKAGES for m in _pure_core_modules(p)])
def test_the_pure_core_imports_neither_flask_nor_sqlalchemy(module: str) -> None:
    """The core is used from the CLI, the web app and offline tools alike: no web or database layer in it."""
    loaded = _modules_after(f"import {module}")
    assert {"flask", "sqlalchemy"}.isdisjoint(loaded), (module, loaded & {"flask", "sqlalchemy"})


def test_the_assessment_and_vendor_services_import_no_flask() -> None:
    """Services are shared by the web, the CLI and the demo: Flask stays in the web layer."""
    loaded = _modules_after(
        "import vendorcheck.assessments, vendorcheck.assessments.spreadsheet, vendorcheck.assessments.answers_json, "
        "vendorcheck.vendors"
    )
    assert {"flask", "flask_wtf", "flask_login"}.isdisjoint(loaded), loaded & {"flask", "flask_wtf", "flask_login"}
    assert "openpyxl" not in loaded  # a workbook library only when a workbook is read or written


def test_the_app_leaves_boto3_until_an_s3_blob_store_is_configured() -> None:
    """boto3 and botocore load only when VENDORCHECK_BLOB_STORE is s3:// (tests/unit/test_config_blob_store.py)."""
    loaded = _modules_after(
        "import vendorcheck.web, vendorcheck.cli, vendorcheck.packets, vendorcheck.evidence.migration"
    )
    assert {"boto3", "botocore", "s3transfer"}.isdisjoint(loaded), loaded & {"boto3", "botocore", "s3transfer"}


@pytest.mark.parametrize(
    "module", ["vendorcheck.db", "vendorcheck.instance", "vendorcheck.models", "vendorcheck.audit.log"]
)
def test_the_database_layer_imports_no_flask(module: str) -> None:
    """The CLI and the background tasks use the database without the web framework (its half is web/database.py)."""
    loaded = _modules_after(f"import {module}")
    assert "flask" not in loaded, module
