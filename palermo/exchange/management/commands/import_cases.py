"""``palermo import-cases PATH --org ORG [--dry-run] [--as USER] [--quarantine]``."""

from palermo.exchange.management.commands._importing import ImportCommand
from palermo.exchange.template import LAYOUT


class Command(ImportCommand):
    help = ("Import cases from a file in the Palermo case template (CSV, XLSX, JSON; "
            "docs/import.md). Prints the per-row report; exits non-zero when nothing was "
            "imported.")
    layout = LAYOUT
