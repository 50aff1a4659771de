"""The learning API, persona by persona: every token reads the library and the lessons;
M&E officers (and, for the library, administrators) write; a token-less call is refused."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from palermo.learning import lessons
from palermo.learning.models import Lesson, Publication

READERS = ["amina", "fatima", "boris", "emre", "chen", "dana", "root"]
LIBRARY_WRITERS = {"emre", "root"}
LESSON_WRITERS = {"emre"}
ENDPOINTS = ["/api/learning/publications", "/api/learning/publications/{pub}",
             "/api/learning/publications/export?format=bibtex", "/api/learning/lessons",
             "/api/learning/lessons/{lesson}", "/api/learning/lessons/digest.xlsx"]


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def lesson_a(cast):
    return lessons.save_lesson(cast.emre, {"title": "Pilot the questionnaire first",
                                           "polarity": "negative", "themes": ["research"],
                                           "evidence": "Field test, 2024."})


@pytest.mark.parametrize("name", READERS)
def test_every_token_reads(api_client, seeded, lesson_a, name):
    client = api_client(name)
    pub = seeded["Toolkit to Combat Trafficking in Persons"]
    for url in ENDPOINTS:
        assert client.get(url.format(pub=pub.pk, lesson=lesson_a.pk)).status_code == 200, url
    assert client.get("/api/learning/publications/999999").status_code == 404
    assert client.get("/api/learning/lessons/999999").status_code == 404


@pytest.mark.parametrize("url", ENDPOINTS)
def test_without_a_token_nothing(seeded, lesson_a, url):
    pub = next(iter(seeded.values()))
    assert Client().get(url.format(pub=pub.pk, lesson=lesson_a.pk)).status_code == 401


def test_search_answers_ranked_highlighted_hits_and_facets(api_client, seeded):
    body = api_client("dana").get("/api/learning/publications",
                                  {"q": "trafficking", "region": "East Africa"}).json()
    assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
    (hit,) = body["results"]
    assert hit["publication"]["title"].startswith("Desk Review")
    assert hit["publication"]["regions"] == ["East Africa", "Horn Of Africa"]
    assert "<mark>Trafficking</mark>" in hit["title_html"]
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in body["facets"]}
    assert facets["region"] == {"East Africa": 1, "Horn Of Africa": 1}
    assert facets["year"] == {"2012": 1}
    plain = api_client("dana").get("/api/learning/publications",
                                   {"year": 2019, "facets": "false"}).json()
    assert plain["count"] == 3 and plain["facets"] == []


@pytest.mark.parametrize("name", READERS)
def test_who_catalogues_and_corrects_through_the_api(api_client, cast, seeded, name):
    client = api_client(name)
    created = post(client, "/api/learning/publications", {
        "title": "Caring for trafficked persons", "year": 2009, "countries": ["Worldwide"]})
    pub = seeded["Toolkit to Combat Trafficking in Persons"]
    changed = patch(client, f"/api/learning/publications/{pub.pk}", {"year": 2009})
    if name in LIBRARY_WRITERS:
        assert created.status_code == 201 and created.json()["countries"] == ["Worldwide"]
        assert changed.status_code == 200 and changed.json()["year"] == 2009
        assert changed.json()["title"] == pub.title  # fields not sent are kept
    else:
        assert (created.status_code, changed.status_code) == (403, 403)
        assert Publication.objects.get(pk=pub.pk).year == 2008
        assert not Publication.objects.filter(title__startswith="Caring").exists()


def test_a_refused_field_is_named(api_client):
    response = post(api_client("emre"), "/api/learning/publications",
                    {"title": "", "link": "ftp://x"})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"title", "link"}


def test_an_m_and_e_officer_may_not_correct_another_organisations_entry(
        api_client, ngo_b_entry):
    response = patch(api_client("emre"), f"/api/learning/publications/{ngo_b_entry.pk}",
                     {"year": 2000})
    assert response.status_code == 403


@pytest.mark.parametrize("name", READERS)
def test_who_imports_a_catalogue_through_the_api(api_client, name):
    upload = SimpleUploadedFile("refs.ris", b"TY  - RPRT\nTI  - Imported\nPY  - 2018\nER  - \n")
    response = api_client(name).post("/api/learning/publications/import", {"file": upload})
    allowed = name in LIBRARY_WRITERS
    assert response.status_code == (200 if allowed else 403)
    assert Publication.objects.filter(title="Imported").exists() is allowed
    if allowed:
        assert response.json()["imported"] == 1


def test_a_bad_catalogue_answers_422_with_each_problem(api_client):
    upload = SimpleUploadedFile("refs.ris", b"TY  - RPRT\nPY  - 2018\nER  - \n")
    response = api_client("emre").post("/api/learning/publications/import", {"file": upload})
    assert response.status_code == 422
    assert response.json()["problems"] == [{"where": "record 1", "field": "title",
                                            "reason": "A publication needs a title.",
                                            "severity": "error"}]
    assert not Publication.objects.exists()


def test_export_formats(api_client, seeded):
    client = api_client("chen")
    ris = client.get("/api/learning/publications/export", {"format": "ris", "q": "IGAD"})
    assert ris.status_code == 200 and ris.content.decode().count("TY  -") == 1
    assert client.get("/api/learning/publications/export",
                      {"format": "pdf"}).status_code == 422


@pytest.mark.parametrize("name", READERS)
def test_who_records_and_corrects_lessons_through_the_api(api_client, lesson_a, name):
    client = api_client(name)
    created = post(client, "/api/learning/lessons", {
        "title": "Plan support over several years", "polarity": "negative",
        "evidence": "Norad evaluation (2010).", "themes": ["sustainability"]})
    changed = patch(client, f"/api/learning/lessons/{lesson_a.pk}", {"year": 2024})
    if name in LESSON_WRITERS:
        assert created.status_code == 201 and created.json()["themes"] == ["sustainability"]
        assert changed.status_code == 200 and changed.json()["themes"] == ["research"]
    else:
        assert (created.status_code, changed.status_code) == (403, 403)
        assert Lesson.objects.count() == 1 and Lesson.objects.get().year is None


def test_lesson_search_through_the_api(api_client, lesson_a):
    body = api_client("boris").get("/api/learning/lessons", {"q": "questionnaire"}).json()
    assert body["count"] == 1
    assert body["results"][0]["lesson"]["organisation"] == "NGO A"
    assert "<mark>questionnaire</mark>" in body["results"][0]["title_html"]
    facets = {f["name"]: f["values"] for f in body["facets"]}
    assert facets["polarity"][0]["value"] == "negative"


def test_the_openapi_description_lists_the_learning_endpoints(db):
    paths = set(Client().get("/api/openapi.json").json()["paths"])
    assert {"/api/learning/publications", "/api/learning/publications/{pk}",
            "/api/learning/publications/import", "/api/learning/publications/export",
            "/api/learning/lessons", "/api/learning/lessons/{pk}"} <= paths


@pytest.mark.parametrize("params", [{"page": 10**20}, {"year": 10**20}, {"page": 0},
                                    {"q": "x" * 501}])
def test_parameters_out_of_bounds_are_refused_by_name(api_client, params):
    response = api_client("dana").get("/api/learning/publications", params)
    assert response.status_code == 422
    assert api_client("dana").get("/api/learning/lessons", params).status_code == 422


def test_an_unknown_source_number_is_named(api_client, seeded):
    response = post(api_client("emre"), "/api/learning/lessons", {
        "title": "x", "polarity": "positive", "evidence": "y", "sources": [10**19, 4242]})
    assert response.status_code == 422
    assert response.json()["fields"]["sources"] == [
        f"No publication {10**19}, 4242 in the library."]
