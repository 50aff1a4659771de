"""``palermo report ctm``: the CTM tables as CSV, XLSX or a printable HTML file.

Run on the server by an administrator, the report counts every organisation and is
**always disclosure-controlled** — an administrator never sees real counts in the
application either. ``--as USERNAME`` runs it as that user would see it on the page (their
organisation and role); ``--unsuppressed`` additionally requires that this user may see the
real counts (a supervisor, for their own organisation). A suppressed report is part of the
fixed table set (``publication.chooses_population``): the population options ``--org``,
``--from``, ``--to`` and ``--source`` need ``--unsuppressed``; years and organisations are
columns (``--by year``, ``--by organisation``). Every file is written to the release log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from palermo.analytics import publication
from palermo.analytics.engine import Filters
from palermo.analytics.exports import export_tables
from palermo.analytics.outputs import report_html
from palermo.analytics.specs import get_spec, shipped_specs
from palermo.analytics.tables import GROUPINGS
from palermo.cases.facts import DATA_SOURCES

BY_TABLE = {"all": "ctm_full_sample", "origin_region": "ctm_regions_of_origin"}


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from exc


def _sources(values: list[str] | None) -> tuple[str, ...]:
    """``--source`` values, repeated or comma-separated, checked against the data sources."""
    known = [value for value, _label in DATA_SOURCES]
    sources = [v.strip() for raw in values or () for v in raw.split(",") if v.strip()]
    for source in sources:
        if source not in known:
            raise CommandError(f"--source {source!r}: expected one of {', '.join(known)}")
    return tuple(dict.fromkeys(sources))


class Command(BaseCommand):
    help = ("Write the CTM tables (or one table by its key) to a file. Suppressed by default; "
            "see docs/analytics.md.")

    def add_arguments(self, parser):
        parser.add_argument("tables", help="ctm (the CTM table set) or a table key, e.g. "
                                           "ctm_full_sample")
        parser.add_argument("--by", choices=[value for value, _label in GROUPINGS if value],
                            help="Column grouping (default: each table as printed)")
        parser.add_argument("--format", dest="fmt", choices=["csv", "xlsx", "html"],
                            default="xlsx")
        parser.add_argument("--out", required=True, help="File to write")
        parser.add_argument("--convention", choices=["ctm", "ctdc"])
        parser.add_argument("--org", help="Organisation name or id (default: all; with "
                                          "--unsuppressed only)")
        parser.add_argument("--from", dest="date_from",
                            help="Cases opened on or after (with --unsuppressed only)")
        parser.add_argument("--to", dest="date_to",
                            help="Cases opened on or before (with --unsuppressed only)")
        parser.add_argument("--source", action="append",
                            help="Data source, repeatable or comma-separated: "
                                 f"{', '.join(v for v, _ in DATA_SOURCES)} "
                                 "(with --unsuppressed only)")
        parser.add_argument("--as", dest="as_user",
                            help="Produce the report as this user sees it on the page")
        parser.add_argument("--unsuppressed", action="store_true",
                            help="Real counts; requires --as a user allowed to see them")

    def _specs(self, name: str, by: str | None):
        if name == "ctm":
            if by in BY_TABLE:
                return [get_spec(BY_TABLE[by])], None
            if by:
                return [get_spec("ctm_full_sample")], by
            return [s for k, s in shipped_specs().items() if k.startswith("ctm_")], None
        try:
            return [get_spec(name)], by
        except KeyError as exc:
            raise CommandError(f"no table {name!r}; tables: ctm, "
                               f"{', '.join(shipped_specs())}") from exc

    def _organisation(self, value: str | None) -> int | None:
        from palermo.core.models import Organisation

        if not value:
            return None
        found = Organisation.objects.filter(pk=int(value)) if value.isdigit() else \
            Organisation.objects.filter(name=value)
        org = found.first()
        if org is None:
            raise CommandError(f"--org {value!r}: no such organisation")
        return org.pk

    def _membership(self, username: str | None, org: int | None):
        if not username:
            return None
        from palermo.core.access import acting_membership
        from palermo.core.models import User

        user = User.objects.filter(username=username).first()
        membership = acting_membership(user, org)
        if membership is None:
            raise CommandError(f"--as {username!r}: no active user with a membership")
        return membership

    def handle(self, *args, **options):
        specs, by = self._specs(options["tables"], options["by"])
        org = self._organisation(options["org"])
        filters = Filters(date_from=_date(options["date_from"], "--from"),
                          date_to=_date(options["date_to"], "--to"),
                          organisations=(org,) if org else (),
                          data_sources=_sources(options["source"]))
        membership = self._membership(options["as_user"], org)
        if membership is None:
            if options["unsuppressed"]:
                raise CommandError("--unsuppressed needs --as USERNAME, a user who may see "
                                   "the real counts (a supervisor, for their organisation)")
            scope_orgs, real = None, False
        else:
            try:
                scope_orgs = publication.reader_scope(membership)
            except PermissionDenied as exc:
                raise CommandError(f"--as {options['as_user']}: this user sees no "
                                   "statistics") from exc
            if org is not None and scope_orgs is not None and org not in scope_orgs:
                raise CommandError(f"--org {options['org']}: {options['as_user']} may not "
                                   "count this organisation's facts")
            allowed = publication.sees_real_counts(membership, scope_orgs)
            if options["unsuppressed"] and not allowed:
                raise CommandError(f"--as {options['as_user']}: this user may not see the "
                                   "real counts")
            real = allowed and options["unsuppressed"]
            if org is not None and scope_orgs == (org,):
                # --org only picks which of the user's memberships acts: its whole scope.
                filters = replace(filters, organisations=())
        if not publication.chooses_population(real):
            chosen = [option for option, value in (
                ("--org", filters.organisations), ("--from", filters.date_from),
                ("--to", filters.date_to), ("--source", filters.data_sources)) if value]
            if chosen:
                raise CommandError(
                    f"{', '.join(chosen)}: a suppressed report counts every person in scope "
                    "over all years (the fixed table set); use --by year or --by organisation "
                    "for columns, or --unsuppressed --as a user who sees the real counts")
        published = publication.publish_tables(specs, filters, scope_orgs=scope_orgs,
                                               real_counts=real,
                                               convention=options["convention"], by=by)
        html = report_html(published) if options["fmt"] == "html" else None
        made = export_tables(published, options["fmt"], channel="cli", membership=membership,
                             html=html)
        out = Path(options["out"])
        out.write_bytes(made.content)
        self.stdout.write(f"Wrote {out} ({len(made.content):,} bytes, "
                          f"{'real counts' if real else 'suppressed'}; release "
                          f"#{made.release.pk}, sha256 {made.release.sha256[:12]}…)")
