"""The HTCDS import rate, against a bare ``executemany`` of the same rows.

``measure_import(n)`` is called by ``palermo bench`` (on its scratch database) and by the
exchange tests with a small *n*. Palermo's side is the whole import of a CSV file in the
HTCDS layout — reading, header matching, the one validator (picklists, dates, countries),
duplicate checks, the case module's rules, AES-GCM of every identity field, blind indexes,
history rows, case numbers, fact rows — in one transaction. The baseline inserts the same
rows' cells, as text, into a scratch table with one ``executemany``.
"""

from __future__ import annotations

import csv
import io
import random
import time

from django.db import connection, transaction

SCRATCH = "bench_plain_htcds"
HEADERS = ["cas_CaseOwner", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender",
           "prs_Citizenship", "prs_MobilePhone", "prs_IdentityNumber", "vic_TraffickingStatus",
           "vic_TraffickinStatusDecisionMakingOrg", "vic_MethodsOfControl",
           "vic_TypeOfExploitation", "vic_ForcedLabourIndustry", "cas_Status",
           "cas_IncomingReferralDate"]
GIVEN = ["Adaeze", "Aigerim", "Oksana", "Blessing", "Nurlan", "Joy", "Daria", "Tobi"]
FAMILY = ["Okafor", "Asanova", "Ivanova", "Eze", "Tokoev", "Osagie", "Kowalska"]
COUNTRIES = ["NGA", "KGZ", "UKR", "VNM", "ROU", "Nigeria", "KG"]
MEANS = ["DebtBondage", "FalsePromises", "WithholdsDocuments", "PhysicalThreats",
         "TakesEarnings"]
KINDS = ["SexualExploitation", "ForcedLabour", "ForcedBegging", "ForcedMarriage"]


def synthetic_rows(n: int, owner: str, seed: int = 7) -> list[list[str]]:
    """*n* invented HTCDS rows (distinct persons) with the variety of real files: several
    date formats, country names and codes, multi-select values with different separators."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        year, month, day = rng.randint(1975, 2008), rng.randint(1, 12), rng.randint(13, 28)
        birth = rng.choice([f"{year}-{month:02d}-{day:02d}", f"{day}/{month}/{year}"])
        kind = rng.choice(KINDS)
        rows.append([
            owner, f"{rng.choice(GIVEN)}{i}", rng.choice(FAMILY), birth,
            rng.choice(["Feminine", "Feminine", "Masculine"]), rng.choice(COUNTRIES),
            f"+000 {i:08d}", f"BENCH-{i:08d}", "ActualVictimOfTrafficking",
            rng.choice(["Police", "NGO"]), rng.choice(["; ", "|", ", "]).join(
                rng.sample(MEANS, 2)), kind,
            "F_Construction" if kind == "ForcedLabour" else "", "Active",
            f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-01"])
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _baseline(rows: list[list[str]]) -> float:
    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    marks = ", ".join(["%s"] * len(HEADERS))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} ({columns})")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {SCRATCH} VALUES ({marks})", rows)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")
    return seconds


def measure_import(n: int, membership=None) -> dict:
    """Import *n* synthetic HTCDS rows and time a bare ``executemany`` of the same rows.

    *membership*: the importing supervisor (default: a scratch organisation and supervisor
    are created). Returns ``{"rows", "seconds", "rows_per_second", "baseline_seconds",
    "baseline_rows_per_second", "ratio", "imported", "errors"}``; ``ratio`` is Palermo's
    time over the baseline's.
    """
    from palermo.exchange.htcds import import_htcds

    membership = membership or _scratch_supervisor()
    rows = synthetic_rows(n, membership.user.get_username())
    content = as_csv(rows)
    start = time.perf_counter()
    report = import_htcds(membership, content, "bench.csv")
    seconds = time.perf_counter() - start
    baseline = _baseline(rows)
    return {"rows": n, "seconds": seconds, "rows_per_second": n / seconds if seconds else 0.0,
            "baseline_seconds": baseline,
            "baseline_rows_per_second": n / baseline if baseline else 0.0,
            "ratio": seconds / baseline if baseline else float("inf"),
            "imported": report.imported, "errors": len(report.errors)}


def _scratch_supervisor():
    from palermo.core.models import Organisation, Role
    from palermo_bench.members import scratch_member

    count = Organisation.objects.filter(name__startswith="Import bench").count()
    organisation = Organisation.objects.create(name=f"Import bench {count + 1}", type="NGO",
                                               short_name=f"IMPB{count + 1}")
    return scratch_member(f"import-bench-{count + 1}", organisation, Role.SUPERVISOR)
