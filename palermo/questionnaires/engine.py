"""The filling rules of a form — one implementation for the pages, the API and the imports.

Answers are a dict question name → value: text ``str``, integer ``int``, decimal ``float``,
date/datetime/time an ISO ``str``, select_one ``str``, select_multiple ``list[str]``, a repeat
a ``list`` of such dicts; groups add no level. An unanswered question is absent. A sensitive
question may be answered with :data:`DECLINED`.

Expressions are evaluated by :mod:`palermo.questionnaires.expressions`; the browser never
evaluates anything itself: the page asks the server (htmx) and shows :class:`FormState`.
A question is asked when its own ``relevant`` and every enclosing group's are true; answers
to questions not asked are dropped on submit. Because ``relevant`` may refer to later
questions, relevance is worked out until it no longer changes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from palermo.questionnaires import expressions
from palermo.questionnaires.definition import (  # noqa: F401 - the engine's public names
    ANSWERED_TYPES,
    DEFAULT_LANGUAGE,
    NO,
    OTHER,
    YES,
    Choice,
    Question,
    languages,
    pick,
    questions,
    tree,
)

DECLINED = "__declined__"
PASSES = 6  # relevance settles in at most a few passes; more means a cycle


_CHOICE_NAME = re.compile(r"^[A-Za-z0-9_.:\-]{1,40}$")
_LONG_NUMBER = re.compile(r"\d{6}")  # a phone or ID number is never echoed


def choice_names_only(values: list[Any]) -> list[str]:
    """*values* as they may be echoed in a message: a value shaped like a choice name (a
    code) is quoted; anything else — a name or a phone number typed or imported into a
    choice question — is not, as messages reach pages, API replies and import reports."""
    def shown(value: Any) -> str:
        text = str(value)
        if _CHOICE_NAME.match(text) and not _LONG_NUMBER.search(text):
            return text
        return _("(a value that is not a choice name)")

    return [shown(v) for v in values]


class AnswerError(ValueError):
    """An answer that is not of the question's type."""


class AnswersRefused(ValidationError):
    """Answers that break the form's rules; ``problems`` maps question key → messages."""

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        super().__init__({key: messages for key, messages in problems.items()})


# ------------------------------------------------------------------ answers
def coerce(question: Question, raw: Any) -> Any:
    """The stored form of an answer, or None when empty. Raises :class:`AnswerError`."""
    if raw is None or raw == "" or raw == []:
        return None
    if raw == DECLINED:
        if not question.sensitive:
            raise AnswerError(_("This question cannot be declined."))
        return DECLINED
    kind = question.type
    if kind == "select_multiple":
        items = raw.split() if isinstance(raw, str) else list(raw)
        return list(dict.fromkeys(str(i).strip() for i in items if str(i).strip())) or None
    if isinstance(raw, list | dict):
        raise AnswerError(_("Give one answer."))
    text = str(raw).strip()
    if not text:
        return None
    if kind == "integer":
        try:
            number = float(text) if not isinstance(raw, int) else raw
        except ValueError as exc:
            raise AnswerError(_("Enter a whole number.")) from exc
        if isinstance(number, float) and (not number.is_integer()):
            raise AnswerError(_("Enter a whole number."))
        return int(number)
    if kind == "decimal":
        try:
            number = float(text)
        except ValueError as exc:
            raise AnswerError(_("Enter a number.")) from exc
        if math.isnan(number) or math.isinf(number):
            raise AnswerError(_("Enter a number."))
        return number
    if kind == "date":
        try:
            return dt.date.fromisoformat(text[:10] if len(text) > 10 else text).isoformat()
        except ValueError as exc:
            raise AnswerError(_("Enter a date as YYYY-MM-DD.")) from exc
    if kind == "datetime":
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        except ValueError as exc:
            raise AnswerError(_("Enter a date and time as YYYY-MM-DDTHH:MM.")) from exc
    if kind == "time":
        try:
            return dt.time.fromisoformat(text).isoformat()
        except ValueError as exc:
            raise AnswerError(_("Enter a time as HH:MM.")) from exc
    if kind == "acknowledge":
        return "OK"
    return text


def xpath_value(question: Question, value: Any) -> Any:
    """An answer as the evaluator reads it (dates as dates; declined as unanswered)."""
    if value is None or value == DECLINED:
        return ""
    try:
        if question.type == "date":
            return dt.date.fromisoformat(value)
        if question.type == "datetime":
            return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""
    return value


def _stored(value: Any) -> Any:
    """A calculated value as stored: numbers without a spurious ``.0``, dates as ISO."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass
class FormState:
    """What the page shows for some answers: keys are ``name`` or, in a repeat,
    ``repeat.index.name``."""

    relevant: dict[str, bool] = field(default_factory=dict)
    required: dict[str, bool] = field(default_factory=dict)
    choices: dict[str, list[Choice]] = field(default_factory=dict)
    calculations: dict[str, Any] = field(default_factory=dict)
    instances: dict[str, int] = field(default_factory=dict)  # repeat key → count
    answers: dict[str, Any] = field(default_factory=dict)  # coerced, every key given
    values: dict[str, Any] = field(default_factory=dict)  # relevant only, to be stored
    errors: dict[str, list[str]] = field(default_factory=dict)

    def shown(self, key: str) -> bool:
        return self.relevant.get(key, True)


class _Run:
    """One evaluation of a form over some answers."""

    def __init__(self, today: dt.date | None, partial: bool = False):
        self.today = today
        self.partial = partial
        self.state = FormState()

    def test(self, text: str, values: Mapping[str, Any], current: Any = None) -> bool:
        if not text:
            return True
        return expressions.truthy(expressions.evaluate(text, values, current=current,
                                                       today=self.today))

    def is_required(self, question: Question, values: Mapping[str, Any]) -> bool:
        rule = question.required.lower()
        if rule in YES:
            return True
        if rule in NO:
            return False
        return self.test(question.required, values)

    def error(self, key: str, message: str) -> None:
        self.state.errors.setdefault(key, []).append(message)

    def walk(self, items: tuple[Question, ...] | list[Question], raw: Mapping[str, Any],
             context: dict[str, Any], out: dict[str, Any], prefix: str,
             parent_shown: bool) -> None:
        """Fill *out* with the stored values of *items*, updating *context* (what
        expressions see) in document order."""
        for item in items:
            key = prefix + item.name
            shown = parent_shown and self.test(item.relevant, context)
            self.state.relevant[key] = shown
            if item.type == "group":
                self.walk(item.children, raw, context, out, prefix, shown)
            elif item.type == "repeat":
                self.repeat(item, raw, context, out, key, shown)
            elif item.type == "note":
                continue
            elif item.type == "calculate" or item.calculation:
                value = _stored(expressions.evaluate(item.calculation, context,
                                                     today=self.today)) if shown else None
                context[item.name] = value if value is not None else ""
                if shown and value not in (None, ""):
                    out[item.name] = self.state.calculations[key] = value
            else:
                self.answer(item, raw, context, out, key, shown)

    def repeat(self, item: Question, raw, context, out, key: str, shown: bool) -> None:
        given = raw.get(item.name)
        rows = given if isinstance(given, list) else []
        self.state.instances[key] = len(rows)
        stored: list[dict] = []
        for index, row in enumerate(rows):
            row = row if isinstance(row, Mapping) else {}
            inner = dict(context)
            inner.update({q.name: xpath_value(q, self.state.answers.get(f"{key}.{index}.{q.name}"))
                          for q in _answerable(item.children)})
            values: dict[str, Any] = {}
            self.walk(item.children, row, inner, values, f"{key}.{index}.", shown)
            stored.append(values)
        context[item.name] = len(rows) if shown else 0
        if shown and stored:
            out[item.name] = stored

    def answer(self, item: Question, raw, context, out, key: str, shown: bool) -> None:
        value = self.state.answers.get(key)
        if not shown:
            context[item.name] = ""
            return
        context[item.name] = xpath_value(item, value)
        if item.choices:
            self.state.choices[key] = self.filtered(item, context)
        required = self.is_required(item, context)
        self.state.required[key] = required
        if value is None:
            if required and not self.partial and key not in self.state.errors:
                self.error(key, pick(item.required_message) or _("This question is required."))
            return
        out[item.name] = value
        if value == DECLINED:
            return
        if item.choices:
            allowed = {c.name for c in self.state.choices[key]}
            chosen = value if isinstance(value, list) else [value]
            wrong = [v for v in chosen if v not in allowed]
            if wrong:
                self.error(key, _("Not one of the choices: %(values)s.") % {
                    "values": ", ".join(choice_names_only(wrong))})
                return
        if item.constraint and not self.test(item.constraint, context,
                                             current=xpath_value(item, value)):
            self.error(key, pick(item.constraint_message) or _("This answer is not allowed."))

    def filtered(self, item: Question, context: Mapping[str, Any]) -> list[Choice]:
        if not item.choice_filter:
            return list(item.choices)
        # Bare words of a choice filter name the choice's columns (``choice.<column>``).
        expression = expressions.compile_expression(item.choice_filter, choice_filter=True)
        kept = []
        for choice in item.choices:
            values = dict(context)
            values.update({f"choice.{k}": v for k, v in choice.data.items()})
            values["choice.name"] = choice.name
            if expressions.truthy(expression.evaluate(values, today=self.today)):
                kept.append(choice)
        return kept


def _answerable(items) -> list[Question]:
    """Questions answered in this level (through groups, not into repeats)."""
    found = []
    for item in items:
        if item.type == "group":
            found.extend(_answerable(item.children))
        elif item.type in ANSWERED_TYPES:
            found.append(item)
    return found


def _coerce_all(items, raw: Mapping[str, Any], prefix: str, answers: dict,
                errors: dict) -> None:
    """Coerce every given answer into *answers* (by key); type errors go to *errors*."""
    for item in items:
        key = prefix + item.name
        if item.type == "group":
            _coerce_all(item.children, raw, prefix, answers, errors)
        elif item.type == "repeat":
            rows = raw.get(item.name)
            if rows is not None and not isinstance(rows, list):
                errors.setdefault(key, []).append(_("Expected a list of entries."))
                continue
            for index, row in enumerate(rows or []):
                if not isinstance(row, Mapping):
                    errors.setdefault(f"{key}.{index}", []).append(_("Expected an entry."))
                    continue
                _coerce_all(item.children, row, f"{key}.{index}.", answers, errors)
        elif item.type in ANSWERED_TYPES and item.name in raw:
            try:
                answers[key] = coerce(item, raw[item.name])
            except AnswerError as exc:
                errors.setdefault(key, []).append(str(exc))


def answer_names(definition: dict) -> set[str]:
    """The names a response's answers may use at the top level."""
    return _names(tree(definition))


def _names(items) -> set[str]:
    """The names answers may use at this level (groups add no level)."""
    names: set[str] = set()
    for item in items:
        names |= _names(item.children) if item.type == "group" else {item.name}
    return names


def evaluate_form(definition: dict, answers: Mapping[str, Any], *,
                  today: dt.date | None = None, partial: bool = False) -> FormState:
    """Which questions are asked, their choices, the calculations and every problem
    (``partial``: a draft, where a missing answer is not a problem)."""
    top = tree(definition)
    coerced: dict[str, Any] = {}
    type_errors: dict[str, list[str]] = {}
    _coerce_all(top, answers, "", coerced, type_errors)
    known = _names(top)
    for name in answers:
        if name not in known:
            type_errors.setdefault(name, []).append(_("Not a question of this form."))
    previous: dict[str, bool] | None = None
    run = _Run(today, partial)
    for _pass in range(PASSES):
        run = _Run(today, partial)
        run.state.answers = coerced
        run.state.errors = {k: list(v) for k, v in type_errors.items()}
        context = {q.name: xpath_value(q, coerced.get(q.name)) for q in _answerable(top)}
        if previous is not None:
            # What the last pass found not asked is unanswered for this one.
            context.update({k: "" for k, shown in previous.items() if not shown and k in
                            context})
        run.walk(top, answers, context, run.state.values, "", True)
        if run.state.relevant == previous:
            break
        previous = run.state.relevant
    # Problems of questions not asked do not count (their answers are dropped).
    run.state.errors = {k: v for k, v in run.state.errors.items()
                        if _asked(run.state.relevant, k)}
    return run.state


def _asked(relevant: Mapping[str, bool], key: str) -> bool:
    parts = key.split(".")
    for end in range(1, len(parts) + 1):
        if not relevant.get(".".join(parts[:end]), True):
            return False
    return True


def validate(definition: dict, answers: Mapping[str, Any], *, today: dt.date | None = None,
             partial: bool = False) -> dict[str, list[str]]:
    """Problems of *answers*, by question key. ``partial`` (a draft): missing answers are
    not problems, wrong ones are."""
    return evaluate_form(definition, answers, today=today, partial=partial).errors


def initial_answers(definition: dict, *, today: dt.date | None = None) -> dict[str, Any]:
    """The defaults of a new response (``default`` column; ``today()`` and the like are
    evaluated)."""
    answers: dict[str, Any] = {}
    for item in _answerable(tree(definition)):
        if not item.default:
            continue
        text = item.default
        if "(" in text or "${" in text:
            text = expressions.string_value(expressions.evaluate(text, {}, today=today))
        try:
            value = coerce(item, text)
        except AnswerError:
            continue
        if value is not None:
            answers[item.name] = value
    return answers


def from_fields(definition: dict, getlist: Callable[[str], list[str]]) -> dict[str, Any]:
    """Answers from flat form fields (an HTML form, a CSV row): ``name``, repeats as
    ``repeat.index.name`` with ``repeat.count``; a sensitive question declined with the
    field ``name.declined``. Values stay text; :func:`coerce` types them."""
    def read(items, prefix: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for item in items:
            key = prefix + item.name
            if item.type == "group":
                found.update(read(item.children, prefix))
            elif item.type == "repeat":
                count = (getlist(f"{key}.count") or ["0"])[-1]
                total = int(count) if count.isdigit() else 0
                found[item.name] = [read(item.children, f"{key}.{i}.") for i in range(total)]
            elif item.type in ANSWERED_TYPES and not item.read_only:
                if item.sensitive and (getlist(f"{key}.declined") or [""])[-1]:
                    found[item.name] = DECLINED
                    continue
                given = [v for v in getlist(key) if v != ""]
                if item.type == "select_multiple":
                    if given:
                        found[item.name] = given
                elif given:
                    found[item.name] = given[-1]
        return found

    return read(tree(definition), "")
