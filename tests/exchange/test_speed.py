"""The import rate, measured small (``palermo bench`` measures it large)."""

from palermo_bench.htcds_import import measure_import


def test_measure_import_reports_rates_against_executemany(cast, capsys):
    figures = measure_import(400, cast.fatima)
    assert figures["imported"] == 400 and figures["errors"] == 0
    assert figures["rows_per_second"] > 0 and figures["ratio"] > 1
    with capsys.disabled():
        print(f"\nHTCDS import: {figures['rows_per_second']:,.0f} rows/s "
              f"(executemany: {figures['baseline_rows_per_second']:,.0f} rows/s, "
              f"ratio {figures['ratio']:.0f}×)")
