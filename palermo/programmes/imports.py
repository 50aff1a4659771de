"""The one flow of every portfolio import (a funding list, an IATI file): check and report;
write nothing until the report is accepted; then write everything in one transaction, or
nothing. Pages keep the checked file in a :class:`PortfolioImport` until it is accepted;
the command line and the API may check and accept in one go (``accept=True``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership
from palermo.programmes import codelists, iati_import
from palermo.programmes.funding_list import Options, read_list
from palermo.programmes.funding_plan import plan_import
from palermo.programmes.funding_write import Writer
from palermo.programmes.models import PortfolioImport, Project
from palermo.programmes.partners import Directory
from palermo.programmes.report import Report

FUNDING_LIST = PortfolioImport.Kind.FUNDING_LIST
IATI = PortfolioImport.Kind.IATI
MAX_BYTES = 20 * 1024 * 1024


def require_import(membership: Membership | None) -> None:
    """Importing needs the right to start an import and to create projects (M&E
    officers, for their organisation): raises ``PermissionDenied`` otherwise."""
    access.require(membership, Action.CREATE, PortfolioImport)
    access.require(membership, Action.CREATE, Project)


def funding_options(values: dict | None) -> Options:
    """The options of a funding-list import, checked (ValidationError naming the field)."""
    values = values or {}
    currency = (values.get("currency") or "").strip().upper() or None
    sector = (str(values.get("sector") or "")).strip() or None
    year = values.get("list_year")
    if currency and not codelists.is_code(codelists.CURRENCY, currency):
        raise ValidationError({"currency": _("Not an ISO 4217 currency code.")})
    if sector and not codelists.is_code(codelists.SECTOR, sector):
        raise ValidationError({"sector": _("Not a DAC 5-digit sector code.")})
    try:
        year = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        year = -1
    if year is not None and not 1900 <= year <= 2100:
        raise ValidationError({"list_year": _("A year between 1900 and 2100.")})
    return Options(currency=currency, list_year=year, sector=sector)


@dataclass
class Checked:
    report: Report
    plan: object | None  # what accepting writes (None: refused)


def check(membership: Membership, content: bytes, filename: str, kind: str,
          options: dict | None = None) -> Checked:
    """Check a file and report; nothing is written."""
    require_import(membership)
    report = Report(kind, filename, hashlib.sha256(content).hexdigest())
    if len(content) > MAX_BYTES:
        report.add("unreadable", "error", [], _("(file)"), "",
                   _("The file is larger than 20 MB."))
        return Checked(report, None)
    if kind == FUNDING_LIST:
        read = read_list(content, filename, funding_options(options), Directory(), report)
        plan = plan_import(read, membership.organisation) if not report.errors else None
    elif kind == IATI:
        plan = iati_import.check(content, report, membership.organisation)
    else:
        raise ValidationError({"kind": _("A funding list or an IATI file.")})
    return Checked(report, plan if report.acceptable else None)


def _write(membership: Membership, kind: str, plan) -> dict[str, int]:
    writer = Writer(membership, plan) if kind == FUNDING_LIST else \
        iati_import.IatiWriter(membership, plan)
    return dict(writer.run())


def _record(membership, kind, filename, content, options, report, status, channel):
    return PortfolioImport.objects.create(
        organisation=membership.organisation, user=membership.user, kind=kind,
        filename=filename[:200], sha256=report.sha256, options=options or {},
        content=content if status == PortfolioImport.Status.CHECKED else b"",
        report=report.as_dict(), status=status, channel=channel,
        finished_at=None if status == PortfolioImport.Status.CHECKED else timezone.now())


def check_upload(membership: Membership, content: bytes, filename: str, kind: str,
                 options: dict | None = None, *, channel: str = "web") -> PortfolioImport:
    """Check a file and keep it, with its report, until the member accepts the report (or
    keep the refusal, without the file)."""
    checked = check(membership, content, filename, kind, options)
    status = PortfolioImport.Status.CHECKED if checked.report.acceptable \
        else PortfolioImport.Status.REFUSED
    batch = _record(membership, kind, filename, content, options, checked.report, status,
                    channel)
    checked.report.batch = batch.pk
    batch.report = checked.report.as_dict()
    batch.save(update_fields=["report"])
    return batch


@transaction.atomic
def accept(membership: Membership, batch: PortfolioImport) -> Report:
    """Import a checked file whose report the member accepts: checked again as the
    portfolio is now, then written in one transaction — all of it or nothing."""
    require_import(membership)
    batch = PortfolioImport.objects.select_for_update().get(pk=batch.pk)
    if batch.organisation_id != membership.organisation_id:
        raise ValidationError(_("This import belongs to another organisation."))
    if batch.status != PortfolioImport.Status.CHECKED:
        raise ValidationError(_("This file was imported or refused already."))
    checked = check(membership, bytes(batch.content), batch.filename, batch.kind,
                    batch.options)
    report = checked.report
    report.batch = batch.pk
    if checked.plan is not None:
        report.changes["written"] = sum(_write(membership, batch.kind, checked.plan).values())
        report.imported = True
    batch.status = (PortfolioImport.Status.IMPORTED if report.imported
                    else PortfolioImport.Status.REFUSED)
    batch.content, batch.finished_at = b"", timezone.now()
    batch.report = report.as_dict()
    batch.save()
    return report


def run(membership: Membership, content: bytes, filename: str, kind: str,
        options: dict | None = None, *, accept: bool = False, channel: str = "cli") -> Report:
    """Check a file and, with *accept*, import it at once when the report allows (the
    command line, the API). Without *accept* nothing at all is written."""
    if not accept:
        return check(membership, content, filename, kind, options).report
    with transaction.atomic():
        checked = check(membership, content, filename, kind, options)
        report = checked.report
        if checked.plan is not None:
            report.changes["written"] = sum(_write(membership, kind, checked.plan).values())
            report.imported = True
        status = (PortfolioImport.Status.IMPORTED if report.imported
                  else PortfolioImport.Status.REFUSED)
        batch = _record(membership, kind, filename, content, options, report, status,
                        channel)
        report.batch = batch.pk
        batch.report = report.as_dict()
        batch.save(update_fields=["report"])
    return report
