"""The data-quality report of a portfolio import (funding list or IATI file): every defect
found, where (rows or lines), what it is, and what accepting the report will do about it;
then what would change. Nothing is written before the report is accepted."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ERROR, WARNING, NOTE = "error", "warning", "note"

# Every kind of finding, as the report's headings name them.
KINDS = {
    # the file itself
    "unreadable": gettext_lazy("File cannot be read"),
    "no_header": gettext_lazy("No header row"),
    "no_rows": gettext_lazy("No rows to import"),
    "schema": gettext_lazy("Breaks the IATI schema"),
    "codelist": gettext_lazy("Code not in the IATI codelist"),
    "invalid_value": gettext_lazy("Value not accepted"),
    "not_kept": gettext_lazy("Not kept by Palermo"),
    "preamble": gettext_lazy("Text above the header"),
    "list_year": gettext_lazy("Year of the list"),
    "currency_assumed": gettext_lazy("Currency of the amounts"),
    # rows
    "stray_header": gettext_lazy("Header row inside the list"),
    "subtotal_row": gettext_lazy("Subtotal row"),
    "duplicate_row": gettext_lazy("Duplicate row"),
    "missing_amount": gettext_lazy("Missing amount"),
    "bad_amount": gettext_lazy("Amount that is not a number"),
    "bad_year": gettext_lazy("Year that is not a year"),
    "missing_number": gettext_lazy("Missing project number"),
    "malformed_number": gettext_lazy("Malformed project number"),
    "missing_country": gettext_lazy("Missing country"),
    "unknown_country": gettext_lazy("Unknown country or region"),
    "alias_recipient": gettext_lazy("Recipient written with an alias"),
    "proposed_recipient": gettext_lazy("Unknown recipient, canonical name proposed"),
    "unknown_recipient": gettext_lazy("Unknown recipient"),
    "joint_recipients": gettext_lazy("Several recipients in one cell"),
    "title_marker": gettext_lazy("Mark after a title"),
    "unit_typo": gettext_lazy("Typing error in a unit name"),
    # groups of rows
    "number_recipients": gettext_lazy("One number, several recipients"),
    "number_titles": gettext_lazy("One number, several titles"),
    "number_countries": gettext_lazy("One number, several countries"),
    "country_title": gettext_lazy("Country and title disagree"),
    "existing_project": gettext_lazy("Project already in the portfolio"),
}

# What accepting writes, and the sums of the file, as the report names them.
CHANGES = {
    "projects_new": gettext_lazy("new projects"),
    "projects_existing": gettext_lazy("projects in the portfolio already"),
    "agreements_new": gettext_lazy("new agreements"),
    "agreements_unchanged": gettext_lazy("agreements unchanged"),
    "agreements_changed": gettext_lazy("agreements with a changed amount"),
    "transactions_new": gettext_lazy("new transactions"),
    "budgets_new": gettext_lazy("new budgets"),
    "recipients_new": gettext_lazy("new partners"),
    "aliases_new": gettext_lazy("new aliases"),
    "written": gettext_lazy("records written"),
}
SUMS = {"committed": gettext_lazy("committed"), "planned": gettext_lazy("planned"),
        "disbursed": gettext_lazy("disbursed"), "spent": gettext_lazy("spent")}


@dataclass
class Finding:
    """One defect (or one thing worth knowing) and what accepting the report does about it."""

    kind: str
    severity: str
    rows: list[int]
    field: str
    value: str
    reason: str
    action: str = ""  # what accepting does: "skipped", "imported as …", "alias added"

    @property
    def title(self) -> str:
        return str(KINDS.get(self.kind, self.kind))

    def where(self) -> str:
        if not self.rows:
            return _("whole file")
        shown = ", ".join(str(r) for r in self.rows[:12])
        return shown + (" …" if len(self.rows) > 12 else "")

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.where()}: {self.field}: {self.reason}"


@dataclass
class Report:
    """The report of one check; ``changes`` and ``totals`` say what accepting would write."""

    kind: str
    filename: str
    sha256: str = ""
    rows: int = 0
    findings: list[Finding] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)
    totals: dict[str, dict[str, str]] = field(default_factory=dict)  # currency -> {what: sum}
    imported: bool = False
    batch: int | None = None

    def add(self, kind: str, severity: str, rows: list[int], field_: str, value: str,
            reason: str, action: str = "") -> Finding:
        finding = Finding(kind, severity, sorted(set(rows)), field_, str(value), str(reason),
                          str(action))
        self.findings.append(finding)
        return finding

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def acceptable(self) -> bool:
        """May this report be accepted (no error: every defect has a stated remedy)?"""
        return not self.errors and self.rows > 0

    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}

    def by_kind(self) -> list[tuple[str, str, list[Finding]]]:
        """(kind, heading, findings) in the order of :data:`KINDS`, errors first."""
        order = list(KINDS)
        groups: dict[str, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.kind, []).append(f)
        rank = {ERROR: 0, WARNING: 1, NOTE: 2}
        keys = sorted(groups, key=lambda k: (min(rank[f.severity] for f in groups[k]),
                                             order.index(k) if k in order else 99))
        return [(k, str(KINDS.get(k, k)), groups[k]) for k in keys]

    def change_lines(self) -> list[tuple[str, int]]:
        """What accepting writes (or wrote), in words."""
        return [(str(CHANGES.get(k, k)), n) for k, n in self.changes.items()]

    def total_lines(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The file's sums per currency, in words."""
        return [(currency, [(str(SUMS.get(k, k)), v) for k, v in sorted(sums.items())])
                for currency, sums in self.totals.items()]

    def summary(self) -> str:
        if not self.acceptable:
            return _("Refused: %(n)d error(s); nothing is imported.") % {
                "n": len(self.errors) or 1}
        if self.imported and not self.changes.get("written"):
            return _("Nothing to change: all %(rows)d rows are in the portfolio already.") % {
                "rows": self.rows}
        verb = _("Imported") if self.imported else _("Acceptable")
        return _("%(verb)s: %(rows)d rows; %(pn)d new projects, %(an)d new agreements, "
                 "%(au)d unchanged, %(ac)d changed; %(w)d findings to review.") % {
            "verb": verb, "rows": self.rows, "pn": self.changes.get("projects_new", 0),
            "an": self.changes.get("agreements_new", 0),
            "au": self.changes.get("agreements_unchanged", 0),
            "ac": self.changes.get("agreements_changed", 0),
            "w": len([f for f in self.findings if f.severity == WARNING])}

    def as_dict(self) -> dict:
        return {"kind": self.kind, "filename": self.filename, "sha256": self.sha256,
                "rows": self.rows, "acceptable": self.acceptable, "imported": self.imported,
                "batch": self.batch, "summary": self.summary(), "changes": self.changes,
                "totals": self.totals, "findings": [f.as_dict() for f in self.findings]}

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        report = cls(kind=data["kind"], filename=data["filename"],
                     sha256=data.get("sha256", ""), rows=data.get("rows", 0),
                     changes=data.get("changes", {}), totals=data.get("totals", {}),
                     imported=data.get("imported", False), batch=data.get("batch"))
        report.findings = [Finding(**f) for f in data.get("findings", [])]
        return report
