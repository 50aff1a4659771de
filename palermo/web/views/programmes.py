"""Programme pages: the portfolio (with its totals and differences), a project with its
money year by year, its forms, its history, and the files (CSV, XLSX, IATI XML). Thin:
parse, ask the policy, call ``palermo.programmes``, render. No page here shows a person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from palermo.core import access
from palermo.core.access import Action
from palermo.core.history import field_changes
from palermo.programmes import iati_export, reading, services, totals
from palermo.programmes.models import FundingChannel, Participation, Partner, Project
from palermo.web.forms_programmes import (
    AgreementForm,
    BudgetForm,
    ParticipationForm,
    PlaceFormSet,
    ProjectForm,
    SectorFormSet,
    TransactionForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def portfolio(request):
    """The projects this member may see, with planned, committed and disbursed money and the
    differences between them; totals per currency."""
    search = request.GET.get("q", "")
    projects = reading.visible_projects(request.membership, search)
    figures = totals.portfolio(projects)
    return render(request, "web/programmes/portfolio.html", {
        "figures": figures, "search": search,
        "may_create": access.can(request.membership, Action.CREATE, Project),
        "may_import": access.can(request.membership, Action.CREATE, Project),
        "may_see_partners": access.can(request.membership, Action.VIEW, Partner),
        "may_see_setup": access.can(request.membership, Action.VIEW, FundingChannel)})


@login_required
def portfolio_file(request, fmt: str):
    """The portfolio as CSV, XLSX (numbers as numbers) or IATI activity XML."""
    projects = reading.visible_projects(request.membership, request.GET.get("q", ""))
    if fmt == "csv":
        return _download(reading.portfolio_csv(projects), "portfolio.csv",
                         "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return _download(reading.portfolio_xlsx(projects), "portfolio.xlsx", XLSX)
    if fmt == "xml":
        return _iati(request, projects, None, "portfolio-iati.xml")
    raise Http404


def _iati(request, projects, project, name: str) -> HttpResponse:
    try:
        content = iati_export.export(request.membership, projects, project)
    except iati_export.ExportRefused as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    return _download(content, name, "application/xml")


def _parts_forms(request, project: Project, data=None, which: str = "") -> dict:
    """The forms of the project page, one of them bound to *data* when it was posted."""
    org = request.membership.organisation

    def bound(name):
        return data if which == name else None

    places = [{"country": c.country, "percentage": c.percentage}
              for c in project.countries.all()] + [
        {"region": r.code, "percentage": r.percentage} for r in project.regions.all()]
    sectors = [{"code": s.code, "percentage": s.percentage} for s in project.sectors.all()]
    return {
        "participation_form": ParticipationForm(bound("participation")),
        "place_forms": PlaceFormSet(bound("places"), prefix="places",
                                    initial=None if bound("places") else places),
        "sector_forms": SectorFormSet(bound("sectors"), prefix="sectors",
                                      initial=None if bound("sectors") else sectors),
        "agreement_form": AgreementForm(bound("agreement"), project=project,
                                        organisation=org),
        "budget_form": BudgetForm(bound("budget"), project=project),
        "transaction_form": TransactionForm(bound("transaction"), project=project),
    }


def _project_page(request, project: Project, forms: dict | None = None, status: int = 200):
    project = reading.with_details(project)
    years = totals.by_year(project)
    may_change = access.can(request.membership, Action.CHANGE, project)
    context = {"project": project, "years": years, "total": totals.total(years),
               "may_change": may_change, "labels": project.classification_labels()}
    if may_change:
        context.update(forms or _parts_forms(request, project))
    return render(request, "web/programmes/project.html", context, status=status)


@login_required
def project_detail(request, pk: int):
    """One project: who takes part, where, sectors, classification, money by year."""
    return _project_page(request, reading.visible_project(request.membership, pk))


@login_required
def project_create(request):
    """A new project of the member's organisation (M&E officers)."""
    access.require(request.membership, Action.CREATE, Project)
    form = ProjectForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        role, measures = data.pop("role"), data.pop("measures")
        try:
            project = services.create_project(request.membership, role=role,
                                              measures=measures, **data)
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            return redirect("web:project_detail", pk=project.pk)
    return render(request, "web/programmes/project_form.html", {"form": form},
                  status=422 if form.errors else 200)


@login_required
def project_edit(request, pk: int):
    """Change a project's own fields and classification."""
    project = reading.visible_project(request.membership, pk)
    access.require(request.membership, Action.CHANGE, project)
    form = ProjectForm(request.POST or None, initial=ProjectForm.initial_of(project))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        measures = data.pop("measures")
        try:
            services.update_project(request.membership, project, measures=measures, **data)
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            return redirect("web:project_detail", pk=project.pk)
    return render(request, "web/programmes/project_form.html",
                  {"form": form, "project": project}, status=422 if form.errors else 200)


def _rows(formset, *names) -> list[tuple]:
    return [tuple(f.cleaned_data.get(n) for n in names) for f in formset
            if f.cleaned_data and any(f.cleaned_data.get(n) for n in names[:-1])]


def _save_part(request, project: Project, part: str, form) -> None:
    """Call the domain function of one part of the project page."""
    membership, data = request.membership, getattr(form, "cleaned_data", None)
    if part == "participation":
        services.add_participation(membership, project, data["partner"], data["role"])
    elif part == "places":
        rows = _rows(form, "country", "region", "percentage")
        services.set_places(membership, project,
                            [(c, p) for c, r, p in rows if c],
                            [(r, p) for c, r, p in rows if r])
    elif part == "sectors":
        services.set_sectors(membership, project, _rows(form, "code", "percentage"))
    elif part == "agreement":
        services.add_agreement(membership, project, **data)
    elif part == "budget":
        services.add_budget(membership, project, **data)
    elif part == "transaction":
        services.add_transaction(membership, project, **data)


PARTS = {"participation": "participation_form", "places": "place_forms",
         "sectors": "sector_forms", "agreement": "agreement_form", "budget": "budget_form",
         "transaction": "transaction_form"}


@login_required
@require_POST
def project_part(request, pk: int, part: str):
    """Add to (or set) one part of a project: a participating organisation, its places or
    sectors, an agreement, a budget, a transaction."""
    project = reading.visible_project(request.membership, pk)
    access.require(request.membership, Action.CHANGE, project)
    if part not in PARTS:
        raise Http404
    forms = _parts_forms(request, project, request.POST, part)
    form = forms[PARTS[part]]
    if form.is_valid():
        try:
            _save_part(request, project, part, form)
        except ValidationError as exc:
            _domain_errors(form, exc)
        else:
            return redirect(reverse("web:project_detail", args=[project.pk]) + f"#{part}")
    return _project_page(request, project, forms, status=422)


def _domain_errors(form, exc: ValidationError) -> None:
    if hasattr(form, "add_domain_errors"):
        form.add_domain_errors(exc)
    else:  # a formset: the refusal concerns the lines together
        form._non_form_errors = form.error_class(exc.messages)


@login_required
@require_POST
def participation_remove(request, pk: int, participation_id: int):
    """Take an organisation's role off the project."""
    project = reading.visible_project(request.membership, pk)
    participation = get_object_or_404(Participation, pk=participation_id, project=project)
    try:
        services.remove_participation(request.membership, participation)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=422)
    return redirect(reverse("web:project_detail", args=[project.pk]) + "#participation")


@login_required
def project_history(request, pk: int):
    """Every change of the project's own fields: who, when, old and new."""
    project = reading.visible_project(request.membership, pk)
    return render(request, "web/programmes/history.html", {
        "project": project, "changes": field_changes(project, exclude=("updated_at",))})


@login_required
def project_iati(request, pk: int):
    """The project as an IATI activity file."""
    project = reading.visible_project(request.membership, pk)
    return _iati(request, None, project, f"project-{project.pk}-iati.xml")
