import datetime as dt

import pytest

from palermo.cases.casework import open_case


@pytest.fixture
def case_a(cast, person_a):
    """NGO A's case for person_a: a Nigerian woman exploited in Italy and Norway."""
    return open_case(cast.amina, person_a, opened_on=dt.date(2026, 3, 2),
                     identified_on=dt.date(2026, 2, 27), identifying_agency="police",
                     client_category="victim", trafficking_status="ActualVictimOfTrafficking",
                     trafficking_type="transnational", origin_country_id="NGA",
                     exploitation_countries=["ITA", "NOR"],
                     exploitation_types=["SexualExploitation"],
                     means_of_control=["DebtBondage", "WithholdsDocuments"],
                     recruiter_relationship="Acquainted", exploitation_months=14)
