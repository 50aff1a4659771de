"""CaseFact: the de-identified projection of a case — the only door out of the case module.

One flat row per case, like a row of the CTDC microdata: no name, contact, identity number or
birth date, no free text; a pseudonymous person key so that counts are of persons, not cases.
Analysis and exchange read this table only (ARCHITECTURE.md).

Every change of a case, or of the person it concerns, rewrites the row in the same
transaction (:func:`project`, called by the case services). ``palermo rebuild-facts`` rebuilds
the table from scratch and reports any row that differed (:func:`rebuild`).
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field

from django.db import models, transaction

from palermo.cases.models import Case, CaseFact, DataSource
from palermo.core import crypto

__all__ = ["CaseFact", "DATA_SOURCES", "FACT_FIELDS", "person_key", "project", "project_case",
           "project_many", "project_person", "rebuild"]

# CaseFact.data_source values and their (lazily translated) labels: how a case entered
# Palermo. Analysis takes the choices from here (it may not import the case models).
DATA_SOURCES: list[tuple[str, str]] = list(DataSource.choices)

# The fields a fact row carries besides its keys; compared by rebuild().
FACT_FIELDS = (
    "organisation_id", "person_key", "year", "opened_on", "status", "client_category",
    "data_source", "gender", "age", "citizenship", "education", "origin_country", "origin_region",
    "destination_country", "destination_region", "exploitation_countries",
    "trafficking_type", "trafficking_status", "identifying_agency", "exploitation_types",
    "means_of_control", "forced_labour_industries", "sexual_exploitation_types",
    "recruitment_methods", "recruiter_relationship", "exploitation_months",
    "knew_risks", "awareness_sources", "is_retrafficked",
)


def person_key(person_id: int) -> str:
    """The pseudonymous key of a person: an HMAC under the blind-index key, so it is stable,
    equal for the same person across cases and organisations, and not reversible."""
    return hmac.digest(crypto.keyring().index_key, f"person:{person_id}".encode(),
                       "sha256").hex()[:32]


def age_on(birth: dt.date | None, day: dt.date | None) -> int | None:
    """Whole years between *birth* and *day*, or None when either is unknown."""
    if birth is None or day is None or day < birth:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _had_earlier_case(case) -> bool:
    """A new episode for someone assisted before is re-trafficking; a case that continues a
    referral is the same episode, counted once."""
    return case.referred_by_id is None and type(case).objects.filter(
        person_id=case.person_id).filter(
        models.Q(opened_on__lt=case.opened_on)
        | models.Q(opened_on=case.opened_on, pk__lt=case.pk)).exists()


def values_for(case, *, countries: dict | None = None, earlier: bool | None = None) -> dict:
    """The fact row of *case* as a dict of :data:`FACT_FIELDS`. Batch callers pass the
    countries (code -> Country with regions) and the re-trafficking flag they computed once
    for many cases; otherwise they are looked up."""
    person = case.person
    origin = case.origin_country
    destination_code = (case.exploitation_countries or [None])[0]
    destination = (countries.get(destination_code) if countries is not None
                   else _country(destination_code))
    age = age_on(person.birth_date, case.identified_on or case.opened_on)
    if age is None:
        age = case.age_at_exploitation
    if earlier is None:
        earlier = _had_earlier_case(case)
    return {
        "organisation_id": case.organisation_id, "person_key": person_key(person.pk),
        "year": case.opened_on.year, "opened_on": case.opened_on, "status": case.status,
        "client_category": case.client_category, "data_source": case.data_source,
        "gender": person.gender, "age": age,
        "citizenship": person.citizenship_id or "", "education": person.education,
        "origin_country": origin.code if origin else "",
        "origin_region": origin.origin_region.code if origin else "",
        "destination_country": destination.code if destination else "",
        "destination_region": destination.destination_region.code if destination else "",
        "exploitation_countries": list(case.exploitation_countries or []),
        "trafficking_type": case.trafficking_type,
        "trafficking_status": case.trafficking_status,
        "identifying_agency": case.identifying_agency,
        "exploitation_types": list(case.exploitation_types or []),
        "means_of_control": list(case.means_of_control or []),
        "forced_labour_industries": list(case.forced_labour_industries or []),
        "sexual_exploitation_types": list(case.sexual_exploitation_types or []),
        "recruitment_methods": list(case.recruitment_methods or []),
        "recruiter_relationship": case.recruiter_relationship,
        "exploitation_months": case.exploitation_months,
        "knew_risks": case.knew_risks,
        "awareness_sources": list(case.awareness_sources or []),
        "is_retrafficked": earlier,
    }


def _country(code: str | None):
    if not code:
        return None
    from palermo.core.models import Country

    return Country.objects.select_related("destination_region").filter(pk=code).first()


def batch_values(cases: list) -> dict[int, dict]:
    """The fact values of many cases (case pk -> values): countries and earlier cases are
    read once for the batch instead of once per case."""
    from palermo.core.models import Country

    if not cases:
        return {}
    countries = {c.code: c for c in Country.objects.select_related("destination_region")}
    episodes: dict[int, list[tuple]] = {}
    for person_id, opened_on, pk in Case.objects.filter(
            person_id__in={c.person_id for c in cases}).values_list("person_id", "opened_on",
                                                                    "pk"):
        episodes.setdefault(person_id, []).append((opened_on, pk))
    values = {}
    for case in cases:
        first = min(episodes.get(case.person_id, [(case.opened_on, case.pk)]))
        earlier = case.referred_by_id is None and first != (case.opened_on, case.pk)
        values[case.pk] = values_for(case, countries=countries, earlier=earlier)
    return values


def project_many(cases: list) -> int:
    """Write the fact rows of many cases at once (imports, benchmarks), upserted in bulk."""
    rows = [CaseFact(case_key=pk, **values) for pk, values in batch_values(cases).items()]
    CaseFact.objects.bulk_create(rows, update_conflicts=True, unique_fields=["case_key"],
                                 update_fields=list(FACT_FIELDS), batch_size=1000)
    return len(rows)


def project(case) -> CaseFact:
    """Write the fact row of *case*. Call inside the transaction that changed the case."""
    fact, _ = CaseFact.objects.update_or_create(case_key=case.pk, defaults=values_for(case))
    return fact


def project_case(case) -> None:
    """Write the fact row of *case* and rewrite those of the person's other cases: which
    episode came first (re-trafficking) depends on all of them, so a case opened — or
    re-dated — before an earlier one changes that one's row too."""
    project_person(case.person)


def project_person(person) -> None:
    """Rewrite the fact rows of every case of *person* (after a change to the person)."""
    for case in person.cases.select_related("origin_country__origin_region", "person"):
        project(case)


@dataclass
class RebuildReport:
    cases: int = 0
    created: int = 0
    changed: int = 0
    removed: int = 0
    fields: dict[str, int] = field(default_factory=dict)


def _compare_and_write(cases: list, existing: dict, report: RebuildReport) -> None:
    for pk, wanted in batch_values(cases).items():
        report.cases += 1
        fact = existing.pop(pk, None)
        if fact is None:
            CaseFact.objects.create(case_key=pk, **wanted)
            report.created += 1
            continue
        differing = [name for name, value in wanted.items() if getattr(fact, name) != value]
        if differing:
            report.changed += 1
            for name in differing:
                report.fields[name] = report.fields.get(name, 0) + 1
            CaseFact.objects.filter(pk=fact.pk).update(**wanted)


@transaction.atomic
def rebuild(batch_size: int = 500) -> RebuildReport:
    """Rebuild every fact row from the cases; report rows that were missing, differed or
    belonged to no case any more."""
    report = RebuildReport()
    existing = {f.case_key: f for f in CaseFact.objects.all()}
    cases = Case.objects.select_related("person", "origin_country__origin_region")
    batch: list = []
    for case in cases.iterator(chunk_size=batch_size):
        batch.append(case)
        if len(batch) == batch_size:
            _compare_and_write(batch, existing, report)
            batch = []
    _compare_and_write(batch, existing, report)
    report.removed = CaseFact.objects.filter(case_key__in=list(existing)).delete()[0]
    return report
