"""screening_recommendation: adults and children, each element missing in turn, declined."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palermo.cases.eligibility import (
    INDICATORS,
    Answer,
    Element,
    Outcome,
    ScreeningFacts,
    screening_recommendation,
)

Y, N, U, D = Answer.YES, Answer.NO, Answer.UNKNOWN, Answer.DECLINED


def all_no(element: Element) -> dict[str, Answer]:
    return {k: N for k in INDICATORS[element]}


def facts(act=None, means=None, purpose=None, age=30, declined_age=False) -> ScreeningFacts:
    answers: dict[str, Answer] = {}
    for part in (act, means, purpose):
        answers.update(part or {})
    return ScreeningFacts(answers=answers, age=age, age_declined=declined_age)


ACT = {"recruitment": Y}
MEANS = {"deception": Y}
PURPOSE = {"forced_labour": Y}

CASES = [
    # id, facts, outcome, missing, open
    ("adult, all three", facts(ACT, MEANS, PURPOSE), Outcome.PRESUMED_VICTIM, [], []),
    ("adult, no act", facts(all_no(Element.ACT), MEANS, PURPOSE),
     Outcome.OTHER_MIGRANT_IN_NEED, [Element.ACT], []),
    ("adult, no means", facts(ACT, all_no(Element.MEANS), PURPOSE),
     Outcome.OTHER_MIGRANT_IN_NEED, [Element.MEANS], []),
    ("adult, no purpose", facts(ACT, MEANS, all_no(Element.PURPOSE)),
     Outcome.OTHER_MIGRANT_IN_NEED, [Element.PURPOSE], []),
    ("adult, act unknown", facts(None, MEANS, PURPOSE), Outcome.POSSIBLE_VICTIM, [],
     [Element.ACT]),
    ("adult, means unknown", facts(ACT, None, PURPOSE), Outcome.POSSIBLE_VICTIM, [],
     [Element.MEANS]),
    ("adult, purpose unknown", facts(ACT, MEANS, None), Outcome.POSSIBLE_VICTIM, [],
     [Element.PURPOSE]),
    ("adult, means declined", facts(ACT, {"force": D, "threat": D}, PURPOSE),
     Outcome.POSSIBLE_VICTIM, [], [Element.MEANS]),
    ("child, act and purpose", facts(ACT, None, PURPOSE, age=16), Outcome.PRESUMED_VICTIM,
     [], []),
    ("child, no means at all", facts(ACT, all_no(Element.MEANS), PURPOSE, age=15),
     Outcome.PRESUMED_VICTIM, [], []),
    ("child, no act", facts(all_no(Element.ACT), None, PURPOSE, age=12),
     Outcome.OTHER_MIGRANT_IN_NEED, [Element.ACT], []),
    ("child, no purpose", facts(ACT, MEANS, all_no(Element.PURPOSE), age=17),
     Outcome.OTHER_MIGRANT_IN_NEED, [Element.PURPOSE], []),
    ("child, purpose declined", facts(ACT, None, {"sexual_exploitation": D}, age=17),
     Outcome.POSSIBLE_VICTIM, [], [Element.PURPOSE]),
    ("eighteen is an adult", facts(ACT, None, PURPOSE, age=18), Outcome.POSSIBLE_VICTIM, [],
     [Element.MEANS]),
    ("age unknown: assessed as adult", facts(ACT, None, PURPOSE, age=None),
     Outcome.POSSIBLE_VICTIM, [], [Element.MEANS]),
    ("nothing asked", facts(age=None), Outcome.POSSIBLE_VICTIM, [],
     [Element.ACT, Element.MEANS, Element.PURPOSE]),
]


@pytest.mark.parametrize("screening, outcome, missing, open_", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_recommendation_table(screening, outcome, missing, open_):
    result = screening_recommendation(screening)
    assert (result.outcome, result.missing, result.open) == (outcome, missing, open_)


def test_reasons_say_what_was_found_and_why():
    result = screening_recommendation(facts(ACT, {"deception": Y, "fraud": Y}, PURPOSE))
    assert result.found[Element.MEANS] == ["fraud", "deception"]
    assert "Means found: fraud, deception." in result.reasons
    assert result.reasons[-1].startswith("Every required element is present")


def test_declined_is_told_apart_from_unknown():
    declined = screening_recommendation(facts(ACT, {"force": D}, PURPOSE))
    unknown = screening_recommendation(facts(ACT, {"force": U}, PURPOSE))
    assert declined.outcome == unknown.outcome == Outcome.POSSIBLE_VICTIM
    assert any("declined to answer about use of force" in r for r in declined.reasons)
    assert not any("declined" in r for r in unknown.reasons)


def test_child_reason_explains_that_means_are_not_required():
    result = screening_recommendation(facts(ACT, None, PURPOSE, age=14))
    assert result.is_child is True
    assert any("under 18" in r and "not required" in r for r in result.reasons)


def test_declined_age_is_reported():
    result = screening_recommendation(facts(ACT, MEANS, PURPOSE, age=None, declined_age=True))
    assert any("declined to give their age" in r for r in result.reasons)


def test_other_migrant_in_need_can_still_be_assisted():
    result = screening_recommendation(facts(ACT, MEANS, all_no(Element.PURPOSE)))
    assert "can still be assisted" in result.reasons[-1]


def test_unknown_indicator_is_refused_by_name():
    with pytest.raises(ValueError, match="kidnap"):
        screening_recommendation(ScreeningFacts(answers={"kidnap": Y}))


ANSWER = st.sampled_from(list(Answer))
ALL_KEYS = [k for element in INDICATORS.values() for k in element]


@given(st.dictionaries(st.sampled_from(ALL_KEYS), ANSWER), st.one_of(st.none(),
                                                                      st.integers(0, 90)))
def test_outcome_follows_the_elements(answers, age):
    result = screening_recommendation(ScreeningFacts(answers=answers, age=age))
    required = [Element.ACT, Element.PURPOSE] if age is not None and age < 18 else list(Element)
    if result.outcome is Outcome.PRESUMED_VICTIM:
        assert all(e in result.found for e in required)
    if result.outcome is Outcome.OTHER_MIGRANT_IN_NEED:
        assert result.missing
    # a "yes" anywhere in a required element means it is never listed as missing
    for element in required:
        if any(answers.get(k) is Answer.YES for k in INDICATORS[element]):
            assert element not in result.missing and element not in result.open
