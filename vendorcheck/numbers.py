"""Numbers people type, and numbers read back from storage, kept within bounds before any arithmetic. Pure.

Python's ``Decimal`` accepts ``1e999999999`` and ``int()`` of it builds a billion-digit integer while holding
the GIL, so one typed number could stall a whole server. Every number a person or a file supplies goes
through :func:`parse_number` first: a short string of digits, an optional fraction and at most a two-digit
exponent, no larger than :data:`LIMIT`. Values read back from a database (where older code may have stored
anything, even ``Infinity``) go through :func:`stored_number`, which answers ``None`` for what could not
have been typed today instead of raising in the middle of a page.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

LIMIT = Decimal(10) ** 15  # a quadrillion: beyond any fee, count or percentage; floats keep 15 digits exact
MAX_CHARS = 40
_SHAPE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,2})?")


class NumberError(ValueError):
    """A typed number that cannot be read; the message is meant for the person who typed it."""


def parse_number(text: str, low: float | None = None, high: float | None = None) -> int | float:
    """The number in ``text`` (digits, optional sign, fraction and short exponent), within ``low``..``high``.

    The shape and size are checked on the string before it becomes a number, so no input costs more than
    a few microseconds. Raises :class:`NumberError` with a message fit to show beside the field.
    """
    text = text.strip()
    if len(text) > MAX_CHARS or not _SHAPE.fullmatch(text):
        raise NumberError("Enter a number, for example 12 or 12.5.")
    number = Decimal(text)  # the shape above is always a finite decimal with a small exponent
    if abs(number) >= LIMIT:
        raise NumberError(f"Enter a number below {_plain(LIMIT)}.")
    if low is not None and number < Decimal(str(low)):
        raise NumberError(f"Enter {_plain(low)} or more.")
    if high is not None and number > Decimal(str(high)):
        raise NumberError(f"Enter {_plain(high)} or less.")
    integral = number.to_integral_value()
    return int(integral) if number == integral else float(number)


def stored_number(value: object, low: float | None = None, high: float | None = None) -> float | None:
    """A stored value as a float if it is a number that could have been typed within ``low``..``high``.

    ``None`` for anything else (text, a bool, an integer of 400 digits, infinity, NaN, out of bounds), so
    that a bad row left by older code reads as "no valid answer" rather than breaking every page.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    if isinstance(value, str):
        try:
            return stored_number(parse_number(value), low, high)
        except NumberError:
            return None
    if isinstance(value, int) and value.bit_length() > 64:
        return None  # float() of it could overflow; far beyond LIMIT anyway
    try:
        number = float(value)
    except (OverflowError, ValueError, InvalidOperation):
        return None
    if not math.isfinite(number) or abs(number) >= LIMIT:
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def _plain(number: float | Decimal) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,}"
