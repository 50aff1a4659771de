"""``palermo import-portfolio FILE --org ORG --as USER [--accept]``: a donor's funding list."""

from palermo.exchange.management.commands._portfolio import PortfolioImportCommand
from palermo.programmes.imports import FUNDING_LIST


class Command(PortfolioImportCommand):
    help = ("Check a funding list (TSV, CSV, XLSX: unit, section, country, project number, "
            "recipient, title, year, amount) and print its data-quality report; with "
            "--accept, import it. Exits 0 when the list is acceptable, 1 when refused.")
    kind = FUNDING_LIST

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--currency", help="ISO 4217 code of the amounts (default: "
                                               "EUR, said in the report)")
        parser.add_argument("--list-year", type=int,
                            help="The year the list was made: amounts for later years are "
                                 "plans (default: a year in the list's title)")
        parser.add_argument("--sector", help="DAC 5-digit sector of every project, e.g. "
                                             "15190")

    def options_of(self, options) -> dict:
        return {"currency": options["currency"], "list_year": options["list_year"],
                "sector": options["sector"]}
