"""A case referred from NGO A to NGO B, in each state of its referral, with every kind of
record that hangs off a case — each carrying a secret string — on the sender's case and on
the receiver's own case. The tests of what a shared case shows (test_shared_case_matrix.py,
tests/api/test_shared_case_api.py, tests/web/test_shared_case_pages.py) search every answer
for these strings.

States of the referral (issue 13 §1):

* ``pending`` — sent, not decided;
* ``declined`` — declined by NGO B;
* ``accepted_without_consent`` — accepted, the person never consented to sharing: NGO B sees
  only the referral;
* ``accepted_with_consent`` — accepted with consent in force: NGO B sees NGO A's case and
  the person, and opened its own case continuing the referral;
* ``consent_withdrawn`` — then the sharing consent was withdrawn: NGO B keeps its own case,
  without the identity;
* ``receiver_consent`` — then NGO B recorded the person's own consent to the processing of
  their data on its case: it sees the identity again (not NGO A's case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from palermo.cases import casework, followups, interviews, referrals, returns, screening
from palermo.cases.assistance import add_service, record_consent
from palermo.cases.models import Case, Person, Referral
from palermo.cases.services import update_person
from palermo.core.models import Country, Membership, Role, User
from palermo.questionnaires import services as forms
from tests.conftest import confirmed_membership
from tests.questionnaires.forms import xlsform

STATES = ("pending", "declined", "accepted_without_consent", "accepted_with_consent",
          "consent_withdrawn", "receiver_consent")
# The receiver sees the person's identity …
IDENTITY_STATES = frozenset({"accepted_with_consent", "receiver_consent"})
# … NGO A's case itself …
SHARED_CASE_STATES = frozenset({"accepted_with_consent"})
# … and has its own case continuing the referral.
CONTINUATION_STATES = frozenset({"accepted_with_consent", "consent_withdrawn",
                                 "receiver_consent"})

SENDER, RECEIVER = "SENDER-7f3a", "RECEIVER-9c2e"
# What identifies the person (person_a of tests/conftest.py), and a former alias kept only in
# the person's history: seen by the receiver exactly in IDENTITY_STATES.
IDENTITY = ("Adaeze", "Okafor", "A12345678", "555 0101", "ALIAS-5e1b")
# The phrase of every notice saying the identity is withheld.
NOTICE = "identity is not shared"
LIST_NOTICE = "identity not shared"
COST = {SENDER: "7131.13", RECEIVER: "8242.24"}
ALL_THREE = {"recruitment": "yes", "deception": "yes", "forced_labour": "yes"}
STORY = xlsform([["type", "name", "label"], ["text", "story", "What happened?"]], None,
                [["form_id", "title", "palermo_kind"], ["story", "Story", "interview"]])


def secrets(tag: str) -> tuple[str, ...]:
    """The strings only the organisation that wrote the records may ever read back: one
    per kind of record hanging off a case, and a value kept only in the case's history."""
    kinds = ("NOTE", "PLACE", "EVENT", "GUARDIAN", "FOLLOWUP", "SCREENING", "INTERVIEW",
             "PLAN", "ACTION", "PURPOSE", "RECEIPT", "HISTORY")
    return (*(f"{tag}-{kind}" for kind in kinds), COST[tag])


@dataclass
class World:
    state: str
    members: dict[str, Membership]
    person: Person
    sender_case: Case
    referral: Referral
    receiver_case: Case | None = None
    records: dict[str, dict[str, object]] = field(default_factory=dict)

    def cases(self) -> list[Case]:
        return [c for c in (self.sender_case, self.receiver_case) if c is not None]


def furnish(member: Membership, case: Case, tag: str, story) -> dict[str, object]:
    """One record of every kind on *case*, written by *member*, each holding a secret."""
    made: dict[str, object] = {"case": case}
    made["note"] = casework.add_note(member, case, f"{tag}-NOTE")
    made["event"] = casework.add_event(member, case, type="Recruitment",
                                       place=f"{tag}-PLACE", description=f"{tag}-EVENT")
    made["consent"] = record_consent(member, case, kind="assistance", decision="given",
                                     given_by="guardian", guardian_name=f"{tag}-GUARDIAN")
    made["service"] = add_service(member, case, type="shelter", status="ongoing",
                                  started_on=dt.date(2026, 3, 4), cost=Decimal(COST[tag]),
                                  currency="EUR")
    made["follow_up"] = followups.add_follow_up(member, case, dt.date(2026, 9, 1))
    done = followups.add_follow_up(member, case, dt.date(2026, 6, 1))
    made["follow_up_done"] = followups.record_follow_up(member, done, status="done",
                                                        notes=f"{tag}-FOLLOWUP")
    made["screening"] = screening.record(member, case, answers=ALL_THREE, age=30,
                                         decision="possible_victim",
                                         differing_reason=f"{tag}-SCREENING")
    draft = interviews.start_interview(member, case, story, source="web")
    made["submission"] = interviews.submit_response(member, draft,
                                                    {"story": f"{tag}-INTERVIEW"})
    journey = returns.start(member, case, Country.objects.get(pk="NGA"),
                            budget=Decimal("1000"), currency="EUR")
    plan = returns.set_plan(member, journey, objectives=f"{tag}-PLAN", types=["Livelihood"],
                            planned_end=dt.date(2027, 1, 1))
    made["return"] = journey
    made["action"] = returns.add_action(member, plan, description=f"{tag}-ACTION")
    made["disbursement"] = returns.disburse(
        member, journey, amount=Decimal("10"), kind="cash", purpose=f"{tag}-PURPOSE",
        receipt=("receipt.txt", f"{tag}-RECEIPT".encode()))
    # A value the case held once: only its history still has it.
    for place in (f"{tag}-HISTORY", "Lagos"):
        case.refresh_from_db()
        casework.update_case(member, case, version=case.version, identification_place=place)
    case.refresh_from_db()
    return made


def receiver_supervisor(cast) -> Membership:
    """bianca, supervisor at NGO B (the receiving organisation's supervisor)."""
    user = User.objects.create_user("bianca", password="irrelevant-here-0")
    return confirmed_membership(user, cast.ngo_b, Role.SUPERVISOR)


def build(cast, person_a: Person, case_a: Case, state: str) -> World:
    """NGO A's case of person_a referred to NGO B, in *state* (see the module's doc)."""
    amina, boris = cast.amina, cast.boris
    members = {name: cast.membership(name) for name in
               ("amina", "fatima", "boris", "amina_mission", "emre", "chen", "dana", "root")}
    members["bianca"] = receiver_supervisor(cast)
    story = forms.publish(cast.root, forms.upload(cast.root, STORY, "story.xlsx",
                                                  shared=True))
    for alias in ("ALIAS-5e1b", "Ada"):  # a former alias, kept in the identity's history
        update_person(amina, person_a, reason="Interview", aliases=alias)
    world = World(state, members, person_a, case_a, referral=None)  # type: ignore[arg-type]
    world.records[SENDER] = furnish(amina, case_a, SENDER, story)
    if state in CONTINUATION_STATES:
        record_consent(amina, case_a, kind="data_processing", decision="given")
        record_consent(amina, case_a, kind="sharing", organisation=cast.ngo_b,
                       decision="given")
    world.referral = referrals.send(amina, case_a, cast.ngo_b, reason="AdditionalServicesRequired",
                                    requested_services=["legal_aid"], details="Needs a lawyer")
    if state == "declined":
        referrals.decline(boris, world.referral, "No capacity until March")
    elif state != "pending":
        referrals.accept(boris, world.referral)
    if state in CONTINUATION_STATES:
        world.receiver_case = Case.objects.get(organisation=cast.ngo_b,
                                               referred_by=world.referral)
        world.records[RECEIVER] = furnish(boris, world.receiver_case, RECEIVER, story)
    if state in ("consent_withdrawn", "receiver_consent"):
        record_consent(amina, case_a, kind="sharing", organisation=cast.ngo_b,
                       decision="withdrawn")
    if state == "receiver_consent":
        record_consent(boris, world.receiver_case, kind="data_processing", decision="given")
    world.referral.refresh_from_db()
    person_a.refresh_from_db()
    case_a.refresh_from_db()
    return world
