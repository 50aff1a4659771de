"""Programmes endpoints under /api/programmes: the portfolio with its money, a project and its
parts, the partner register, funding-list and IATI imports (report, then accept), IATI
export. Thin: parse, ask the policy, call ``palermo.programmes``, serialise."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from ninja import Field, File, Router, Status
from ninja.files import UploadedFile

from palermo.api.common import REFUSED, problems
from palermo.api.schemas import Error, FieldChangeOut, RecordId
from palermo.api.schemas_cases import Problems
from palermo.api.schemas_programmes import (
    AgreementIn,
    AliasIn,
    BudgetIn,
    ParticipationIn,
    PartnerIn,
    PartnerOut,
    PlacesIn,
    PortfolioOut,
    ProjectFields,
    ProjectIn,
    ProjectOut,
    ReportOut,
    ShareIn,
    TransactionIn,
)
from palermo.core import access
from palermo.core.access import Action
from palermo.core.history import field_changes
from palermo.core.models import Country
from palermo.programmes import (
    codelists,
    iati_export,
    imports,
    partners,
    reading,
    services,
    totals,
)
from palermo.programmes.models import (
    Agreement,
    FundingChannel,
    Partner,
    PortfolioImport,
    Project,
)
from palermo.programmes.report import Report

# The year a funding list was drawn up (its commitments' year).
ListYear = Annotated[int, Field(ge=1900, le=2200)]

router = Router(tags=["programmes"])
WITH_PROBLEMS = {422: Problems, **REFUSED}


def _figures(f: totals.Figures) -> dict:
    return f.as_dict()


def _project_out(project: Project) -> dict:
    project = reading.with_details(project)
    years = totals.by_year(project)
    fields = {name: getattr(project, name) for name in (
        "id", "organisation_id", "iati_identifier", "own_number", "title", "description",
        "objective", "status", "planned_start", "actual_start", "planned_end", "actual_end",
        "currency", "four_ps", "target_groups", "exploitation_forms", "evaluation_status",
        "sampled_for_review")}
    return {**fields, "organisation": str(project.organisation),
            "measures": [m.pk for m in project.measures.all()],
            "participations": [{"id": p.pk, "partner_id": p.partner_id,
                                "partner": p.partner.name, "role": p.role}
                               for p in project.participations.all()],
            "countries": [{"code": c.country_id, "name": c.country.name,
                           "percentage": c.percentage} for c in project.countries.all()],
            "regions": [{"code": r.code, "name": r.label, "percentage": r.percentage}
                        for r in project.regions.all()],
            "sectors": [{"code": s.code, "name": codelists.label(codelists.SECTOR, s.code),
                         "percentage": s.percentage}
                        for s in project.sectors.all()],
            "agreements": [{"id": a.pk, "number": a.number, "year": a.year,
                            "channel": a.channel.path_label() if a.channel else "",
                            "recipient": a.recipient.name if a.recipient else "",
                            "title": a.title, "carry_over": a.carry_over}
                           for a in project.agreements.all()],
            "budgets": list(project.budgets.all()),
            "transactions": list(project.transactions.all()),
            "years": [{"year": y, "figures": _figures(f)} for y, f in years],
            "figures": _figures(totals.total(years))}


def _changeable(request, project_id: RecordId) -> Project:
    project = reading.visible_project(request.membership, project_id)
    access.require(request.membership, Action.CHANGE, project)
    return project


@router.get("/projects", response={200: PortfolioOut, **REFUSED})
def portfolio(request, q: str = ""):
    """The projects the member may see, each with its money, and the totals per currency."""
    figures = totals.portfolio(reading.visible_projects(request.membership, q))
    return {"projects": [{"id": p.pk, "own_number": p.own_number,
                          "iati_identifier": p.iati_identifier, "title": p.title,
                          "organisation": str(p.organisation), "status": p.status,
                          "currency": p.currency, "figures": _figures(f)}
                         for p, f in figures.rows],
            "totals": {c: _figures(f) for c, f in figures.totals.items()}}


@router.post("/projects", response={201: ProjectOut, **WITH_PROBLEMS})
def create_project(request, body: ProjectIn):
    """A project of the member's organisation (M&E officers), which takes part in *role*."""
    values = body.dict(exclude_none=True)
    role, measures = values.pop("role"), values.pop("measures", ())
    try:
        project = services.create_project(request.membership, role=role, measures=measures,
                                          **values)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _project_out(project))


@router.get("/projects/{project_id}", response={200: ProjectOut, **REFUSED})
def get_project(request, project_id: RecordId):
    return _project_out(reading.visible_project(request.membership, project_id))


@router.patch("/projects/{project_id}", response={200: ProjectOut, **WITH_PROBLEMS})
def change_project(request, project_id: RecordId, body: ProjectFields):
    """Change the fields sent; the history keeps who, when, old and new."""
    project = _changeable(request, project_id)
    values = body.dict(exclude_unset=True)
    measures = values.pop("measures", None)
    try:
        services.update_project(request.membership, project, measures=measures, **values)
    except ValidationError as exc:
        return problems(exc)
    return _project_out(project)


@router.get("/projects/{project_id}/history",
            response={200: list[FieldChangeOut], **REFUSED})
def project_history(request, project_id: RecordId):
    project = reading.visible_project(request.membership, project_id)
    return [vars(c) for c in field_changes(project, exclude=("updated_at",))]


@router.post("/projects/{project_id}/participations",
             response={201: ProjectOut, **WITH_PROBLEMS})
def add_participation(request, project_id: RecordId, body: ParticipationIn):
    project = _changeable(request, project_id)
    partner = Partner.objects.filter(pk=body.partner_id).first()
    try:
        if partner is None:
            raise ValidationError({"partner_id": "No such partner."})
        services.add_participation(request.membership, project, partner, body.role)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _project_out(project))


def _country(share: ShareIn) -> Country:
    code = share.code.strip().upper()
    found = Country.objects.filter(Q(pk=code) | Q(alpha2=code)).first()
    if found is None:
        raise ValidationError({"countries": f"{share.code}: not an ISO 3166 country code."})
    return found


@router.put("/projects/{project_id}/places", response={200: ProjectOut, **WITH_PROBLEMS})
def set_places(request, project_id: RecordId, body: PlacesIn):
    """Where the project works: countries and regions, percentages summing to 100 (or
    none given)."""
    project = _changeable(request, project_id)
    try:
        services.set_places(request.membership, project,
                            [(_country(s), s.percentage) for s in body.countries],
                            [(s.code, s.percentage) for s in body.regions])
    except ValidationError as exc:
        return problems(exc)
    return _project_out(project)


@router.put("/projects/{project_id}/sectors", response={200: ProjectOut, **WITH_PROBLEMS})
def set_sectors(request, project_id: RecordId, body: list[ShareIn]):
    project = _changeable(request, project_id)
    try:
        services.set_sectors(request.membership, project,
                             [(s.code, s.percentage) for s in body])
    except ValidationError as exc:
        return problems(exc)
    return _project_out(project)


def _related(model, pk, field: str, **scope):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, **scope).first()
    if found is None:
        raise ValidationError({field: "Not found."})
    return found


@router.post("/projects/{project_id}/agreements",
             response={201: ProjectOut, **WITH_PROBLEMS})
def add_agreement(request, project_id: RecordId, body: AgreementIn):
    project = _changeable(request, project_id)
    values = body.dict()
    try:
        values["channel"] = _related(FundingChannel, values.pop("channel_id"), "channel_id")
        values["recipient"] = _related(Partner, values.pop("recipient_id"), "recipient_id")
        services.add_agreement(request.membership, project, **values)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _project_out(project))


def _money(project: Project, values: dict) -> dict:
    values["agreement"] = _related(Agreement, values.pop("agreement_id"), "agreement_id",
                                   project=project)
    for name in ("provider", "receiver"):
        if f"{name}_id" in values:
            values[name] = _related(Partner, values.pop(f"{name}_id"), f"{name}_id")
    return values


@router.post("/projects/{project_id}/budgets", response={201: ProjectOut, **WITH_PROBLEMS})
def add_budget(request, project_id: RecordId, body: BudgetIn):
    project = _changeable(request, project_id)
    try:
        services.add_budget(request.membership, project, **_money(project, body.dict()))
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _project_out(project))


@router.post("/projects/{project_id}/transactions",
             response={201: ProjectOut, **WITH_PROBLEMS})
def add_transaction(request, project_id: RecordId, body: TransactionIn):
    """Money moving, typed as IATI types it (2 commitment, 3 disbursement, 4 expenditure,
    1 incoming funds …); in another currency, give the exchange rate used."""
    project = _changeable(request, project_id)
    try:
        services.add_transaction(request.membership, project, **_money(project, body.dict()))
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _project_out(project))


def _xml(request, project: Project | None, name: str):
    try:
        content = iati_export.export(request.membership, project=project)
    except iati_export.ExportRefused as exc:
        return Status(422, {"detail": str(exc)})
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/projects/{project_id}/iati.xml", response={422: Error, **REFUSED})
def project_iati(request, project_id: RecordId):
    """The project as IATI 2.03 activity XML (validated against the schema)."""
    project = reading.visible_project(request.membership, project_id)
    return _xml(request, project, f"project-{project.pk}-iati.xml")


@router.get("/iati.xml", response={422: Error, **REFUSED})
def portfolio_iati(request):
    """Every project the member may see as one IATI 2.03 activity file."""
    return _xml(request, None, "portfolio-iati.xml")


def _partner_out(partner: Partner) -> dict:
    return {"id": partner.pk, "name": partner.name, "acronym": partner.acronym,
            "type": partner.type, "iati_ref": partner.iati_ref,
            "organisation_id": partner.organisation_id, "several": partner.several,
            "aliases": [a.name for a in partner.aliases.all()]}


@router.get("/partners", response={200: list[PartnerOut], **REFUSED})
def partner_register(request):
    """The partner register: canonical names, acronyms, aliases, IATI types."""
    access.require(request.membership, Action.VIEW, Partner)
    return [_partner_out(p) for p in Partner.objects.prefetch_related("aliases")]


@router.post("/partners", response={201: PartnerOut, **WITH_PROBLEMS})
def add_partner(request, body: PartnerIn):
    try:
        partner = partners.add_partner(request.membership, **body.dict())
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _partner_out(partner))


@router.post("/partners/{partner_id}/aliases", response={201: PartnerOut, **WITH_PROBLEMS})
def add_alias(request, partner_id: RecordId, body: AliasIn):
    access.require(request.membership, Action.VIEW, Partner)
    partner = access.get_visible(request.membership, Partner.objects.all(), pk=partner_id)
    try:
        partners.add_alias(request.membership, partner, body.name)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _partner_out(partner))


@router.post("/imports/{kind}", response={200: ReportOut, 400: Problems, 404: Error,
                                          422: ReportOut, **REFUSED})
def import_file(request, kind: str, file: File[UploadedFile], accept: bool = False,
                currency: str = "", list_year: ListYear | None = None, sector: str = ""):
    """Check a funding list (``funding_list``: TSV, CSV, XLSX) or an IATI file (``iati``) and
    answer its data-quality report; nothing is imported. Accept it with
    ``POST /imports/{batch}/accept`` — or, knowing the report, send ``accept=true``. 200
    when the file is acceptable, 422 (with the report) when it is refused, 400 for options
    that are not valid (currency, list_year, sector)."""
    imports.require_import(request.membership)
    if kind not in (imports.FUNDING_LIST, imports.IATI):
        return Status(404, {"detail": "Unknown kind: funding_list or iati"})
    options = {"currency": currency, "list_year": list_year, "sector": sector}
    content, name = file.read(), file.name or f"upload.{'xml' if kind == 'iati' else 'tsv'}"
    try:
        if accept:
            report = imports.run(request.membership, content, name, kind, options,
                                 accept=True, channel="api")
        else:
            batch = imports.check_upload(request.membership, content, name, kind, options,
                                         channel="api")
            report = Report.from_dict(batch.report)
    except ValidationError as exc:
        return Status(400, {"detail": "invalid", "fields": exc.message_dict})
    return Status(200 if report.acceptable else 422, report.as_dict())


def _batch(request, batch_id: RecordId) -> PortfolioImport:
    imports.require_import(request.membership)
    return access.get_visible(request.membership, PortfolioImport.objects.all(), pk=batch_id)


@router.get("/import-batches/{batch_id}", response={200: ReportOut, **REFUSED})
def import_report(request, batch_id: RecordId):
    return _batch(request, batch_id).report


@router.post("/import-batches/{batch_id}/accept", response={200: ReportOut, 409: Error,
                                                         422: ReportOut, **REFUSED})
def accept_import(request, batch_id: RecordId):
    """Accept a checked file's report: it is imported in one transaction, or not at all."""
    batch = _batch(request, batch_id)
    try:
        report = imports.accept(request.membership, batch)
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    return Status(200 if report.imported else 422, report.as_dict())
