"""What a case shows of its person, and of its history, to the member looking at it.

The rules are the access policy's (``core/access.py``, docs/access.md): a member sees a
person's identity exactly when they may view the person — for an organisation that received
the case by referral, while the person's consent to sharing with it is in force, or once it
has recorded the person's own consent to the processing of their data on its own case.
Otherwise it sees its own case without the identity, and a notice saying why. Pages, the API
and the exports take the person of a case from here, never from ``case.person`` directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from palermo.cases.models import Case, Person
from palermo.core import access
from palermo.core.history import FieldChange, field_changes
from palermo.core.models import Membership

# Fields of a case that show who its person is (history, the record as of a date).
IDENTITY_FIELDS = ("person",)


@dataclass(frozen=True)
class Identity:
    """The person of a case as one member may see it: the person, or only the reference
    and why the identity is withheld."""

    person: Person | None
    reference: str
    notice: str = ""

    @property
    def shown(self) -> bool:
        return self.person is not None


def withheld_notice(case: Case) -> str:
    """Why the member sees *case* without its person's identity."""
    if case.referred_by_id:
        return _("The person's identity is not shared with your organisation: the consent "
                 "to share it with you is no longer in force, and your organisation has not "
                 "recorded the person's own consent to the processing of their data. You "
                 "see your own case without it; record that consent on this case if the "
                 "person gives it to you.")
    return _("The person's identity is not shared with your organisation.")


def with_identities(membership: Membership | None, cases: Iterable[Case]) -> list[Case]:
    """*cases*, each with ``identity`` (:class:`Identity`) set for *membership*: one query
    at most for a page of cases (none when every person is the organisation's own)."""
    cases = list(cases)
    seen = access.visible_pks(membership, [case.person for case in cases])
    for case in cases:
        if case.person_id in seen:
            case.identity = Identity(case.person, case.person.reference)
        else:
            case.identity = Identity(None, case.person.reference, withheld_notice(case))
    return cases


def identity_of(membership: Membership | None, case: Case) -> Identity:
    """The person of *case* as *membership* may see it."""
    found = getattr(case, "identity", None)
    if found is None:
        found = with_identities(membership, [case])[0].identity
    return found


def hidden_fields(membership: Membership | None, case: Case) -> tuple[str, ...]:
    """The fields of *case* whose values (now and in its history) *membership* may not
    see: the person, when the identity is withheld."""
    return () if identity_of(membership, case).shown else IDENTITY_FIELDS


def withheld_value() -> str:
    """What is shown in place of a value the member may not see."""
    return _("(identity not shared)")


def case_changes(membership: Membership | None, case: Case) -> list[FieldChange]:
    """The change history of *case* for *membership*: only the owning organisation reads
    it (403 otherwise, :func:`access.require_history`), and the person stays hidden where
    the identity is withheld from it."""
    access.require_history(membership, case)
    hidden = hidden_fields(membership, case)
    changes = field_changes(case)
    if not hidden:
        return changes
    mask = withheld_value()
    return [dataclasses.replace(c, old=mask if c.old else "", new=mask if c.new else "")
            if c.field in hidden else c for c in changes]
