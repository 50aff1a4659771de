"""Validation errors reach the log without the values that failed."""

from __future__ import annotations

import logging

import pydantic
import pytest

from palermo.core.logs import OneLineRefusals, RedactValidationErrors


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

    assert "redact" in settings.LOGGING["handlers"]["console"]["filters"]


@pytest.mark.parametrize("name, url", [("dana", "/cases/"), ("chen", "/cases/new/")])
def test_a_refused_page_is_logged_on_one_line(browser, caplog, name, url):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = browser(name).get(url)
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == [f"Forbidden (Permission denied): {url}"]
    assert records[0].exc_info is None and "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(caplog):
    logger = logging.getLogger("test.one_line")
    logger.addFilter(OneLineRefusals())
    try:
        raise KeyError("field")
    except KeyError:
        logger.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in caplog.text and "KeyError" in caplog.text
