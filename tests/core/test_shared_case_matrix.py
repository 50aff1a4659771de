"""What a referred case shows, over every page and API operation that touches a case or a
person × every state of the referral × every persona (issue 13 §1, docs/access.md).

The pages come from the URL configuration and the operations from the OpenAPI schema, so a new
page or endpoint is in the matrix without anyone adding it. Each one is classified by what
its URL addresses: a path under ``cases/<pk>/`` or with ``{case_id}`` addresses a case, and so
on (``WEB_TARGETS``, ``API_PARAMS`` in tests/core/route_matrix.py). One that addresses none
must be a listing of the member's records (``WEB_LISTINGS``, ``API_LISTINGS``) or be named in
``NOT_ABOUT_CASES`` with the reason it touches no case or person — otherwise
:func:`test_every_page_and_operation_is_classified` fails.

Every answer (any status, any body) is searched for the secrets of each organisation's case
records (tests/core/shared_world.py) and for the person's identity:

* the receiver never gets a record hanging off the sender's case (notes, events, consents,
  services, follow-ups, screenings, interviews, return and ledger, receipts, case history);
  the sender never gets the receiver's; a third organisation gets neither;
* the receiver sees the identity exactly while a sharing consent or its own consent is in
  force, and wherever it sees the person's reference without it, a notice says why;
* the owner keeps its access; another organisation gets 404; roles that never see
  identities get 403; an organisation the record is shared with may read but never changes
  anything (the database is compared before and after).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import get_resolver

from palermo.api.api import api
from palermo.core.access import sees_identities
from palermo.core.models import ApiToken
from palermo.exchange.sealed import unseal
from palermo.web.admin_site import admin_site
from tests.conftest import signed_in
from tests.core.route_matrix import (
    NOT_ABOUT_CASES,
    PASSPHRASE,
    WEB_LISTINGS,
    WEB_QUERY_TARGETS,
    Route,
    api_routes,
    short,
    urls,
    walk,
    web_routes,
)
from tests.core.shared_world import (
    CONTINUATION_STATES,
    IDENTITY,
    IDENTITY_STATES,
    LIST_NOTICE,
    NOTICE,
    RECEIVER,
    SENDER,
    SHARED_CASE_STATES,
    STATES,
    World,
    build,
    secrets,
)

SENDER_ORG, RECEIVER_ORG = "ngo_a", "ngo_b"
PERSONAS = {  # persona -> the organisation it acts for
    "amina": SENDER_ORG, "fatima": SENDER_ORG, "boris": RECEIVER_ORG, "bianca": RECEIVER_ORG,
    "amina_mission": "mission", "emre": SENDER_ORG, "chen": "hq", "dana": "donor",
    "root": "hq",
}
# Pages and operations that need a role beyond seeing the record (a supervisor's approval,
# the identified export): the owner's caseworker is refused with 403 there.
APPROVAL = {"person_erase", "screening_review", "palermo_api_api_erase_person",
            "palermo_api_screening_approve", "palermo_api_screening_return_for_review",
            "exchange_export"}
OK = {200, 201, 302, 409, 422}
# Opening the member's own case for a person shared with it: allowed while it sees them.
OPENS_OWN_CASE = {"case_create", "palermo_api_cases_open_case"}
# Listings other roles open too (their own responses, the de-identified exports); what they
# show is checked like every answer.
OPEN_LISTINGS = {"home", "response_list", "list_submissions", "exchange_export"}


def test_every_page_and_operation_is_classified():
    """A new page or endpoint is covered by the matrix or named as touching no case."""
    web, web_left = web_routes()
    ops, api_left = api_routes()
    assert not web_left, f"Pages neither in the matrix nor in NOT_ABOUT_CASES: {web_left}"
    assert not api_left, f"Operations neither in the matrix nor in NOT_ABOUT_CASES: {api_left}"
    # Every name given a reason still exists (a renamed page must be classified again).
    names = {name for _route, name in walk(get_resolver())}
    schema = api.get_openapi_schema()
    names |= {op["operationId"] for ops_ in schema["paths"].values() for op in ops_.values()}
    assert set(NOT_ABOUT_CASES) <= names, set(NOT_ABOUT_CASES) - names
    assert {r.key for r in web} >= set(WEB_LISTINGS) | set(WEB_QUERY_TARGETS)
    # Every page under api/ is an operation of the schema (or the schema and its docs).
    operations = {short(op["operationId"]) for ops_ in schema["paths"].values()
                  for op in ops_.values()}
    under_api = {name for route, name in walk(get_resolver()) if route.startswith("api/")}
    assert under_api <= operations | {"openapi-json", "openapi-view", "api-root"}
    # The administration site registers no record about a person.
    assert not [m for m in admin_site._registry if getattr(m, "access_kind", "") == "identity"]


def test_no_record_hanging_off_a_case_is_ever_shared():
    """Only the case, its person and its referral declare sharing (core/access.py): what
    hangs off a case stays with the case's organisation."""
    shared = {m._meta.label for m in apps.get_models() if hasattr(m, "access_shared")
              and getattr(m, "access_kind", "") == "identity"}
    assert shared == {"cases.Case", "cases.Person", "cases.Referral"}


# -- asking ------------------------------------------------------------------------------


class _Undo(Exception):
    """Raised to roll back whatever a request wrote."""


def _fingerprint() -> tuple[int, ...]:
    """Row counts of every table of the case records and their history."""
    models = [m for m in apps.get_app_config("cases").get_models()]
    models += [apps.get_model("questionnaires", "Submission"),
               apps.get_model("questionnaires", "AnswerChange")]
    return tuple(m._base_manager.count() for m in models)


@dataclass
class Answer:
    persona: str
    route: Route
    url: str
    owner: str | None  # "sender" or "receiver": whose record the URL addresses
    status: int
    body: str
    changed: bool | None = None
    json: object = field(default=None)
    sent: str = ""


def _body(response, route: Route) -> str:
    raw = (b"".join(response.streaming_content) if response.streaming
           else response.content)
    if route.key == "exchange_export" and route.method == "post" and response.status_code == 200:
        raw = unseal(raw, PASSPHRASE)[1]
    return raw.decode("utf-8", "replace")


def _request(client: Client, route: Route, url: str, body, headers: dict):
    if route.channel == "web":
        return getattr(client, route.method)(url, body or {})
    if route.multipart:
        upload = SimpleUploadedFile("r.txt", b"receipt", content_type="text/plain")
        return client.post(url, {"file": upload}, **headers)
    if body is None and route.method == "get":
        return client.get(url, **headers)
    return client.generic(route.method.upper(), url, json.dumps(body or {}),
                          content_type="application/json", **headers)


def ask(world: World, personas: list[str]) -> list[Answer]:
    """Every route × instance × persona, each request rolled back."""
    web, _ = web_routes()
    ops, _ = api_routes()
    answers = []
    for persona in personas:
        member = world.members[persona]
        browser = signed_in(member)
        _token, raw = ApiToken.issue(member, "matrix")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        for route in web + ops:
            if (route.channel == "web" and route.method == "post" and route.target
                    and not sees_identities(member)):
                continue  # refused by role before any rule on records: GET says it
            for owner, url, body in urls(world, route):
                path = "/" + url if route.channel == "web" else url  # the schema's paths
                watch = (route.method != "get"
                         and reach(world, persona, route, owner) in ("viewer", "party"))
                before = _fingerprint() if watch else None
                try:
                    with transaction.atomic():
                        response = _request(browser, route, path, body, headers)
                        text = _body(response, route)
                        changed = _fingerprint() != before if watch else None
                        raise _Undo
                except _Undo:
                    pass
                parsed = None
                if route.channel == "api" and response.get("Content-Type", "").startswith(
                        "application/json"):
                    parsed = json.loads(text)
                answers.append(Answer(persona, route, path, owner, response.status_code,
                                      text, changed, parsed, sent=json.dumps(body or {})))
    return answers


# -- the expectations --------------------------------------------------------------------


def reach(world: World, persona: str, route: Route, owner: str | None) -> str:
    """What *persona* may do with the record a URL of *route* addresses (*owner*: whose it
    is): "none" (a role that never sees identities: 403), "owner", "viewer" (shared with
    it: read only), "party" (the receiver of the referral, which decides on it) or "hidden"
    (404, as if it did not exist)."""
    if not sees_identities(world.members[persona]):
        return "none"
    org = PERSONAS[persona]
    if owner is None:
        return "listing"
    if org == (SENDER_ORG if owner == "sender" else RECEIVER_ORG):
        return "owner"
    if org != RECEIVER_ORG or owner != "sender":
        return "hidden"
    if route.target == "referral":
        return "party"
    if route.target == "case" and world.state in SHARED_CASE_STATES:
        return "viewer"
    if route.target == "person" and world.state in IDENTITY_STATES:
        return "viewer"
    return "hidden"


def problems(world: World, answer: Answer) -> list[str]:
    """What is wrong with one answer."""
    found = []
    persona, route, status, body = answer.persona, answer.route, answer.status, answer.body
    org = PERSONAS[persona]
    member = world.members[persona]
    if status >= 500:
        found.append(f"{status}")
    if status == 405:
        return found  # the method is not served at all
    # Secrets: each organisation's case records, to that organisation only.
    for tag, owner_org in ((SENDER, SENDER_ORG), (RECEIVER, RECEIVER_ORG)):
        if org != owner_org or not sees_identities(member):
            leaked = [s for s in secrets(tag) if s in body]
            if leaked:
                found.append(f"leaks {leaked}")
    # The identity: to the sender, and to the receiver exactly in IDENTITY_STATES (what the
    # member typed in, searching, comes back to them and does not count).
    may_see = sees_identities(member) and (
        org == SENDER_ORG or (org == RECEIVER_ORG and world.state in IDENTITY_STATES))
    reference = world.person.reference
    shown = [s for s in (*IDENTITY, reference) if s in body and s not in answer.sent]
    if org == RECEIVER_ORG and (NOTICE in body or LIST_NOTICE in body):
        shown = [s for s in shown if s != reference]  # the reference, with the notice
    if shown and not may_see:
        found.append(f"shows {shown}")
    if isinstance(answer.json, dict) and "identity_shown" in answer.json:
        expected = org == SENDER_ORG or world.state in IDENTITY_STATES
        if answer.json["identity_shown"] is not expected or (
                bool(answer.json["identity_notice"]) is expected):
            found.append(f"identity_shown {answer.json['identity_shown']}")
    # Statuses.
    expected = reach(world, persona, route, answer.owner)
    if route.target is None:
        if (expected == "none" and short(route.key) not in OPEN_LISTINGS
                and status != 403):
            found.append(f"{status} for a role without identities")
    elif expected == "none" and status != 403:
        found.append(f"{status}, not 403")
    elif expected == "hidden" and status != 404:
        found.append(f"{status}, not 404")
    elif expected == "owner" and status not in OK and not (
            status == 403 and (route.target == "referral" or (
                route.key in APPROVAL and member.role != "supervisor"))):
        found.append(f"{status} for the owner")
    elif expected == "viewer" and route.key not in OPENS_OWN_CASE and (
            status not in (200, 403) or answer.changed):
        found.append(f"{status}{' and a change' if answer.changed else ''} for a viewer")
    return found


ALL = list(PERSONAS)


@pytest.fixture
def quiet_refusals():
    """Thousands of expected 403s and 404s: not each written to the log."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize("state", STATES)
def test_what_a_referred_case_shows(cast, person_a, case_a, settings, quiet_refusals, state):
    settings.PALERMO_REQUIRE_2FA = False
    world = build(cast, person_a, case_a, state)
    answers = ask(world, ALL)
    wrong = [f"{a.persona} {a.route.method.upper()} {a.url}: {'; '.join(p)}"
             for a in answers if (p := problems(world, a))]
    assert not wrong, f"{len(wrong)} wrong answers in state {state}:\n" + "\n".join(wrong)
    # The matrix saw what it is about: the sender reads its secrets back, and the receiver
    # its own, the identity and the notice where the rule says.
    seen = {a.persona: a.body for a in answers if a.route.key == "case_list"}
    sender_all = "".join(a.body for a in answers if a.persona == "amina")
    assert all(s in sender_all for s in secrets(SENDER))
    receiver = "".join(a.body for a in answers if a.persona in ("boris", "bianca")
                       and "Adaeze" not in a.sent)
    assert ("Adaeze" in receiver) is (state in IDENTITY_STATES)
    if state in CONTINUATION_STATES:
        assert all(s in receiver for s in secrets(RECEIVER))
        assert (LIST_NOTICE in seen["boris"]) is (state not in IDENTITY_STATES)
