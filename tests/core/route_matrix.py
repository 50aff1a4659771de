"""The pages and API operations that touch a case or a person, read from the URL
configuration and the OpenAPI schema and classified by what their URLs address — for
test_shared_case_matrix.py. A new page under ``cases/<pk>/`` or operation with ``{case_id}``
is classified without anyone adding it; one that addresses nothing known must be a listing
or be named in :data:`NOT_ABOUT_CASES` with the reason it touches no case or person."""

from __future__ import annotations

import dataclasses
import pkgutil
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

import palermo.api
from palermo.api.api import api
from tests.core.shared_world import RECEIVER, SENDER, World

API_MODULES = sorted((m.name for m in pkgutil.iter_modules(palermo.api.__path__)), key=len,
                     reverse=True)
# What a page addresses, by the start of its route; its parameters name the records.
WEB_TARGETS = [
    (r"^cases/persons/<int:pk>/", "person"),
    (r"^cases/<int:pk>/", "case"),
    (r"^returns/<int:rid>/", "return"),
    (r"^screenings/<int:sid>/", "screening"),
    (r"^referrals/<int:rid>/", "referral"),
    (r"^forms/responses/<int:pk>/", "submission"),
]
# (target, route parameter) -> the record of the target's case it names.
WEB_PARAMS = {
    ("person", "pk"): "person", ("case", "pk"): "case", ("case", "sid"): "service",
    ("case", "fid"): "follow_up", ("return", "rid"): "return", ("return", "aid"): "action",
    ("return", "did"): "disbursement", ("screening", "sid"): "screening",
    ("referral", "rid"): "referral", ("submission", "pk"): "submission",
}
WEB_LITERALS = {"verdict": "approve"}
# Query strings a page needs to show anything (the question of a response to correct).
WEB_QUERY = {"response_change": "?q=story"}
# API path parameter -> the record it names; the first one names the target.
API_PARAMS = {
    "case_id": "case", "person_id": "person", "return_id": "return",
    "disbursement_id": "disbursement", "follow_up_id": "follow_up",
    "screening_id": "screening", "referral_id": "referral", "pk": "submission",
}
API_LITERALS = {"name": "story"}  # the interview form of shared_world

PERSON_DETAILS = {"given_name": "Adaeze", "family_name": "Okafor", "birth_date": "2001-05-17"}
PASSPHRASE = "seven long words for the export test"
# Pages without an id that list or search the member's cases and persons: (method, data).
WEB_LISTINGS = {
    "home": [("get", {})],
    "case_list": [("get", {})],
    "person_list": [("get", {}), ("post", {"q": "Adaeze Okafor"})],
    "person_create": [("get", {}), ("post", PERSON_DETAILS)],
    "person_check": [("post", PERSON_DETAILS)],
    "referral_list": [("get", {})],
    "response_list": [("get", {})],
    "exchange_export": [("get", {}), ("post", {"what": "htcds", "htcds-format": "csv",
                                               "htcds-passphrase": PASSPHRASE})],
}
# Pages that name their record in the query string: route -> (target, parameter).
WEB_QUERY_TARGETS = {"case_create": ("person", "person")}
# Operations without an id that list or search: operationId suffix -> body.
API_LISTINGS = {
    "list_persons": None, "search_persons": {"q": "Adaeze Okafor"},
    "register_person": PERSON_DETAILS, "find_duplicates": PERSON_DETAILS,
    "list_cases": None, "overdue": None, "incoming": None, "pending": None,
    "list_submissions": None,
}
# Operations that name their record in the body: operationId suffix -> (target, field).
API_BODY_TARGETS = {"open_case": ("person", "person_id")}

NOT_ABOUT_CASES = {
    # Signing in and the member's own account.
    "login": "signing in", "logout": "signing out", "two_factor": "the member's second factor",
    "switch_organisation": "chooses the acting membership",
    "tokens": "the member's API tokens", "revoke_token": "one of the member's API tokens",
    "set_language": "the interface language",
    "password_change": "the member's own password",
    "password_reset_confirm": "setting one's password from a reset link",
    "password_reset_complete": "says the reset is done",
    # Background jobs: imports and releases of the member's organisation (tests/core/test_jobs.py
    # asks who follows and cancels a job; a job's result is an import report or a release).
    "job_list": "the member's background jobs", "job_detail": "one background job",
    "job_cancel": "cancels a background job", "job_result": "a background job's result file",
    "palermo_api_jobs_job_detail": "one background job",
    "palermo_api_jobs_job_cancel": "cancels a background job",
    "palermo_api_jobs_job_result": "a background job's result file",
    # Access grants: memberships (who works where), never a case or person.
    "grant_confirm": "confirms a membership grant", "grant_refuse": "refuses a membership grant",
    "palermo_api_api_health": "liveness, no data", "palermo_api_api_me": "who the token is",
    # Questionnaires as instruments, and responses that are not about a case.
    "form_list": "published forms", "form_manage": "form uploads",
    "form_version": "a form version", "form_preview": "a form version",
    "form_publish": "a form version", "form_retire": "a form version",
    "form_download": "a form file", "response_start": "starts a response to a form (an "
    "interview is started from the case, cases/<pk>/interviews/)",
    "form_respond": "a response to a form, not about a case",
    "palermo_api_questionnaires_list_forms": "published forms",
    "palermo_api_questionnaires_get_form": "a form definition",
    "palermo_api_questionnaires_submit": "a new response to a form, not about a case",
    # Aggregates: survey results and statistics are computed from de-identified data only.
    "survey_results": "aggregate survey results", "survey_results_detail": "aggregates",
    "survey_results_xlsx": "aggregates", "survey_invitations": "survey invitations",
    "invitation_answer": "an anonymous survey invitation",
    "invitation_respond": "an anonymous survey invitation",
    "analytics_index": "CaseFact statistics", "analytics_report": "CaseFact statistics",
    "analytics_table": "CaseFact statistics", "analytics_table_report": "CaseFact statistics",
    "analytics_export": "CaseFact statistics",
    "palermo_api_analytics_list_tables": "CaseFact statistics",
    "palermo_api_analytics_get_table": "CaseFact statistics",
    "exchange_ctdc_dictionary": "documentation of the CTDC variables",
    "exchange_indicators": "aggregate core indicators",
    "palermo_api_exchange_submit_indicators": "aggregate core indicators",
    "palermo_api_exchange_published_indicators": "aggregate core indicators",
    # Imports write the member's own organisation's new records; their duplicate check is
    # the registration's (persons the member sees), covered by person_create / person_check.
    "exchange_import": "imports new records of the member's organisation",
    "exchange_import_confirm": "an import batch of the member's organisation",
    "exchange_template": "the empty import template",
    "palermo_api_exchange_import_file": "imports new records of the member's organisation",
}

# -- the routes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # URL name or operationId
    channel: str  # "web" or "api"
    template: str  # the route or the OpenAPI path
    method: str = "get"
    target: str | None = None  # what the URL addresses; None for a listing
    params: tuple[str, ...] = ()
    body: dict | None = None
    multipart: bool = False


def walk(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern), pattern.name


# Whole modules that hold no case or person: their pages (by route) and API operations (by
# path) need no name each. The import contracts (pyproject.toml) keep these modules from ever
# importing the case models, so no page of theirs can show a person.
NO_PERSON_MODULES = {
    "programmes/": "programmes: projects, money, partners — never a person",
    "/api/programmes/": "programmes: projects, money, partners — never a person",
    "learning/": "learning: publications and lessons — never a person",
    "/api/learning/": "learning: publications and lessons — never a person",
}


def _no_person_module(route: str) -> bool:
    return route.startswith(tuple(NO_PERSON_MODULES))


def web_routes() -> tuple[list[Route], list[str]]:
    """The web pages, classified; and the names of those not classified."""
    routes, unclassified = [], []
    for route, name in walk(get_resolver()):
        if route.startswith(("admin/", "api/")):
            continue  # the administration site and the API: see the classification test
        if name in NOT_ABOUT_CASES or _no_person_module(route):
            continue
        params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
        target = next((t for rx, t in WEB_TARGETS if re.match(rx, route)), None)
        if name in WEB_LISTINGS:
            routes += [Route(name, "web", route, method, None, params, data)
                       for method, data in WEB_LISTINGS[name]]
        elif name in WEB_QUERY_TARGETS:
            routes.append(Route(name, "web", route, "get", WEB_QUERY_TARGETS[name][0]))
        elif target and all((target, p) in WEB_PARAMS or p in WEB_LITERALS for p in params):
            routes += [Route(name, "web", route, method, target, params, {})
                       for method in ("get", "post")]
        else:
            unclassified.append(f"{name} ({route})")
    return routes, unclassified


# Body fields whose schema alone gives no value the endpoint can use.
EXAMPLE_VALUES = {"country_id": "NGA", "currency": "EUR"}


def _example(schema: dict, components: dict, name: str = ""):
    """The simplest value the schema accepts (required properties only), so that what
    answers is the endpoint and not the body's validation."""
    if name in EXAMPLE_VALUES:
        return EXAMPLE_VALUES[name]
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"]
            return _example(options[0], components)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {key: _example(schema["properties"][key], components, key)
                for key in schema.get("required", [])}
    if kind == "string":
        text = {"date": "2026-03-05", "date-time": "2026-03-05T10:00:00Z"}.get(
            schema.get("format"), "example")
        return text.ljust(schema.get("minLength", 0), "x")
    return {"integer": 1, "number": 1.0, "boolean": False, "array": []}.get(kind, "x")


def api_routes() -> tuple[list[Route], list[str]]:
    """The API operations, classified; and the operationIds of those not classified."""
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    routes, unclassified = [], []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            key = operation["operationId"]
            name = short(key)
            if key in NOT_ABOUT_CASES or _no_person_module(path):
                continue
            params = tuple(re.findall(r"{(\w+)}", path))
            content = operation.get("requestBody", {}).get("content", {})
            multipart = "multipart/form-data" in content
            body = None
            if "application/json" in content:
                body = _example(content["application/json"]["schema"], components)
            ids = [p for p in params if p in API_PARAMS]
            if all(p in API_PARAMS or p in API_LITERALS for p in params) and ids:
                routes.append(Route(key, "api", path, method, API_PARAMS[ids[0]], params,
                                    body, multipart))
            elif name in API_LISTINGS and all(p in API_LITERALS for p in params):
                given = API_LISTINGS[name]
                routes.append(Route(key, "api", path, method, None, params,
                                    given if given is not None else body))
            elif name in API_BODY_TARGETS and not params:
                routes.append(Route(key, "api", path, method, API_BODY_TARGETS[name][0],
                                    params, body))
            else:
                unclassified.append(f"{key} ({method.upper()} {path})")
    return routes, unclassified


def short(operation_id: str) -> str:
    """``palermo_api_cases_list_cases`` -> ``list_cases`` (the function's name): the operation
    id is the API module's path and the function's name; every module of palermo.api is
    tried, longest name first."""
    for module in API_MODULES:
        if f"api_{module}_" in operation_id:
            return operation_id.split(f"api_{module}_", 1)[1]
    return operation_id


def records_of(world: World, target: str) -> list[tuple[str, dict]]:
    """(owner, records) for each case of the world the target can be addressed on."""
    found = []
    for owner, tag in (("sender", SENDER), ("receiver", RECEIVER)):
        records = world.records.get(tag)
        if records is None:
            continue
        if target in ("person", "referral") and owner == "receiver":
            continue  # one person, one referral: NGO A's
        found.append((owner, {**records, "person": world.person, "referral": world.referral}))
    return found


# Body fields that name a record, filled from the world (ids differ between databases).
BODY_RECORDS = {
    "duplicate_id": lambda world: world.person.pk,  # into itself: refused by the domain
    "to_organisation_id": lambda world: world.members["amina_mission"].organisation_id,
}


def urls(world: World, route: Route):
    """(owner, url, body) of every instance of *route* in *world*."""
    if isinstance(route.body, dict) and BODY_RECORDS.keys() & route.body.keys():
        route = dataclasses.replace(route, body={
            **route.body, **{name: fill(world) for name, fill in BODY_RECORDS.items()
                             if name in route.body}})
    if route.target is None:
        path = route.template
        for name, value in {**WEB_LITERALS, **API_LITERALS}.items():
            path = path.replace(f"{{{name}}}", value)
        yield None, path, route.body
        return
    for owner, records in records_of(world, route.target):
        if route.channel == "web" and route.key in WEB_QUERY_TARGETS:
            record = records[WEB_QUERY_TARGETS[route.key][1]]
            yield owner, f"{route.template}?person={record.pk}", None
            continue
        if route.channel == "api" and short(route.key) in API_BODY_TARGETS:
            target, name = API_BODY_TARGETS[short(route.key)]
            yield owner, route.template, {**route.body, name: records[target].pk}
            continue
        path = route.template
        for param in route.params:
            if route.channel == "web":
                value = WEB_LITERALS.get(param) or records[WEB_PARAMS[(route.target, param)]].pk
                path = re.sub(rf"<(?:\w+:)?{param}>", str(value), path)
            else:
                value = API_LITERALS.get(param) or records[API_PARAMS[param]].pk
                path = path.replace(f"{{{param}}}", str(value))
        yield owner, path + WEB_QUERY.get(route.key, ""), route.body
