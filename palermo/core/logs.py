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


class OneLineRefusals(logging.Filter):
    """A refused request (4xx: 403 permission denied, 404, a suspicious 400) is one line —
    method, status and path — without the traceback Django attaches to it. A probe of every
    URL with every role wrote hundreds of tracebacks that buried real errors. Server errors
    (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
