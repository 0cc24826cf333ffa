"""Where the top-level ``templates/`` and ``questionnaires/`` folders are, in a checkout or a wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``name``: inside the wheel (vendorcheck/_shipped/) or beside the package in a checkout."""
    for candidate in (PACKAGE_DIR / "_shipped" / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"vendorcheck is incomplete: no {name}/ folder beside or inside the package")


def templates_dir() -> Path:
    """The Jinja2 templates."""
    return resource_dir("templates")


def questionnaires_dir() -> Path:
    """The questionnaire definitions and their JSON Schema."""
    return resource_dir("questionnaires")
