"""Palermo's reference data files (``palermo/core/data``) and how they get into the database.

The CSV files are the project's own copies of the CTM regions, ISO 3166-1 countries and HTCDS
picklists (sources and licences in ``data/ATTRIBUTION.md``; produced by
``tools/build_reference_data.py``). This module only reads them: it imports no models, so a
data migration can call :func:`load_reference_data` with its historical ``apps`` registry, and
forms can use :func:`htcds_choices` without a database query.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"

REGIONS_CSV = DATA_DIR / "regions.csv"
COUNTRIES_CSV = DATA_DIR / "countries.csv"
PICKLISTS_CSV = DATA_DIR / "htcds_picklists.csv"


def _read_csv(path: Path, int_columns: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows of a data file as dicts, with ``int_columns`` converted to int."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows: list[dict[str, Any]] = list(csv.DictReader(handle))
    for row in rows:
        for column in int_columns:
            row[column] = int(row[column])
    return rows


def read_regions() -> list[dict[str, Any]]:
    """CTM regions: ``scheme`` (origin/destination), ``code``, ``name``, ``order`` (int)."""
    return _read_csv(REGIONS_CSV, ("order",))


def read_countries() -> list[dict[str, Any]]:
    """Countries: ``alpha3``, ``alpha2``, ``numeric`` (string, "" for Kosovo), ``name``,
    ``origin_region`` and ``destination_region`` (region codes), ``key_source``
    (``printed`` = from the report's destination key, ``palermo`` = Palermo's addition)."""
    return _read_csv(COUNTRIES_CSV)


def read_picklists() -> list[dict[str, Any]]:
    """HTCDS picklist values: ``field``, ``value``, ``label``, ``order`` (int, 1..n per field),
    ``source`` (``htcds`` or ``palermo`` for Palermo's extensions)."""
    return _read_csv(PICKLISTS_CSV, ("order",))


@lru_cache(maxsize=1)
def _picklist_index() -> dict[str, tuple[tuple[str, str], ...]]:
    """field -> ((value, label), ...) in the standard's order, read once per process."""
    index: dict[str, list[tuple[str, str]]] = {}
    for row in sorted(read_picklists(), key=lambda r: (r["field"], r["order"])):
        index.setdefault(row["field"], []).append((row["value"], row["label"]))
    return {field: tuple(pairs) for field, pairs in index.items()}


@lru_cache(maxsize=128)
def htcds_choices(field: str) -> list[tuple[str, str]]:
    """The (value, label) choices of an HTCDS picklist field, e.g. ``htcds_choices("org_Type")``.

    The result is cached and shared between callers: copy it before changing it.
    Raises KeyError naming the known fields when ``field`` is not a picklist.
    """
    index = _picklist_index()
    if field not in index:
        raise KeyError(f"{field!r} is not an HTCDS picklist field; known fields: "
                       f"{', '.join(sorted(index))}")
    return list(index[field])


def _upsert(model: Any, objects: list[Any], unique_fields: list[str], update_fields: list[str],
            using: str) -> None:
    """Insert or update ``objects`` in one statement where the database supports it."""
    from django.db import connections

    features = connections[using].features
    if features.supports_update_conflicts:
        target = unique_fields if features.supports_update_conflicts_with_target else None
        model.objects.using(using).bulk_create(
            objects, update_conflicts=True, unique_fields=target, update_fields=update_fields)
        return
    for obj in objects:  # pragma: no cover - databases without ON CONFLICT / UPSERT
        lookup = {name: getattr(obj, name) for name in unique_fields}
        defaults = {name: getattr(obj, name) for name in update_fields}
        model.objects.using(using).update_or_create(**lookup, defaults=defaults)


def load_reference_data(apps: Any, using: str = "default") -> dict[str, int]:
    """Insert or update the regions, countries and HTCDS picklist values from the data files.

    ``apps`` is the migration's app registry (``django.apps.apps`` works too); ``using`` the
    database alias (pass ``schema_editor.connection.alias`` from a migration). Idempotent:
    running it again updates names, labels, orders and region assignments in place. Rows no
    longer in the files are left alone (countries are protected by foreign keys).

    Returns the number of rows written per model: ``{"Region": .., "Country": ..,
    "PicklistValue": ..}``.
    """
    Region = apps.get_model("core", "Region")
    Country = apps.get_model("core", "Country")
    PicklistValue = apps.get_model("core", "PicklistValue")

    regions = read_regions()
    _upsert(Region, [Region(**row) for row in regions],
            unique_fields=["scheme", "code"], update_fields=["name", "order"], using=using)
    region_ids = {(scheme, code): pk for scheme, code, pk in
                  Region.objects.using(using).values_list("scheme", "code", "pk")}

    countries = read_countries()
    _upsert(
        Country,
        [Country(code=row["alpha3"], alpha2=row["alpha2"], numeric=row["numeric"],
                 name=row["name"],
                 origin_region_id=region_ids[("origin", row["origin_region"])],
                 destination_region_id=region_ids[("destination", row["destination_region"])])
         for row in countries],
        unique_fields=["code"],
        update_fields=["alpha2", "numeric", "name", "origin_region", "destination_region"],
        using=using,
    )

    picklists = read_picklists()
    _upsert(PicklistValue,
            [PicklistValue(field=row["field"], value=row["value"], label=row["label"],
                           order=row["order"]) for row in picklists],
            unique_fields=["field", "value"], update_fields=["label", "order"], using=using)

    return {"Region": len(regions), "Country": len(countries), "PicklistValue": len(picklists)}
