"""Ids from URLs and forms: whole numbers the database can hold (signed 64-bit); anything else is not found.

Without a bound, ``/vendors/9223372036854775808`` reached the database driver, which refuses such a number
with an error of its own (SQLite: OverflowError; PostgreSQL: integer out of range), and the page answered
500. The ``int`` URL converter of every route and every id read from a form or query string pass through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, ValidationError

MAX_ID = 2**63 - 1  # BIGINT on PostgreSQL, INTEGER on SQLite
MAX_IDS = 500  # ids one form or query may name: far more than a page offers, far fewer than SQL's parameter limit
_ID_RE = re.compile(r"[0-9]{1,19}")  # ASCII digits only: str.isdigit() also accepts '²', which int() refuses


class IdConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, bounded by MAX_ID: a larger number does not match the route (404)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None) -> None:
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, bound, signed=False)

    def to_python(self, value: str) -> int:
        """The number, or ValidationError (no match) when it has more digits than any id can."""
        if parse_id(value) is None:
            raise ValidationError()
        return super().to_python(value)


def parse_id(text: str | None) -> int | None:
    """``text`` as an id, or None when it is not a whole number from 0 to MAX_ID."""
    if text is None or not _ID_RE.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def parse_ids(values: Iterable[str]) -> list[int]:
    """The distinct values that are ids, in order, at most MAX_IDS; the others are left out (they match nothing)."""
    found = dict.fromkeys(number for value in values if (number := parse_id(value.strip())) is not None)
    return list(found)[:MAX_IDS]


def init_app(app: Flask) -> None:
    """Make ``<int:...>`` in every route the bounded converter (before any blueprint adds its rules)."""
    app.url_map.converters["int"] = IdConverter
