"""What the exchange commands share: finding the acting membership, printing a report."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import Q

from palermo.core.models import Membership, Organisation, Role


def acting_membership(org: str, username: str | None, role: str | None = None) -> Membership:
    """The membership the command acts with: *username* at organisation *org* (name, short
    name or id); without a user name, the organisation's only active member in *role*."""
    query = Q(name=org) | Q(short_name=org)
    if org.isdigit():
        query |= Q(pk=int(org))
    organisation = Organisation.objects.filter(query).first()
    if organisation is None:
        raise CommandError(f"No organisation {org!r} (give its name, short name or id).")
    members = Membership.objects.filter(organisation=organisation, active=True,
                                        user__is_active=True).select_related("user")
    if username:
        membership = members.filter(user__username=username).first()
        if membership is None:
            raise CommandError(f"{username} is not an active member of {organisation}.")
        return membership
    candidates = list(members.filter(role=role or Role.SUPERVISOR))
    if len(candidates) != 1:
        raise CommandError(f"Say who acts with --as USER ({len(candidates)} active "
                           f"{role or Role.SUPERVISOR} memberships at {organisation}).")
    return candidates[0]


def print_report(command, report) -> None:
    """The per-row report: one line per problem, then the summary."""
    write = command.stdout.write
    if report.unknown_columns:
        write(f"Columns not recognised (ignored): {', '.join(report.unknown_columns)}")
    if report.unused_columns:
        write(f"Columns read but not kept by Palermo: {', '.join(report.unused_columns)}")
    for problem in report.problems:
        where = "file" if problem.row == 0 else f"row {problem.row}"
        line = f"{problem.severity.upper():8} {where:>9}  {problem.field}: {problem.reason}"
        write(command.style.ERROR(line) if problem.severity == "error"
              else command.style.WARNING(line))
    write(command.style.SUCCESS(report.summary()) if report.imported or (
        report.dry_run and report.importable) else command.style.ERROR(report.summary()))
