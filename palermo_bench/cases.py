"""``palermo bench cases``: the case pages with a large caseload, against a bare view.

Seeds N synthetic cases (default 100,000) in bulk — still through the model fields, so every
identity value is encrypted and every blind index computed, with history rows and facts —
then serves with gunicorn and measures, under concurrent users, the case list (first page of
N), case pages (spread over many cases; each is logged in the access log) and the exact
case-number search, next to ``/api/health`` measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from palermo.cases import facts
from palermo.cases.models import Case, Person
from palermo_bench.figures import Figure
from palermo_bench.serving import load, page_figures, served, session_cookie

KINDS = ["SexualExploitation", "ForcedLabour", "ForcedBegging", "ForcedMarriage"]
MEANS = ["DebtBondage", "FalsePromises", "WithholdsDocuments", "PhysicalThreats"]
COUNTRIES = ["NGA", "KGZ", "ROU", "UKR", "VNM", "ITA", "RUS", "NOR", "TUR", "ESP"]


def seed(membership, n: int, batch: int = 2000, seed_value: int = 11,
         progress=None) -> list[int]:
    """Create *n* synthetic persons with one case each; returns the case ids."""
    rng = random.Random(seed_value)
    user, org = membership.user, membership.organisation
    case_ids: list[int] = []
    for start in range(0, n, batch):
        size = min(batch, n - start)
        with transaction.atomic():
            persons = bulk_create_with_history([
                Person(organisation=org, registered_by=user, given_name=f"Bench{start + i}",
                       family_name=rng.choice(["Okafor", "Asanova", "Ivanova", "Nguyen"]),
                       birth_date=dt.date(rng.randint(1975, 2010), rng.randint(1, 12),
                                          rng.randint(1, 28)),
                       gender=rng.choice(["Feminine"] * 3 + ["Masculine"]),
                       citizenship_id=rng.choice(COUNTRIES), phone=f"+000 {start + i:08d}",
                       identity_number=f"BENCH-{start + i:08d}")
                for i in range(size)], Person, batch_size=batch, default_user=user)
            cases = bulk_create_with_history([
                Case(organisation=org, person=person, assigned_to=user,
                     number=f"BENCH-{start + i:07d}",
                     opened_on=dt.date(rng.randint(2015, 2026), rng.randint(1, 12), 1),
                     client_category="victim", trafficking_type="transnational",
                     origin_country_id=person.citizenship_id,
                     exploitation_countries=[rng.choice(COUNTRIES)],
                     exploitation_types=[rng.choice(KINDS)],
                     means_of_control=rng.sample(MEANS, 2), exploitation_months=rng.randint(1, 40))
                for i, person in enumerate(persons)], Case, batch_size=batch, default_user=user)
            loaded = list(Case.objects.filter(pk__in=[c.pk for c in cases])
                          .select_related("person", "origin_country__origin_region"))
            facts.project_many(loaded)
        case_ids += [c.pk for c in loaded]
        if progress:
            progress(size)
    return case_ids


def measure(membership, case_ids: list[int], requests: int, concurrency: int,
            workers: int) -> list[Figure]:
    """p50 / p95 of the case list, case pages and the number search vs /api/health."""
    rng = random.Random(5)
    cookie = session_cookie(membership.user)
    pages = [f"/cases/{pk}/" for pk in rng.sample(case_ids, min(len(case_ids), requests))]
    numbers = list(Case.objects.filter(pk__in=rng.sample(case_ids, min(len(case_ids), 200)))
                   .values_list("number", flat=True))
    searches = [f"/cases/?number={number}" for number in numbers]
    note = f"vs /api/health, {concurrency} concurrent, {len(case_ids):,} cases"
    with served(workers) as port:
        load(port, "/cases/", cookie, concurrency * 2, concurrency)  # warm up
        listing = load(port, "/cases/", cookie, requests, concurrency)
        detail = load(port, pages, cookie, requests, concurrency)
        search = load(port, searches, cookie, requests, concurrency)
        floor = load(port, "/api/health", "", requests, concurrency)
    return (page_figures("list", listing, floor, f"case list {note}")
            + page_figures("case", detail, floor, f"case page {note}")
            + page_figures("search", search, floor, f"number search {note}"))
