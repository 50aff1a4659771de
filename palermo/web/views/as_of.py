"""The record as it was on a date: a person or a case rebuilt from its history
(django-simple-history ``as_of``), next to its values today. It is the record's history, so
the history rule applies (``access.may_read_history``: a case's history is its own
organisation's; a person's, whoever sees the identity), and a case's person stays hidden
where the identity is (``cases.sharing``). The opening is logged as for the record's own
page; encrypted fields decrypt as usual."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import models
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from palermo.cases import sharing
from palermo.cases.models import Case, Person
from palermo.core import access
from palermo.core.audit import log_access
from palermo.core.history import _display as display_value
from palermo.web.forms import AsOfForm


@dataclass(frozen=True)
class AsOfRow:
    label: str
    then: str
    now: str

    @property
    def changed(self) -> bool:
        return self.then != self.now


@dataclass(frozen=True)
class AsOf:
    """A record on a day: its values then and now, and the version that was current."""

    day: dt.date
    existed: bool
    rows: list[AsOfRow]
    saved_at: dt.datetime | None = None
    saved_by: str = ""


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of *day* in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def record_as_of(record: models.Model, day: dt.date, hidden: tuple[str, ...] = ()) -> AsOf:
    """*record* as it was at the end of *day*, field by field beside today's values; the
    values of the fields named in *hidden* are replaced by a notice."""
    version = (record.history.filter(history_date__lte=end_of(day))
               .select_related("history_user").order_by("-history_date", "-history_id")
               .first())
    if version is None or version.history_type == "-":
        return AsOf(day=day, existed=False, rows=[])
    then = version.instance
    fields = [f for f in type(record)._meta.concrete_fields
              if f.editable and not f.primary_key]
    rows = [AsOfRow(str(f.verbose_name), display_value(then, f), display_value(record, f))
            if f.name not in hidden else
            AsOfRow(str(f.verbose_name), sharing.withheld_value(), sharing.withheld_value())
            for f in fields]
    who = version.history_user.get_username() if version.history_user else "system"
    return AsOf(day=day, existed=True, rows=rows, saved_at=version.history_date, saved_by=who)


def _page(request, record: models.Model, kind: str, back_url: str,
          hidden: tuple[str, ...] = ()):
    access.require_history(request.membership, record)
    form = AsOfForm(request.GET if "date" in request.GET else None,
                    initial={"date": timezone.localdate()})
    snapshot = None
    if form.is_valid():
        snapshot = record_as_of(record, form.cleaned_data["date"], hidden)
        log_access(request.membership, record,
                   detail=f"as of {form.cleaned_data['date'].isoformat()}")
    return render(request, "web/as_of.html", {
        "record": record, "kind": kind, "form": form, "snapshot": snapshot,
        "back_url": back_url})


@login_required
def person_as_of(request, pk: int):
    """A person's record as it was on the chosen date."""
    person = access.get_visible(request.membership, Person.objects.all(), pk=pk)
    return _page(request, person, "person", reverse("web:person_detail", args=[person.pk]))


@login_required
def case_as_of(request, pk: int):
    """A case as it was on the chosen date."""
    case = access.get_visible(request.membership, Case.objects.select_related("person"),
                              pk=pk)
    return _page(request, case, "case", reverse("web:case_detail", args=[case.pk]),
                 sharing.hidden_fields(request.membership, case))

