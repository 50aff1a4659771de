"""The rules of changing a portfolio by hand (``palermo.programmes.services``): each refusal
names its field, and each has a test that fails if its comparison flips."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from palermo.core.models import Country
from palermo.programmes import services, totals
from palermo.programmes.models import FundingChannel, Project
from palermo.programmes.models.portfolio import split_problem

D = Decimal


@pytest.mark.parametrize("split, problem", [
    ([], None), ([None, None], None), ([D(100)], None), ([D("33.33"), D("66.67")], None),
    ([D(60), D(30)], "sum to 90"), ([D(60), D(50)], "sum to 110"),
    ([D(100), None], "for every one"), ([D(0), D(100)], "more than 0"),
    ([D(101), D(-1)], "more than 0")])
def test_percentages_are_all_given_and_sum_to_100_or_none_is(split, problem):
    found = split_problem(split)
    assert (found is None) if problem is None else (problem in found)


def test_places_with_a_split_not_summing_to_100_are_refused(cast, project_a):
    albania = Country.objects.get(pk="ALB")
    with pytest.raises(ValidationError) as refused:
        services.set_places(cast.emre, project_a, [(albania, D(50))], [("89", D(40))])
    assert "percentage" in refused.value.message_dict
    services.set_places(cast.emre, project_a, [(albania, D(60))], [("89", D(40))])
    assert project_a.countries.get().percentage == 60


def test_carry_over_may_reach_but_not_pass_what_was_left(cast, project_a):
    assert totals.unused_before(project_a, 2026) == D("400000.00")
    with pytest.raises(ValidationError) as refused:
        services.add_agreement(cast.emre, project_a, year=2026, carry_over=D("400000.01"))
    assert "carry_over" in refused.value.message_dict
    agreement = services.add_agreement(cast.emre, project_a, year=2026,
                                       carry_over=D("400000"))
    assert agreement.carry_over == D("400000")
    year_2026 = dict(totals.by_year(project_a))[2026]
    assert year_2026.carried_over == D("400000") and year_2026.planned == D("900000")


def test_nothing_to_carry_over_in_a_first_year(cast, project_a):
    with pytest.raises(ValidationError):
        services.add_agreement(cast.emre, project_a, year=2024, carry_over=D("1"))


def test_an_amount_in_another_currency_counts_only_with_the_rate_used(cast, project_a):
    def disbursed():
        return totals.by_project(Project.objects.filter(pk=project_a.pk))[project_a.pk]

    services.add_transaction(cast.emre, project_a, type="3", date=dt.date(2025, 5, 1),
                             value=D("100"), currency="EUR", value_date=dt.date(2025, 5, 1),
                             exchange_rate=D("11.5"))
    assert (disbursed().disbursed, disbursed().unconverted) == (D("601150.00"), 0)
    services.add_transaction(cast.emre, project_a, type="3", date=dt.date(2025, 5, 2),
                             value=D("100"), currency="EUR", value_date=dt.date(2025, 5, 2))
    assert (disbursed().disbursed, disbursed().unconverted) == (D("601150.00"), 1)
    by_year = totals.total(totals.by_year(project_a))
    assert by_year == disbursed()  # the two ways of counting agree


def test_a_rate_is_more_than_zero(cast, project_a):
    with pytest.raises(ValidationError) as refused:
        services.add_transaction(cast.emre, project_a, type="3", date=dt.date(2025, 5, 1),
                                 value=D("1"), currency="EUR",
                                 value_date=dt.date(2025, 5, 1), exchange_rate=D("0"))
    assert "exchange_rate" in refused.value.message_dict


def test_identifiers_are_unique(cast, project_a):
    with pytest.raises(ValidationError) as refused:
        services.create_project(cast.emre, role="4", title="Twin", own_number="2040412")
    assert "own_number" in refused.value.message_dict
    services.update_project(cast.emre, project_a, iati_identifier="NO-BRC-1-2040412")
    with pytest.raises(ValidationError) as refused:
        services.create_project(cast.emre, role="4", title="Twin",
                                iati_identifier="NO-BRC-1-2040412")
    assert "iati_identifier" in refused.value.message_dict


def test_a_project_keeps_one_organisation_at_least(cast):
    project = services.create_project(cast.emre, role="4", title="Alone",
                                      planned_start=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.remove_participation(cast.emre, project.participations.get())
    assert project.participations.count() == 1


def test_money_of_one_project_never_points_to_another_projects_agreement(cast, project_a):
    other = services.create_project(cast.emre, role="4", title="Other")
    agreement = project_a.agreements.get()
    with pytest.raises(ValidationError) as refused:
        services.add_budget(cast.emre, other, agreement=agreement,
                            period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31),
                            value=D("1"), currency="NOK", value_date=dt.date(2026, 1, 1))
    assert "agreement" in refused.value.message_dict


def test_an_agreement_comes_through_ones_own_channels(cast, project_a):
    theirs = FundingChannel.objects.create(organisation=cast.ngo_b, name="Their embassy")
    with pytest.raises(ValidationError) as refused:
        services.add_agreement(cast.emre, project_a, year=2026, channel=theirs)
    assert "channel" in refused.value.message_dict


def test_ends_come_after_starts(cast, project_a):
    with pytest.raises(ValidationError) as refused:
        services.update_project(cast.emre, project_a, actual_start=dt.date(2025, 5, 1),
                                actual_end=dt.date(2025, 4, 30))
    assert "actual_end" in refused.value.message_dict


def test_classifications_are_chosen_from_their_lists(cast, project_a):
    with pytest.raises(ValidationError) as refused:
        services.update_project(cast.emre, project_a, four_ps=["persecution"])
    assert "four_ps" in refused.value.message_dict
    services.update_project(cast.emre, project_a, four_ps=["prevention", "partnership"],
                            exploitation_forms=["ForcedLabour"])
    assert project_a.classification_labels()["four_ps"] == "Prevention, Partnership / policy"
