"""The anonymized portal statistics formats (see README): columns, codes, and the published measures.

Report-level export: one row per report, no web address, no reporter identity, no free text.
Monthly summary: per portal and month, the same counts already aggregated.
"""

REPORT_COLUMNS = ["report_ref", "portal", "received_date", "outcome", "media_type", "severity", "youngest_age",
                  "self_generated", "hosting_country"]
OPTIONAL_COLUMNS = ["demo"]  # "yes" on every row of generated demo files

OUTCOMES = ["actioned", "not_actioned", "duplicate", "out_of_remit", "pending"]
MEDIA = ["image", "video", "image_and_video"]
SEVERITY = ["A", "B", "C"]
AGES = ["0-2", "3-6", "7-10", "11-13", "14-15", "16-17", "unknown"]
SELF_GENERATED = ["yes", "no"]
HOST_GROUPS = ["africa", "americas", "asia", "europe", "oceania", "other", "unknown"]
CONTINENT_TO_HOST = {"Africa": "africa", "America": "americas", "Asia": "asia", "Europe": "europe",
                     "Oceania": "oceania"}
ACTIONED_DETAIL = ["media_type", "severity", "youngest_age", "self_generated", "hosting_country"]

# Published measures, in order. Each breakdown of `actioned` adds up to it; outcomes add up to received.
BREAKDOWNS = {
    "outcome": ("received", [f"{o}" for o in OUTCOMES]),
    "media": ("actioned", [f"media_{m}" for m in MEDIA]),
    "severity": ("actioned", [f"severity_{s.lower()}" for s in SEVERITY]),
    "age": ("actioned", ["age_" + a.replace("-", "_") for a in AGES]),
    "self_generated": ("actioned", [f"self_generated_{s}" for s in SELF_GENERATED]),
    "hosting": ("actioned", [f"host_{h}" for h in HOST_GROUPS]),
}
MEASURES = ["received"] + [m for _, parts in BREAKDOWNS.values() for m in parts]
assert len(MEASURES) == len(set(MEASURES))

SUMMARY_COLUMNS = ["portal", "month"] + MEASURES
SUMMARY_OPTIONAL = ["demo"]

# What each code means in the IWF's published terms (README and the methodology page).
IWF_TERMS = {
    "received": "reports received (the IWF says 'reports assessed' / 'processed')",
    "actioned": "reports actioned: confirmed as child sexual abuse material and acted on",
    "not_actioned": "assessed, not child sexual abuse material under UK law",
    "duplicate": "a report of content already reported",
    "out_of_remit": "outside the IWF's remit (e.g. other harms), referred on where possible",
    "pending": "not yet assessed when the export was made",
    "severity": "UK sentencing categories A (most severe), B, C",
    "youngest_age": "age band of the youngest child visible, as in IWF annual reports",
    "self_generated": "imagery tagged 'self-generated' by IWF analysts",
    "hosting_country": "ISO 3166-1 alpha-3 code of the country where confirmed content was hosted, or 'unknown'",
}


def region_group(region) -> str:
    """'Sub-Saharan Africa (West)' -> 'Sub-Saharan Africa': the grouping of the regional totals.

    Here, with the formats, because the ETL publishes by it and the reading side groups by it."""
    return (region if isinstance(region, str) and region else "Unknown region").split(" (")[0].strip()
