"""Evidence packets: what an auditor takes away about one vendor, signed, checkable offline.

* ``format``: the layout: BagIt bag in a ZIP, DSSE envelope, in-toto statement; streamed writing (pure).
* ``verify``: checking a packet offline, naming each problem (pure).
* ``export``: gathering a vendor's packet from the database; records the export, and its failure (SQLAlchemy).
* ``file``: writing an exported packet to a file, for the command line.

``packets.prepare(...)``, ``packets.write_file(...)`` and ``packets.Export`` are imported on first use, not
here, so importing the pure modules (which imports this package first) never pulls in SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vendorcheck.packets.export import Export, FailureLog, prepare
    from vendorcheck.packets.file import write_file

_LAZY = {
    "Export": "vendorcheck.packets.export",
    "FailureLog": "vendorcheck.packets.export",
    "prepare": "vendorcheck.packets.export",
    "write_file": "vendorcheck.packets.file",
}


def __getattr__(name: str) -> Any:
    """The export's names, imported on first use (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Export", "FailureLog", "prepare", "write_file"]
