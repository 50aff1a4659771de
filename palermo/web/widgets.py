"""Widgets rendered in Python where Django's template-per-option rendering is too slow."""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


class FastSelectMixin:
    """The same HTML as Django's select, built in Python: a country select (250 options) costs
    about 10 ms through templates and well under 1 ms here."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html("<select name=\"{}\"{}>", widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html("<optgroup label=\"{}\">", group))
            for option in options:
                parts.append(format_html("<option value=\"{}\"{}>{}</option>",
                                         option["value"], flatatt(option["attrs"]),
                                         option["label"]))
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped by format_html


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


def fast_selects(form: forms.BaseForm, names: list[str],
                 choices: list[tuple[str, str]] | None = None) -> None:
    """Render the selects *names* of *form* in Python, with *choices* if given (e.g. a cached
    country list standing in for a queryset the field still validates against)."""
    for name in names:
        field = form.fields[name]
        multiple = isinstance(field.widget, forms.SelectMultiple)
        replacement = (FastSelectMultiple if multiple else FastSelect)(attrs=field.widget.attrs)
        if choices is not None:
            replacement.choices = choices if multiple else [("", "---------"), *choices]
        else:
            replacement.choices = field.widget.choices
        replacement.is_required = field.widget.is_required
        field.widget = replacement


# --- options rendered once per process --------------------------------------------------------
# A page with many forms (the case page) renders the same picklists on every request; these
# widgets build each list's HTML once per language and only mark the chosen values.


def _flat(choices) -> tuple[tuple[str, str], ...] | None:
    """Static choices as strings, or None when they hold groups (not cached)."""
    flat = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            return None
        flat.append(("" if value is None else str(value), str(label)))
    return tuple(flat)


@lru_cache(maxsize=512)
def _option_tags(choices: tuple[tuple[str, str], ...], language: str) -> str:
    return "".join(format_html("<option value=\"{}\">{}</option>", value, label)
                   for value, label in choices)


@lru_cache(maxsize=512)
def _checkbox_tags(choices: tuple[tuple[str, str], ...], language: str, name: str,
                   base_id: str) -> str:
    return "".join(format_html(
        "<div><label for=\"{}_{}\"><input type=\"checkbox\" name=\"{}\" value=\"{}\" "
        "id=\"{}_{}\">\n {}</label></div>", base_id, i, name, value, base_id, i, label)
        for i, (value, label) in enumerate(choices))


class CachedSelect(forms.Select):
    """Django's select, its options rendered once per process and language."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = _flat(self.choices)
        if choices is None:
            return super().render(name, value, attrs, renderer)
        options = _option_tags(choices, get_language() or "")
        for chosen in self.format_value(value)[:1]:  # as Django: the first match only
            tag = format_html("<option value=\"{}\">", chosen)
            options = options.replace(tag, tag[:-1] + " selected>", 1)
        return format_html("<select name=\"{}\"{}>{}</select>", name,
                           flatatt(self.build_attrs(self.attrs, attrs)),
                           mark_safe(options))  # noqa: S308 - built by format_html


class CachedCheckboxes(forms.CheckboxSelectMultiple):
    """Django's checkbox list, its boxes rendered once per process, language and field."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = _flat(self.choices)
        final = self.build_attrs(self.attrs, attrs)
        base_id = final.get("id")
        if choices is None or not base_id:
            return super().render(name, value, attrs, renderer)
        boxes = _checkbox_tags(choices, get_language() or "", name, base_id)
        chosen = set(self.format_value(value))
        for i, (option, _label) in enumerate(choices):
            if option in chosen:
                tag = format_html("id=\"{}_{}\">", base_id, i)
                boxes = boxes.replace(tag, tag[:-1] + " checked>", 1)
        css = format_html(" class=\"{}\"", final["class"]) if final.get("class") else ""
        return format_html("<div id=\"{}\"{}>{}</div>", base_id, css,
                           mark_safe(boxes))  # noqa: S308 - built by format_html


def cached_widgets(*forms_: forms.BaseForm) -> None:
    """Give the selects and checkbox lists with fixed choices of *forms_* the cached
    widgets (choices read from a query keep theirs: they may change at any time)."""
    for form in forms_:
        for field in form.fields.values():
            widget = field.widget
            if isinstance(getattr(widget, "choices", None), ModelChoiceIterator):
                continue
            kind = (CachedCheckboxes if isinstance(widget, forms.CheckboxSelectMultiple)
                    else CachedSelect if type(widget) in (forms.Select, FastSelect) else None)
            if kind is None:
                continue
            replacement = kind(attrs=widget.attrs, choices=widget.choices)
            replacement.is_required = widget.is_required
            field.widget = replacement


__all__ = ["CachedCheckboxes", "CachedSelect", "FastSelect", "FastSelectMultiple",
           "cached_widgets", "fast_selects"]
