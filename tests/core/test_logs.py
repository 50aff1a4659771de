"""Validation errors reach the log without the values that failed."""

from __future__ import annotations

import logging

import pydantic

from palermo.core.logs import RedactValidationErrors


class Birth(pydantic.BaseModel):
    birth_date: int


def test_validation_error_is_logged_without_its_input(caplog):
    logger = logging.getLogger("test.redact")
    logger.addFilter(RedactValidationErrors())
    try:
        Birth(birth_date="Adaeze Okafor 2001-05-17")
    except pydantic.ValidationError:
        logger.exception("Internal Server Error: /api/persons/1")
    text = caplog.text
    assert "Internal Server Error: /api/persons/1" in text
    assert "birth_date: int_parsing" in text
    assert "Adaeze" not in text and "2001-05-17" not in text


def test_other_errors_keep_their_traceback(caplog):
    logger = logging.getLogger("test.redact.other")
    logger.addFilter(RedactValidationErrors())
    try:
        raise KeyError("field")
    except KeyError:
        logger.exception("boom")
    assert "KeyError" in caplog.text


def test_settings_attach_the_filter_to_the_console():
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["redact"]
