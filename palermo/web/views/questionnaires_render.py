"""Turning a form, some answers and the engine's verdict into what the templates show.

Nothing here decides anything: which question is asked, which choices are offered and
what is wrong all come from :func:`engine.evaluate_form`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from palermo.questionnaires import engine
from palermo.questionnaires.engine import DECLINED, FormState, Question

RADIO_LIMIT = 8  # more choices than this: a drop-down list
INPUT_TYPES = {"date": "date", "datetime": "datetime-local", "time": "time"}
INPUT_MODES = {"integer": "numeric", "decimal": "decimal"}
_REFERENCE = re.compile(r"\$\{([^}]+)\}")


@dataclass
class Item:
    """One question, group or repeat as the page shows it."""

    question: Question
    key: str
    label: str
    hint: str = ""
    shown: bool = True
    required: bool = False
    errors: list[str] = field(default_factory=list)
    value: Any = None
    declined: bool = False
    choices: list[tuple[str, str, bool]] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    instances: list[tuple[int, list[Item]]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "q-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.key)

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def widget(self) -> str:
        kind = self.question.type
        if kind == "select_one":
            return "radio" if len(self.choices) <= RADIO_LIMIT else "select"
        if kind == "select_multiple":
            return "checkbox"
        if self.question.read_only or self.question.calculation:
            return "readonly"
        return {"note": "note", "acknowledge": "acknowledge", "group": "group",
                "repeat": "repeat", "calculate": "hidden"}.get(kind, "input")

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.question.type, "text")

    @property
    def input_mode(self) -> str:
        return INPUT_MODES.get(self.question.type, "")

    @property
    def text_value(self) -> str:
        if self.value is None or self.declined or isinstance(self.value, list):
            return ""
        text = str(self.value)
        return text[:16] if self.question.type == "datetime" else text


def fill_in(text: str, values: Mapping[str, Any]) -> str:
    """A label with ``${name}`` replaced by that answer (notes show calculations)."""
    return _REFERENCE.sub(lambda m: display(values.get(m.group(1).strip(), "")), text)


def display(value: Any) -> str:
    """An answer as plain text (a list joined, a declined answer as a dash)."""
    if value is None:
        return ""
    if value == DECLINED:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class Renderer:
    """Builds :class:`Item` trees for one form state in one language."""

    def __init__(self, definition: dict, answers: Mapping[str, Any], state: FormState,
                 language: str = "", show_errors: bool = True):
        self.top = engine.tree(definition)
        self.answers = answers
        self.state = state
        self.language = language
        self.show_errors = show_errors
        self.values = {**state.answers, **state.calculations}

    def items(self) -> list[Item]:
        return self._items(self.top, self.answers, "")

    def _items(self, questions, answers: Mapping[str, Any], prefix: str) -> list[Item]:
        made = []
        for question in questions:
            key = prefix + question.name
            value = answers.get(question.name) if isinstance(answers, Mapping) else None
            if question.calculation or question.type == "calculate":
                value = self.state.calculations.get(key, value)
            item = Item(
                question=question, key=key,
                label=fill_in(question.text(self.language), self.values),
                hint=question.hint_text(self.language), shown=self.state.shown(key),
                required=self.state.required.get(key, False),
                errors=self.state.errors.get(key, []) if self.show_errors else [],
                value=value, declined=value == DECLINED)
            if question.choices:
                offered = self.state.choices.get(key, list(question.choices))
                chosen = value if isinstance(value, list) else [value]
                item.choices = [(c.name, c.text(self.language), c.name in chosen)
                                for c in offered]
            if question.type == "group":
                item.children = self._items(question.children, answers, prefix)
            elif question.type == "repeat":
                rows = value if isinstance(value, list) else []
                item.instances = [(i, self._items(question.children, row, f"{key}.{i}."))
                                  for i, row in enumerate(rows)]
            made.append(item)
        return made


def summary(definition: dict, answers: Mapping[str, Any], language: str = "",
            prefix: str = "", depth: int = 0) -> list[tuple[str, str, str, int]]:
    """(key, label, shown value, depth) of every answer, for the review and view pages."""
    rows: list[tuple[str, str, str, int]] = []

    def walk(questions, given: Mapping[str, Any], pre: str, level: int) -> None:
        for question in questions:
            key = pre + question.name
            if question.type == "group":
                rows.append((key, question.text(language), "", level))
                walk(question.children, given, pre, level + 1)
            elif question.type == "repeat":
                entries = given.get(question.name) or []
                for i, row in enumerate(entries):
                    rows.append((f"{key}.{i}", f"{question.text(language)} {i + 1}", "",
                                 level))
                    walk(question.children, row, f"{key}.{i}.", level + 1)
            elif question.type not in ("note",) and question.name in given:
                value = given[question.name]
                labels = {c.name: c.text(language) for c in question.choices}
                if isinstance(value, list):
                    shown = ", ".join(labels.get(v, v) for v in value)
                elif value == DECLINED:
                    shown = "declined"
                else:
                    shown = labels.get(value, display(value))
                rows.append((key, question.text(language) or question.name, shown, level))

    walk(engine.tree(definition)[:], answers, prefix, depth)
    return [r for r in rows if r[2] or any(o[0].startswith(r[0] + ".") and o[2]
                                           for o in rows)]


def to_fields(definition: dict, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Answers as flat form fields (the inverse of :func:`engine.from_fields`), for the
    hidden fields that carry them from the review page to submission."""
    fields: list[tuple[str, str]] = []

    def walk(questions, given: Mapping[str, Any], pre: str) -> None:
        for question in questions:
            key = pre + question.name
            if question.type == "group":
                walk(question.children, given, pre)
            elif question.type == "repeat":
                rows = given.get(question.name) or []
                fields.append((f"{key}.count", str(len(rows))))
                for i, row in enumerate(rows):
                    walk(question.children, row, f"{key}.{i}.")
            elif question.takes_answer and question.name in given:
                value = given[question.name]
                if value == DECLINED:
                    fields.append((f"{key}.declined", "1"))
                elif isinstance(value, list):
                    fields.extend((key, str(v)) for v in value)
                elif value is not None:
                    fields.append((key, str(value)))

    walk(engine.tree(definition), answers, "")
    return fields


def change_repeats(answers: dict[str, Any], action: str) -> dict[str, Any]:
    """Apply ``add:<repeat key>`` or ``remove:<repeat key>.<index>`` to *answers*."""
    verb, _, key = action.partition(":")
    parts = key.split(".")
    if verb == "remove":
        parts, index = parts[:-1], parts[-1]
    target: Any = answers
    while len(parts) > 1:
        rows = target.get(parts[0]) if isinstance(target, dict) else None
        if not isinstance(rows, list) or not parts[1].isdigit() or int(parts[1]) >= len(rows):
            return answers
        target, parts = rows[int(parts[1])], parts[2:]
    if not isinstance(target, dict) or not parts:
        return answers
    rows = target.setdefault(parts[0], [])
    if verb == "add":
        rows.append({})
    elif verb == "remove" and index.isdigit() and int(index) < len(rows):
        rows.pop(int(index))
    return answers
