"""The partner register at work: finding the partner a written name means (canonical name,
acronym, alias, or a proposal by fuzzy match for a name nobody registered), and adding
partners and aliases.

Fuzzy matching uses rapidfuzz; a truncated name ("Krisesentersekr") is proposed the partner
whose name it begins.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership, Organisation
from palermo.programmes.models import Partner, PartnerAlias
from palermo.programmes.names import name_key

REGISTER_FILE = Path(__file__).resolve().parent / "data" / "partners.tsv"
# How alike two names must be (rapidfuzz ratio, 0–100) for one to be proposed for the other.
PROPOSE_AT = 88
# A written name this long that begins a registered name is taken for a truncation of it.
TRUNCATED_MIN = 6

# Palermo's organisation types (HTCDS org_Type) as IATI OrganisationType codes.
IATI_TYPE_OF = {"NGO": "22", "CentralGovernmentOrganisation": "10", "LawEnforcement": "10",
                "ImmigrationService": "10", "LocalGovernmentOrganisation": "11",
                "InternationalOrganisation": "40", "DonorAgency": "10",
                "CorporateBusiness": "70", "SchoolOrCollege": "80"}


def read_register_file(path: Path = REGISTER_FILE) -> list[dict]:
    """The shipped register: name, acronym, type, iati_ref, aliases (list), several."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    rows = []
    for row in csv.DictReader(lines, delimiter="\t"):
        rows.append({"name": row["name"].strip(), "acronym": row["acronym"].strip(),
                     "type": row["type"].strip(), "iati_ref": row["iati_ref"].strip(),
                     "aliases": [a.strip() for a in row["aliases"].split("|") if a.strip()],
                     "several": row["several"].strip() == "yes"})
    return rows


def load_register(apps, using: str = "default") -> None:
    """Add the shipped partners and aliases that are not registered yet (a migration step)."""
    partner_model = apps.get_model("programmes", "Partner")
    alias_model = apps.get_model("programmes", "PartnerAlias")
    for row in read_register_file():
        partner, _created = partner_model.objects.using(using).get_or_create(
            name=row["name"], defaults={k: row[k] for k in ("acronym", "type", "iati_ref",
                                                            "several")})
        for alias in row["aliases"]:
            alias_model.objects.using(using).get_or_create(
                key=name_key(alias), defaults={"partner": partner, "name": alias})


@dataclass(frozen=True)
class Match:
    """What a written name is: a registered partner (by ``how``: name, acronym or alias), a
    proposal for an unregistered name, or unknown (partner and proposal both None)."""

    written: str
    partner: Partner | None = None
    how: str = "unknown"  # name | acronym | alias | proposed | unknown
    score: float = 0.0

    @property
    def known(self) -> bool:
        return self.how in ("name", "acronym", "alias")


class Directory:
    """The register in memory, for resolving many names at once (an import)."""

    def __init__(self) -> None:
        self.by_key: dict[str, tuple[Partner, str]] = {}
        partners = list(Partner.objects.all())
        for partner in partners:
            if name_key(partner.acronym):
                self.by_key.setdefault(name_key(partner.acronym), (partner, "acronym"))
        for partner in partners:
            self.by_key[name_key(partner.name)] = (partner, "name")
        by_id = {p.pk: p for p in partners}
        for key, partner_id in PartnerAlias.objects.values_list("key", "partner_id"):
            self.by_key.setdefault(key, (by_id[partner_id], "alias"))
        self.names = {name_key(p.name): p for p in partners}

    def resolve(self, written: str) -> Match:
        """The partner *written* names, or a proposal, or unknown."""
        key = name_key(written)
        if key in self.by_key:
            partner, how = self.by_key[key]
            return Match(written, partner, how, 100.0)
        if len(key) >= TRUNCATED_MIN:
            begun = sorted(n for n in self.names if n.startswith(key))
            if len(begun) == 1:
                return Match(written, self.names[begun[0]], "proposed", 100.0)
        best = process.extractOne(key, list(self.names), scorer=fuzz.ratio,
                                  score_cutoff=PROPOSE_AT)
        if best is not None:
            return Match(written, self.names[best[0]], "proposed", round(best[1], 1))
        return Match(written)


def _save(membership: Membership, record, **extra) -> None:
    record._history_user = membership.user
    record.full_clean(**extra)
    record.save()


@transaction.atomic
def add_partner(membership: Membership, *, name: str, acronym: str = "", type: str = "",
                iati_ref: str = "", organisation: Organisation | None = None) -> Partner:
    """Register a partner under its canonical name (refused if the name, acronym or an
    alias already names one: add an alias instead)."""
    access.require(membership, Action.CREATE, Partner)
    taken = Directory().by_key
    for field, value in (("name", name), ("acronym", acronym)):
        if name_key(value) in taken:
            raise ValidationError({field: _("“%(name)s” already names %(partner)s.") % {
                "name": value, "partner": taken[name_key(value)][0]}})
    partner = Partner(name=name.strip(), acronym=acronym.strip(), type=type,
                      iati_ref=iati_ref.strip(), organisation=organisation)
    _save(membership, partner)
    return partner


@transaction.atomic
def add_alias(membership: Membership, partner: Partner, name: str) -> PartnerAlias:
    """Record that *name* means *partner* (refused if it already means a partner)."""
    access.require(membership, Action.CREATE, PartnerAlias)
    found = Directory().by_key.get(name_key(name))
    if found is not None:
        raise ValidationError({"name": _("“%(name)s” already names %(partner)s.") % {
            "name": name, "partner": found[0]}})
    alias = PartnerAlias(partner=partner, name=name.strip())
    alias.key = name_key(alias.name)
    _save(membership, alias, exclude=["key"])
    return alias


@transaction.atomic
def change_partner(membership: Membership, partner: Partner, **values) -> Partner:
    """Correct a partner's entry (administrators): name, acronym, type, IATI identifier,
    the Palermo organisation it is."""
    access.require(membership, Action.CHANGE, partner)
    allowed = {"name", "acronym", "type", "iati_ref", "organisation"}
    for field, value in values.items():
        if field not in allowed:
            raise ValidationError({field: _("This field cannot be changed here.")})
        setattr(partner, field, value.strip() if isinstance(value, str) else value)
    _save(membership, partner)
    return partner


def entry_for(membership: Membership, organisation: Organisation) -> Partner:
    """The register's entry for a Palermo organisation, added when it has none (named as
    the organisation is; typed from its HTCDS type)."""
    existing = Partner.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing
    access.require(membership, Action.CREATE, Partner)
    named = Partner.objects.filter(name=organisation.name, organisation=None).first()
    if named is not None:  # registered before it used Palermo: that entry is it
        named.organisation = organisation
        _save(membership, named)
        return named
    partner = Partner(name=organisation.name, acronym=organisation.short_name[:40],
                      type=IATI_TYPE_OF.get(organisation.type, ""), organisation=organisation)
    _save(membership, partner)
    return partner
