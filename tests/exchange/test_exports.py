"""The sealed HTCDS export and the CTDC release."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied
from pycanon import anonymity

from palermo.analytics.models import Release
from palermo.core.models import AccessLog
from palermo.exchange import ctdc, htcds_export
from palermo.exchange.htcds import import_htcds
from palermo.exchange.sealed import SealError, seal, unseal
from palermo_bench.htcds_import import as_csv, synthetic_rows

PASSPHRASE = "long enough passphrase"


def test_sealed_files_open_only_with_their_passphrase():
    sealed = seal(b"secret rows", PASSPHRASE, "x.csv")
    assert b"secret" not in sealed
    assert unseal(sealed, PASSPHRASE) == ("x.csv", b"secret rows")
    with pytest.raises(SealError):
        unseal(sealed, "another passphrase!")
    with pytest.raises(SealError):
        unseal(sealed[:-3], PASSPHRASE)
    with pytest.raises(SealError):
        seal(b"x", "short", "x.csv")


def test_htcds_export_is_sealed_logged_and_imports_back(cast, case_a, htcds_xlsx):
    import_htcds(cast.fatima, htcds_xlsx, "htcds.xlsx")
    name, sealed, count = htcds_export.export_htcds(cast.fatima, PASSPHRASE)
    assert count == 5 and name.endswith(".csv.sealed")
    _inner, content = unseal(sealed, PASSPHRASE)
    frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    assert "Adaeze" in set(frame["prs_FirstName"]) and len(frame) == 5
    assert AccessLog.objects.filter(action="export", channel="export",
                                    record_type="cases.case").count() == 5
    # Another organisation's supervisor could import the file as it is.
    from palermo.core.models import Role
    from tests.conftest import confirmed_membership

    other = confirmed_membership(cast.boris.user, cast.mission, Role.SUPERVISOR)
    report = import_htcds(other, content, "from-ngo-a.csv", dry_run=True)
    assert report.errors == [] and report.valid == 5


def test_htcds_export_sees_only_the_organisations_cases(cast, case_a, person_b):
    from palermo.cases.casework import open_case
    from palermo.core.models import Role
    from tests.conftest import confirmed_membership

    open_case(cast.boris, person_b)
    supervisor_b = confirmed_membership(cast.dana.user, cast.ngo_b, Role.SUPERVISOR)
    _name, sealed, count = htcds_export.export_htcds(supervisor_b, PASSPHRASE)
    assert count == 1
    assert b"Adaeze" not in unseal(sealed, PASSPHRASE)[1]


@pytest.mark.parametrize("name", ["amina", "boris", "emre", "chen", "dana", "root"])
def test_only_supervisors_export_identified_data(cast, name):
    with pytest.raises(PermissionDenied):
        htcds_export.export_htcds(cast.membership(name), PASSPHRASE)


@pytest.fixture
def sixty_cases(cast):
    report = import_htcds(cast.fatima, as_csv(synthetic_rows(60, "fatima")), "s.csv")
    assert report.imported == 60
    return report


def test_ctdc_synthetic_export_has_the_27_columns(cast, sixty_cases, monkeypatch):
    monkeypatch.setenv("PALERMO_PRIVACY_BUDGET", "20")
    release = ctdc.export(cast.fatima, method="synthetic", epsilon=12.0)
    assert list(release.data.columns) == ctdc.variables() and len(ctdc.variables()) == 27
    assert release.real_rows == 60 and len(release.data) > 0
    assert set(release.data["gender"]) <= {"Woman", "Man", "Trans/Transgender/NonConforming",
                                           ""}
    assert release.utility is not None and release.utility.real_rows == 60
    logged = Release.objects.get(pk=release.release_id)
    assert (logged.method, logged.epsilon, logged.spec) == ("synthetic", 12.0,
                                                            "ctdc-global-synthetic")


def test_ctdc_synthetic_export_refused_when_the_budget_is_spent(cast, sixty_cases,
                                                               monkeypatch):
    """A budget of 20 allows one release at epsilon 12, not a second at 10. (Epsilon 12 keeps
    pac-synth's noisy record count of 60 persons well above zero; at epsilon 1 it falls below
    zero in about one run of forty, and pac-synth refuses — see the next test.)"""
    from palermo.disclosure import BudgetExhausted

    monkeypatch.setenv("PALERMO_PRIVACY_BUDGET", "20")
    ctdc.export(cast.fatima, method="synthetic", epsilon=12.0)
    with pytest.raises(BudgetExhausted):
        ctdc.export(cast.fatima, method="synthetic", epsilon=10.0)


def test_a_refused_synthesis_is_a_clear_error_and_spends_nothing(cast, sixty_cases,
                                                                   monkeypatch):
    from palermo.analytics.models import PrivacyBudgetLedger
    from palermo.disclosure import SynthesisRefused

    def refuse(*args, **kwargs):
        raise SynthesisRefused("pac-synth refused these data at epsilon 1.0")

    monkeypatch.setattr(ctdc, "synthesise", refuse)
    monkeypatch.setenv("PALERMO_PRIVACY_BUDGET", "20")
    with pytest.raises(SynthesisRefused, match="refused"):  # epsilon 12: signal enough
        ctdc.export(cast.fatima, method="synthetic", epsilon=12.0)
    assert not Release.objects.exists()
    assert sum(PrivacyBudgetLedger.objects.values_list("spent_epsilon", flat=True)) == 0


def test_ctdc_kanon_export_is_confirmed_by_pycanon(cast, sixty_cases):
    release = ctdc.export(cast.chen, method="kanon", k=11)
    data = release.data
    assert list(data.columns) == ctdc.variables() and len(data) + release.suppressed == 60
    frame = data[list(ctdc.QUASI_IDENTIFIERS)].replace("", "\x00missing")
    smallest = anonymity.k_anonymity(frame.reset_index(drop=True),
                                     list(ctdc.QUASI_IDENTIFIERS))
    assert smallest >= 11
    # Within the 5 % limit (3 of 60 persons); the report names the levels chosen.
    report = release.parameters
    assert release.suppressed <= 3 and not report["forced"]
    assert report["max_suppression"] == ctdc.MAX_SUPPRESSION == 0.05
    assert report["min_class_size"] == smallest and report["records"] == 60
    assert set(report["levels"]) == set(ctdc.QUASI_IDENTIFIERS)
    logged = Release.objects.get(pk=release.release_id)
    assert logged.parameters["levels"] == report["levels"]
    assert logged.parameters["suppressed"] == release.suppressed
    dictionary = ctdc.dictionary_markdown(release)
    share = f"{release.suppressed} of 60 ({release.suppressed / 60:.1%})"
    assert f"Persons suppressed: {share}" in dictionary
    for qi in ctdc.QUASI_IDENTIFIERS:
        assert f"| {qi} | {report['level_names'][qi]} | {report['levels'][qi]} |" in dictionary
    assert any(note.startswith("k-anonymity (k = 11): levels yearOfRegistration")
               and f"{release.suppressed} of 60 records suppressed" in note
               for note in release.notes)


def test_ctdc_kanon_generalises_countries_rather_than_drop_persons():
    """Persons from many different countries: the release shows CTM regions and keeps
    (almost) everyone, instead of dropping the persons whose country is rare."""
    rows = [{"yearOfRegistration": "2021", "gender": "Woman", "ageBroad": "18--20",
             "citizenship": country, "CountryOfExploitation": "ITA"}
            for country in ["NGA", "GHA", "SEN", "CIV", "MLI", "BFA", "NER", "GIN", "TGO",
                            "BEN", "LBR", "SLE"] for _ in range(3)]
    real = pd.DataFrame([{**{v: "" for v in ctdc.variables()}, **row} for row in rows])
    result = ctdc.kanonymise(ctdc._frame_for_kanon(real), k=11)
    assert result.levels["citizenship"] == 1 and result.suppressed == 0
    assert result.level_names["citizenship"] == "CTM region of origin"
    assert result.levels["CountryOfExploitation"] == 0
    assert set(result.data["citizenship"]) == {"sub-saharan-africa"}


def test_ctdc_rows_are_built_from_facts():
    row = ctdc.row_of({"year": 2020, "gender": "Feminine", "age": 19, "citizenship": "NGA",
                       "destination_country": "ITA", "exploitation_months": 14,
                       "means_of_control": ["DebtBondage", "PhysicalAbuse"],
                       "exploitation_types": ["SexualExploitation"],
                       "forced_labour_industries": [], "sexual_exploitation_types": [
                           "Prostitution"], "recruiter_relationship": "Familial"})
    assert (row["gender"], row["ageBroad"], row["traffickMonths"]) == (
        "Woman", "18--20", "13--24 (1-2 yrs)")
    assert row["meansDebtBondageEarnings"] == row["meansAbusePsyPhySex"] == "1"
    assert row["meansThreats"] == "" and row["isSexualExploit"] == "1"
    assert row["typeOfSexProstitution"] == row["recruiterRelationFamily"] == "1"


def test_ctdc_data_dictionary_lists_every_variable():
    lines = ctdc.data_dictionary()
    assert [d["variable"] for d in lines] == ctdc.variables()
    assert "meansThreats" in ctdc.dictionary_markdown()
    assert ctdc.dictionary_csv().startswith(b"variable,type,values")


@pytest.mark.parametrize("name", ["amina", "boris", "emre", "dana", "root"])
def test_ctdc_release_refused_to_roles_without_release_rights(cast, name):
    with pytest.raises(PermissionDenied):
        ctdc.export(cast.membership(name), method="kanon")
