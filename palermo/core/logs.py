"""Logging that keeps personal data out of log files."""

from __future__ import annotations

import logging


class RedactValidationErrors(logging.Filter):
    """pydantic's ValidationError repeats the rejected input in its message — for the API that
    can be a name or a birth date. Log where and why validation failed, never the value."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        errors = getattr(exc, "errors", None)
        if exc is not None and type(exc).__name__ == "ValidationError" and callable(errors):
            try:
                problems = errors(include_input=False, include_context=False,
                                  include_url=False)
            except TypeError:  # not a pydantic error after all
                return True
            summary = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: "
                                f"{e.get('type', '?')}" for e in problems)
            record.msg = f"{record.getMessage()} [validation failed: {summary}]"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
