"""The data-source filter of the tables: only the persons of cases that entered Palermo by
the chosen channels are counted (CaseFact.data_source)."""

from __future__ import annotations

import pytest

from palermo.analytics.engine import Filters
from palermo.analytics.outputs import filters_line
from palermo.analytics.publication import publish
from palermo.analytics.specs import get_spec
from palermo.analytics.tables import build_table
from palermo.cases.models import CaseFact
from tests.analytics.conftest import fact


@pytest.fixture
def imported_facts(known_facts, cast):
    """The known dataset (all entered in Palermo) and three imported persons: p9 and p10
    from an HTCDS file, p11 from the case template — and a second, imported, case of p1."""
    return CaseFact.objects.bulk_create([
        fact(cast.ngo_a, "p9", gender="Masculine", age=40, data_source="htcds_import"),
        fact(cast.ngo_b, "p10", gender="Feminine", age=17, data_source="htcds_import",
             client_category="possible_victim"),
        fact(cast.ngo_a, "p11", gender="Feminine", age=20, data_source="template_import"),
        fact(cast.ngo_a, "p1", year=2023, gender="Feminine", age=17,
             data_source="htcds_import"),
    ])


def gender_counts(table) -> dict[str, int]:
    block = next(b for b in table.blocks if b.name == "gender")
    return {row.label: row.counts[0] for row in block.rows if row.counts[0]}


def test_an_htcds_import_table_counts_only_the_imported_persons(imported_facts):
    spec = get_spec("ctm_full_sample")
    assert build_table(spec).column_n == [11]  # every person, each once
    imported = build_table(spec, Filters(data_sources=("htcds_import",)))
    assert imported.column_n == [3]  # p9, p10 and p1 (through her imported case only)
    assert gender_counts(imported) == {"Female": 2, "Male": 1}
    entered = build_table(spec, Filters(data_sources=("casework",)))
    assert entered.column_n == [8]  # the known dataset, as before


def test_several_sources_and_the_other_filters_combine(imported_facts, cast):
    spec = get_spec("ctm_full_sample")
    both_imports = Filters(data_sources=("htcds_import", "template_import"))
    assert build_table(spec, both_imports).column_n == [4]
    assert build_table(spec, Filters(data_sources=("htcds_import",),
                                     client_categories=("possible_victim",))).column_n == [1]
    assert build_table(spec, Filters(data_sources=("htcds_import",)),
                       scope_orgs=(cast.ngo_a.pk,)).column_n == [2]  # p10 is NGO B's
    assert build_table(spec, Filters(data_sources=("form",))).column_n == [0]


def test_the_filter_is_recorded_with_the_table(imported_facts):
    filters = Filters(data_sources=("template_import",))
    assert filters.describe()["data_sources"] == ["template_import"]
    assert Filters().describe()["data_sources"] == []
    published = publish(build_table(get_spec("ctm_full_sample"), filters), real_counts=True)
    assert "data sources: template_import" in filters_line(published)
