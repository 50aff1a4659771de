"""Builds htcds_template_filled.xlsx from the published HTCDS spreadsheet template (IOM,
CC BY 4.0): the template's own two header rows (its misspelt
``vic_TraffickinStatusDecisionMakingOrg``, the empty header cell of the outgoing-referral
reason, the numbered empty rows) with four rows of invented values, a non-breaking space and
a case change in two headers. Developer tool: ``python tests/exchange/data/build_fixtures.py
PATH/TO/HTCDS_Excel_Spreadsheet_v2.0.xlsx``; the tests never read the original."""

import datetime as dt
import sys
from pathlib import Path

import openpyxl

ROWS = [
    {"cas_CaseOwner": "amina", "prs_FirstName": "Testa", "prs_SecondName": "Uno",
     "prs_Birthdate": dt.datetime(1998, 4, 3), "prs_Gender": "Feminine",
     "prs_Citizenship": "NG", "prs_MobilePhone": "+000 555 0001",
     "vic_TraffickingStatus": "ActualVictimOfTrafficking",
     "vic_TraffickinStatusDecisionMakingOrg": "Police",
     "vic_MethodOfRecruitment": "ThroughFriendsOrSocialEvents",
     "vic_MethodsOfControl": "DebtBondage; FalsePromises",
     "vic_TypeOfExploitation": "SexualExploitation", "vic_TypeOfSexExploitation": "Prostitution",
     "vic_LocationOfExploitation": "Italy", "cas_Status": "Active",
     "cas_IncomingReferralDate": "2024-02-11"},
    {"prs_FirstName": "Testo", "prs_SecondName": "Due", "prs_Birthdate": 33604,
     "prs_Gender": "masculine", "prs_Citizenship": "Kyrgyzstan, Kazakhstan",
     "vic_TraffickingStatus": "Possible Victim Of Trafficking",
     "vic_MethodsOfControl": "WithholdsDocuments|ExcessiveWorkingHours",
     "vic_TypeOfExploitation": "ForcedLabour",
     "vic_ForcedLabourIndustry": "F_Construction", "vic_LocationOfRecruitment": "Osh",
     "vic_LocationOfExploitation": "RUS", "cas_Status": "Closed",
     "cas_ReasonForCaseClosure": "Returned home, no further assistance wanted",
     "cas_IncomingReferralDate": "23/03/2024"},
    {"prs_FirstName": "Testi", "prs_SecondName": "Tre", "prs_Birthdate": "2004-11-30",
     "prs_Gender": "NonSpecifiedUnknown", "prs_Citizenship": "UKR",
     "vic_TypeOfExploitation": "ForcedBegging", "cas_Status": "FollowUp",
     "cas_IncomingReferralDate": dt.datetime(2025, 1, 7)},
    {"prs_FirstName": "Testu", "prs_SecondName": "Quattro", "prs_Gender": "Feminine",
     "con_Consent": "TRUE", "vic_TypeOfExploitation": "ForcedMarriage; Servitude",
     "cas_Status": "Active", "cas_ReasonForOutgoingReferral": "Other"},
]


def main(source: str) -> None:
    book = openpyxl.load_workbook(source)
    sheet = book.active
    headers = {sheet.cell(1, c).value: c for c in range(1, sheet.max_column + 1)}
    headers["cas_ReasonForOutgoingReferral"] = 36  # the column without a field name
    for offset, values in enumerate(ROWS):
        for name, value in values.items():
            sheet.cell(3 + offset, headers[name], value)
    sheet.cell(1, headers["prs_Birthdate"]).value = "prs_Birthdate\u00a0"
    sheet.cell(1, headers["prs_Gender"]).value = "PRS_GENDER"
    sheet.delete_rows(20, sheet.max_row)  # keep a few numbered empty rows, not 1,000
    book.save(Path(__file__).parent / "htcds_template_filled.xlsx")


if __name__ == "__main__":
    main(sys.argv[1])
