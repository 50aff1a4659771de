"""Where a question's answer may be written: the targets of the ``palermo_field`` column.

The questionnaires module sits below the modules that own the targets (``cases`` owns
``case.*``, ``person.*`` and ``screening.*``), so it cannot name them. Instead each app may
ship an ``interviews`` module that calls :func:`register` on import; :func:`targets`
discovers them the way Django's admin discovers ``admin.py`` modules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

# Question types, as the engine names them (see engine.Question.type).
ANY = frozenset({"text", "integer", "decimal", "date", "datetime", "time", "select_one",
                 "select_multiple", "calculate", "acknowledge"})


@dataclass(frozen=True)
class BindingTarget:
    """One typed field an answer may be written to, e.g. ``case.exploitation_types``."""

    name: str
    description: str
    types: frozenset[str] = ANY


_TARGETS: dict[str, BindingTarget] = {}
_DEFAULTS: dict[str, str] = {}
_discovered = False


def register(name: str, description: str, types: frozenset[str] | set[str] = ANY) -> None:
    """Declare a binding target (called by the owning app's ``interviews`` module)."""
    _TARGETS[name] = BindingTarget(name, description, frozenset(types))


def register_default(question_name: str, target: str) -> None:
    """Bind questions named *question_name* to *target* when the form gives no
    ``palermo_field`` (e.g. the HTCDS field names of IOM's published XLSForm)."""
    _DEFAULTS[question_name] = target


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("interviews")
        _discovered = True


def targets() -> dict[str, BindingTarget]:
    """Every known binding target, by name."""
    _discover()
    return dict(_TARGETS)


def default_bindings() -> dict[str, str]:
    """Question name → target for forms without ``palermo_field`` columns."""
    _discover()
    return dict(_DEFAULTS)
