"""The CTDC export: the 27 variables of the CTDC Global Synthetic Dataset, from CaseFact only.

One row per person (their earliest case in scope), as the CTDC counts victims. The release is
DP synthetic data by default (pac-synth, the CTDC's own method) or, on request,
k-anonymised microdata (k = 11 by default; the quasi-identifiers generalised as little as
possible with at most 5 % of the records suppressed; verified independently with pycanon),
audited with every earlier release of the same facts (``disclosure.cumulative``: generalised
further, or refused, rather than let a reader undo an earlier table's suppression). A
synthetic release is estimated to carry signal before any budget is spent, and an empty one
is refused. Either way it is written to the release log — with the budget charged, for DP
synthesis, in the same transaction and only once the file passed its checks.

A data dictionary (CSV and Markdown) is generated from the schema in
``data/``; for a k-anonymised release it reports the levels chosen and the records
suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from django.db import transaction

from palermo.cases.facts import CaseFact
from palermo.core import access, spreadsheets
from palermo.core.access import Action, Scope
from palermo.core.reference_data import read_countries
from palermo.disclosure import (
    SUPPRESSED,
    Hierarchy,
    KAnonResult,
    SynthesisRefused,
    age_bands,
    k_anonymise,
    mapping_hierarchy,
    synthesise,
    utility_report,
    verify_k,
    year_periods,
)
from palermo.disclosure.cumulative import CANDIDATE, Disclosure, ReleaseConflict, audit
from palermo.disclosure.kanonymity import DEFAULT_MAX_SUPPRESSION
from palermo.disclosure.signal import check_signal, has_content
from palermo.exchange.ctdc_cells import FIELDS, kanon_cells
from palermo.exchange.ctdc_variables import AGE_BANDS, BINARIES, GENDERS

SCHEMA = Path(__file__).parent / "data" / "ctdc_global_synthetic_schema.yaml"
DEFAULT_K = 11
# The share of persons a k-anonymised release may drop (docs/disclosure.md): 5 %.
MAX_SUPPRESSION = DEFAULT_MAX_SUPPRESSION
DEFAULT_EPSILON = 1.0
QUASI_IDENTIFIERS = ("yearOfRegistration", "gender", "ageBroad", "citizenship",
                     "CountryOfExploitation")


@lru_cache(maxsize=1)
def schema() -> list[dict]:
    """The 27 variables of the schema (name, type, values, meaning, merges)."""
    with SCHEMA.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["variables"]


def variables() -> list[str]:
    return [v["name"] for v in schema()]


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    for low, high in AGE_BANDS:
        if high is None or age <= high:
            return f"{low}+" if high is None else f"{low}--{high}"
    return ""


def months_band(months: int | None) -> str:
    if months is None:
        return ""
    return "0--12 (0-1 yr)" if months <= 12 else "13--24 (1-2 yrs)" if months <= 24 \
        else "25+ (2+ yrs)"


def _flag(values, wanted: set[str]) -> str:
    values = values if isinstance(values, list) else [values] if values else []
    return "1" if wanted & set(values) else ""


def row_of(fact: dict) -> dict[str, str]:
    """One fact row (CaseFact values) as a CTDC row: text, binaries "1" or empty."""
    row = {"yearOfRegistration": str(fact["year"]),
           "gender": GENDERS.get(fact["gender"], ""), "ageBroad": age_band(fact["age"]),
           "citizenship": fact["citizenship"] or "",
           "CountryOfExploitation": fact["destination_country"] or "",
           "traffickMonths": months_band(fact["exploitation_months"])}
    for name, (source, wanted) in BINARIES.items():
        row[name] = _flag(fact[source], wanted)
    return {name: row[name] for name in variables()}


def facts_in_scope(membership):
    """The fact rows the member may release: every organisation's for analysts, their own
    organisation's for supervisors. Raises ``PermissionDenied`` for other roles."""
    reach = access.scope(membership, Action.CREATE, "release")
    if reach is Scope.NONE:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    facts = CaseFact.objects.all()
    if reach is Scope.OWN:
        facts = facts.filter(organisation_id=membership.organisation_id)
    return facts, ("all" if reach is Scope.ALL else f"org-{membership.organisation_id}")


def real_frame(facts) -> pd.DataFrame:
    """The CTDC rows of *facts*, one per person (their earliest case)."""
    fields = ["person_key", "year", "opened_on", "gender", "age", "citizenship",
              "destination_country", "exploitation_months",
              *{source for source, _w in BINARIES.values()}]
    seen, rows = set(), []
    for fact in facts.order_by("opened_on", "case_key").values(*fields).iterator():
        if fact["person_key"] in seen:
            continue
        seen.add(fact["person_key"])
        rows.append(row_of(fact))
    return pd.DataFrame(rows, columns=variables(), dtype=object)


def hierarchies() -> dict[str, Hierarchy]:
    """Generalisation of the quasi-identifiers: year → 5 / 10-year periods; age band →
    broader bands; country → CTM region; gender only to "*"."""
    countries = read_countries()
    return {
        "yearOfRegistration": year_periods((5, 10)),
        "ageBroad": age_bands(),
        "gender": Hierarchy(levels=(lambda v: v, lambda _v: SUPPRESSED),
                            names=("as recorded", SUPPRESSED)),
        "citizenship": mapping_hierarchy([{c["alpha3"]: c["origin_region"]
                                           for c in countries}],
                                         names=("country", "CTM region of origin", SUPPRESSED)),
        "CountryOfExploitation": mapping_hierarchy(
            [{c["alpha3"]: c["destination_region"] for c in countries}],
            names=("country", "CTM destination region", SUPPRESSED)),
    }


@dataclass
class CtdcRelease:
    """An export ready to write: the data, how it was made, and (synthetic) its utility."""

    data: pd.DataFrame
    method: str
    parameters: dict
    real_rows: int
    suppressed: int = 0
    utility: object | None = None
    release_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def csv(self) -> bytes:
        return spreadsheets.frame_csv(self.data).encode("utf-8")


def _frame_for_kanon(real: pd.DataFrame) -> pd.DataFrame:
    frame = real.copy()
    frame["yearOfRegistration"] = pd.to_numeric(frame["yearOfRegistration"])
    return frame.replace({"": None})


def export(membership, *, method: str = "synthetic", epsilon: float = DEFAULT_EPSILON,
           reporting_length: int = 3, k: int = DEFAULT_K,
           max_suppression: float = MAX_SUPPRESSION, channel: str = "cli") -> CtdcRelease:
    """Build the CTDC release of the facts the member may release, and log it
    (*max_suppression*: the share of persons a k-anonymised release may drop).

    Refusals (``ReleaseRefused``, ``BudgetExhausted``) leave nothing behind: the file is
    built and checked first — a k-anonymised file audited with every earlier release of the
    same facts, a synthetic one estimated to carry signal before any budget is spent and
    refused if it came out empty — and only then, in one transaction, is the budget charged
    and the release logged."""
    from palermo.analytics.releases import facts_key, record_release, spend_budget

    facts, scope_name = facts_in_scope(membership)
    real = real_frame(facts)
    cells = None
    if method == "kanon":
        result, cells = _kanon(real, k, max_suppression, facts_key(scope_name))
    elif method == "synthetic":
        result = _synthetic(real, epsilon, reporting_length, f"casefact:{scope_name}")
    else:
        raise ValueError(f"unknown method {method!r}: use synthetic or kanon")
    with transaction.atomic():
        if method == "synthetic":
            spend_budget(result.parameters["dataset"], epsilon)
        release = record_release(
            content=result.csv(), spec="ctdc-global-synthetic", method=method,
            channel=channel, membership=membership, parameters=result.parameters,
            row_count=len(result.data), epsilon=epsilon if method == "synthetic" else None,
            dataset=result.parameters.get("dataset", ""), facts=facts_key(scope_name),
            cells=cells)
    result.release_id = release.pk
    return result


def _synthetic(real: pd.DataFrame, epsilon: float, reporting_length: int, dataset: str
               ) -> CtdcRelease:
    """DP synthetic rows of *real*, checked: refused before any budget is spent when the
    budget cannot pay for it or pac-synth's noise would leave (almost) nothing
    (``SignalTooWeak``, naming the smallest epsilon or size that would do), and refused
    after synthesis when the file has no non-empty cell. Spends and logs nothing."""
    from palermo.analytics.releases import check_budget

    if not len(real):
        raise SynthesisRefused("there are no persons to release")
    check_budget(dataset, epsilon)
    estimate = check_signal(real, epsilon=epsilon, reporting_length=reporting_length)
    synthetic = synthesise(real, epsilon=epsilon, reporting_length=reporting_length)
    if not has_content(synthetic):
        raise SynthesisRefused(
            f"pac-synth produced {len(synthetic):,} rows with no value in any cell at epsilon "
            f"{epsilon:g}: nothing was released and no budget was spent. Use a larger "
            "epsilon or release more persons.")
    result = CtdcRelease(data=synthetic[variables()], method="synthetic",
                         parameters={"epsilon": epsilon, "reporting_length": reporting_length,
                                     "dataset": dataset,
                                     "expected_kept_share": round(estimate.kept_share, 3)},
                         real_rows=len(real))
    result.utility = utility_report(real, result.data, max_order=3)
    return result


def kanonymise(frame: pd.DataFrame, k: int = DEFAULT_K,
               max_suppression: float = MAX_SUPPRESSION,
               min_levels: dict[str, int] | None = None) -> KAnonResult:
    """k-anonymise CTDC rows prepared by :func:`_frame_for_kanon` on the quasi-identifiers
    (least information loss within *max_suppression*, no level below *min_levels*) and
    confirm k with pycanon; raises ``AssertionError`` rather than return a result pycanon
    does not confirm."""
    qis = list(QUASI_IDENTIFIERS)
    result = k_anonymise(frame, qis, k, hierarchies(), max_suppression=max_suppression,
                         min_levels=min_levels)
    if not verify_k(result.data, qis, k):  # pycanon, independently
        raise AssertionError("k-anonymity not confirmed by pycanon; nothing released")
    return result


def _kanon(real: pd.DataFrame, k: int, max_suppression: float, facts: str = ""
           ) -> tuple[CtdcRelease, Disclosure | None]:
    """The k-anonymised rows, audited with every earlier release of the same *facts*: while
    the file's margins would let a reader work out a small count that those releases hid
    (``disclosure.cumulative.audit``), a quasi-identifier of the margin tied to it is
    generalised one level more (the choice losing least information); refused
    (``ReleaseConflict``) when every such column is already "*"."""
    from palermo.analytics.publication import threshold
    from palermo.analytics.releases import earlier_disclosures

    if len(real) < k:
        empty = real.iloc[0:0]
        return CtdcRelease(data=empty, method="kanon",
                           parameters={"k": k, "max_suppression": max_suppression},
                           real_rows=len(real), suppressed=len(real),
                           notes=[f"fewer than {k} persons: nothing can be released"]), None
    frame, limit = _frame_for_kanon(real), threshold()
    earlier = earlier_disclosures(facts)
    floor: dict[str, int] = {}
    raised: list[str] = []
    while True:
        result = kanonymise(frame, k, max_suppression, floor)
        data = result.data.fillna("").astype(str)
        cells = kanon_cells(data)
        finding = audit(earlier, cells, limit) if earlier else None
        if finding is None or not finding.pinned:
            break
        columns = _columns_to_raise(finding, result.levels)
        if not columns:
            raise ReleaseConflict(finding.conflicts())
        options = [(kanonymise(frame, k, max_suppression, {**floor, qi: result.levels[qi] + 1}),
                    qi) for qi in columns]
        best, qi = min(options, key=lambda o: (o[0].information_loss, o[0].suppressed, o[1]))
        floor = {**floor, qi: best.levels[qi]}
        raised.append(qi)
    notes = [f"k-anonymity (k = {k}): {result.summary()}"]
    if raised:
        notes.append("Audited with earlier releases of the same facts: "
                     f"{', '.join(sorted(set(raised)))} generalised further so that no small "
                     "count they hid can be worked out with this file.")
    parameters = {**result.report(), "quasi_identifiers": list(QUASI_IDENTIFIERS)}
    if raised:
        parameters["raised_for_earlier_releases"] = sorted(set(raised))
    return CtdcRelease(data=data[variables()], method="kanon", parameters=parameters,
                       real_rows=len(real), suppressed=result.suppressed, notes=notes), cells


def _columns_to_raise(finding, levels: dict[str, int]) -> list[str]:
    """The quasi-identifiers (not yet "*") of the file's margins nearest to each count the
    audit found pinned."""
    system = finding.union.system
    heights = {qi: h.height for qi, h in hierarchies().items()}
    fields = {field: qi for qi, field in FIELDS.items()}
    out: set[str] = set()
    for entry in finding.pinned:
        target = system.neighbour(entry, lambda key: key[0] == CANDIDATE)
        for name in (target[1] if target is not None else ()):
            qi = fields.get(name)
            if qi is not None and levels[qi] < heights[qi]:
                out.add(qi)
    return sorted(out)


def data_dictionary() -> list[dict[str, str]]:
    """One line per variable: name, type, values, meaning, Palermo source."""
    sources = {"yearOfRegistration": "CaseFact.year (case opened)",
               "gender": "CaseFact.gender (HTCDS prs_Gender, mapped)",
               "ageBroad": "CaseFact.age, banded",
               "citizenship": "CaseFact.citizenship (main citizenship)",
               "CountryOfExploitation": "CaseFact.destination_country (first country of "
                                        "exploitation)",
               "traffickMonths": "CaseFact.exploitation_months, banded"}
    for name, (source, wanted) in BINARIES.items():
        sources[name] = f"CaseFact.{source}: " + (", ".join(sorted(wanted)) or
                                                    "not recorded by HTCDS (always empty)")
    return [{"variable": v["name"], "type": v["type"],
             "values": "; ".join(map(str, v.get("values", []))) or
             ("1 or empty" if v["type"] == "binary" else v["type"]),
             "meaning": v.get("meaning", ""), "palermo_source": sources[v["name"]]}
            for v in schema()]


def dictionary_csv() -> bytes:
    lines = data_dictionary()
    return spreadsheets.dicts_csv(lines, list(lines[0])).encode("utf-8")


def _kanon_report(parameters: dict) -> list[str]:
    """The k-anonymisation section of the dictionary: levels chosen, persons suppressed."""
    k = parameters["k"]
    if "levels" not in parameters:
        return ["## k-anonymisation", "", f"k = {k}: fewer than {k} persons, nothing released.",
                ""]
    lines = ["## k-anonymisation", "",
             f"k = {k}, confirmed with pycanon: every combination of the quasi-identifiers "
             f"below is shared by at least {k} released persons. At most "
             f"{100 * parameters['max_suppression']:g}% of the persons may be suppressed; "
             "among the generalisations that stay within that limit, the one losing least "
             "information was chosen.", "",
             "| quasi-identifier | released as | level |", "| --- | --- | --- |"]
    lines += [f"| {qi} | {parameters['level_names'][qi]} | {level} |"
              for qi, level in parameters["levels"].items()]
    lines += ["", f"- Persons suppressed: {parameters['suppressed']:,} of "
                  f"{parameters['records']:,} ({parameters['suppressed_share']:.1%}).",
              f"- Information loss (Loss Metric; 0 = as recorded, 1 = nothing left): "
              f"{parameters['information_loss']:.3f}.",
              f"- Smallest group of persons sharing the quasi-identifiers: "
              f"{parameters['min_class_size']:,} ({parameters['classes']:,} groups)."]
    if parameters.get("raised_for_earlier_releases"):
        lines.append("- Audited with the earlier releases of the same facts: "
                     f"{', '.join(parameters['raised_for_earlier_releases'])} generalised "
                     "further than k alone needs, so that no small count those releases hid "
                     "can be worked out with this file.")
    if parameters["forced"]:
        lines.append(f"- **The suppression limit was exceeded**: no generalisation kept "
                     f"suppression within {100 * parameters['max_suppression']:g}%, so the most "
                     f"general one was used and the persons still in groups smaller than {k} "
                     "were suppressed.")
    return [*lines, ""]


def dictionary_markdown(release: CtdcRelease | None = None) -> str:
    """The data dictionary as Markdown; with a *release*, how it was made (for a
    k-anonymised one: the levels chosen and the persons suppressed)."""
    head = ["# CTDC export — data dictionary", ""]
    if release is not None and release.method == "kanon":
        head += [f"Method: kanon; {len(release.data)} rows released from "
                 f"{release.real_rows} persons; {release.suppressed} persons suppressed.", "",
                 *_kanon_report(release.parameters)]
    elif release is not None:
        head += [f"Method: {release.method}; parameters: {release.parameters}; "
                 f"{len(release.data)} rows released from {release.real_rows} persons.", ""]
    head += ["Binary variables are 1 or empty (empty = no or unknown), as in the CTDC.", "",
             "| variable | type | values | meaning | Palermo source |",
             "| --- | --- | --- | --- | --- |"]
    head += [f"| {d['variable']} | {d['type']} | {d['values']} | {d['meaning']} | "
             f"{d['palermo_source']} |" for d in data_dictionary()]
    return "\n".join(head) + "\n"
