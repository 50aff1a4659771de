"""The page and the server agree: what the htmx round trip shows (which questions are
asked, which problems) is exactly what engine.evaluate_form / engine.validate say."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.cases import interviews
from palermo.questionnaires import engine, services
from tests.questionnaires.forms import BRANCHING

BOX = re.compile(r'id="(q-[^"]+)-box" data-key="([^"]+)"( hidden)?')
ERROR = re.compile(r'<p class="error" id="(q-[^"]+)-error">([^<]*)</p>')

CASES = [
    {},
    {"age": "30", "recruited": "no"},
    {"age": "12", "recruited": "yes"},
    {"age": "abc", "recruited": "yes", "means": ["other"]},
    {"age": "200", "recruited": "yes", "means": ["DebtBondage", "other"],
     "means_other": "threats"},
    {"age": "20", "recruited": "no", "means": ["DebtBondage"], "children": [{}, {
        "child_name": "B"}]},
    {"age": "20", "recruited": "maybe", "recruiter": engine.DECLINED},
]


def page_view(html: str) -> tuple[dict[str, bool], dict[str, list[str]]]:
    """(key → shown, key → problems) as the page shows them."""
    ids, shown = {}, {}
    for html_id, key, hidden in BOX.findall(html):
        ids[html_id] = key
        shown[key] = not hidden
    errors: dict[str, list[str]] = {}
    for html_id, message in ERROR.findall(html):
        errors.setdefault(ids[html_id], []).append(unescape(message))
    return shown, errors


def as_fields(definition, answers) -> dict[str, list[str]]:
    from palermo.web.views.questionnaires_render import to_fields
    fields: dict[str, list[str]] = {}
    for name, value in to_fields(definition, answers):
        fields.setdefault(name, []).append(value)
    return fields


@pytest.fixture
def setup(cast, case_a):
    version = services.publish(cast.emre, services.upload(cast.emre, BRANCHING, "b.xlsx"))
    draft = interviews.start_interview(cast.amina, case_a, version, source="web")
    return version.definition, reverse("web:response_fill", args=[draft.pk])


def compare(client, definition, url, answers) -> None:
    # Raw text answers: the page posts text, the engine coerces both the same way.
    answers = {k: (v if isinstance(v, list) else str(v)) for k, v in answers.items()}
    fields = as_fields(definition, answers)
    live = client.post(url, {**fields, "_action": "check"}, HTTP_HX_REQUEST="true")
    shown, errors = page_view(live.content.decode())
    state = engine.evaluate_form(definition, answers)
    assert shown == {k: v for k, v in state.relevant.items() if k in shown}
    assert set(shown) >= {k for k in state.relevant if "." not in k}
    assert errors == engine.validate(definition, answers, partial=True)
    full = client.post(url, {**fields, "_action": "review"})
    expected = engine.validate(definition, answers)
    if expected:
        assert full.status_code == 422
        assert page_view(full.content.decode())[1] == expected
    else:
        assert b"Review your answers" in full.content


@pytest.mark.parametrize("answers", CASES)
def test_page_and_engine_agree(browser, setup, answers):
    definition, url = setup
    compare(browser("amina"), definition, url, answers)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(age=st.one_of(st.integers(-5, 130).map(str), st.sampled_from(["", "x", "1.5"])),
       recruited=st.sampled_from(["", "yes", "no", "maybe"]),
       means=st.lists(st.sampled_from(["DebtBondage", "WithholdsDocuments", "other"]),
                      unique=True),
       other=st.sampled_from(["", "threats"]),
       children=st.lists(st.sampled_from(["", "A"]), max_size=2))
def test_page_and_engine_agree_on_generated_answers(browser, setup, age, recruited, means,
                                                    other, children):
    definition, url = setup
    answers = {k: v for k, v in {"age": age, "recruited": recruited, "means": means,
                                 "means_other": other}.items() if v not in ("", [])}
    if children:
        answers["children"] = [{"child_name": c} if c else {} for c in children]
    compare(browser("amina"), definition, url, answers)
