"""Case pages: the list with filters, opening a case, the case page, editing with conflict
detection, notes and trafficking events. Thin: parse, ask the policy, call casework, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from palermo.cases import casework, sharing
from palermo.cases.models import Case, Person
from palermo.cases.models.person import LISTING_DEFERRED
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.core.models import Country
from palermo.web.forms_cases import CaseEditForm, CaseFilterForm, CaseForm, EventForm, NoteForm
from palermo.web.views import case_parts
from palermo.web.views import returns as return_pages
from palermo.web.views.submit import submitted
from palermo.web.widgets import cached_widgets


def _case(request, pk: int) -> Case:
    """The case if the member may see it: 403 for roles that never do, 404 elsewhere. What
    the case page shows of the case's own relations comes in the same query."""
    return access.get_visible(request.membership, Case.objects.select_related(
        "person", "assigned_to", "organisation", "origin_country",
        "identification_country"), pk=pk)


@login_required
def case_list(request):
    """The organisation's cases, newest first, filtered in the URL (nothing identifying)."""
    access.require(request.membership, Action.VIEW, Case)
    cases = access.visible(request.membership, Case.objects.select_related(
        "person", "assigned_to").defer(*(f"person__{f}" for f in LISTING_DEFERRED)))
    filters = CaseFilterForm(request.GET or None)
    cases = filters.apply(cases, request.user)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    # Each row names its person only where the member sees the identity.
    page.object_list = sharing.with_identities(request.membership, page.object_list)
    return render(request, "web/cases/list.html", {
        "page": page, "filters": filters,
        "filtered": any(request.GET.get(name) for name in filters.fields),
        "may_see_persons": access.can(request.membership, Action.VIEW, Person)})


@login_required
def case_create(request):
    """Open a case for the person named in ``?person=``."""
    person_id = request.GET.get("person", "")
    person = access.get_visible(request.membership, Person.objects.all(),
                                pk=int(person_id) if person_id.isdigit() else 0)
    access.require(request.membership, Action.CREATE, Case)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = casework.open_case(request.membership, person, **form.case_fields())
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("web:case_detail", pk=case.pk)
    return render(request, "web/cases/form.html", {
        "form": form, "person": person, "case": None,
        "identity": sharing.Identity(person, person.reference)})  # visible: get_visible


@login_required
def case_detail(request, pk: int):
    """The case page. Every opening is written to the access log. Its cost is pinned by
    tests/web/test_case_page_speed.py: one query per section, none per row; the history is
    loaded on demand (:func:`case_history`)."""
    case = _case(request, pk)
    log_access(request.membership, case)
    may_change = access.can(request.membership, Action.CHANGE, case)
    event_form = EventForm(auto_id="event_%s") if may_change else None
    if event_form:
        cached_widgets(event_form)
    parts = case_parts.detail_parts(request.membership, case, may_change)
    if parts["parts"]:  # the return belongs to the owning organisation, like the parts
        parts.update(return_pages.return_part(request.membership, case))
    membership = request.membership
    history = access.may_read_history(membership, case)  # the owner's only
    return render(request, "web/cases/detail.html", {
        "case": case, "may_change": may_change,
        "identity": sharing.identity_of(membership, case), "may_read_history": history,
        "countries": _country_names(case), "answers": _answers(case),
        # Notes and events stay with the owning organisation, even on a shared case.
        "events": access.related(membership, case, "events").select_related("country"),
        "notes": access.related(membership, case, "notes").select_related("author"),
        "note_form": NoteForm() if may_change else None,
        "event_form": event_form,
        # Computed only if something reads it (the template does not: see case_history).
        "changes": SimpleLazyObject(lambda: sharing.case_changes(membership, case)
                                    if history else []),
        **parts})


HISTORY_PAGE = 50  # changes per page of the history


@login_required
def case_history(request, pk: int):
    """Who changed which field of the case when, newest first, a page at a time. The case
    page loads it with htmx when it scrolls into view; without JavaScript it is a page of
    its own. Only the case's own organisation reads it (403 for one it is shared with); the
    person is hidden where the identity is. Opening it is written to the access log."""
    case = _case(request, pk)
    changes = sharing.case_changes(request.membership, case)
    log_access(request.membership, case, action="history")
    page = Paginator(changes, HISTORY_PAGE).get_page(request.GET.get("page"))
    template = ("web/cases/_history_rows.html" if request.htmx
                else "web/cases/history.html")
    return render(request, template, {"case": case, "page": page})


@login_required
def case_edit(request, pk: int):
    case = _case(request, pk)
    access.require(request.membership, Action.CHANGE, case)
    conflict = False
    if request.method == "POST":
        form = CaseEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                casework.update_case(request.membership, case, version=data["version"],
                                     reason=data["reason"], **form.case_fields())
            except casework.EditConflict as exc:
                # Keep the editor's values, show the saved ones beside them, and take the
                # saved version so that saving again (after checking) goes through.
                conflict = True
                differences = form.find_conflicts(exc.current)
                resubmit = request.POST.copy()
                resubmit["version"] = str(exc.current.version)
                form = CaseEditForm(resubmit)
                form.conflicts = differences
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(request, _("Case %(number)s saved.") % {"number": case.number})
                return redirect("web:case_detail", pk=case.pk)
    else:
        form = CaseEditForm(initial=CaseEditForm.initial_for(case))
    log_access(request.membership, case, action="edit")
    return render(request, "web/cases/form.html", {
        "form": form, "case": case, "conflict": conflict,
        "identity": sharing.identity_of(request.membership, case)})


@login_required
def case_add_note(request, pk: int):
    case = _case(request, pk)
    access.require(request.membership, Action.CHANGE, case)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            casework.add_note(request.membership, case, form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error("text", exc.messages)
        else:
            messages.success(request, _("Note added."))
            return redirect("web:case_detail", pk=case.pk)
    return render(request, "web/cases/add.html", {
        "case": case, "form": form, "title": _("Add a note"),
        "action": "web:case_add_note"})


@login_required
def case_add_event(request, pk: int):
    case = _case(request, pk)
    access.require(request.membership, Action.CHANGE, case)
    form = EventForm(request.POST or None, auto_id="event_%s")
    saved, _event = submitted(request, form, lambda data: casework.add_event(
        request.membership, case, **data))
    if saved:
        messages.success(request, _("Event added."))
        return redirect("web:case_detail", pk=case.pk)
    return render(request, "web/cases/add.html", {
        "case": case, "form": form, "title": _("Add a trafficking event"),
        "action": "web:case_add_event"})


def _country_names(case: Case) -> dict[str, list[str]]:
    """Transit and exploitation countries by name, in the order recorded."""
    codes = set(case.transit_countries or []) | set(case.exploitation_countries or [])
    names = dict(Country.objects.filter(code__in=codes).values_list("code", "name"))
    return {field: [names.get(code, code) for code in getattr(case, field) or []]
            for field in ("transit_countries", "exploitation_countries")}


MULTI_RESPONSE = ("exploitation_types", "means_of_control", "forced_labour_industries",
                  "sexual_exploitation_types", "recruitment_methods", "awareness_sources")


def _answers(case: Case) -> dict[str, list[str]]:
    """The multi-response answers as labels ("Declined to answer", not the code)."""
    return {name: Case._meta.get_field(name).labels(getattr(case, name))
            for name in MULTI_RESPONSE}
