"""The programmes app reads cases only through ``palermo.cases.facts`` (ARCHITECTURE.md): it
never imports ``palermo.cases.models`` (nor any other module of the case app)."""

from __future__ import annotations

import ast
from pathlib import Path

import palermo.programmes

ROOT = Path(palermo.programmes.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_programmes_never_imports_the_case_models():
    offending = {str(p.relative_to(ROOT)): sorted(
        n for n in _imports(p) if n.startswith("palermo.cases")
        and not n.startswith("palermo.cases.facts"))
        for p in ROOT.rglob("*.py")}
    assert {k: v for k, v in offending.items() if v} == {}


def test_programmes_imports_no_layer_above_it():
    above = ("palermo.exchange", "palermo.analytics", "palermo.api", "palermo.web")
    offending = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p)
                                                  if n.startswith(above))
                 for p in ROOT.rglob("*.py")}
    assert {k: v for k, v in offending.items() if v} == {}
