"""The judgement calls behind Palermo's reference data, as tables with their reasons.

Read by ``tools/build_reference_data.py`` (a developer tool; the package never imports this):
the countries outside ISO 3166-1 that the printed CTM key needs, how printed names map to ISO
codes, where the countries missing from the printed destination key go, the origin key (not
printed in the source), and Palermo's extensions to HTCDS picklists.
"""

from __future__ import annotations

from pathlib import Path

# --------------------------------------------------------------------------------------------
# Countries outside ISO 3166-1 that the printed key needs.
# --------------------------------------------------------------------------------------------

#: Kosovo has no ISO 3166-1 entry. XK / XKX is the user-assigned code used by the European
#: Commission, IOM, the IMF and others; there is no numeric code, so ``numeric`` is empty.
EXTRA_COUNTRIES: list[dict[str, str]] = [
    {"alpha3": "XKX", "alpha2": "XK", "numeric": "", "name": "Kosovo"},
]

# --------------------------------------------------------------------------------------------
# Printed destination key: names as printed -> ISO alpha-3 codes.
# --------------------------------------------------------------------------------------------

#: Printed names that are not pycountry's ``name`` verbatim: misspellings in the report, names
#: that ISO 3166 has since changed, and "Netherlands Antilles", which was dissolved in 2010
#: (ISO code AN withdrawn in 2010) and is mapped to its three successor entries. Every other
#: printed name must equal pycountry's ``name`` exactly (the build fails otherwise).
PRINTED_NAME_ALIASES: dict[str, tuple[str, ...]] = {
    "Bolivia": ("BOL",),
    "Columbia": ("COL",),  # misspelling of Colombia
    "Netherlands Antilles": ("CUW", "SXM", "BES"),  # dissolved 2010: Curaçao, Sint Maarten, BES
    "Venezuela": ("VEN",),
    "Czech Republic": ("CZE",),  # ISO short name is now "Czechia"
    "Turkey": ("TUR",),  # ISO short name is now "Türkiye"
    "Islamic Republic of Iran": ("IRN",),
    "Tajikstan": ("TJK",),  # misspelling of Tajikistan
    "Kazakstan": ("KAZ",),  # older spelling of Kazakhstan
    "the Former Yugoslav Republic of Macedonia": ("MKD",),  # North Macedonia since 2019
    "Kosovo": ("XKX",),  # user-assigned code, see EXTRA_COUNTRIES
    "Republic of Moldova": ("MDA",),
    "The Democratic Republic of the Congo": ("COD",),
    "Cote d'Ivoire": ("CIV",),
    "Swaziland": ("SWZ",),  # Eswatini since 2018
    "Djbouti": ("DJI",),  # misspelling of Djibouti
    "Libyan Arab Jamahiriya": ("LBY",),  # "Libya" since 2011
    "United Republic of Tanzania": ("TZA",),
    "Vietnam": ("VNM",),  # ISO short name "Viet Nam"
    "East Timor": ("TLS",),  # Timor-Leste
    "Republic of Korea": ("KOR",),
}

#: Destination region that Palermo adds for countries no printed region fits (Oceania,
#: Antarctica). It is listed last, after the eight printed regions.
DESTINATION_OTHER = "Other"

#: Palermo's additions to the destination key: countries missing from the printed key,
#: by destination region name, each with a one-line reason when the choice is not obvious.
#: Rule of thumb: geography over sovereignty for overseas territories (as the printed key does
#: with Aruba and the Netherlands Antilles), and the printed key's own political grouping for
#: Europe (Norway and Switzerland are printed in "European Union and Turkey").
DESTINATION_ADDITIONS: dict[str, list[tuple[str, str]]] = {
    "United States, Canada, Latin America, and the Caribbean": [
        ("AIA", ""), ("ATG", ""), ("BLZ", ""), ("BRB", ""), ("CRI", ""), ("CUB", ""),
        ("CYM", ""), ("DMA", ""), ("GRD", ""), ("GUY", ""), ("HTI", ""), ("KNA", ""),
        ("LCA", ""), ("MSR", ""), ("NIC", ""), ("PAN", ""), ("SUR", ""), ("TCA", ""),
        ("TTO", ""), ("VCT", ""), ("VGB", ""),
        ("BMU", "North Atlantic, off the United States; UN M49 Northern America."),
        ("GRL", "Part of the Kingdom of Denmark but North American; UN M49 Northern America."),
        ("SPM", "French territory off the coast of Canada."),
        ("FLK", "South Atlantic, off Argentina; UN M49 South America."),
        ("GUF", "French overseas department in South America: geography over sovereignty."),
        ("GLP", "French overseas department in the Caribbean: geography over sovereignty."),
        ("MTQ", "French overseas department in the Caribbean: geography over sovereignty."),
        ("BLM", "French overseas collectivity in the Caribbean: geography over sovereignty."),
        ("MAF", "French overseas collectivity in the Caribbean: geography over sovereignty."),
        ("PRI", "United States territory in the Caribbean."),
        ("VIR", "United States territory in the Caribbean."),
    ],
    "European Union and Turkey": [
        ("DNK", ""), ("FIN", ""), ("LUX", ""),
        ("ISL", "EEA/EFTA member, grouped like Norway and Switzerland in the printed key."),
        ("LIE", "EEA/EFTA member, grouped like Norway and Switzerland in the printed key."),
        ("AND", "European microstate between France and Spain."),
        ("MCO", "European microstate enclaved in France."),
        ("SMR", "European microstate enclaved in Italy."),
        ("VAT", "European microstate enclaved in Rome."),
        ("ALA", "Autonomous region of Finland, inside the EU."),
        ("FRO", "Self-governing part of the Kingdom of Denmark, in Europe."),
        ("SJM", "Norwegian territory, grouped with Norway."),
        ("GIB", "British territory on the Iberian Peninsula."),
        ("GGY", "British Crown Dependency, grouped with the United Kingdom."),
        ("JEY", "British Crown Dependency, grouped with the United Kingdom."),
        ("IMN", "British Crown Dependency, grouped with the United Kingdom."),
    ],
    "Gulf States and the Middle East": [
        ("KWT", ""), ("OMN", ""), ("YEM", ""),
        ("PSE", "Levant, between Israel, Jordan and Egypt."),
    ],
    "Russian Federation, Caucasus, and Central Asia": [],
    "Southeastern Europe": [],
    "North and Sub-Saharan Africa": [
        ("BDI", ""), ("BWA", ""), ("CAF", ""), ("COG", ""), ("COM", ""), ("CPV", ""),
        ("ERI", ""), ("GAB", ""), ("GMB", ""), ("GNQ", ""), ("LSO", ""), ("MDG", ""),
        ("MUS", ""), ("MWI", ""), ("NAM", ""), ("NER", ""), ("SDN", ""), ("SOM", ""),
        ("SSD", ""), ("STP", ""), ("TCD", ""),
        ("ESH", "Disputed territory in North-West Africa."),
        ("REU", "French overseas department off Africa: geography over sovereignty."),
        ("MYT", "French overseas department off Africa: geography over sovereignty."),
        ("SHN", "British South Atlantic territory; UN M49 Western Africa."),
        ("IOT", "Chagos Archipelago, Indian Ocean; UN M49 Eastern Africa."),
    ],
    "South Asia and Southeast Asia": [
        ("BGD", ""), ("BTN", ""), ("BRN", ""), ("MDV", ""), ("NPL", ""), ("PAK", ""),
        ("AFG", "UN M49 Southern Asia and a SAARC member, rather than the Gulf/Middle East."),
    ],
    "East Asia": [
        ("MNG", ""), ("PRK", ""),
        ("MAC", "Special Administrative Region of China, like the printed Hong Kong."),
        ("TWN", ""),
    ],
    DESTINATION_OTHER: [
        ("AUS", "Oceania: no printed region fits."),
        ("NZL", "Oceania: no printed region fits."),
        ("PNG", "Oceania (Melanesia), although it borders Indonesia."),
        ("ASM", ""), ("COK", ""), ("FJI", ""), ("FSM", ""), ("GUM", ""), ("KIR", ""),
        ("MHL", ""), ("MNP", ""), ("NCL", ""), ("NFK", ""), ("NIU", ""), ("NRU", ""),
        ("PCN", ""), ("PLW", ""), ("PYF", ""), ("SLB", ""), ("TKL", ""), ("TON", ""),
        ("TUV", ""), ("UMI", ""), ("VUT", ""), ("WLF", ""), ("WSM", ""),
        ("CXR", "Australian Indian Ocean territory, grouped with Australia (UN M49 Oceania)."),
        ("CCK", "Australian Indian Ocean territory, grouped with Australia (UN M49 Oceania)."),
        ("ATA", "Antarctica: no permanent population."),
        ("BVT", "Sub-Antarctic, no permanent population."),
        ("HMD", "Sub-Antarctic, no permanent population."),
        ("ATF", "Sub-Antarctic, no permanent population."),
        ("SGS", "Sub-Antarctic, no permanent population."),
    ],
}

# --------------------------------------------------------------------------------------------
# Origin key: not printed in the source, defined by Palermo.
# --------------------------------------------------------------------------------------------

#: Palermo's origin key (region name -> alpha-3 codes, alphabetical), every country exactly once.
#: Southeast Europe follows IOM's counter-trafficking reporting of the 2000s (the Regional
#: Clearing Point reports on South-Eastern Europe: the Western Balkans, Bulgaria, Romania and
#: Moldova) plus Turkey, which UNODC's Global Report groups with South-Eastern Europe. Greece,
#: Cyprus and Slovenia were EU members and destinations, not part of that reporting.
ORIGIN_KEY: dict[str, list[str]] = {
    "Southeast Europe": [
        "ALB", "BGR", "BIH", "HRV", "MDA", "MKD", "MNE", "ROU", "SRB", "TUR", "XKX",
    ],
    "Central Asia": ["KAZ", "KGZ", "TJK", "TKM", "UZB"],
    "Russian Federation and Caucasus": ["ARM", "AZE", "GEO", "RUS"],
    "Eastern Europe": [
        "BLR", "CZE", "EST", "HUN", "LTU", "LVA", "POL", "SVK", "SVN", "UKR",
    ],
    "North Africa and the Middle East": [
        "ARE", "BHR", "DZA", "EGY", "ESH", "IRN", "IRQ", "ISR", "JOR", "KWT", "LBN", "LBY",
        "MAR", "OMN", "PSE", "QAT", "SAU", "SDN", "SYR", "TUN", "YEM",
    ],
    "South Asia": ["AFG", "BGD", "BTN", "IND", "LKA", "MDV", "NPL", "PAK"],
    "Sub-Saharan Africa": [
        "AGO", "BDI", "BEN", "BFA", "BWA", "CAF", "CIV", "CMR", "COD", "COG", "COM", "CPV",
        "DJI", "ERI", "ETH", "GAB", "GHA", "GIN", "GMB", "GNB", "GNQ", "IOT", "KEN", "LBR",
        "LSO", "MDG", "MLI", "MOZ", "MRT", "MUS", "MWI", "MYT", "NAM", "NER", "NGA", "REU",
        "RWA", "SEN", "SHN", "SLE", "SOM", "SSD", "STP", "SWZ", "SYC", "TCD", "TGO", "TZA",
        "UGA", "ZAF", "ZMB", "ZWE",
    ],
    "Latin America and the Caribbean": [
        "ABW", "AIA", "ARG", "ATG", "BES", "BHS", "BLM", "BLZ", "BOL", "BRA", "BRB", "CHL",
        "COL", "CRI", "CUB", "CUW", "CYM", "DMA", "DOM", "ECU", "FLK", "GLP", "GRD", "GTM",
        "GUF", "GUY", "HND", "HTI", "JAM", "KNA", "LCA", "MAF", "MEX", "MSR", "MTQ", "NIC",
        "PAN", "PER", "PRI", "PRY", "SLV", "SUR", "SXM", "TCA", "TTO", "URY", "VCT", "VEN",
        "VGB", "VIR",
    ],
    "East and Southeast Asia": [
        "BRN", "CHN", "HKG", "IDN", "JPN", "KHM", "KOR", "LAO", "MAC", "MMR", "MNG", "MYS",
        "PHL", "PRK", "SGP", "THA", "TLS", "TWN", "VNM",
    ],
    "Other": [
        # Western and Northern Europe (the EU-15, EFTA, microstates and dependencies)
        "ALA", "AND", "AUT", "BEL", "CHE", "CYP", "DEU", "DNK", "ESP", "FIN", "FRA", "FRO",
        "GBR", "GGY", "GIB", "GRC", "IMN", "IRL", "ISL", "ITA", "JEY", "LIE", "LUX", "MCO",
        "MLT", "NLD", "NOR", "PRT", "SJM", "SMR", "SWE", "VAT",
        # Northern America
        "BMU", "CAN", "GRL", "SPM", "USA",
        # Oceania
        "ASM", "AUS", "CCK", "COK", "CXR", "FJI", "FSM", "GUM", "KIR", "MHL", "MNP", "NCL",
        "NFK", "NIU", "NRU", "NZL", "PCN", "PLW", "PNG", "PYF", "SLB", "TKL", "TON", "TUV",
        "UMI", "VUT", "WLF", "WSM",
        # Antarctica and the uninhabited sub-Antarctic islands
        "ATA", "ATF", "BVT", "HMD", "SGS",
    ],
}

# --------------------------------------------------------------------------------------------
# HTCDS picklists.
# --------------------------------------------------------------------------------------------

HTCDS_CSV = Path("data") / "htcds" / "HTCDS_Field_Standards_2.0.csv"
CTM_YAML = Path("data") / "ctm" / "annex_j_layout.yaml"

#: Palermo's own values appended to HTCDS picklists (source ``palermo``), after the standard's.
PICKLIST_EXTENSIONS: dict[str, list[tuple[str, str]]] = {
    "org_Type": [
        ("InternationalOrganisation", "International Organisation (e.g. IOM mission, UN agency)"),
        ("DonorAgency", "Donor Agency"),
    ],
}
