"""``palermo import-iati FILE --org ORG --as USER [--accept]``: an IATI activity file."""

from palermo.exchange.management.commands._portfolio import PortfolioImportCommand
from palermo.programmes.imports import IATI


class Command(PortfolioImportCommand):
    help = ("Check an IATI 2.03 activity file against the schema and codelists and print the "
            "report; with --accept, import its activities as projects. Exits 0 when the "
            "file is acceptable, 1 when refused (each breach named by element, line, "
            "reason).")
    kind = IATI
