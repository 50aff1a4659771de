"""The CTDC variables Palermo's facts map onto: gender names, age bands, and the binary
variables with the HTCDS values each merges (used by the CTDC export and by the record of
what a CTDC release disclosed)."""

from __future__ import annotations

GENDERS = {"Feminine": "Woman", "Masculine": "Man",
           "TransgenderFeminine": "Trans/Transgender/NonConforming",
           "TransgenderMasculine": "Trans/Transgender/NonConforming",
           "NonConforming": "Trans/Transgender/NonConforming"}
AGE_BANDS = ((0, 8), (9, 17), (18, 20), (21, 23), (24, 26), (27, 29), (30, 38), (39, 47),
             (48, None))
# CTDC binary variable -> (CaseFact field, the HTCDS values it merges).
BINARIES = {
    "meansDebtBondageEarnings": ("means_of_control", {"DebtBondage", "TakesEarnings"}),
    "meansThreats": ("means_of_control", {"PhysicalThreats", "ThreatensChildrenFamily",
                                          "ThreatsLawEnforcement"}),
    "meansAbusePsyPhySex": ("means_of_control", {"PsychologicalAbuse", "PhysicalAbuse",
                                                 "SexualAbuse"}),
    "meansFalsePromises": ("means_of_control", {"FalsePromises"}),
    "meansDrugsAlcohol": ("means_of_control", {"PsychoactiveSubstance"}),
    "meansDenyBasicNeeds": ("means_of_control", {"RestrictsFinancialAccess",
                                                 "RestrictsMedicalCare",
                                                 "WithholdsNecessities"}),
    "meansExcessiveWorkHours": ("means_of_control", {"ExcessiveWorkingHours"}),
    "meansWithholdDocs": ("means_of_control", {"WithholdsDocuments"}),
    "isForcedLabour": ("exploitation_types", {"ForcedLabour"}),
    "isSexualExploit": ("exploitation_types", {"SexualExploitation"}),
    "isOtherExploit": ("exploitation_types", {"ChildLabour", "ForcedMarriage", "Servitude",
                                              "ForcedMilitaryByNonStateActors", "OrganRemoval",
                                              "ForcedBegging", "ForcedAdoption", "Surrogacy",
                                              "Other"}),
    "typeOfLabourAgriculture": ("forced_labour_industries",
                                {"A_AgricultureForestryAndFishing"}),
    "typeOfLabourConstruction": ("forced_labour_industries", {"F_Construction"}),
    "typeOfLabourDomesticWork": ("forced_labour_industries",
                                 {"T_ActivitiesOfHouseholdsAsEmployers"}),
    "typeOfLabourHospitality": ("forced_labour_industries",
                                {"I_AccommodationAndFoodServiceActivities"}),
    "typeOfSexProstitution": ("sexual_exploitation_types", {"Prostitution"}),
    "typeOfSexPornography": ("sexual_exploitation_types", {"Pornography"}),
    # HTCDS does not tell an intimate partner or a friend from another acquaintance: those
    # two stay empty; "Acquainted" is the CTDC's "other notable relationship".
    "recruiterRelationIntimatePartner": ("recruiter_relationship", set()),
    "recruiterRelationFriend": ("recruiter_relationship", set()),
    "recruiterRelationFamily": ("recruiter_relationship", {"Familial"}),
    "recruiterRelationOther": ("recruiter_relationship", {"Acquainted"}),
}
