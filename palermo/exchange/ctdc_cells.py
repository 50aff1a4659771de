"""What a k-anonymised CTDC file discloses, written over the fields of the facts.

Every row of the file is a released person, so every margin of the file is a count anyone
can take. :func:`kanon_cells` writes the margins of up to three quasi-identifiers as released
(a year or a five-year period, an age band or a broader one, a country or its CTM region; a
quasi-identifier released as "*" gives none) and of each flag whose field a statistics table
or a core indicator also counts (exploitation types, recruiter relationship) crossed with up
to two of them — every cell shown. Each label stands for the CaseFact values it covers, as
``ctdc.row_of`` maps them: "Woman" = {Feminine}; "18--20" = ages 18 to 20, "48+" every age
from 48; "2020--2024" its years; a region code its countries (the reference data);
``isSexualExploit`` = {SexualExploitation} of ``exploitation_types``. Flags of fields no other
release counts (means of control, industries, types of sexual exploitation) are left out:
no other release could be set against them.
"""

from __future__ import annotations

import pandas as pd

from palermo.analytics.disclosed import countries_of_regions
from palermo.disclosure import SUPPRESSED
from palermo.disclosure.cumulative import Disclosure, Extent, microdata
from palermo.exchange.ctdc_variables import BINARIES, GENDERS

FIELDS = {"yearOfRegistration": "year", "gender": "gender", "ageBroad": "age",
          "citizenship": "citizenship", "CountryOfExploitation": "destination_country"}
FLAG_FIELDS = ("exploitation_types", "recruiter_relationship")
REGION_KIND = {"citizenship": "origin", "CountryOfExploitation": "destination"}


def _age(label: str) -> Extent:
    if not label:
        return Extent.of([""])
    if label.endswith("+"):
        return Extent.all_but([*range(int(label[:-1])), ""])
    low, high = (int(part) for part in label.split("--"))
    return Extent.of(range(low, high + 1))


def extent(column: str, label: str) -> Extent:
    """The CaseFact values that *label* of CTDC *column* covers."""
    if column == "gender":
        if not label:
            return Extent.all_but(GENDERS)
        return Extent.of(code for code, name in GENDERS.items() if name == label)
    if column == "ageBroad":
        return _age(label)
    if column == "yearOfRegistration" and "--" in label:
        low, high = (int(part) for part in label.split("--"))
        return Extent.of(range(low, high + 1))
    if column in REGION_KIND and label in countries_of_regions(REGION_KIND[column]):
        return Extent.of(countries_of_regions(REGION_KIND[column])[label])
    return Extent.of([label])


def kanon_cells(data: pd.DataFrame, *, name: str = "") -> Disclosure:
    """The margins that the k-anonymised CTDC rows *data* (text, missing as "") disclose."""
    fields: dict[str, str] = {}
    frame = pd.DataFrame(index=data.index)
    for column, field in FIELDS.items():
        values = data[column].astype(str)
        if len(values) and (values == SUPPRESSED).all():
            continue  # released as "*": no margin
        fields[column], frame[column] = field, values
    flags = []
    extents: dict[str, dict[str, Extent]] = {}
    for column, (source, wanted) in BINARIES.items():
        if source in FLAG_FIELDS and wanted:
            fields[column] = source
            frame[column] = data[column].map(lambda v, c=column: c if v == "1" else None)
            extents.setdefault(source, {})[column] = Extent.of(wanted)
            flags.append(column)
    for column, field in FIELDS.items():
        if column in fields:
            extents[field] = {label: extent(column, label) for label in frame[column].unique()}
    return microdata(frame, fields, max_way=3, extents=extents, at_most_one=flags, name=name)
