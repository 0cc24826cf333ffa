"""vendorcheck: vendor security due diligence for medical practices.

Importing the package is cheap (the pure core, such as ``vendorcheck.vault``, does not pull in Flask);
``create_app`` builds the web application.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from validated settings; ``config`` overrides them (see ``vendorcheck.app``)."""
    from vendorcheck.app import create_app as build

    return build(config)
