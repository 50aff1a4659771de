"""Learning pages, persona by persona: everyone reads the library and the lessons; M&E
officers catalogue, import and record for their organisation; administrators curate the
library; nobody else writes — and a signed-out visitor sees nothing."""

from __future__ import annotations

import html
import re

import pytest

from palermo.learning import lessons, library
from palermo.learning.models import Lesson, Publication

READERS = ["amina", "fatima", "boris", "emre", "chen", "dana", "root"]
# persona -> status of the catalogue / import pages, and of correcting NGO A's entry
LIBRARY_WRITES = {"amina": 403, "fatima": 403, "boris": 403, "emre": 200, "chen": 403,
                  "dana": 403, "root": 200}
LESSON_WRITES = {"amina": 403, "fatima": 403, "boris": 403, "emre": 200, "chen": 403,
                 "dana": 403, "root": 403}
PAGES = ["/learning/library/", "/learning/library/{pub}/", "/learning/library/export.ris",
         "/learning/lessons/", "/learning/lessons/{lesson}/", "/learning/lessons/digest/",
         "/learning/lessons/digest.xlsx"]


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                   response.content.decode())))


@pytest.fixture
def lesson_a(cast):
    return lessons.save_lesson(cast.emre, {
        "title": "Test researchers on the definitions before fieldwork",
        "polarity": "negative", "themes": ["research"],
        "evidence": "Norad evaluation (2010), section 2.6."})


@pytest.fixture
def lesson_b(ngo_b_me):
    return lessons.save_lesson(ngo_b_me, {"title": "Shelters need a visit plan",
                                          "polarity": "positive", "evidence": "Visits 2022."})


@pytest.mark.parametrize("name", READERS)
def test_every_member_reads_the_library_and_the_lessons(browser, seeded, lesson_a, name):
    pub = seeded["Toolkit to Combat Trafficking in Persons"]
    client = browser(name)
    for page in PAGES:
        response = client.get(page.format(pub=pub.pk, lesson=lesson_a.pk))
        assert response.status_code == 200, page
    listing = text_of(client.get("/learning/library/"))
    assert "10 publications found" in listing and "Toolkit to Combat" in listing
    assert "Test researchers" in text_of(client.get("/learning/lessons/"))


@pytest.mark.parametrize("page", PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in(client, seeded, lesson_a, page):
    pub = next(iter(seeded.values()))
    response = client.get(page.format(pub=pub.pk, lesson=lesson_a.pk))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_the_search_page_ranks_highlights_filters_and_counts(browser, seeded):
    client = browser("dana")
    page = client.get("/learning/library/", {"q": "trafficking", "region": "East Africa"})
    shown = page.content.decode()
    assert "1 publication found" in text_of(page)
    assert "<mark>Trafficking</mark>" in shown and "Desk Review" in shown
    # the facet links keep the words and remove the chosen filter
    assert 'href="?q=trafficking"' in shown
    assert 'href="?q=trafficking&amp;region=East+Africa&amp;year=2012"' in shown
    partial = client.get("/learning/library/", {"q": "trafficking"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "6 publications found" in text_of(
        partial)
    assert 'hx-get="/learning/library/"' in client.get("/learning/library/").content.decode()
    huge = client.get("/learning/library/", {"page": 10**20, "year": 10**20})
    assert huge.status_code == 200 and "10 publications found" in text_of(huge)
    nothing = client.get("/learning/library/", {"q": "zebra", "year": "not a year"})
    assert nothing.status_code == 200 and "Nothing matches" in text_of(nothing)


def test_the_export_link_writes_what_the_search_found(browser, seeded):
    response = browser("chen").get("/learning/library/export.bibtex", {"q": "IGAD"})
    assert response["Content-Disposition"].endswith('.bib"')
    assert response.content.decode().count("@misc{") == 1
    assert browser("chen").get("/learning/library/export.pdf").status_code == 404


@pytest.mark.parametrize("name, status", LIBRARY_WRITES.items())
def test_who_catalogues_a_publication(browser, cast, name, status):
    client = browser(name)
    assert client.get("/learning/library/new/").status_code == status
    response = client.post("/learning/library/new/", {
        "title": "Caring for Trafficked Persons", "year": "2009", "countries": "Worldwide",
        "regions": "Worldwide", "authors": "IOM\nLSHTM"})
    assert response.status_code == (302 if status == 200 else 403)
    assert Publication.objects.filter(title="Caring for Trafficked Persons").exists() is (
        status == 200)
    if status == 200:
        saved = Publication.objects.get()
        assert response["Location"] == f"/learning/library/{saved.pk}/"
        assert saved.organisation_id == cast.membership(name).organisation_id
        assert saved.author_list() == ["IOM", "LSHTM"]
        page = client.get(response["Location"]).content.decode()
        assert "Correct" in page and "History" in page


@pytest.mark.parametrize("name, status", LIBRARY_WRITES.items())
def test_who_corrects_ngo_as_entry(browser, seeded, name, status):
    pub = seeded["Toolkit to Combat Trafficking in Persons"]
    client = browser(name)
    assert client.get(f"/learning/library/{pub.pk}/edit/").status_code == status
    values = library.values_of(pub) | {"title": "Toolkit, second edition"}
    form = {k: "; ".join(v) if isinstance(v, list) else (v or "") for k, v in values.items()}
    response = client.post(f"/learning/library/{pub.pk}/edit/", form)
    assert response.status_code == (302 if status == 200 else 403)
    assert (Publication.objects.get(pk=pub.pk).title == "Toolkit, second edition") is (
        status == 200)
    shows_button = f"/learning/library/{pub.pk}/edit/" in client.get(
        f"/learning/library/{pub.pk}/").content.decode()
    assert shows_button is (status == 200)


def test_an_m_and_e_officer_may_not_correct_another_organisations_entry(browser, ngo_b_entry):
    client = browser("emre")
    assert client.get(f"/learning/library/{ngo_b_entry.pk}/edit/").status_code == 403
    assert client.get("/learning/library/999999/edit/").status_code == 404
    assert browser("root").get(f"/learning/library/{ngo_b_entry.pk}/edit/").status_code == 200


def test_the_form_names_a_refused_field_and_saves_nothing(browser):
    response = browser("emre").post("/learning/library/new/", {
        "title": "X", "link": "javascript:alert(1)", "year": "1700"})
    assert response.status_code == 200
    shown = text_of(response)
    assert "http:// or https://" in shown and "between 1800" in shown
    assert not Publication.objects.exists()


def test_a_kept_file_is_uploaded_and_downloaded_never_shown(browser, seeded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pub = seeded["Toolkit to Combat Trafficking in Persons"]
    values = library.values_of(pub)
    form = {k: "; ".join(v) if isinstance(v, list) else (v or "") for k, v in values.items()}
    upload = SimpleUploadedFile("toolkit.pdf", b"%PDF-1.4 toolkit", "text/html")
    browser("emre").post(f"/learning/library/{pub.pk}/edit/", {**form, "file": upload})
    for name in READERS:
        response = browser(name).get(f"/learning/library/{pub.pk}/file/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="toolkit.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == b"%PDF-1.4 toolkit"
    other = seeded["Toolkit to Combat Trafficking in Persons"].pk + 1
    assert browser("dana").get(f"/learning/library/{other}/file/").status_code == 404


@pytest.mark.parametrize("name, status", LIBRARY_WRITES.items())
def test_who_imports_a_catalogue(browser, name, status):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = browser(name)
    assert client.get("/learning/library/import/").status_code == status
    good = SimpleUploadedFile("list.csv", b"title,year,regions\nA guide,2015,Europe\n")
    response = client.post("/learning/library/import/", {"file": good})
    assert response.status_code == status
    assert Publication.objects.filter(title="A guide").exists() is (status == 200)


def test_a_bad_catalogue_is_reported_by_row_field_and_reason(browser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("list.csv", b"title,year\nFine,2015\n,2016\nLate,3020\n")
    response = browser("emre").post("/learning/library/import/", {"file": bad})
    assert response.status_code == 422
    shown = text_of(response)
    assert "row 3 title A publication needs a title." in shown
    assert "row 4 year A year between 1800" in shown and "nothing imported" in shown
    assert not Publication.objects.exists()


@pytest.mark.parametrize("name, status", LESSON_WRITES.items())
def test_who_records_a_lesson(browser, name, status):
    client = browser(name)
    assert client.get("/learning/lessons/new/").status_code == status
    response = client.post("/learning/lessons/new/", {
        "title": "Pilot the questionnaire", "polarity": "negative",
        "evidence": "Field test, 2024.", "themes": "research, data quality"})
    assert response.status_code == (302 if status == 200 else 403)
    assert Lesson.objects.exists() is (status == 200)


def test_lessons_are_corrected_only_by_their_organisations_m_and_e_officer(
        browser, lesson_a, lesson_b, ngo_b_me):
    form = {"title": "Changed", "polarity": "positive", "evidence": "x"}
    assert browser("emre").post(f"/learning/lessons/{lesson_b.pk}/edit/",
                                form).status_code == 403
    assert browser("root").post(f"/learning/lessons/{lesson_a.pk}/edit/",
                                form).status_code == 403
    response = browser("emre").post(f"/learning/lessons/{lesson_a.pk}/edit/", form)
    assert response.status_code == 302
    assert Lesson.objects.get(pk=lesson_a.pk).title == "Changed"
    assert Lesson.objects.get(pk=lesson_b.pk).title == "Shelters need a visit plan"
    assert browser("emre").get("/learning/lessons/999999/").status_code == 404


def test_a_lesson_form_names_refused_fields(browser, seeded):
    response = browser("emre").post("/learning/lessons/new/", {
        "title": "No evidence", "polarity": "negative", "evidence": "",
        "sources": "12345, abc"})
    assert response.status_code == 200 and not Lesson.objects.exists()
    assert "This field is required." in text_of(response)


def test_the_digest_prints_negative_lessons_first_and_downloads_as_xlsx(
        browser, lesson_a, lesson_b):
    raw = browser("dana").get("/learning/lessons/digest/").content.decode()
    assert "<style" not in raw and "learning/digest.css" in raw  # no inline style (CSP)
    page = text_of(browser("dana").get("/learning/lessons/digest/"))
    assert page.index("Test researchers") < page.index("Shelters need")
    assert "What did not work (negative lessons) (1)" in page
    only = text_of(browser("dana").get("/learning/lessons/digest/", {"polarity": "positive"}))
    assert "Test researchers" not in only and "Shelters need" in only
    xlsx = browser("dana").get("/learning/lessons/digest.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_pages_speak_french(browser, seeded, lesson_a):
    client = browser("dana")
    page = text_of(client.get("/learning/library/", {"q": "trafficking"},
                              HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Bibliothèque de ressources" in page and "6 publications trouvées" in page
    assert "Région" in page and "Apprentissage" in page
    lessons_page = text_of(client.get("/learning/lessons/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Leçons apprises" in lessons_page and "1 leçon trouvée" in lessons_page
    assert "Négative : n'a pas fonctionné" in lessons_page


def test_an_upload_too_large_is_refused_before_it_is_read(browser, seeded, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from palermo.web import forms_learning

    monkeypatch.setattr(forms_learning, "MAX_FILE_BYTES", 4)
    monkeypatch.setattr(forms_learning, "MAX_BYTES", 4)
    pub = seeded["Toolkit to Combat Trafficking in Persons"]
    form = {k: "; ".join(v) if isinstance(v, list) else (v or "")
            for k, v in library.values_of(pub).items()}
    response = browser("emre").post(f"/learning/library/{pub.pk}/edit/", {
        **form, "file": SimpleUploadedFile("big.pdf", b"%PDF-1.4")})
    assert response.status_code == 200 and "A file of at most" in text_of(response)
    response = browser("emre").post("/learning/library/import/", {
        "file": SimpleUploadedFile("list.csv", b"title\nA guide\n")})
    assert "A catalogue file of at most" in text_of(response)
    assert Publication.objects.count() == 10
