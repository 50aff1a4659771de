"""Differentially private counts and the privacy-budget ledger."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.disclosure import (
    BudgetExhausted,
    PrivacyBudget,
    dp_count,
    dp_counts,
    error_margin,
    noise_scale,
)


def test_budget_refuses_an_over_budget_release_and_spends_nothing():
    budget = PrivacyBudget(total_epsilon=1.0)
    assert budget.charge(0.5) == pytest.approx(0.5)
    assert budget.charge(0.5) == pytest.approx(0.0)
    with pytest.raises(BudgetExhausted, match="needs epsilon 0.1 but only 0 remains"):
        budget.charge(0.1)
    assert budget.spent == pytest.approx(1.0)
    assert not budget.can_afford(0.1)


def test_budget_tolerates_floating_point_sums():
    budget = PrivacyBudget(0.3)
    budget.charge(0.1)
    budget.charge(0.2)  # 0.1 + 0.2 is 0.30000000000000004 in binary
    assert budget.remaining == pytest.approx(0.0)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_budget_refuses_nonsense(bad):
    with pytest.raises(ValueError):
        PrivacyBudget(bad)
    with pytest.raises(ValueError, match="epsilon must be a positive number"):
        PrivacyBudget(1.0).charge(bad)


@settings(max_examples=100, deadline=None)
@given(total=st.floats(0.1, 10), charges=st.lists(st.floats(0.01, 3), max_size=12))
def test_budget_never_overspends(total, charges):
    budget = PrivacyBudget(total)
    for eps in charges:
        before = budget.spent
        if before + eps <= total + 1e-9:
            budget.charge(eps)
            assert budget.spent == pytest.approx(before + eps)
        else:
            with pytest.raises(BudgetExhausted):
                budget.charge(eps)
            assert budget.spent == before
        assert budget.spent <= total + 1e-9


def test_noise_grows_as_epsilon_falls():
    zeros = {i: 0 for i in range(4000)}
    spread = {}
    for eps in (2.0, 0.5, 0.1):
        noisy = np.array(list(dp_counts(zeros, eps, clamp=False).values()))
        spread[eps] = np.abs(noisy).mean()
        # The mean absolute noise of a discrete Laplace of scale b is close to b for b >= 2.
        if noise_scale(eps) >= 2:
            assert spread[eps] == pytest.approx(noise_scale(eps), rel=0.15)
        assert abs(noisy.mean()) < 5 * noise_scale(eps) / np.sqrt(len(noisy)) + 0.05
    assert spread[2.0] < spread[0.5] < spread[0.1]
    assert spread[0.1] > 10 * spread[2.0]
    assert error_margin(0.1) > error_margin(0.5) > error_margin(2.0)


def test_sensitivity_scales_the_noise():
    assert noise_scale(0.5, sensitivity=3) == pytest.approx(6.0)
    zeros = {i: 0 for i in range(3000)}
    one = np.abs(list(dp_counts(zeros, 0.5, clamp=False).values())).mean()
    three = np.abs(list(dp_counts(zeros, 0.5, sensitivity=3, clamp=False).values())).mean()
    assert three > 2 * one


@settings(max_examples=30, deadline=None)
@given(counts=st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 50), max_size=8),
       eps=st.floats(0.05, 5))
def test_released_counts_are_non_negative_integers(counts, eps):
    noisy = dp_counts(counts, eps)
    assert set(noisy) == set(counts)
    assert all(isinstance(v, int) and v >= 0 for v in noisy.values())
    single = dp_count(3, eps)
    assert isinstance(single, int) and single >= 0


def test_bad_counts_are_refused():
    with pytest.raises(ValueError, match="count must be a non-negative integer"):
        dp_count(-1, 1.0)
    with pytest.raises(ValueError, match="count 'x' must be a non-negative integer"):
        dp_counts({"x": 1.5}, 1.0)
    with pytest.raises(ValueError, match="epsilon must be a positive number"):
        dp_count(3, 0)
