"""The one evaluator of XLSForm expressions (``relevant``, ``constraint``, ``calculation``,
``choice_filter``, ``required``, ``default``), following ODK XPath.

The form loader, the filling pages, the API and the ODK/Kobo submission import
all call this module, so the browser round trip and the server validation can
never disagree.  It is pure Python and imports no Django model.

Values inside an expression are XPath's: string, number (``float``), boolean,
plus dates (``datetime.date`` / ``datetime.datetime``) as in JavaRosa.  Answers
given in ``values`` may be ``str``, ``int``, ``float``, ``Decimal``, ``date``,
``datetime``, a list of choice names (a select_multiple answer) or ``None``
(unanswered, the same as ``""``).

Evaluation never raises: as in XPath, arithmetic on a value that is not a number
(including an unanswered question, ``""``) gives NaN, a division by zero gives
±Infinity or NaN, an invalid date gives ``""``.  Only :func:`compile_expression`
raises, with :class:`ExpressionError`, for text that is not a valid expression.
The supported language is documented in ``docs/questionnaires.md`` (Expressions).
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, localcontext
from typing import Any

from palermo.questionnaires.expressions_parser import (
    ARITY,
    Call,
    Current,
    ExpressionError,
    Literal,
    Negation,
    Node,
    Operation,
    Reference,
    parse,
    unparse,
)
from palermo.questionnaires.expressions_values import (
    COMPARE,
    EPOCH,
    NAN,
    Value,
    arithmetic,
    as_date,
    compare,
    from_python,
    is_numeric_text,
    number_value,
    string_value,
    truthy,
)
from palermo.questionnaires.patterns import search as search_pattern

__all__ = [
    "Expression", "ExpressionError", "check", "compile_expression", "evaluate",
    "number_value", "references", "string_value", "truthy",
]


# --------------------------------------------------------------- functions
@dataclass(frozen=True)
class Context:
    """What an evaluation can see: the answers, the question's own value and the clock."""

    values: Mapping[str, Any]
    current: Value
    fixed_today: dt.date | None = None
    fixed_now: dt.datetime | None = None

    # The clock is read only by expressions that call today()/now().
    def today(self) -> dt.date:
        return self.fixed_today or (self.fixed_now or dt.datetime.now().astimezone()).date()

    def now(self) -> dt.datetime:
        return self.fixed_now or dt.datetime.now().astimezone()


def _to_int(value: Value) -> int:
    number = number_value(value)
    if math.isnan(number):
        return 0
    if math.isinf(number):
        return 10**9 if number > 0 else -(10**9)
    return int(number)


def _items(value: Value) -> list[str]:
    return string_value(value).split()


def _selected_at(items: Value, index: Value) -> str:
    # 0-based; a fractional index is truncated (JavaRosa), NaN or out of range gives "".
    position = number_value(index)
    parts = _items(items)
    if math.isnan(position) or not 0 <= position < len(parts):
        return ""
    return parts[int(position)]


def _substr(text: Value, start: Value, end: Value | None = None) -> str:
    # 0-based start, exclusive end; negative positions count from the end (JavaRosa).
    value = string_value(text)
    return value[_to_int(start):_to_int(end) if end is not None else len(value)]


def _round(value: Value, digits: Value = 0.0) -> float:
    """Round half toward +Infinity (XPath), on the exact decimal value, to ``digits`` places."""
    number = number_value(value)
    places = _to_int(digits)
    if not math.isfinite(number) or (places >= 0 and abs(number) >= 2**53) or places > 1100:
        return number  # already as precise as a double can be
    if places < -400:
        return 0.0  # every finite double is below half of 10**400
    with localcontext() as context:
        context.prec = 1200
        try:
            step = Decimal(1).scaleb(-places)
            exact = Decimal(number) / step + Decimal("0.5")
            rounded = float(exact.to_integral_value(rounding=ROUND_FLOOR) * step)
        except ArithmeticError:  # decimal signals and OverflowError
            return number
    return rounded + 0.0  # -0.0 -> 0.0


def _int(value: Value) -> float:
    number = number_value(value)
    return float(math.trunc(number)) + 0.0 if math.isfinite(number) else number


def _date(value: Value) -> Value:
    """ODK ``date()``: a date from a date string or a number of days; ``""`` if impossible."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) or is_numeric_text(value):
        days = number_value(value)
        if not math.isfinite(days):
            return ""
        try:
            if days == int(days):
                return EPOCH + dt.timedelta(days=int(days))
            return dt.datetime(1970, 1, 1) + dt.timedelta(days=days)
        except OverflowError:
            return ""
    date = as_date(value)
    return date if date is not None else ""


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _format_date(value: Value, pattern: Value) -> str:
    """ODK ``format-date``/``format-date-time``: %Y %y %m %n %b %d %e %a %H %h %M %S %3."""
    date = _date(value)
    if not isinstance(date, dt.date):
        return ""
    moment = date if isinstance(date, dt.datetime) else dt.datetime.combine(date, dt.time())
    codes = {
        "Y": f"{moment.year:04d}", "y": f"{moment.year % 100:02d}",
        "m": f"{moment.month:02d}", "n": str(moment.month), "b": _MONTHS[moment.month - 1],
        "d": f"{moment.day:02d}", "e": str(moment.day), "a": _WEEKDAYS[moment.weekday()],
        "H": f"{moment.hour:02d}", "h": str(moment.hour), "M": f"{moment.minute:02d}",
        "S": f"{moment.second:02d}", "3": f"{moment.microsecond // 1000:03d}", "%": "%",
    }
    return re.sub(r"%(.)", lambda m: codes.get(m.group(1), m.group(0)), string_value(pattern))


def _regex(value: Value, pattern: Value) -> bool:
    return search_pattern(string_value(pattern), string_value(value))


def _boolean_from_string(value: Value) -> bool:
    return string_value(value).strip().lower() in ("true", "1")


def _extreme(pick: Callable[..., float], *args: Value) -> float:
    numbers = [number_value(arg) for arg in args]
    return NAN if any(math.isnan(n) for n in numbers) else pick(numbers)


def _pow(base: Value, exponent: Value) -> float:
    x, y = number_value(base), number_value(exponent)
    try:
        return math.pow(x, y)
    except OverflowError:
        return math.inf if x > 0 or y == int(y) and y % 2 == 0 else math.copysign(math.inf, x)
    except ValueError:  # 0 to a negative power is ±Infinity (IEEE); a negative root is NaN
        return math.copysign(math.inf, x) if x == 0 and y < 0 and y % 2 == 1 else (
            math.inf if x == 0 else NAN)


def _coalesce(first: Value, second: Value) -> Value:
    return first if string_value(first) != "" else second


def _split_at(text: Value, mark: Value, *, after: bool) -> str:
    # XPath: text before/after the first occurrence; "" when absent; an empty mark
    # occurs at position 0.
    value, sep = string_value(text), string_value(mark)
    index = value.find(sep)
    if index < 0:
        return ""
    return value[index + len(sep):] if after else value[:index]


# Each function receives the evaluation context then its evaluated arguments.
FUNCTIONS: dict[str, Callable[..., Value]] = {
    "abs": lambda c, x: abs(number_value(x)),
    "boolean": lambda c, x: truthy(x),
    "boolean-from-string": lambda c, x: _boolean_from_string(x),
    "coalesce": lambda c, a, b: _coalesce(a, b),
    "concat": lambda c, *args: "".join(string_value(arg) for arg in args),
    "contains": lambda c, a, b: string_value(b) in string_value(a),
    "count-selected": lambda c, x: float(len(_items(x))),
    "date": lambda c, x: _date(x),
    "date-time": lambda c, x: _date(x),
    "decimal-date-time": lambda c, x: number_value(x),
    "ends-with": lambda c, a, b: string_value(a).endswith(string_value(b)),
    "false": lambda c: False,
    "format-date": lambda c, x, f: _format_date(x, f),
    "format-date-time": lambda c, x, f: _format_date(x, f),
    "int": lambda c, x: _int(x),
    "join": lambda c, sep, *args: string_value(sep).join(string_value(a) for a in args),
    "max": lambda c, *args: _extreme(max, *args),
    "min": lambda c, *args: _extreme(min, *args),
    "normalize-space": lambda c, x=None: " ".join(
        string_value(c.current if x is None else x).split()),
    "not": lambda c, x: not truthy(x),
    "now": lambda c: c.now(),
    "number": lambda c, x=None: number_value(c.current if x is None else x),
    "pow": lambda c, a, b: _pow(a, b),
    "regex": lambda c, x, p: _regex(x, p),
    "round": lambda c, x, d=0.0: _round(x, d),
    "selected": lambda c, items, v: string_value(v).strip() in _items(items),
    "selected-at": lambda c, items, i: _selected_at(items, i),
    "starts-with": lambda c, a, b: string_value(a).startswith(string_value(b)),
    "string": lambda c, x=None: string_value(c.current if x is None else x),
    "string-length": lambda c, x: float(len(string_value(x))),
    "substr": lambda c, *args: _substr(*args),
    "substring-after": lambda c, a, b: _split_at(a, b, after=True),
    "substring-before": lambda c, a, b: _split_at(a, b, after=False),
    "today": lambda c: c.today(),
    "true": lambda c: True,
}
# `if` is evaluated lazily by the evaluator itself; every other name must be implemented.
assert set(FUNCTIONS) | {"if"} == set(ARITY), "ARITY and FUNCTIONS disagree"


# -------------------------------------------------------------- evaluation
def _eval(node: Node, context: Context) -> Value:
    return _EVALUATORS[type(node)](node, context)


def _call(node: Call, context: Context) -> Value:
    if node.name == "if":  # lazy: only the chosen branch is evaluated
        condition, then, otherwise = node.args
        return _eval(then if truthy(_eval(condition, context)) else otherwise, context)
    return FUNCTIONS[node.name](context, *[_eval(arg, context) for arg in node.args])


def _operation(node: Operation, context: Context) -> Value:
    kind = node.rest[0][0]
    if kind in ("and", "or"):
        # Short-circuit: `and` stops at the first false, `or` at the first true.
        stop = kind == "or"
        if truthy(_eval(node.first, context)) == stop:
            return stop
        for _op, operand in node.rest:
            if truthy(_eval(operand, context)) == stop:
                return stop
        return not stop
    result = _eval(node.first, context)
    for op, operand in node.rest:
        right = _eval(operand, context)
        result = compare(op, result, right) if op in COMPARE else arithmetic(op, result, right)
    return result


# One evaluator per node type: a dict lookup instead of a chain of isinstance tests.
_EVALUATORS: dict[type, Callable[[Any, Context], Value]] = {
    Literal: lambda node, context: node.value,
    Reference: lambda node, context: from_python(context.values.get(node.name)),
    Current: lambda node, context: context.current,
    Negation: lambda node, context: -number_value(_eval(node.operand, context)),
    Call: _call,
    Operation: _operation,
}


def _references(node: Node) -> frozenset[str]:
    if isinstance(node, Reference):
        return frozenset({node.name})
    if isinstance(node, Negation):
        return _references(node.operand)
    if isinstance(node, Call):
        return frozenset().union(*(_references(arg) for arg in node.args))
    if isinstance(node, Operation):
        return _references(node.first).union(*(_references(n) for _, n in node.rest))
    return frozenset()


def _uses(node: Node, test: Callable[[Node], bool]) -> bool:
    if test(node):
        return True
    if isinstance(node, Negation):
        return _uses(node.operand, test)
    if isinstance(node, Call):
        return any(_uses(arg, test) for arg in node.args)
    if isinstance(node, Operation):
        return _uses(node.first, test) or any(_uses(n, test) for _, n in node.rest)
    return False


@dataclass(frozen=True)
class Expression:
    """A compiled expression: parse once, evaluate for many submissions."""

    text: str
    tree: Node = field(repr=False, compare=False)
    references: frozenset[str] = field(compare=False)
    uses_current: bool = field(default=False, compare=False)

    def evaluate(self, values: Mapping[str, Any], *, current: Any = None,
                 today: dt.date | None = None, now: dt.datetime | None = None) -> Any:
        """Evaluate against ``values`` (question name -> answer); ``current`` is ``.``.

        ``today``/``now`` fix the clock (tests, re-validating an old submission);
        without them the local date and time are used.  Returns a ``str``,
        ``float``, ``bool``, ``date`` or ``datetime``; never raises.
        """
        return _eval(self.tree, Context(values, from_python(current), today, now))

    def is_true(self, values: Mapping[str, Any], **kwargs: Any) -> bool:
        """Evaluate and apply ``boolean()``: for relevant, constraint, required."""
        return truthy(self.evaluate(values, **kwargs))

    def canonical(self) -> str:
        """The expression re-printed with minimal brackets and normalised spacing."""
        return unparse(self.tree)


# Prefix under which a choice filter sees the columns of the choice being tested.
CHOICE_PREFIX = "choice."


@functools.lru_cache(maxsize=2048)
def compile_expression(text: str, *, choice_filter: bool = False) -> Expression:
    """Parse ``text`` once; raise :class:`ExpressionError` (with the position) if it is invalid.

    Invalid means a syntax error, an unknown function, a wrong number of
    arguments or a literal regular expression that does not compile.

    With ``choice_filter=True`` the text is an XLSForm ``choice_filter``: a bare
    word such as ``state`` in ``state = ${state}`` is a column of the choices
    sheet and reads ``values["choice.state"]`` (``CHOICE_PREFIX``); the choice's
    own name is the column ``name``.
    """
    tree, problems = parse(text, CHOICE_PREFIX if choice_filter else None)
    if problems:
        raise problems[0]
    return Expression(
        text, tree, _references(tree), _uses(tree, lambda n: isinstance(n, Current)))


def evaluate(text: str, values: Mapping[str, Any], *, current: Any = None,
             today: dt.date | None = None, now: dt.datetime | None = None) -> Any:
    """Compile (cached) and evaluate ``text``; see :meth:`Expression.evaluate`."""
    return compile_expression(text).evaluate(values, current=current, today=today, now=now)


def references(text: str) -> frozenset[str]:
    """The question names ``${name}`` that ``text`` refers to (raises ExpressionError)."""
    return compile_expression(text).references


def check(text: str, *, choice_filter: bool = False) -> list[str]:
    """Every problem in ``text`` as a readable message; an empty list means it is valid.

    A syntax error stops the parse, so it is reported alone; unknown functions and
    wrong argument counts are all reported.  ``choice_filter`` as in
    :func:`compile_expression`.
    """
    try:
        _tree, problems = parse(text, CHOICE_PREFIX if choice_filter else None)
    except ExpressionError as error:
        return [str(error)]
    return [str(problem) for problem in problems]
