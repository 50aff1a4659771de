"""Tokenizer and recursive-descent parser for XLSForm (ODK XPath) expressions.

The parser turns the text of a ``relevant``, ``constraint``, ``calculation``,
``choice_filter``, ``required`` or ``default`` cell into a small tree of frozen
dataclasses; :mod:`palermo.questionnaires.expressions` evaluates that tree.  It
imports no Django code so the form loader, the filling pages, the API and the
ODK submission import all share exactly one implementation.

Runs of operators of the same precedence (``a + b - c``, ``x and y and z``)
become one n-ary node, so a long sum of scores does not build a deep tree and
evaluation never approaches Python's recursion limit.
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from palermo.questionnaires.patterns import PatternError, compile_pattern

# Nesting depth (parentheses, function calls, unary minus) accepted before the
# expression is refused: far beyond any real form, far below Python's limit.
MAX_NESTING = 40

# name -> (minimum, maximum or None for "any number") of arguments.
ARITY: dict[str, tuple[int, int | None]] = {
    "abs": (1, 1),
    "boolean": (1, 1),
    "boolean-from-string": (1, 1),
    "coalesce": (2, 2),
    "concat": (0, None),
    "contains": (2, 2),
    "count-selected": (1, 1),
    "date": (1, 1),
    "date-time": (1, 1),
    "decimal-date-time": (1, 1),
    "ends-with": (2, 2),
    "false": (0, 0),
    "format-date": (2, 2),
    "format-date-time": (2, 2),
    "if": (3, 3),
    "int": (1, 1),
    "join": (1, None),
    "max": (1, None),
    "min": (1, None),
    "normalize-space": (0, 1),
    "not": (1, 1),
    "now": (0, 0),
    "number": (0, 1),
    "pow": (2, 2),
    "regex": (2, 2),
    "round": (1, 2),
    "selected": (2, 2),
    "selected-at": (2, 2),
    "starts-with": (2, 2),
    "string": (0, 1),
    "string-length": (1, 1),
    "substr": (2, 3),
    "substring-after": (2, 2),
    "substring-before": (2, 2),
    "today": (0, 0),
    "true": (0, 0),
}

# Operator precedence, lowest first (XPath 1.0 §3.4–3.5).
PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3, "!=": 3,
    "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "div": 6, "mod": 6,
}
UNARY_PRECEDENCE = 7
_LEVELS: list[tuple[str, ...]] = [
    ("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"),
]
_WORD_OPERATORS = frozenset({"and", "or", "div", "mod"})


class ExpressionError(ValueError):
    """A form expression that cannot be parsed, or uses an unknown function.

    ``position`` is the 0-based offset of the offending character in
    ``expression`` (``None`` when no single place is to blame); ``str(error)``
    gives the message with a 1-based character number for people.
    """

    def __init__(self, expression: str, position: int | None, message: str) -> None:
        self.expression = expression
        self.position = position
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at character {self.position + 1})"


# --------------------------------------------------------------------- AST
@dataclass(frozen=True, slots=True)
class Literal:
    """A string or number written in the expression."""

    position: int
    value: str | float


@dataclass(frozen=True, slots=True)
class Reference:
    """``${name}``: the answer to another question."""

    position: int
    name: str


@dataclass(frozen=True, slots=True)
class Current:
    """``.``: the question's own answer (used in constraints)."""

    position: int


@dataclass(frozen=True, slots=True)
class Negation:
    """Unary minus."""

    position: int
    operand: Node


@dataclass(frozen=True, slots=True)
class Operation:
    """``first op1 x1 op2 x2 …`` for operators of one precedence level, left to right."""

    position: int
    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Call:
    """A function call such as ``selected(${x}, 'a')``."""

    position: int
    name: str
    args: tuple[Node, ...]


Node = Literal | Reference | Current | Negation | Operation | Call


# --------------------------------------------------------------- tokenizer
@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # NUM STR REF NAME OP LPAREN RPAREN COMMA DOT EOF
    value: str
    position: int


_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_EXPONENT = re.compile(r"[eE][+-]?\d")
_NAME = re.compile(r"[^\W\d][\w.\-]*(?::[^\W\d][\w.\-]*)?")
_REF_NAME = re.compile(r"[^\W\d][\w.\-]*\Z")
_TWO_CHAR = {"!=", "<=", ">="}
_HINTS = {
    "==": "use = to compare, not ==",
    "&&": "use 'and' instead of &&",
    "||": "use 'or' instead of ||",
    "<>": "use != for 'not equal'",
}
_BAD_CHARS = {
    "/": "paths such as /data/x are not supported; refer to a question as ${name}",
    "[": "predicates [...] are not supported",
    "]": "predicates [...] are not supported",
    "|": "the union operator | is not supported",
    "@": "attributes (@name) are not supported",
    "!": "unexpected '!'; use != or not(...)",
}


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, raising :class:`ExpressionError` at the first bad character."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        pair = text[i:i + 2]
        if pair in _HINTS:
            raise ExpressionError(text, i, _HINTS[pair])
        if pair == "${":
            end = text.find("}", i + 2)
            if end < 0:
                raise ExpressionError(text, i, "'${' is not closed with '}'")
            name = text[i + 2:end].strip()
            if not name:
                raise ExpressionError(text, i, "empty question reference ${}")
            if not _REF_NAME.match(name):
                raise ExpressionError(text, i, f"'{name}' is not a valid question name")
            tokens.append(Token("REF", name, i))
            i = end + 1
        elif ch in "'\"":
            end = text.find(ch, i + 1)
            if end < 0:
                raise ExpressionError(text, i, f"text starting here has no closing {ch}")
            tokens.append(Token("STR", text[i + 1:end], i))
            i = end + 1
        elif match := _NUMBER.match(text, i):
            if _EXPONENT.match(text, match.end()):
                raise ExpressionError(
                    text, i, "write numbers in full, without an exponent such as 1e3")
            tokens.append(Token("NUM", match.group(), i))
            i = match.end()
        elif pair == "..":
            raise ExpressionError(
                text, i, "'..' (parent) is not supported; refer to a question as ${name}")
        elif ch == ".":
            tokens.append(Token("DOT", ".", i))
            i += 1
        elif match := _NAME.match(text, i):
            tokens.append(Token("NAME", match.group(), i))
            i = match.end()
        elif pair in _TWO_CHAR:
            tokens.append(Token("OP", pair, i))
            i += 2
        elif ch in "=<>+-*":
            tokens.append(Token("OP", ch, i))
            i += 1
        elif ch in "(),":
            tokens.append(Token({"(": "LPAREN", ")": "RPAREN", ",": "COMMA"}[ch], ch, i))
            i += 1
        elif ch == "$":
            raise ExpressionError(text, i, "'$' must start a question reference like ${name}")
        else:
            raise ExpressionError(text, i, _BAD_CHARS.get(ch, f"unexpected character {ch!r}"))
    tokens.append(Token("EOF", "", n))
    return tokens


# ------------------------------------------------------------------ parser
class Parser:
    """Recursive descent over the XPath 1.0 expression grammar (the subset ODK forms use).

    Syntax errors raise immediately; unknown functions, wrong argument counts and
    invalid regular expressions are collected in ``problems`` so that
    :func:`~palermo.questionnaires.expressions.check` can report all of them.
    """

    def __init__(self, text: str, bare_names: str | None = None) -> None:
        self.text = text
        # In a choice_filter, a bare word names a column of the choices sheet
        # (ODK evaluates the filter on each choice item): read it as the reference
        # ``${<bare_names><word>}``.  Elsewhere a bare word is an error.
        self.bare_names = bare_names
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        self.problems: list[ExpressionError] = []

    # -- helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def error(self, token: Token, message: str) -> ExpressionError:
        return ExpressionError(self.text, token.position, message)

    def describe(self, token: Token) -> str:
        if token.kind == "EOF":
            return "end of expression"
        if token.kind == "STR":
            return "text " + repr(token.value)
        return repr(token.value)

    def operator_at(self, level: tuple[str, ...]) -> str | None:
        token = self.token
        if token.kind == "OP" and token.value in level:
            return token.value
        if token.kind == "NAME" and token.value in level and token.value in _WORD_OPERATORS:
            return token.value
        return None

    # -- grammar
    def parse(self) -> Node:
        if self.token.kind == "EOF":
            raise self.error(self.token, "the expression is empty")
        node = self.expression(0)
        if self.token.kind != "EOF":
            token = self.token
            if token.kind == "RPAREN":
                raise self.error(token, "')' has no matching '('")
            if token.kind in ("NUM", "STR", "REF", "DOT", "NAME", "LPAREN"):
                raise self.error(
                    token, f"missing operator before {self.describe(token)}")
            raise self.error(token, f"unexpected {self.describe(token)}")
        return node

    def expression(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        start = self.token.position
        first = self.expression(level + 1)
        rest: list[tuple[str, Node]] = []
        while (op := self.operator_at(_LEVELS[level])) is not None:
            self.advance()
            rest.append((op, self.expression(level + 1)))
        return Operation(start, first, tuple(rest)) if rest else first

    def nested(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(token, f"the expression is nested more than {MAX_NESTING} levels deep")

    def unary(self) -> Node:
        token = self.token
        if token.kind == "OP" and token.value == "-":
            self.advance()
            self.nested(token)
            operand = self.unary()
            self.depth -= 1
            return Negation(token.position, operand)
        return self.primary()

    def primary(self) -> Node:
        token = self.advance()
        if token.kind == "NUM":
            return Literal(token.position, float(token.value))
        if token.kind == "STR":
            return Literal(token.position, token.value)
        if token.kind == "REF":
            return Reference(token.position, token.value)
        if token.kind == "DOT":
            return Current(token.position)
        if token.kind == "LPAREN":
            self.nested(token)
            node = self.expression(0)
            self.depth -= 1
            if self.token.kind != "RPAREN":
                raise self.error(
                    self.token,
                    f"expected ')' to close the '(' at character {token.position + 1}, "
                    f"found {self.describe(self.token)}")
            self.advance()
            return node
        if token.kind == "NAME":
            if self.token.kind == "LPAREN":
                return self.call(token)
            if self.bare_names is not None and token.value not in _WORD_OPERATORS:
                return Reference(token.position, self.bare_names + token.value)
            raise self.error(token, self.bare_word_message(token.value))
        if token.kind == "EOF":
            raise self.error(token, "the expression ends where a value is expected")
        raise self.error(token, f"expected a value, found {self.describe(token)}")

    @staticmethod
    def bare_word_message(word: str) -> str:
        if word in ("true", "false"):
            return f"write {word}() with brackets"
        if word in _WORD_OPERATORS:
            return f"'{word}' needs a value before it"
        return (f"unquoted word '{word}': put text in quotes ('{word}') "
                f"or refer to a question as ${{{word}}}")

    def call(self, name: Token) -> Call:
        open_paren = self.advance()
        self.nested(open_paren)
        args: list[Node] = []
        if self.token.kind != "RPAREN":
            args.append(self.expression(0))
            while self.token.kind == "COMMA":
                self.advance()
                args.append(self.expression(0))
        if self.token.kind != "RPAREN":
            raise self.error(
                self.token,
                f"expected ',' or ')' in the call of {name.value}(), "
                f"found {self.describe(self.token)}")
        self.advance()
        self.depth -= 1
        self.check_call(name, args)
        return Call(name.position, name.value, tuple(args))

    def check_call(self, name: Token, args: list[Node]) -> None:
        if name.value not in ARITY:
            close = difflib.get_close_matches(name.value, ARITY, n=1)
            hint = f"; did you mean {close[0]}()?" if close else ""
            self.problems.append(self.error(name, f"unknown function {name.value}(){hint}"))
            return
        low, high = ARITY[name.value]
        if len(args) < low or (high is not None and len(args) > high):
            self.problems.append(self.error(
                name, f"{name.value}() takes {_count(low, high)}, not {len(args)}"))
            return
        if name.value == "regex" and isinstance(args[1], Literal):
            try:
                compile_pattern(str(args[1].value))
            except PatternError as exc:
                self.problems.append(ExpressionError(
                    self.text, args[1].position, f"invalid regular expression: {exc}"))


def _count(low: int, high: int | None) -> str:
    def plural(n: int) -> str:
        return f"{n} argument" + ("" if n == 1 else "s")

    if high is None:
        return f"at least {plural(low)}"
    if low == high:
        return f"exactly {plural(low)}" if low else "no arguments"
    return f"{low} to {high} arguments"


def parse(text: str, bare_names: str | None = None) -> tuple[Node, list[ExpressionError]]:
    """Parse ``text``; return the tree and the non-syntax problems (unknown functions …).

    ``bare_names`` is the prefix that turns bare words into references (choice filters).
    """
    parser = Parser(text, bare_names)
    return parser.parse(), parser.problems


# ----------------------------------------------------------------- printer
def format_number(value: float) -> str:
    """XPath's string form of a number: no exponent, no trailing ``.0``, NaN and ±Infinity."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value):
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _precedence(node: Node) -> int:
    if isinstance(node, Operation):
        return PRECEDENCE[node.rest[0][0]]
    if isinstance(node, Negation):
        return UNARY_PRECEDENCE
    return UNARY_PRECEDENCE + 1


def unparse(node: Node) -> str:
    """Print a tree back as expression text with only the parentheses it needs."""
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            quote = "'" if "'" not in node.value else '"'
            return f"{quote}{node.value}{quote}"
        if math.isinf(node.value):
            return "1" + "0" * 309  # reads back as the same infinite double
        return format_number(node.value)
    if isinstance(node, Reference):
        return "${" + node.name + "}"
    if isinstance(node, Current):
        return "."
    if isinstance(node, Negation):
        inner = unparse(node.operand)
        if _precedence(node.operand) < UNARY_PRECEDENCE:
            inner = f"({inner})"
        return "-" + inner if not inner.startswith("-") else f"-({inner})"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(unparse(arg) for arg in node.args)})"
    level = _precedence(node)
    parts = [_wrap(node.first, level, strict=False)]
    for op, operand in node.rest:
        parts.append(f" {op} {_wrap(operand, level, strict=True)}")
    return "".join(parts)


def _wrap(node: Node, level: int, *, strict: bool) -> str:
    text = unparse(node)
    inner = _precedence(node)
    # Left-associative: an equal-precedence right operand needs brackets.
    if inner < level or (strict and inner == level):
        return f"({text})"
    return text
