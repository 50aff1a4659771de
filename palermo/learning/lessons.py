"""Lessons learned: the one write path (:func:`save_lesson`), search with facets by theme,
positive or negative, year and organisation (the library's search machinery), and the
digest — the lessons a search finds, for print and as XLSX.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership, Organisation
from palermo.learning import library, search
from palermo.learning.models import Lesson, Polarity, Theme
from palermo.learning.spreadsheets import write_table

PAGE_SIZE = 20
FIELDS = ("title", "description", "polarity", "evidence", "year", "themes", "sources")


def _themes(value) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value or "").replace(
        ";", ",").split(",")
    names: list[str] = []
    for item in items:
        name = " ".join(search.clean_text(str(item)).split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def clean_values(membership: Membership | None, values: dict) -> dict:
    """The lesson's fields from *values*, normalised; ``sources`` are ids of publications
    the member may read. Raises ``ValidationError`` naming each refused field."""
    errors: dict[str, str] = {}
    out = {"title": " ".join(search.clean_text(str(values.get("title") or "")).split()),
           "description": search.clean_text(str(values.get("description") or "")).strip(),
           "evidence": search.clean_text(str(values.get("evidence") or "")).strip(),
           "polarity": str(values.get("polarity") or ""),
           "themes": _themes(values.get("themes"))}
    if not out["title"]:
        errors["title"] = _("A lesson needs a one-sentence statement.")
    elif len(out["title"]) > 300:
        errors["title"] = _("At most %(n)s characters.") % {"n": 300}
    if out["polarity"] not in Polarity.values:
        errors["polarity"] = _("Say whether the lesson is positive or negative.")
    if not out["evidence"]:
        errors["evidence"] = _("Say what the lesson rests on (an evaluation, monitoring "
                               "data, interviews …).")
    if any(len(t) > 100 for t in out["themes"]):
        errors["themes"] = _("A theme of at most 100 characters.")
    year = values.get("year")
    out["year"] = None
    if year not in (None, ""):
        try:
            out["year"] = int(year)
        except (TypeError, ValueError):
            errors["year"] = _("“%(value)s” is not a year.") % {"value": year}
        else:
            if not 1990 <= out["year"] <= dt.date.today().year:
                errors["year"] = _("A year between 1990 and this year.")
    given = [str(pk).strip() for pk in values.get("sources") or []]
    if any(not pk.isdigit() for pk in given):
        errors["sources"] = _("Publication numbers, separated by commas.")
    wanted = {int(pk) for pk in given if pk.isdigit() and len(pk) < 18}  # else no such id
    found = set(library.visible_publications(membership).filter(pk__in=wanted)
                .values_list("pk", flat=True)) if wanted else set()
    unknown = [pk for pk in given if not (pk.isdigit() and len(pk) < 18 and int(pk) in found)]
    if unknown and "sources" not in errors:
        errors["sources"] = _("No publication %(ids)s in the library.") % {
            "ids": ", ".join(unknown)}
    out["sources"] = sorted(found)
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_lesson(membership: Membership | None, values: dict, lesson: Lesson | None = None,
                *, project: models.Model | None = None) -> Lesson:
    """Record a lesson for the member's organisation, or correct *lesson* (M&E officers,
    their organisation's lessons). *project*, when given, is any record the member may see
    (the programmes app's project, once it exists); it is kept as a generic reference."""
    if lesson is None:
        access.require(membership, Action.CREATE, Lesson)
        lesson = Lesson(organisation_id=membership.organisation_id, recorded_by=membership.user)
    else:
        access.require(membership, Action.CHANGE, lesson)
    cleaned = clean_values(membership, values)
    if project is not None:
        access.require(membership, Action.VIEW, project)
        lesson.project = project
    for name in ("title", "description", "polarity", "evidence", "year"):
        setattr(lesson, name, cleaned[name])
    lesson._history_user = membership.user
    lesson.save()
    themes = []
    for name in cleaned["themes"]:
        theme = Theme.objects.filter(name__iexact=name).first()
        themes.append(theme or Theme.objects.create(name=name))
    lesson.themes.set(themes)
    lesson.sources.set(cleaned["sources"])
    return lesson


def values_of(lesson: Lesson) -> dict:
    """The lesson's fields as :func:`save_lesson` takes them (forms)."""
    return {"title": lesson.title, "description": lesson.description,
            "polarity": lesson.polarity, "evidence": lesson.evidence, "year": lesson.year,
            "themes": sorted((t.name for t in lesson.themes.all()), key=str.casefold),
            "sources": [p.pk for p in lesson.sources.all()]}


def visible_lessons(membership: Membership | None) -> QuerySet:
    """The lessons *membership* may read (403 for a role without lessons)."""
    if not access.reaches(membership, "lesson", Action.VIEW):
        raise PermissionDenied
    return access.visible(membership, Lesson.objects.all())


@dataclass(frozen=True)
class LessonQuery:
    """Words (websearch syntax) and filters; ``organisation`` is an id."""

    text: str = ""
    theme: str = ""
    polarity: str = ""
    year: int | None = None
    organisation: int | None = None
    page: int = 1
    page_size: int = PAGE_SIZE

    def filters(self) -> dict:
        return {k: v for k, v in (("theme", self.theme), ("polarity", self.polarity),
                                  ("year", self.year), ("organisation", self.organisation))
                if v not in ("", None)}


def _filtered(queryset: QuerySet, query: LessonQuery) -> QuerySet:
    if query.theme:
        queryset = queryset.filter(pk__in=Lesson.themes.through.objects.filter(
            theme__name=query.theme).values("lesson_id"))
    if query.polarity:
        queryset = queryset.filter(polarity=query.polarity)
    if query.year:
        queryset = queryset.filter(year=query.year)
    if query.organisation:
        queryset = queryset.filter(organisation_id=query.organisation)
    return queryset


def _facets(found: QuerySet, query: LessonQuery) -> list[search.Facet]:
    ids = found.values("pk")
    themes = (Theme.objects.filter(lessons__in=ids).values_list("name")
              .annotate(n=Count("lessons")).order_by("-n", "name"))
    labels = dict(Polarity.choices)
    polarity = search.facet("polarity", _("Positive or negative"),
                            found.values_list("polarity").annotate(n=Count("id"))
                            .order_by("polarity"), query.polarity)
    for value in polarity.values:
        value.label = str(labels.get(value.value, value.value))
    years = found.exclude(year=None).values_list("year").annotate(n=Count("id")).order_by(
        "-year")
    names = dict(Organisation.objects.values_list("pk", "name"))
    organisations = search.facet(
        "organisation", _("Organisation"),
        found.values_list("organisation").annotate(n=Count("id")).order_by("-n"),
        query.organisation)
    for value in organisations.values:
        value.label = names.get(int(value.value), value.value)
    return [search.facet("theme", _("Theme"), themes[:25], query.theme), polarity,
            search.facet("year", _("Year"), years, query.year), organisations]


def find_lessons(membership: Membership | None, query: LessonQuery) -> search.Results:
    """One page of lessons for *query* (ranked when there are words, else newest first),
    highlighted, with facet counts by theme, polarity, year and organisation."""
    filtered = _filtered(visible_lessons(membership), query)
    total, hits, found = search.page_of(
        filtered, query.text, page=query.page, page_size=query.page_size,
        order=(F("year").desc(nulls_last=True), "-pk"),
        related=("themes", "sources", "organisation"))
    return search.Results(query, total, hits, _facets(found, query))


def digest(membership: Membership | None, query: LessonQuery) -> list[Lesson]:
    """Every lesson *query* finds (all pages): negative ones first — what not to repeat —
    then positive, newest first within each."""
    found = _filtered(visible_lessons(membership), query)
    if query.text.strip():
        found = search.matching(found, query.text)
    return list(found.select_related("organisation").prefetch_related("themes", "sources")
                .order_by("polarity", F("year").desc(nulls_last=True), "title"))


def digest_sections(membership: Membership | None,
                    query: LessonQuery) -> list[tuple[str, list[Lesson]]]:
    """The digest in its two parts, for print: what did not work, then what worked."""
    found = digest(membership, query)
    return [(_("What did not work (negative lessons)"),
             [x for x in found if x.polarity == Polarity.NEGATIVE]),
            (_("What worked (positive lessons)"),
             [x for x in found if x.polarity == Polarity.POSITIVE])]


def digest_xlsx(membership: Membership | None, query: LessonQuery) -> bytes:
    """The digest as a workbook, one lesson per row."""
    labels = dict(Polarity.choices)
    header = [_("Lesson"), _("Positive or negative"), _("Themes"), _("Description"),
              _("Evidence"), _("Publications"), _("Organisation"), _("Year")]
    rows = [[lesson.title, str(labels[lesson.polarity]),
             "; ".join(sorted((t.name for t in lesson.themes.all()), key=str.casefold)),
             lesson.description,
             lesson.evidence, "; ".join(p.title for p in lesson.sources.all()),
             lesson.organisation.name, lesson.year]
            for lesson in digest(membership, query)]
    return write_table("xlsx", header, rows, title=_("Lessons learned"))
