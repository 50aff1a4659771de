"""XPath values for XLSForm expressions: conversions, comparison and arithmetic.

The value rules of :mod:`palermo.questionnaires.expressions` (documented in
docs/questionnaires.md, "How values behave"), kept apart from the parser and the
function library.  Pure Python; imports no Django.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from palermo.questionnaires.expressions_parser import format_number

Value = str | float | bool | dt.date  # dt.datetime is a dt.date
NAN = float("nan")
EPOCH = dt.date(1970, 1, 1)
EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_NUMBER_TEXT = re.compile(r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*\Z")
_DATE_TEXT = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*\Z")
_DATETIME_TEXT = re.compile(r"\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[\d:.]*(?:Z|[+-]\d{2}:?\d{2})?\s*\Z")


# -------------------------------------------------------------- conversions
def from_python(value: Any) -> Value:
    """Turn an answer as stored by Palermo into an XPath value."""
    if value is None:
        return ""
    if isinstance(value, bool | str | dt.date):
        return value
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return " ".join(string_value(from_python(item)) for item in value)
    if isinstance(value, set | frozenset):
        return " ".join(sorted(string_value(from_python(item)) for item in value))
    return str(value)


def as_date(value: Value) -> dt.date | None:
    """The date or dateTime a value stands for, or None (ODK ``date()`` without the fallback)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _DATE_TEXT.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return None
        if _DATETIME_TEXT.match(text):
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return None
    return None


def days_since_epoch(value: dt.date) -> float:
    """ODK's number of a date: days since 1970-01-01 (fractional for a dateTime, UTC).

    A naive datetime is read as UTC so that the result does not depend on the
    server's time zone.
    """
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return (aware - EPOCH_UTC).total_seconds() / 86400
    return float((value - EPOCH).days)


def number_value(value: Any) -> float:
    """XPath ``number()``, extended by ODK to turn date strings into days since 1970-01-01."""
    if isinstance(value, float):
        return value
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if not isinstance(value, str | dt.date):
        value = from_python(value)
        if isinstance(value, float):
            return value
    if isinstance(value, str) and _NUMBER_TEXT.match(value):
        return float(value)
    date = as_date(value)
    return days_since_epoch(date) if date is not None else NAN


def string_value(value: Any) -> str:
    """XPath ``string()``: how a value is shown and stored (numbers without ``.0``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return string_value(from_python(value))


def truthy(value: Any) -> bool:
    """XPath ``boolean()``: non-empty text, a number other than 0 and NaN, ``true()``.

    Note that the *text* ``"false"`` is true, as in ODK; use
    ``boolean-from-string()`` inside an expression to read a stored boolean.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    if isinstance(value, dt.date):
        return True
    return truthy(from_python(value))


def is_numeric_text(value: Value) -> bool:
    return isinstance(value, str) and bool(_NUMBER_TEXT.match(value))


# -------------------------------------------------------------- comparison
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def compare(op: str, left: Value, right: Value) -> bool:
    """Compare two values as ODK does, see the rules in docs/questionnaires.md."""
    test = COMPARE[op]
    if op in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            return test(truthy(left), truthy(right))
        if isinstance(left, dt.date) or isinstance(right, dt.date):
            other = right if isinstance(left, dt.date) else left
            if as_date(other) is not None or isinstance(other, float):
                return test(number_value(left), number_value(right))
            return test(string_value(left), string_value(right))
        if isinstance(left, float) or isinstance(right, float):
            return test(number_value(left), number_value(right))
        if is_numeric_text(left) and is_numeric_text(right):
            return test(float(left), float(right))
        return test(left, right)
    # Relational operators compare numbers (dates as days); only two non-empty
    # texts that are neither numbers nor dates compare alphabetically.
    if (isinstance(left, str) and isinstance(right, str) and left and right
            and math.isnan(number_value(left)) and math.isnan(number_value(right))):
        return test(left, right)
    return test(number_value(left), number_value(right))


def arithmetic(op: str, left: Value, right: Value) -> float:
    """``+ - * div mod`` on numbers; NaN and ±Infinity propagate like IEEE doubles."""
    a, b = number_value(left), number_value(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            if a == 0 or math.isnan(a):
                return NAN
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    # mod: remainder of truncating division, sign of the dividend (XPath, Java %).
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return NAN
    return math.fmod(a, b)
