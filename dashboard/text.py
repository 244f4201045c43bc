"""Every user-facing string, in one place, so the French interface is a second dictionary later."""

LANG = "en"

TEXT = {
    "en": {
        "app.title": "Lanzarote Convention and IWF Reporting Portals",
        "page.status": "Treaty status",
        "status.heading": "Lanzarote Convention (CETS No. 201): status by state",
        "status.as_of": "As of",
        "status.as_of_help": "Shows each state's status on this date, derived from the dated treaty events.",
        "status.summary": "{in_force} Parties with the Convention in force, {ratified} ratified awaiting entry "
                          "into force, {signed} signed only, on {date}.",
        "status.uncertain": "{n} states have a date known only within bounds around this day: their status is "
                            "shown as the last step surely reached and marked uncertain.",
        "status.caption": "Dates marked (derived) follow from the Convention's entry-into-force rule "
                          "(Art. 45(4)), not from a source. Dates with a month or year only are shown as such. "
                          "Sources and confidence per fact are in the table.",
        "status.download": "Download this table (CSV)",
        "col.country": "State", "col.status": "Status", "col.signature": "Signature",
        "col.deposit": "Ratification / accession", "col.eif": "Entry into force", "col.coe": "CoE member",
        "col.confidence": "Confidence", "col.conflict": "Sources disagree", "col.certain": "Status certain",
        "col.sources": "Sources",
        "status.not_signed": "Not signed", "status.signed": "Signed", "status.ratified": "Ratified, awaiting entry into force",
        "status.in_force": "In force", "status.denounced": "Denounced",
        "yes": "yes", "no": "no", "derived": "derived", "unknown": "unknown",
        "data.empty": "The database has no treaty data yet. Run `python -m etl run`.",
    },
}


def t(key: str, **kwargs) -> str:
    """The text for `key` in the current language, formatted with kwargs."""
    value = TEXT[LANG].get(key) or TEXT["en"][key]
    return value.format(**kwargs) if kwargs else value
