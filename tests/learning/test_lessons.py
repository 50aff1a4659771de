"""Lessons learned: recorded by an organisation's M&E officer with the evidence they rest on,
positive or negative, filed under themes; searched with the library's machinery; published
as a digest (print and XLSX)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from palermo.learning import lessons, library
from palermo.learning.lessons import LessonQuery as Q
from palermo.learning.models import Lesson, Theme

SACTAP = {"title": "Test researchers on the definitions before fieldwork",
          "polarity": "negative", "themes": ["Research", "data quality"],
          "description": "Researchers could not tell trafficking from smuggling; the raw data "
                         "were unreliable.",
          "evidence": "Norad evaluation (2010), section 2.6.", "year": 2010}
DRAMA = {"title": "Community drama groups carry prevention on", "polarity": "positive",
         "themes": "prevention, sustainability", "evidence": "Norad evaluation (2010).",
         "description": "Trained groups kept working after the project ended.", "year": 2010}


@pytest.fixture
def recorded(cast, ngo_b_me):
    return {"sactap": lessons.save_lesson(cast.emre, SACTAP),
            "drama": lessons.save_lesson(cast.emre, DRAMA),
            "shelter": lessons.save_lesson(ngo_b_me, {
                "title": "Shelters need a follow-up visit plan", "polarity": "positive",
                "themes": ["research"], "evidence": "Monitoring visits 2022.",
                "year": 2022})}


def test_a_lesson_keeps_its_evidence_themes_and_sources(cast, seeded, recorded):
    source = next(iter(seeded.values()))
    lesson = lessons.save_lesson(cast.emre, {**SACTAP, "sources": [source.pk]},
                                 recorded["sactap"])
    assert lesson.organisation == cast.ngo_a and lesson.polarity == "negative"
    assert {t.name for t in lesson.themes.all()} == {"data quality", "Research"}
    assert list(lesson.sources.all()) == [source] and list(source.lessons.all()) == [lesson]
    assert Theme.objects.filter(name__iexact="research").count() == 1  # one theme, any case
    assert lesson.history.count() == 2 and lesson.history.first().history_user == cast.emre.user


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"), ({"polarity": "neutral"}, "polarity"),
    ({"evidence": "  "}, "evidence"), ({"year": 1850}, "year"),
    ({"sources": [99999]}, "sources"), ({"sources": ["x"]}, "sources"),
    ({"themes": ["t" * 101]}, "themes")])
def test_a_lesson_without_what_it_needs_is_refused_naming_the_field(cast, change, field):
    with pytest.raises(ValidationError) as refused:
        lessons.save_lesson(cast.emre, {**SACTAP, **change})
    assert field in refused.value.message_dict
    assert not Lesson.objects.exists()


@pytest.mark.parametrize("name", ["amina", "fatima", "boris", "chen", "dana", "root"])
def test_only_m_and_e_officers_record_lessons(cast, name):
    with pytest.raises(PermissionDenied):
        lessons.save_lesson(cast.membership(name), SACTAP)


def test_an_m_and_e_officer_corrects_only_their_organisations_lessons(cast, recorded):
    with pytest.raises(PermissionDenied):
        lessons.save_lesson(cast.emre, {**SACTAP, "title": "x"}, recorded["shelter"])
    assert Lesson.objects.get(pk=recorded["shelter"].pk).title.startswith("Shelters")


def test_the_project_is_a_reference_to_a_record_the_member_may_see(cast, seeded):
    """Until the programmes app exists, any record with an access kind stands in for a
    project; one the member may not see is refused."""
    from palermo.cases.services import register_person

    publication = next(iter(seeded.values()))
    lesson = lessons.save_lesson(cast.emre, SACTAP, project=publication)
    assert Lesson.objects.get(pk=lesson.pk).project == publication
    person = register_person(cast.amina, given_name="Ada", family_name="Eze")
    with pytest.raises(PermissionDenied):
        lessons.save_lesson(cast.emre, DRAMA, project=person)


def test_lessons_are_searched_ranked_and_faceted(cast, recorded):
    found = lessons.find_lessons(cast.dana, Q(text="smuggling"))
    assert [h.record for h in found.hits] == [recorded["sactap"]]
    assert "<mark>smuggling</mark>" in found.hits[0].extract
    every = lessons.find_lessons(cast.amina, Q())
    facets = {f.name: {v.shown: v.count for v in f.values} for f in every.facets}
    assert every.total == 3
    assert facets["theme"] == {"Research": 2, "data quality": 1, "prevention": 1,
                               "sustainability": 1}
    assert facets["polarity"] == {"Negative: did not work, avoid repeating": 1,
                                  "Positive: worked, worth repeating": 2}
    assert facets["organisation"] == {"NGO A": 2, "NGO B": 1}
    assert facets["year"] == {"2022": 1, "2010": 2}
    research = lessons.find_lessons(cast.chen, Q(theme="Research", polarity="positive"))
    assert [h.record for h in research.hits] == [recorded["shelter"]]
    ngo_a = lessons.find_lessons(cast.chen, Q(organisation=cast.ngo_a.pk, text="project"))
    assert [h.record for h in ngo_a.hits] == [recorded["drama"]]


def test_the_digest_puts_what_did_not_work_first(cast, recorded):
    (negative_title, negative), (positive_title, positive) = lessons.digest_sections(
        cast.dana, Q())
    assert negative == [recorded["sactap"]] and "negative" in negative_title
    assert positive == [recorded["shelter"], recorded["drama"]]  # newest first
    only = lessons.digest(cast.dana, Q(theme="prevention"))
    assert only == [recorded["drama"]]


def test_the_digest_workbook_has_one_lesson_per_row(cast, recorded):
    book = load_workbook(io.BytesIO(lessons.digest_xlsx(cast.chen, Q(text="evaluation"))))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Lesson", "Positive or negative", "Themes")
    assert [r[0] for r in rows[1:]] == [SACTAP["title"], DRAMA["title"]]
    assert rows[1][2] == "data quality; Research" and rows[1][6] == "NGO A"


def test_library_and_lessons_are_read_by_every_member(cast, recorded, seeded):
    for name in ("amina", "fatima", "boris", "emre", "chen", "dana", "root"):
        member = cast.membership(name)
        assert lessons.find_lessons(member, Q()).total == 3
        assert library.find(member, library.LibraryQuery()).total == 10
    cast.dana.active = False
    with pytest.raises(PermissionDenied):
        lessons.find_lessons(cast.dana, Q())
    with pytest.raises(PermissionDenied):
        library.find(cast.dana, library.LibraryQuery())
