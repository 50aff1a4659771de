"""The rules of what a referred case shows, one by one (core/access.py, cases/sharing.py):
each test fails if a comparison flips or a condition is dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palermo.cases import casework, referrals, sharing
from palermo.cases.assistance import decision_in_force, record_consent
from palermo.cases.models import Case, CaseNote, Person, Referral
from palermo.cases.models.assistance import continuations_with_processing_consent
from palermo.core import access
from palermo.core.access import Action


@pytest.fixture
def referral(cast, case_a) -> Referral:
    """NGO A's case referred to NGO B with consent, accepted (NGO B opened its own case)."""
    record_consent(cast.amina, case_a, kind="data_processing", decision="given")
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="given")
    sent = referrals.send(cast.amina, case_a, cast.ngo_b, reason="Other")
    return referrals.accept(cast.boris, sent)


@pytest.fixture
def own(cast, referral) -> Case:
    return Case.objects.get(organisation=cast.ngo_b, referred_by=referral)


def withdraw(cast, case_a) -> None:
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="withdrawn")


def sees(member, person) -> bool:
    return access.can(member, Action.VIEW, person)


# -- who sees the identity -----------------------------------------------------------------


def test_the_receiver_sees_the_identity_exactly_while_a_consent_is_in_force(
        cast, case_a, person_a, own):
    boris = cast.boris
    assert sees(boris, person_a) and sharing.identity_of(boris, own).shown
    withdraw(cast, case_a)
    assert not sees(boris, person_a)
    assert not access.visible(boris, Person.objects.all()).exists()
    hidden = sharing.identity_of(boris, Case.objects.get(pk=own.pk))
    assert not hidden.shown and hidden.person is None
    assert hidden.reference == person_a.reference and "consent" in hidden.notice
    # The receiver's own consent to processing, on its own case, shows it again …
    record_consent(boris, own, kind="data_processing", decision="given")
    assert sees(boris, person_a)
    # … only to the receiver (never to a third organisation) …
    assert not sees(cast.amina_mission, person_a)
    # … and only while that consent is the one in force.
    record_consent(boris, own, kind="data_processing", decision="withdrawn")
    assert not sees(boris, person_a)


def test_the_consent_in_force_is_read_as_the_domain_reads_it(cast, case_a, own):
    """continuations_with_processing_consent (a subquery) and decision_in_force (Python)
    agree: the latest decision by date counts, whatever the order of recording."""
    boris = cast.boris
    withdraw(cast, case_a)

    def agree(expected: bool) -> None:
        in_query = own in continuations_with_processing_consent(cast.ngo_b.pk)
        assert in_query is expected
        assert (decision_in_force(own, "data_processing") == "given") is expected

    agree(False)
    for kind, decision, day, expected in [
        ("data_processing", "given", 10, True),
        # Recorded later, but decided earlier: the later decision stays in force.
        ("data_processing", "refused", 1, True),
        ("data_processing", "refused", 11, False),
        # A consent to something else is not consent to processing.
        ("assistance", "given", 12, False),
    ]:
        record_consent(boris, own, kind=kind, decision=decision,
                       decided_on=dt.date(2026, 3, day))
        agree(expected)


def test_only_a_case_continuing_a_referral_carries_the_receivers_consent(cast, case_a,
                                                                        person_a, own):
    withdraw(cast, case_a)
    # NGO A's own consent to processing on its own case is NGO A's: it says nothing for B.
    assert case_a not in continuations_with_processing_consent(cast.ngo_b.pk)
    record_consent(cast.boris, own, kind="data_processing", decision="given")
    assert own in continuations_with_processing_consent(cast.ngo_b.pk)
    assert not continuations_with_processing_consent(cast.ngo_a.pk).exists()
    Case.objects.filter(pk=own.pk).update(referred_by=None)  # as if not a continuation
    assert not sees(cast.boris, person_a)


def test_identities_of_a_page_of_cases(cast, case_a, person_a, own,
                                                              person_b):
    boris_case = casework.open_case(cast.boris, person_b)
    cases = list(Case.objects.select_related("person").filter(organisation=cast.ngo_b))
    with CaptureQueriesContext(connection) as own_only:
        sharing.with_identities(cast.boris, [c for c in cases if c.pk == boris_case.pk])
    assert len(own_only.captured_queries) == 0  # the organisation's own person: no query
    shown = {c.pk: c.identity.shown for c in sharing.with_identities(cast.boris, cases)}
    assert shown == {boris_case.pk: True, own.pk: True}
    withdraw(cast, case_a)
    shown = {c.pk: c.identity.shown for c in sharing.with_identities(cast.boris, cases)}
    assert shown == {boris_case.pk: True, own.pk: False}
    # Roles that never see identities see none, even of their organisation's persons.
    assert access.visible_pks(cast.emre, [case_a.person]) == set()
    assert access.visible_pks(cast.amina, [case_a.person]) == {person_a.pk}


# -- what hangs off a case -----------------------------------------------------------------


def test_a_shared_case_shares_none_of_its_records(cast, case_a, referral):
    note = casework.add_note(cast.amina, case_a, "Internal")
    assert access.can(cast.boris, Action.VIEW, case_a)  # the case itself: shared
    assert list(access.related(cast.amina, case_a, "notes")) == [note]
    assert not access.related(cast.boris, case_a, "notes").exists()
    assert not access.visible(cast.boris, CaseNote.objects.all()).exists()
    assert not access.related(cast.emre, case_a, "notes").exists()


# -- history -------------------------------------------------------------------------------


def test_history_is_the_owners_and_the_identitys_follows_the_identity(cast, case_a,
                                                                      person_a, own):
    amina, boris = cast.amina, cast.boris
    assert access.may_read_history(amina, case_a) and access.may_read_history(amina, person_a)
    assert access.can(boris, Action.VIEW, case_a)
    assert not access.may_read_history(boris, case_a)  # shared, seen: not its history
    assert access.may_read_history(boris, own)
    assert access.may_read_history(boris, person_a)  # the identity, while it is seen
    with pytest.raises(PermissionDenied):
        sharing.case_changes(boris, case_a)
    for name in ("amina_mission", "emre", "dana", "root"):
        assert not access.may_read_history(cast.membership(name), case_a)
        assert not access.may_read_history(cast.membership(name), person_a)
    withdraw(cast, case_a)
    assert not access.may_read_history(boris, person_a)
    assert access.may_read_history(boris, own)


def test_the_history_of_the_receivers_case_hides_the_person_when_the_identity_is(
        cast, case_a, own):
    def person_values(member, case):
        case = Case.objects.select_related("person").get(pk=case.pk)
        return {(c.old, c.new) for c in sharing.case_changes(member, case)
                if c.field == "person"}

    assert person_values(cast.boris, own) == {("", "Adaeze Okafor")}
    assert sharing.hidden_fields(cast.boris, own) == ()
    withdraw(cast, case_a)
    assert person_values(cast.boris, own) == {("", "(identity not shared)")}
    assert sharing.hidden_fields(cast.boris, Case.objects.get(pk=own.pk)) == ("person",)
    assert person_values(cast.amina, case_a) == {("", "Adaeze Okafor")}
