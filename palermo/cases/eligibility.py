"""Screening by the Palermo definition: which elements the interview found, and what follows.

The Palermo Protocol (art. 3) defines trafficking by three elements: an **act** (recruitment,
transportation, transfer, harbouring, receipt) by a **means** (threat or use of force,
coercion, abduction, fraud, deception, abuse of power or of a position of vulnerability,
giving or receiving payments) for the **purpose** of exploitation. For a child — a person
under 18 — act and purpose suffice (art. 3(c)).

:func:`screening_recommendation` is a pure function: it recommends and explains; a caseworker
decides (and may differ, with a reason) and a supervisor approves. "Declined to answer" is kept
apart from "unknown": both leave an element open, but the reasons say which it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    DECLINED = "declined"


class Element(StrEnum):
    ACT = "act"
    MEANS = "means"
    PURPOSE = "purpose"


class Outcome(StrEnum):
    PRESUMED_VICTIM = "presumed_victim"
    POSSIBLE_VICTIM = "possible_victim"  # needs further assessment
    OTHER_MIGRANT_IN_NEED = "other_migrant_in_need"  # not a victim of trafficking


# The indicators of each element, with the words used in reasons.
INDICATORS: dict[Element, dict[str, str]] = {
    Element.ACT: {
        "recruitment": "recruitment", "transportation": "transportation",
        "transfer": "transfer", "harbouring": "harbouring", "receipt": "receipt",
    },
    Element.MEANS: {
        "threat": "threat of force", "force": "use of force", "coercion": "coercion",
        "abduction": "abduction", "fraud": "fraud", "deception": "deception",
        "abuse_of_power": "abuse of power",
        "abuse_of_vulnerability": "abuse of a position of vulnerability",
        "payments": "giving or receiving payments or benefits",
    },
    Element.PURPOSE: {
        "sexual_exploitation": "sexual exploitation",
        "forced_labour": "forced labour or services",
        "slavery": "slavery or practices similar to slavery", "servitude": "servitude",
        "organ_removal": "removal of organs", "forced_begging": "forced begging",
        "forced_marriage": "forced marriage", "criminal_activities": "forced criminal activities",
    },
}

ELEMENT_WORDS = {Element.ACT: "act", Element.MEANS: "means",
                 Element.PURPOSE: "purpose of exploitation"}
CHILD_AGE = 18


@dataclass(frozen=True)
class ScreeningFacts:
    """What the screening interview established.

    ``answers`` maps an indicator (a key of :data:`INDICATORS`) to an :class:`Answer`;
    indicators not asked count as unknown. ``age`` is the age at the time of the events, or
    ``None`` when unknown (or declined, with ``age_declined``).
    """

    answers: Mapping[str, Answer]
    age: int | None = None
    age_declined: bool = False


@dataclass(frozen=True)
class ScreeningRecommendation:
    outcome: Outcome
    is_child: bool | None
    found: dict[Element, list[str]] = field(default_factory=dict)
    missing: list[Element] = field(default_factory=list)  # every indicator answered "no"
    open: list[Element] = field(default_factory=list)  # not established, not excluded
    reasons: list[str] = field(default_factory=list)


def _words(keys: list[str], element: Element) -> str:
    return ", ".join(INDICATORS[element][k] for k in keys)


def screening_recommendation(facts: ScreeningFacts) -> ScreeningRecommendation:
    """Recommend presumed victim / possible victim / other migrant in need, with reasons."""
    known_keys = {k for e in INDICATORS.values() for k in e}
    stray = [k for k in facts.answers if k not in known_keys]
    if stray:
        raise ValueError(f"unknown screening indicators: {', '.join(sorted(stray))}")
    is_child = None if facts.age is None else facts.age < CHILD_AGE
    required = [Element.ACT, Element.PURPOSE] if is_child else list(Element)

    found: dict[Element, list[str]] = {}
    missing: list[Element] = []
    open_: list[Element] = []
    reasons: list[str] = []
    for element in Element:
        answers = {k: facts.answers.get(k, Answer.UNKNOWN) for k in INDICATORS[element]}
        yes = [k for k, a in answers.items() if a is Answer.YES]
        declined = [k for k, a in answers.items() if a is Answer.DECLINED]
        if yes:
            found[element] = yes
            reasons.append(f"{ELEMENT_WORDS[element].capitalize()} found: "
                           f"{_words(yes, element)}.")
        elif all(a is Answer.NO for a in answers.values()):
            missing.append(element)
            reasons.append(f"No {ELEMENT_WORDS[element]}: every indicator was answered no.")
        else:
            open_.append(element)
            detail = (f" The person declined to answer about {_words(declined, element)}."
                      if declined else "")
            reasons.append(f"{ELEMENT_WORDS[element].capitalize()} not established."
                           + detail)

    if is_child:
        reasons.append("The person was under 18: act and purpose suffice; the means element "
                       "is not required.")
    elif is_child is None:
        why = "declined to give their age" if facts.age_declined else "age is unknown"
        reasons.append(f"The person {why}: assessed as an adult (act, means and purpose). "
                       "If they were under 18, the means element is not required.")

    if any(e in missing for e in required):
        outcome = Outcome.OTHER_MIGRANT_IN_NEED
        reasons.append("Not a victim of trafficking by the Palermo definition: "
                       + " and ".join(ELEMENT_WORDS[e] for e in required if e in missing)
                       + " excluded. The person can still be assisted as a migrant in need.")
    elif all(e in found for e in required):
        outcome = Outcome.PRESUMED_VICTIM
        reasons.append("Every required element is present: presumed victim of trafficking.")
    else:
        outcome = Outcome.POSSIBLE_VICTIM
        reasons.append("Possible victim: "
                       + " and ".join(ELEMENT_WORDS[e] for e in required if e in open_)
                       + " still to be assessed.")
    return ScreeningRecommendation(outcome=outcome, is_child=is_child, found=found,
                                   missing=[e for e in missing if e in required],
                                   open=[e for e in open_ if e in required], reasons=reasons)
