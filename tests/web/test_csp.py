"""Content-Security-Policy: every page says scripts and styles come from Palermo's own static
files, and nothing in the templates needs more — no inline script, no event-handler
attribute, no inline style (the browser would refuse them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser import needs_chromium
from tests.conftest import signed_in

TEMPLATES = Path(__file__).resolve().parents[2] / "palermo/web/templates"
# A script element without src (code in the page); type="application/json" is data.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)  # onclick=, onload= …
SCRIPT_URL = re.compile(r"javascript:", re.I)
HX_ON = re.compile(r"\bhx-on", re.I)  # htmx event handlers are inline scripts too
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
# The statistics report saved as a file (``palermo report --format html``) has no server to
# fetch style sheets from and no policy: its styles are written into it.
STANDALONE_STYLE = "{% if standalone %}<style>{{ inline_css }}</style>"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (d.split() for d in header.split(";"))}


@pytest.mark.parametrize("name, url", [
    (None, "/account/login/"), ("amina", "/"), ("amina", "/cases/"),
    ("fatima", "/reports/ctm_full_sample/"), (None, "/api/docs"), (None, "/api/health"),
    ("dana", "/cases/"),  # a refusal page too
])
def test_every_answer_carries_the_policy(cast, settings, name, url):
    settings.PALERMO_REQUIRE_2FA = False
    client = signed_in(cast.membership(name)) if name else Client()
    policy = _policy(client.get(url))
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_no_template_has_inline_script_handler_or_style():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(TEMPLATES)
        for name, pattern in [("inline script", INLINE_SCRIPT), ("event handler", HANDLER),
                              ("javascript: URL", SCRIPT_URL), ("hx-on", HX_ON),
                              ("inline style", STYLE)]:
            for match in pattern.finditer(text.replace(STANDALONE_STYLE, "")):
                line = text[:match.start()].count("\n") + 1
                found.append(f"{where}:{line}: {name}")
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    for bad in ['<script>alert(1)</script>', '<button onclick="go()">', '<a href="javascript:x">',
                '<div hx-on:click="x">', '<p style="color: red">', "<style>p{}</style>"]:
        assert any(p.search(bad) for p in (INLINE_SCRIPT, HANDLER, SCRIPT_URL, HX_ON, STYLE))
    for good in ['<script src="/static/x.js" defer></script>',
                 '<script type="application/json" id="data">{}</script>']:
        assert not any(p.search(good) for p in (INLINE_SCRIPT, HANDLER, SCRIPT_URL, STYLE))


@needs_chromium
def test_pages_run_in_a_browser_without_a_refusal(cast, case_a, page, live_server, settings,
                                                  csp_violations):
    """Chromium enforces the policy: the sign-in page, a case, the person, the case list and
    the API's documentation page load without anything refused."""
    settings.PALERMO_REQUIRE_2FA = False
    page.goto(live_server.url + reverse("web:login"))
    page.wait_for_selector("form")
    session = signed_in(cast.amina).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session,
                               "url": live_server.url}])
    for url in [reverse("web:case_list"), reverse("web:case_detail", args=[case_a.pk]),
                reverse("web:person_detail", args=[case_a.person_id])]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)  # drawn from openapi.json
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")  # no request in flight when the live server stops
    assert csp_violations == []
