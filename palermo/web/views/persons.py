"""Person pages: the register, search, registration, detail with history, correction."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from palermo.cases.models import Person
from palermo.cases.services import register_person, update_person
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.core.history import field_changes
from palermo.web.forms import PersonForm, PersonSearchForm


@login_required
def person_list(request):
    """The organisation's persons, newest first; exact-match search through blind indexes."""
    access.require(request.membership, Action.VIEW, Person)
    persons = access.visible(request.membership, Person.objects.current().for_listing())
    # Searches are posted, never put in the URL: a name in a URL ends up in proxy logs and
    # browser history.
    search = PersonSearchForm(request.POST or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if query:
        persons = persons.matching(query)
    page = Paginator(persons, 50).get_page(request.GET.get("page"))
    template = "web/persons/_results.html" if request.htmx else "web/persons/list.html"
    return render(request, template, {"page": page, "search": search, "query": query,
                                      "may_register": access.can(request.membership,
                                                                 Action.CREATE, Person)})


@login_required
def person_create(request):
    access.require(request.membership, Action.CREATE, Person)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        person = register_person(request.membership, **data)
        return redirect("web:person_detail", pk=person.pk)
    return render(request, "web/persons/form.html", {"form": form, "person": None})


@login_required
def person_detail(request, pk: int):
    """A person's record, with the cases the member may see. Every opening is written to
    the access log."""
    from palermo.cases.models import Case  # kept local: only this page lists cases

    person = access.get_visible(request.membership, Person.objects.all(), pk=pk)
    log_access(request.membership, person)
    return render(request, "web/persons/detail.html", {
        "person": person, "changes": field_changes(person),
        "may_change": access.can(request.membership, Action.CHANGE, person),
        "cases": access.visible(request.membership, person.cases.all()),
        "may_open_case": access.can(request.membership, Action.CREATE, Case)})


@login_required
def person_edit(request, pk: int):
    person = access.get_visible(request.membership, Person.objects.all(), pk=pk)
    access.require(request.membership, Action.CHANGE, person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        update_person(request.membership, person, reason=form.cleaned_data["reason"], **data)
        return redirect("web:person_detail", pk=person.pk)
    log_access(request.membership, person, action="edit")
    return render(request, "web/persons/form.html", {"form": form, "person": person})
