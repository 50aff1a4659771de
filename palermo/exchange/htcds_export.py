"""The identified HTCDS export: the cases a member may see, in the HTCDS layout, sealed.

Only roles allowed by the ``case_exchange`` kind (supervisors, for their organisation) may
export; the file is encrypted with a passphrase the member chooses (:mod:`sealed`), and
every exported case is written to the access log (channel "export"). The columns are HTCDS
field names (correctly spelt), so the file imports back into Palermo or into any system that
reads the HTCDS spreadsheet.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from palermo.cases import sharing
from palermo.cases.models import Case
from palermo.core import access, spreadsheets
from palermo.core.access import Action
from palermo.core.models import AccessLog, Membership
from palermo.exchange.models import ImportBatch
from palermo.exchange.sealed import check_passphrase, seal


def _join(values) -> str:
    return "; ".join(values or [])


def _first_event(case: Case, kind: str) -> str:
    for event in case.events.all():
        if event.type == kind:
            return event.place or (event.country_id or "")
    return ""


def _date(value) -> str:
    return value.isoformat() if value else ""


# HTCDS column -> how to read it from a case (its person is ``case.person``).
COLUMNS = {
    "cas_CaseOwner": lambda c: c.assigned_to.get_username() if c.assigned_to else "",
    "prs_FirstName": lambda c: c.person.given_name,
    "prs_MiddleName": lambda c: c.person.middle_name,
    "prs_SecondName": lambda c: c.person.family_name,
    "prs_Birthdate": lambda c: _date(c.person.birth_date),
    "prs_Gender": lambda c: c.person.gender,
    "prs_Citizenship": lambda c: _join(c.person.citizenships),
    "prs_PrimaryLanguage": lambda c: _join(getattr(c.person, "languages", [])[:1]),
    "prs_SecondaryLanguage": lambda c: _join(getattr(c.person, "languages", [])[1:2]),
    "prs_MaritalStatus": lambda c: c.person.marital_status,
    "prs_NumberOfChildren": lambda c: "" if c.person.children is None else c.person.children,
    "prs_HighestLevelOfEducation": lambda c: c.person.education,
    "prs_IdentityNumber": lambda c: c.person.identity_number,
    "prs_Email": lambda c: c.person.email,
    "prs_MobilePhone": lambda c: c.person.phone,
    "prs_MailingStreet": lambda c: c.person.address,
    "vic_TraffickingStatus": lambda c: c.trafficking_status,
    "vic_TraffickingStatusDecisionMakingOrg": lambda c: c.status_decided_by,
    "vic_RelationshipToTrafficker": lambda c: c.recruiter_relationship,
    "vic_AgeWhenTrafficked": lambda c: "" if c.age_at_exploitation is None
    else c.age_at_exploitation,
    "vic_MethodOfRecruitment": lambda c: _join(c.recruitment_methods),
    "vic_LocationOfRecruitment": lambda c: _first_event(c, "Recruitment"),
    "vic_MethodsOfControl": lambda c: _join(c.means_of_control),
    "vic_TypeOfExploitation": lambda c: _join(c.exploitation_types),
    "vic_ForcedLabourIndustry": lambda c: _join(c.forced_labour_industries),
    "vic_TypeOfSexExploitation": lambda c: _join(c.sexual_exploitation_types),
    "vic_LocationOfExploitation": lambda c: _first_event(c, "Exploitation")
    or (c.exploitation_countries or [""])[0],
    "cas_Status": lambda c: c.status,
    "cas_ReasonForCaseClosure": lambda c: c.closure_reason,
    "cas_IncomingReferralDate": lambda c: _date(c.opened_on),
}


def may_export(membership: Membership | None) -> bool:
    """May this member export identified case data?"""
    return access.can(membership, Action.VIEW, ImportBatch) and access.sees_identities(
        membership)


def exportable_cases(membership: Membership):
    """The organisation's own cases, with what the export reads. A case another
    organisation shares with it stays with its owner (and its events with it)."""
    access.require(membership, Action.VIEW, ImportBatch)
    return (access.visible(membership, Case.objects.all())
            .filter(organisation_id=membership.organisation_id)
            .select_related("person", "assigned_to").prefetch_related("events")
            .order_by("opened_on", "id"))


def rows(membership: Membership) -> tuple[list[str], list[list], list[Case]]:
    """Header, rows and the cases they come from. The person's columns are empty where
    the member does not see the identity (a case received by referral once the consent to
    share it is no longer in force: ``cases.sharing``)."""
    cases = sharing.with_identities(membership, exportable_cases(membership))
    data = [[read(case) if case.identity.shown or not name.startswith("prs_") else ""
             for name, read in COLUMNS.items()] for case in cases]
    return list(COLUMNS), data, cases


@transaction.atomic
def export_htcds(membership: Membership, passphrase: str, *, fmt: str = "csv",
                 channel: str = AccessLog.Channel.EXPORT) -> tuple[str, bytes, int]:
    """The sealed export: ``(file name, sealed bytes, number of cases)``. Raises
    ``PermissionDenied`` for roles without the right, :class:`SealError` for a weak
    passphrase. Every exported case is logged."""
    if not may_export(membership):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    check_passphrase(passphrase)
    header, data, cases = rows(membership)
    # Through the one writer: a value beginning like a formula leaves as inert text.
    content = (spreadsheets.xlsx_bytes([("HTCDS", [header, *data])]) if fmt == "xlsx"
               else spreadsheets.csv_bytes([header, *data]))
    name = f"htcds-{membership.organisation_id}-{timezone.localdate():%Y%m%d}.{fmt}"
    AccessLog.objects.bulk_create([
        AccessLog(user=membership.user, organisation=membership.organisation,
                  role=membership.role, record_type=case._meta.label_lower,
                  record_id=str(case.pk), owner_id=case.organisation_id, action="export",
                  channel=channel, detail="HTCDS export") for case in cases])
    return name + ".sealed", seal(content, passphrase, name), len(cases)
