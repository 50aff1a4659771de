"""Every schema of the API has a name of its own.

django-ninja names an OpenAPI component after its class; two classes with the same name in two
modules (``ProblemOut`` of the import report and of the catalogue report) silently become one
component, so the description promises one shape where the endpoint answers another — which
schemathesis then reports as a wrong answer on every operation of the loser. This test names
the collision where it starts."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import palermo.api


def _schemas() -> dict[str, set[str]]:
    for module in pkgutil.iter_modules(palermo.api.__path__):
        importlib.import_module(f"palermo.api.{module.name}")
    found: dict[str, set[str]] = defaultdict(set)
    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("palermo.api."):
            found[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    return found


def test_no_two_api_schemas_share_a_name():
    twins = {name: places for name, places in _schemas().items() if len(places) > 1}
    assert twins == {}


def test_the_finder_sees_the_api_schemas():
    assert {"CaseOut", "FieldProblems", "IndicatorSubmissionOut"} <= set(_schemas())
