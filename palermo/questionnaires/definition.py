"""A form's definition as Palermo reads it: pyxform's JSON form turned into
:class:`Question` and :class:`Choice` objects (labels per language, binds, Palermo's
``palermo_field`` and ``sensitive`` columns). :mod:`engine` re-exports these names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OTHER = "other"
DEFAULT_LANGUAGE = "default"
TYPES = {"select one": "select_one", "select all that apply": "select_multiple",
         "trigger": "acknowledge", "int": "integer", "string": "text"}
ANSWERED_TYPES = {"text", "integer", "decimal", "date", "datetime", "time", "select_one",
                  "select_multiple", "acknowledge"}
YES = {"yes", "true", "true()", "1"}
NO = {"no", "false", "false()", "0", ""}


@dataclass(frozen=True)
class Choice:
    name: str
    label: dict[str, str]
    data: dict[str, str] = field(default_factory=dict)  # other columns, for choice_filter

    def text(self, language: str = "") -> str:
        return pick(self.label, language) or self.name


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet (groups and repeats hold their ``children``)."""

    name: str
    type: str
    path: tuple[str, ...] = ()  # enclosing groups and repeats
    label: dict[str, str] = field(default_factory=dict)
    hint: dict[str, str] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    list_name: str = ""
    or_other: bool = False
    required: str = ""
    required_message: dict[str, str] = field(default_factory=dict)
    relevant: str = ""
    constraint: str = ""
    constraint_message: dict[str, str] = field(default_factory=dict)
    read_only: bool = False
    default: str = ""
    calculation: str = ""
    choice_filter: str = ""
    sensitive: bool = False
    palermo_field: str = ""
    children: tuple[Question, ...] = ()

    @property
    def is_container(self) -> bool:
        return self.type in ("group", "repeat")

    @property
    def takes_answer(self) -> bool:
        return self.type in ANSWERED_TYPES and not self.read_only and not self.calculation

    def text(self, language: str = "") -> str:
        return pick(self.label, language)

    def hint_text(self, language: str = "") -> str:
        return pick(self.hint, language)


def pick(texts: Mapping[str, str], language: str = "") -> str:
    """The text in *language*, else the default language, else any."""
    if not texts:
        return ""
    return texts.get(language) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()))


def _texts(value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items()}
    return {DEFAULT_LANGUAGE: str(value)}


def _question(item: dict, path: tuple[str, ...]) -> Question:
    bind = item.get("bind") or {}
    kind = TYPES.get(item.get("type", ""), item.get("type", ""))
    if kind not in ANSWERED_TYPES | {"group", "repeat", "note", "calculate"}:
        kind = "metadata"  # start, end, deviceid … and pyxform's meta group
    if item.get("control", {}).get("bodyless"):
        kind = "metadata"
    children = tuple(_question(child, path + (item["name"],))
                     for child in item.get("children") or []) if kind in ("group",
                                                                        "repeat") else ()
    choices = tuple(Choice(str(c["name"]), _texts(c.get("label")),
                           {k: str(v) for k, v in c.items() if k not in ("name", "label")})
                    for c in item.get("choices") or [])
    read_only = str(bind.get("readonly", "")).strip().lower() in YES
    required = str(bind.get("required", "")).strip()
    relevant = str(bind.get("relevant", "")).strip()
    name = item["name"]
    if not required and name.endswith("_other") and relevant == (
            f"selected(${{{name[:-len('_other')]}}}, '{OTHER}')"):
        required = "yes"  # or_other: whoever picks "other" says what it is
    return Question(
        name=item["name"], type=kind, path=path, label=_texts(item.get("label")),
        hint=_texts(item.get("hint")), choices=choices, list_name=item.get("list_name", ""),
        or_other=any(c.name == OTHER for c in choices) and kind.startswith("select"),
        required=required,
        required_message=_texts(bind.get("jr:requiredMsg")),
        relevant=relevant,
        constraint=str(bind.get("constraint", "")).strip(),
        constraint_message=_texts(bind.get("jr:constraintMsg")),
        read_only=read_only, default=str(item.get("default", "") or ""),
        calculation=str(bind.get("calculate", "")).strip(),
        choice_filter=str(item.get("choice_filter", "") or "").strip(),
        sensitive=str(item.get("sensitive", "")).strip().lower() in YES,
        palermo_field=str(item.get("palermo_field", "") or "").strip(),
        children=children)


def tree(definition: dict) -> list[Question]:
    """The top-level questions, groups and repeats of a form (metadata left out)."""
    return [q for q in (_question(item, ()) for item in definition.get("children") or [])
            if q.type != "metadata"]


def questions(definition: dict) -> list[Question]:
    """Every question, group and repeat in document order (flattened; see ``path``)."""
    flat: list[Question] = []

    def walk(items: list[Question]) -> None:
        for item in items:
            flat.append(item)
            walk(list(item.children))

    walk(tree(definition))
    return flat


def languages(definition: dict) -> list[str]:
    """The label languages of a form, e.g. ``["English (en)", "French (fr)"]``."""
    found: list[str] = []
    for item in questions(definition):
        for language in item.label:
            if language not in found:
                found.append(language)
    named = [language for language in found if language != DEFAULT_LANGUAGE]
    # The order must not depend on the database: PostgreSQL's jsonb does not keep the keys
    # of a label in the order of the spreadsheet. The form's default language comes first.
    preferred = definition.get("default_language", "")
    ordered = sorted(named, key=lambda language: (language != preferred, language))
    return ordered or found
