"""What importing vendorcheck pulls in: heavy libraries only where they are used (resident memory is measured)."""

import subprocess
import sys

import pytest


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


def _assert_pure(module: str) -> None:
    """``module`` loads neither Flask nor SQLAlchemy, directly or through anything it imports."""
    loaded = _modules_after(f"import {module}")
    assert {"flask", "sqlalchemy"}.isdisjoint(loaded), f"{module} loads {loaded & {'flask', 'sqlalchemy'}}"


PURE = [
    "vendorcheck.audit.chain",
    "vendorcheck.audit.merkle",
    "vendorcheck.audit.actions",
    "vendorcheck.packets.format",
    "vendorcheck.packets.verify",
]


@pytest.mark.parametrize("module", PURE)
def test_the_pure_core_loads_neither_flask_nor_sqlalchemy(module: str) -> None:
    """The audit chain and the packet format and verifier work offline: no web framework, no ORM."""
    _assert_pure(module)
