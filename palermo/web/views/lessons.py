"""Lessons-learned pages: search with facets, a lesson, recording and correcting one, and
the digest (print and XLSX). Thin: parse, ask the policy, call palermo.learning, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.history import field_changes
from palermo.learning import lessons
from palermo.learning.models import Lesson
from palermo.learning.spreadsheets import CONTENT_TYPES
from palermo.web.forms_learning import LessonForm, LessonSearchForm
from palermo.web.views.library import facet_links, page_links, query_params


@login_required
def lesson_search(request):
    """The lessons: words and filters in the URL; an htmx request gets the results only."""
    form = LessonSearchForm(request.GET)
    query = form.query()
    results = lessons.find_lessons(request.membership, query)
    params = query_params(query)
    context = {"form": form, "results": results, "facets": facet_links(results.facets, params),
               "pages": page_links(results, params), "digest_query": urlencode(params),
               "may_add": access.can(request.membership, Action.CREATE, Lesson)}
    template = ("web/learning/_lesson_results.html" if request.htmx
                else "web/learning/lessons.html")
    return render(request, template, context)


def _lesson(request, pk: int) -> Lesson:
    return access.get_visible(request.membership, Lesson.objects.select_related(
        "organisation"), pk=pk)


@login_required
def lesson_detail(request, pk: int):
    lesson = _lesson(request, pk)
    may_change = access.can(request.membership, Action.CHANGE, lesson)
    return render(request, "web/learning/lesson.html", {
        "lesson": lesson, "may_change": may_change,
        "changes": field_changes(lesson) if may_change else None})


@login_required
def lesson_form(request, pk: int | None = None):
    """Record a lesson (pk None) or correct one."""
    lesson = _lesson(request, pk) if pk else None
    access.require(request.membership, Action.CHANGE if lesson else Action.CREATE,
                   lesson or Lesson)
    initial = LessonForm.initial_from(lessons.values_of(lesson)) if lesson else {}
    form = LessonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = lessons.save_lesson(request.membership, form.lesson_values(), lesson)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Lesson saved."))
            return redirect("web:lesson_detail", pk=saved.pk)
    return render(request, "web/learning/lesson_form.html", {"form": form, "lesson": lesson})


@login_required
def lesson_digest(request):
    """The digest of the lessons the search finds, as a page to print."""
    query = LessonSearchForm(request.GET).query()
    labels = {"q": _("Words"), "theme": _("Theme"), "polarity": _("Positive or negative"),
              "year": _("Year"), "organisation": _("Organisation")}
    return render(request, "learning/digest.html", {
        "sections": lessons.digest_sections(request.membership, query),
        "filters": {labels[k]: v for k, v in query_params(query).items()},
        "back_url": reverse("web:lesson_search")})


@login_required
def lesson_digest_xlsx(request):
    """The same digest as a workbook."""
    query = LessonSearchForm(request.GET).query()
    response = HttpResponse(lessons.digest_xlsx(request.membership, query),
                            content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="palermo-lessons-learned.xlsx"'
    return response
