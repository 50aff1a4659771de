"""``palermo import-htcds PATH --org ORG [--dry-run] [--as USER] [--quarantine]``."""

from palermo.exchange.htcds import LAYOUT
from palermo.exchange.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = ("Import cases from a file in the HTCDS spreadsheet layout (CSV, XLSX, JSON). "
            "Prints the per-row report; exits non-zero when nothing was imported.")
    layout = LAYOUT
