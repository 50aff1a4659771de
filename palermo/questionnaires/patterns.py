"""The patterns of XLSForm's ``regex()``, compiled with RE2: matching takes time linear in
the answer's length whatever the pattern, so an uploaded form cannot stall the server with
catastrophic backtracking (``regex(., '^(a+)+$')`` on a long answer). A pattern RE2 cannot
compile (look-around, back-references) is refused when the form is loaded."""

from __future__ import annotations

import functools

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # refused patterns are reported to the form's author, not logged
_OPTIONS.max_mem = 8 << 20  # bytes per compiled pattern; beyond it the pattern is refused


class PatternError(ValueError):
    """The pattern is not one RE2 compiles; the message says why."""


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str):
    """The compiled pattern (kept: forms repeat theirs on every answer), or
    :class:`PatternError`."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(f"{reason} (patterns follow RE2: no look-around or "
                           "back-references)") from None


def search(pattern: str, text: str) -> bool:
    """True if *pattern* is found in *text*; a pattern RE2 refuses matches nothing."""
    try:
        return compile_pattern(pattern).search(text) is not None
    except PatternError:
        return False
