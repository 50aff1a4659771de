"""Palermo's benchmark harness: ``palermo bench`` and the baselines it measures against.

It lives beside the ``palermo`` package, not inside it: the product does not ship its test
bench, and DuckDB (one of the baselines) is not a dependency of the product. Install it with
the ``bench`` extra::

    pip install -e '.[bench]'

``palermo bench`` (Palermo's ``bench`` management command) then runs
:class:`palermo_bench.command.Command`. The harness may import anything in ``palermo``;
nothing in ``palermo`` imports it except that command (an import-linter contract in
``pyproject.toml``). See docs/benchmarks.md.
"""
