"""Person pages: the register, search, registration with the duplicate check, detail with
history, correction, merge of two records, erasure of an identity and the person's export.
Thin: parse, ask the policy, call the case module, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.cases import duplicates, subject_rights
from palermo.cases.models import Person
from palermo.cases.services import (
    CHECKED_FIELDS,
    PossibleDuplicates,
    register_checked,
    registration_candidates,
    update_person,
)
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.core.history import _display as display_value
from palermo.core.history import field_changes
from palermo.web.forms import (
    ErasureForm,
    MergeChoiceForm,
    MergeForm,
    PersonForm,
    PersonRegistrationForm,
    PersonSearchForm,
)


def _person(request, pk: int, queryset=None) -> Person:
    """The person if the member may see them: 403 for roles that never do, 404 elsewhere."""
    return access.get_visible(request.membership,
                              queryset if queryset is not None else Person.objects.all(), pk=pk)


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
    """Registration. Before anything is saved the organisation's records are searched for
    the same person; if any is found the caseworker sees them and either opens one or
    confirms that this is a different person."""
    access.require(request.membership, Action.CREATE, Person)
    form = PersonRegistrationForm(request.POST or None)
    candidates: list[duplicates.Candidate] = []
    if request.method == "POST" and form.is_valid():
        confirmed = request.POST.get("confirm") == "different"
        try:
            person = register_checked(
                request.membership, **form.person_fields(),
                different_from=form.cleaned_data["different_from"] if confirmed else ())
        except PossibleDuplicates as found:
            candidates = found.candidates
            form.data = form.data.copy()
            form.data["different_from"] = ",".join(str(c.person.pk) for c in candidates)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(ref)s registered.") % {"ref": person.reference})
            return redirect("web:person_detail", pk=person.pk)
    return render(request, "web/persons/form.html", {
        "form": form, "person": None, "candidates": candidates,
        "checked": bool(candidates)})


@login_required
@require_POST
def person_check(request):
    """The duplicate check while the registration form is being filled in (htmx): the
    candidates for what has been typed so far. Posted, so names stay out of URLs."""
    access.require(request.membership, Action.CREATE, Person)
    form = PersonRegistrationForm(request.POST)
    form.is_valid()  # partial input: use whatever fields are valid so far
    typed = {name: form.cleaned_data.get(name) for name in CHECKED_FIELDS}
    citizenship = form.cleaned_data.get("citizenship")
    found = duplicates.candidates(
        request.membership, **{k: v for k, v in typed.items() if v},
        citizenships=[citizenship.pk] if citizenship else [])
    return render(request, "web/persons/_candidates.html",
                  {"candidates": found, "live": True})


@login_required
def person_detail(request, pk: int):
    """A person's record, with the cases the member may see and, for those who may change
    it, the organisation's other records that may be the same person. Every opening is
    written to the access log."""
    from palermo.cases.models import Case  # kept local: only this page lists cases

    person = _person(request, pk)
    log_access(request.membership, person)
    may_change = access.can(request.membership, Action.CHANGE, person)
    current = may_change and not person.merged_into_id and not person.erased_at
    return render(request, "web/persons/detail.html", {
        "person": person,
        "changes": (field_changes(person) if access.may_read_history(request.membership, person)
                    else []),
        "may_change": may_change,
        "may_merge": current,
        "may_erase": (not person.erased_at
                      and access.can(request.membership, Action.APPROVE, person)),
        "candidates": registration_candidates(request.membership, person) if current else [],
        "cases": access.visible(request.membership, person.cases.all()),
        "may_open_case": access.can(request.membership, Action.CREATE, Case)})


@login_required
def person_edit(request, pk: int):
    person = _person(request, pk)
    access.require(request.membership, Action.CHANGE, person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        update_person(request.membership, person, reason=form.cleaned_data["reason"],
                      **form.person_fields())
        return redirect("web:person_detail", pk=person.pk)
    log_access(request.membership, person, action="edit")
    return render(request, "web/persons/form.html", {"form": form, "person": person})


@login_required
def person_merge(request, pk: int):
    """Merge another record of the same person into this one: choose the other record
    (from the candidates or by reference), compare both side by side, give a reason and
    confirm. The other record's cases move here; both histories stay."""
    keep = _person(request, pk, Person.objects.current())
    access.require(request.membership, Action.CHANGE, keep)
    choice = MergeChoiceForm(request.GET if "duplicate" in request.GET else None)
    if not choice.is_valid():
        return render(request, "web/persons/merge_choose.html", {
            "person": keep, "choice": choice,
            "candidates": registration_candidates(request.membership, keep)})
    duplicate = _person(request, choice.cleaned_data["duplicate"], Person.objects.current())
    access.require(request.membership, Action.CHANGE, duplicate)
    if duplicate.pk == keep.pk:
        choice.add_error("duplicate", _("Choose another record than this one."))
        return render(request, "web/persons/merge_choose.html", {
            "person": keep, "choice": choice,
            "candidates": registration_candidates(request.membership, keep)})
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duplicates.merge(request.membership, keep, duplicate, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(dup)s merged into %(keep)s.") % {
                "dup": duplicate.reference, "keep": keep.reference})
            return redirect("web:person_detail", pk=keep.pk)
    if request.method == "GET":
        log_access(request.membership, duplicate, action="compare")
    return render(request, "web/persons/merge.html", {
        "person": keep, "duplicate": duplicate, "form": form,
        "rows": _side_by_side(keep, duplicate)})


def _side_by_side(keep: Person, duplicate: Person) -> list[tuple[str, str, str, bool]]:
    """(label, value in the kept record, value in the other, differ?) for each detail."""
    rows = []
    for field in Person._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name == "merged_into":
            continue
        left, right = display_value(keep, field), display_value(duplicate, field)
        rows.append((str(field.verbose_name), left, right, left != right))
    return rows


@login_required
def person_erase(request, pk: int):
    """Erase a person's identity at their request: a supervisor gives the reason and types
    the record's reference to confirm. Facts and non-identifying answers remain."""
    person = _person(request, pk)
    access.require(request.membership, Action.APPROVE, person)
    form = ErasureForm(request.POST or None, reference=person.reference)
    if person.erased_at:
        form = None
    elif request.method == "POST" and form.is_valid():
        subject_rights.erase_identity(request.membership, person, form.cleaned_data["reason"])
        messages.success(request, _("The identity of %(ref)s has been erased.") % {
            "ref": person.reference})
        return redirect("web:person_detail", pk=person.pk)
    return render(request, "web/persons/erase.html", {"person": person, "form": form})


@login_required
def person_export(request, pk: int):
    """The person's own data as a readable file: a page saying what it holds, and the
    download (a POST, so that a link preview never produces an export)."""
    person = _person(request, pk)
    if request.method == "POST":
        document = subject_rights.export_person(request.membership, person)
        response = HttpResponse(document, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{person.reference}.json"'
        return response
    access.require(request.membership, Action.VIEW, person)
    return render(request, "web/persons/export.html", {"person": person})
