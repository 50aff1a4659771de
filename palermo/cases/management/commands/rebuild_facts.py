"""``palermo rebuild-facts``: rebuild CaseFact from the cases and report what differed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from palermo.cases import facts


class Command(BaseCommand):
    help = ("Rebuild the de-identified fact table from the cases, in one transaction, and "
            "report rows that were missing, differed (by field) or had no case any more.")

    def handle(self, *args, **options):
        report = facts.rebuild()
        fields = ", ".join(f"{k}: {v}" for k, v in sorted(report.fields.items()))
        changed = f"{report.changed} changed" + (f" ({fields})" if fields else "")
        self.stdout.write(f"{report.cases} cases: {report.created} rows created, {changed}, "
                          f"{report.removed} removed.")
        if report.created or report.changed or report.removed:
            self.stdout.write(self.style.WARNING(
                "The fact table had drifted from the cases and is now rebuilt. Drift means "
                "a change bypassed the case services: worth finding out which."))
