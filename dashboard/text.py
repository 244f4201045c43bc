"""Every user-facing string, in one place: keys -> English msgids, translated through the gettext catalogue
(dashboard/locale/). No language is held here: every call names the reader's language."""
from .i18n import translator

TEXT = {
    "en": {
        "app.title": "Lanzarote Convention and IWF Reporting Portals",
        "page.overview": "Overview map", "page.country": "Country profile", "page.network": "Portal network",
        "page.methodology": "Data and methodology",
        # Overview
        "overview.heading": "Where states stand: Lanzarote Convention (CETS No. 201) and IWF Reporting Portals",
        "overview.as_of": "As of", "overview.as_of_help": "Replays history: the map, figures and table show this date.",
        "overview.zoom": "Zoom", "zoom.world": "World", "zoom.europe": "Europe", "zoom.africa": "Africa",
        "metric.parties": "Parties (in force)", "metric.members_not_bound": "CoE members not yet bound",
        "metric.portals": "IWF portals launched", "metric.portal_not_party": "Portal countries not Parties",
        "metric.parties_help": "States for which the Convention had surely entered into force on this date.",
        "metric.members_help": "Council of Europe members on this date for which the Convention was not in force.",
        "metric.portals_help": "Portals surely launched by this date (month- or year-only launch dates count from the "
                               "end of that month or year; unknown launch dates are not counted).",
        "metric.portal_not_party_help": "Countries and territories with an IWF portal where the Convention is not in force.",
        "map.title": "Lanzarote status and IWF portals on {date}",
        "map.alt": "{zoom} map on {date}: {in_force} states with the Convention in force; {portals}, {drawn} "
                   "drawn as diamonds.{not_drawn} The same data is in the table below the map.",
        "map.not_drawn": " The multi-country portal (IWF/ICMEC) serves many countries and has no place of its own, "
                         "so it is counted but not drawn.",
        "map.zoom.world": "World", "map.zoom.europe": "Europe", "map.zoom.africa": "Africa",
        "cat.none": "Not a Party (not a CoE member; no treaty event recorded)",
        "map.click": "Click a country on the map to open its profile.",
        "cat.in_force_member": "In force (CoE member)", "cat.in_force_non_member": "In force (not a CoE member)",
        "cat.ratified": "Ratified, awaiting entry into force", "cat.signed": "Signed",
        "cat.not_signed_member": "CoE member, not signed", "cat.denounced": "Denounced", "cat.portal": "IWF portal",
        "cumulative.title": "Ratifications in force and portal launches over time",
        "cumulative.parties": "Parties with the Convention in force", "cumulative.portals": "IWF portals launched",
        "cumulative.y": "count", "cumulative.alt": "Step chart of the number of Parties and of IWF portals over time, "
                                                    "up to {date}.",
        "cumulative.note": "Counted from the date each step surely happened; dates known only within bounds count "
                           "from their end.",
        "table.heading": "States and portals on {date}",
        "col.country": "State or territory", "col.status": "Lanzarote status", "col.signature": "Signature",
        "col.deposit": "Ratification / accession", "col.eif": "Entry into force", "col.coe": "CoE member",
        "col.confidence": "Confidence", "col.conflict": "Sources disagree", "col.certain": "Status certain",
        "col.sources": "Source (deposit)", "col.portal": "IWF portal", "col.launch": "Portal launch",
        "status.not_signed": "Not signed", "status.signed": "Signed",
        "status.ratified": "Ratified, awaiting entry into force", "status.in_force": "In force",
        "status.denounced": "Denounced", "status.none": "Not a Party",
        "col.code": "Code", "col.date": "Date", "col.basis": "Basis",
        "col.source": "Source", "col.count": "Count", "col.series": "Series", "col.year": "Year",
        "col.period": "Period", "col.state": "State of the value",
        "col.funders": "Funders", "col.region": "Region", "col.portals": "Portals launched",
        "col.received": "Received", "col.actioned": "Actioned", "col.kind": "Kind", "col.title": "Title",
        "col.launched": "Launched (as written)", "col.reports": "Reports", "col.adopted": "Adopted",
        "col.parties_covered": "Parties covered", "col.notes": "Notes", "col.reply_detail": "Reply (detail)",
        "col.job": "Job", "col.load": "Load", "col.retrieved": "Retrieved", "col.sha256": "SHA-256 of inputs",
        "col.finished": "Finished", "col.rows_in": "Rows in", "col.rows_loaded": "Rows loaded",
        "col.rows_rejected": "Rows rejected", "col.field": "Field", "col.note": "Note", "col.publisher": "Publisher",
        "col.metric": "Metric", "col.unit": "Unit", "col.value": "Value", "col.term": "Term", "col.meaning": "Meaning",
        "col.event": "Event", "col.shown": "Shown", "col.detail": "Detail", "col.hidden_cells": "Portal-years suppressed",
        "col.severity": "Severity", "col.part": "Part",
        "all_parties": "All Parties",
        "kind.round": "monitoring round", "kind.urgent": "urgent round", "kind.compliance": "compliance procedure",
        "kind.survey": "survey",
        "state.value": "value", "state.suppressed": "suppressed (hidden to protect small counts)",
        "state.suppressed_threshold": "suppressed (fewer than {k})",
        "state.suppressed_secondary": "suppressed (hidden to protect another cell)",
        "state.unknown": "unknown", "state.not_applicable": "not applicable (no reports)",
        "state.hidden_part": "suppressed parts, together", "state.hidden_which": "suppressed parts together: {parts}",
        "chart.all_hidden": "{measure}: no year has a published value ({state}), so there is nothing to draw.",
        "url.bad_date": "The address asked for {name}={raw}, which is not a date (YYYY-MM-DD); showing {used} instead.",
        "url.out_of_range": "The address asked for {name}={raw}, outside the range this page covers; showing "
                            "{used}, the nearest value it covers.",
        "url.bad_value": "The address asked for {name}={raw}, which is not one of the choices; showing {used} instead.",
        "url.codes_fixed": "The address asked for {name}={raw}: unknown or repeated codes are dropped and at most "
                           "three are shown; showing {used}.",
        "status.caption": "Dates marked (derived) follow from the Convention's entry-into-force rule (Art. 45(4)), "
                          "not from a source. Month- or year-only dates are shown as such.",
        "download.csv": "Download the data shown (CSV)", "table.show": "Show the data as a table",
        "chart.png": "The chart's own toolbar (camera icon) saves it as PNG.",
        "labelled": "{label}: {value}",
        "yes": "yes", "no": "no", "derived": "derived", "unknown": "unknown", "none": "none",
        # Country profile
        "country.heading": "Country profile", "country.pick": "Countries and territories (up to three, to compare)",
        "country.help": "Type a name. Up to three are shown side by side.",
        "country.coe": "Council of Europe", "country.coe_member": "Member since {date}",
        "country.coe_left": "Member {joined} to {left}", "country.coe_none": "Not a member",
        "country.treaty": "Lanzarote Convention", "country.status_today": "Status today: **{status}**",
        "country.not_party": "Not a Party on {date}: no signature, ratification or accession is recorded for it.",
        "country.status_on": "Status on {date}: **{status}**", "country.caveats": "Caveats in the sources",
        "country.launch_note": "Note on the launch", "country.project_code": "project code, not ISO",
        "country.timeline": "Treaty timeline", "country.events": "Treaty events with sources",
        "country.notes": "Caveats", "country.rounds": "Lanzarote Committee monitoring rounds",
        "country.no_rounds": "Not covered by a recorded monitoring round.",
        "country.portal": "IWF Reporting Portal", "country.no_portal": "No IWF Reporting Portal recorded.",
        "country.launch": "Launched", "country.partners": "Partners", "country.funders": "Funders",
        "country.languages": "Languages", "country.link": "Portal address", "country.source": "Source",
        "country.stats": "Portal statistics", "country.no_stats": "No statistics loaded for this portal.",
        "country.stats_title": "Reports received and actioned per year",
        "country.shares": "Actioned share and self-generated share (of actioned)",
        "country.severity": "Severity of actioned reports (A most severe)",
        "country.confidence": "confidence", "country.retrieved": "retrieved",
        "round.covered": "Covered", "round.reply": "Reply submitted", "round.recs": "Recommendations addressed",
        "round.compliance": "Compliance", "round.title": "Round",
        "measure.received": "Received", "measure.actioned": "Actioned", "measure.share_actioned": "Actioned share (%)",
        "measure.share_self": "Self-generated share (%)",
        "event.signature": "Signature", "event.deposit": "Ratification / accession", "event.entry_into_force": "Entry into force",
        "event.reservation_or_declaration": "Reservation or declaration", "event.denunciation": "Denunciation",
        "event.denunciation_effective": "Denunciation takes effect", "event.suspension": "Suspension",
        "basis.read": "read in source", "basis.derived": "derived by rule",
        "confidence.high": "high", "confidence.medium": "medium", "confidence.low": "low",
        "note.conflict": "sources disagree", "note.missing": "missing in the sources",
        "note.year-only": "year only", "note.month-only": "month only", "note.single-source": "single source",
        "note.derived-month": "month derived", "note.inferred": "inferred", "note.derived": "derived by rule",
        # Network
        "network.heading": "The IWF Reporting Portal network",
        "network.launches": "Portal launches per year, by region", "network.funders": "Portal launches per year, by funder",
        "network.trends": "Network trends", "network.grain": "Period", "grain.year": "Yearly", "grain.month": "Monthly",
        "network.received": "Reports received and actioned, all portals",
        "network.received_only": "Reports received, all portals",
        "network.monthly_received_only": "By month only reports received are published; every breakdown is "
                                         "published by year.",
        "network.by_region": "Reports received, by portal region",
        "network.by_outcome": "Reports by outcome of assessment", "network.by_host": "Actioned reports by hosting region",
        "network.context": "Published network figures (IWF and INHOPE) for context",
        "network.context_note": "Figures as published by the IWF and INHOPE for their whole networks, with sources; "
                                "they are not sums of the portals.",
        "network.no_league": "Portals are not ranked: the field reports network totals and trends, not league tables.",
        "network.funder_none": "not stated in sources",
        "region.East Asia & Pacific": "East Asia & Pacific", "region.Europe": "Europe",
        "region.Global / multi-country": "Global / multi-country",
        "region.Latin America & Caribbean": "Latin America & Caribbean",
        "region.Middle East & North Africa": "Middle East & North Africa", "region.South Asia": "South Asia",
        "region.Sub-Saharan Africa": "Sub-Saharan Africa", "region.UK Overseas Territory": "UK Overseas Territory",
        "region.Unknown region": "Unknown region",
        "part.actioned": "actioned", "part.not_actioned": "not actioned", "part.duplicate": "duplicate",
        "part.out_of_remit": "out of remit", "part.pending": "pending",
        "part.host_africa": "hosted in Africa", "part.host_americas": "hosted in the Americas",
        "part.host_asia": "hosted in Asia", "part.host_europe": "hosted in Europe",
        "part.host_oceania": "hosted in Oceania", "part.host_other": "hosted elsewhere",
        "part.host_unknown": "hosting unknown",
        # Methodology
        "method.heading": "Data and methodology", "method.sources": "Sources and loads",
        "method.sources_note": "Each job's last successful load: source, retrieval date, checksum of its inputs. "
                               "Statistics loads show neither file names nor row counts: a small file's size "
                               "would itself be a small count.",
        "method.stats_source": "portal statistics (file name and counts not shown)",
        "method.status": "What each status means",
        "method.status_text": "- **Signed**: the state signed the Convention.\n"
                              "- **Ratified, awaiting entry into force**: its instrument of ratification, acceptance, "
                              "approval or accession was deposited; entry into force follows on the first day of the "
                              "month after three months (Art. 45(4)).\n"
                              "- **In force**: the Convention binds the state.\n"
                              "- **Denounced**: a denunciation has taken effect.\n"
                              "Status on a date is derived from the dated events; an event counts once it surely "
                              "happened. Derived dates are labelled; unknown dates stay unknown.",
        "method.stats": "Portal statistics: definitions", "method.suppression": "Disclosure control",
        "method.suppression_text": "Counts from 1 to {k_minus} are suppressed (k = {k}). Secondary suppression hides "
                                   "further cells until every suppressed small count is proved to stay within a "
                                   "wide enough interval, whatever a reader works out from the published totals "
                                   "and parts (outcomes = received; each breakdown = actioned; months = year; "
                                   "portals = region; regions = network); the proofs are checked again before "
                                   "anything is published. Suppressed cells are shown as suppressed, never as "
                                   "zero. {hidden} of {cells} published cells are suppressed.",
        "method.protection": "Protection by interval. An attacker who holds this and every earlier "
                             "publication, every published sum, and knows that counts are whole numbers, that "
                             "they only grow from one publication to the next and that a hidden cell is at "
                             "least 1, cannot narrow a cell hidden because it is small to an "
                             "interval less than {width} wide; the narrowest interval proved in this publication "
                             "is {narrowest} wide.",
        "method.no_interval": "No interval width is recorded for this publication: no count in it was small "
                              "enough to hide, or it was made before protection by interval (the next "
                              "publication replaces it).",
        "method.protection_limited": "Protection by interval. An attacker who holds this and every earlier "
                                     "publication, every published sum, and knows that counts are whole "
                                     "numbers, that they only grow from one publication to the next and that a "
                                     "hidden cell is at least 1, cannot narrow a cell hidden because it is small "
                                     "to an interval less than {width} wide, except where an earlier "
                                     "publication already bounded it (one made with a lower threshold, or before "
                                     "a portal's launch date was corrected to a later month): the narrowest "
                                     "interval in this publication is {narrowest} wide.",
        "method.grain": "What is published: each portal's figures by year; by month, only the reports received, "
                        "for each region and for the whole network. Portal figures by month and monthly "
                        "breakdowns are not published: at that grain nearly every count is small.",
        "method.one_mark": "Every hidden cell carries the same mark: the publication does not say whether a cell is "
                           "small or hidden to protect another, because that would tell an attacker it is below {k}.",
        "method.no_stats": "No portal statistics are loaded.",
        # The statistics' fields, as etl/stats_format.IWF_TERMS defines them
        "term.received": "reports received (the IWF says 'reports assessed' / 'processed')",
        "term.actioned": "reports actioned: confirmed as child sexual abuse material and acted on",
        "term.not_actioned": "assessed, not child sexual abuse material under UK law",
        "term.duplicate": "a report of content already reported",
        "term.out_of_remit": "outside the IWF's remit (e.g. other harms), referred on where possible",
        "term.pending": "not yet assessed when the export was made",
        "term.severity": "UK sentencing categories A (most severe), B, C",
        "term.youngest_age": "age band of the youngest child visible, as in IWF annual reports",
        "term.self_generated": "imagery tagged 'self-generated' by IWF analysts",
        "term.hosting_country": "ISO 3166-1 alpha-3 code of the country where confirmed content was hosted, or "
                                "'unknown'",
        "method.gaps": "Known gaps and conflicts in the reference data",
        "method.demo_yes": "The portal statistics shown are DEMO DATA: generated, seeded, not real figures.",
        "method.demo_no": "The portal statistics shown come from real (non-demo) loads.",
        "demo.banner": "DEMO DATA: the portal statistics on this page are generated for demonstration. They are not "
                       "real figures. Real exports replace them when loaded.",
        "data.empty": "The database has no data yet. Run `python -m etl run`.",
        # Briefings
        "brief.subtitle": "Data as of {as_of} · generated {today} · Lanzarote Convention (CETS No. 201) and IWF "
                          "Reporting Portals",
        "brief.country_title": "Country briefing: {name}", "brief.round_title": "Monitoring round briefing: {code}",
        "brief.funder_title": "Funder impact report: {funder}", "brief.funder_period": "Period: {start} to {end}.",
        "brief.coe": "Council of Europe member on this date: {member}.",
        "brief.status": "Lanzarote status on {date}: {status}.",
        "brief.source": "Source",
        "brief.suppression": "Counts from 1 to k-1 (k = {k}) are suppressed, and further cells so that none can be "
                             "worked out from the published totals and parts, even all solved together. Suppressed values are "
                             "marked, never zero.",
        "brief.sources": "Sources and loads", "brief.launched": "Launched", "brief.reports": "Reports",
        "brief.adopted": "Adopted", "brief.covered_count": "Parties covered", "brief.round_parties": "Parties",
        "brief.unknown_note": "'unknown' means the sources read do not say; it never means 'no'.",
        "brief.download": "Prepare the briefing (PDF and Word)", "brief.ready": "Download {kind}",
        # Committee
        "page.committee": "Lanzarote Committee", "committee.heading": "Lanzarote Committee: monitoring and input",
        "committee.rounds": "Monitoring rounds", "committee.matrix": "Round x Party: coverage",
        "committee.matrix_note": "yes / no / unknown as published; unknown is never shown as no.",
        "committee.timeline": "Monitoring rounds: from launch to the first report adopted",
        "committee.timeline_alt": "Timeline of the Lanzarote Committee's monitoring rounds, urgent rounds, compliance "
                                  "procedures and surveys: a bar from launch to the first adopted report where known, "
                                  "a point where only the launch is known. Dates as written in the sources.",
        "committee.detail": "What is known for one round", "committee.pick_round": "Round",
        "committee.changes": "What changed since", "committee.since": "Since",
        "committee.new_deposits": "Ratifications and accessions deposited", "committee.new_eif": "Entries into force",
        "committee.new_portals": "New IWF portals", "committee.new_loads": "Data loads (including statistics)",
        "committee.nothing": "Nothing recorded.",
        "committee.advocacy": "Advocacy view", "committee.portal_not_party": "Countries and territories with an IWF portal that are not Parties",
        "committee.party_no_portal": "Parties without an IWF portal or other reporting mechanism in this data",
        "committee.party_no_portal_note": "This data holds IWF portals only: national hotlines (e.g. INHOPE members) are not in it.",
        "committee.recent": "CoE members whose entry into force is recent (last {years} years)",
        # Funders
        "page.funders": "Funder impact", "funder.heading": "Funder impact", "funder.pick": "Funder",
        "funder.portals": "Portals funded", "funder.timeline": "Launches of funded portals",
        "funder.coverage": "Countries and languages covered", "funder.reports": "Reports received and actioned through these portals",
        "funder.at_least": "Sums of published values: suppressed portal-years are left out (their number is in "
                           "the table), so totals are 'at least'.",
        "funder.metric_portals": "Portals funded", "funder.metric_countries": "Countries and territories",
        "funder.metric_received": "Reports received ({year})", "funder.metric_actioned": "Reports actioned ({year})",
        "funder.period": "Years",
        # Briefings (PDF, Word, Markdown): dashboard/briefing_document.py. One block, keys briefing.*
        "briefing.dateline": "Data as of {as_of} · produced {produced} · with the IWF Reporting Portals",
        "briefing.footer_date": "Data as of {as_of}",
        "briefing.prepared_for": "prepared for: {audience}",
        "briefing.page": "Page {n} of {total}",
        "briefing.demo_mark": "DEMO DATA: statistics are not real",
        "briefing.key_facts": "Key facts",
        "briefing.sources": "Sources",
        "briefing.retrieved": "Retrieved {date}",
        "briefing.provenance": "Reference data retrieved up to {retrieved} and loaded on {loaded}.",
        "briefing.provenance_demo": "The portal statistics are demonstration data generated for this dashboard.",
        "briefing.country_subject": "Country briefing: {name}",
        "briefing.round_subject": "Monitoring round briefing: {code}",
        "briefing.funder_subject": "Funder impact report: {funder}",
        "briefing.unknown": "unknown",
        "briefing.not_stated": "not stated in the sources",
        "briefing.yes": "yes",
        "briefing.no": "no",
        "briefing.partial": "partly",
        "briefing.conf_high": "high",
        "briefing.conf_medium": "medium",
        "briefing.conf_low": "low",
        "briefing.st_not_signed": "not signed",
        "briefing.st_signed": "signed",
        "briefing.st_ratified": "ratified, awaiting entry into force",
        "briefing.st_in_force": "in force",
        "briefing.st_denounced": "denounced",
        "briefing.ev_signature": "Signature",
        "briefing.ev_deposit": "Ratification or accession",
        "briefing.ev_eif": "Entry into force",
        "briefing.ev_denunciation": "Denunciation",
        "briefing.ev_denunciation_effective": "Denunciation takes effect",
        "briefing.ev_reservation": "Reservation or declaration",
        "briefing.ev_suspension": "Suspension",
        "briefing.fact_status": "Convention status on {date}: {status}",
        "briefing.fact_coe_yes": "Member of the Council of Europe",
        "briefing.fact_coe_no": "Not a member of the Council of Europe",
        "briefing.fact_portal": "IWF Reporting Portal launched {launch}",
        "briefing.fact_no_portal": "No IWF Reporting Portal recorded",
        "briefing.fact_stats": "Reports received through the portal in {year}: {n}",
        "briefing.fact_stats_hidden": "Reports received through the portal in {year}: {state}",
        "briefing.change_on": "({change} on {year})",
        "briefing.change_unknown": "(change on {year} not known: value suppressed)",
        "briefing.fact_rounds": "Covered by monitoring rounds: {rounds}",
        "briefing.fact_no_rounds": "Not covered by a recorded monitoring round",
        "briefing.sec_convention": "Lanzarote Convention",
        "briefing.not_party": "Not a Party on {date}: no signature, ratification or accession is recorded.",
        "briefing.status_line": "Status on {date}: {status}.",
        "briefing.status_uncertain": "A date is known only within bounds, so this status is the last step surely reached.",
        "briefing.col_event": "Event",
        "briefing.col_date": "Date",
        "briefing.col_basis": "Basis",
        "briefing.col_confidence": "Confidence",
        "briefing.col_sources": "Sources",
        "briefing.basis_read": "read in the source",
        "briefing.basis_derived": "derived by Art. 45(4)",
        "briefing.caveat_conflict": "The sources disagree on a date; the date shown is the best supported.",
        "briefing.caveat_single": "A date rests on a single source.",
        "briefing.caveat_month": "A date is known to the month only.",
        "briefing.caveat_year": "A date is known to the year only.",
        "briefing.caveat_inferred": "A date is inferred from a related record.",
        "briefing.caveat_missing": "An exact date is not found in the sources.",
        "briefing.timeline_title": "Treaty timeline",
        "briefing.as_of_mark": "data as of {date}",
        "briefing.timeline_alt": "Treaty timeline: {events}.",
        "briefing.caveats": "Caveats in the sources",
        "briefing.sec_rounds": "Lanzarote Committee monitoring",
        "briefing.no_rounds": "Not covered by a recorded monitoring round.",
        "briefing.col_round": "Round",
        "briefing.col_covered": "Covered",
        "briefing.col_reply": "Reply submitted",
        "briefing.col_recs": "Recommendations",
        "briefing.col_compliance": "Compliance",
        "briefing.col_known": "Known",
        "briefing.col_party": "Party",
        "briefing.unknown_note": "'unknown' means the sources read do not say; it never means 'no'.",
        "briefing.sec_portal": "IWF Reporting Portal",
        "briefing.no_portal": "No IWF Reporting Portal is recorded.",
        "briefing.portal_line": "{name} portal, launched {launch}.",
        "briefing.col_item": "Item",
        "briefing.col_detail": "Detail",
        "briefing.partners": "Partners",
        "briefing.funders": "Funders",
        "briefing.languages": "Languages",
        "briefing.address": "Address",
        "briefing.stats": "Portal statistics",
        "briefing.col_year": "Year",
        "briefing.received": "Received",
        "briefing.actioned": "Actioned",
        "briefing.share_actioned": "Actioned share",
        "briefing.state_suppressed": "suppressed",
        "briefing.state_threshold": "suppressed (under {k})",
        "briefing.state_secondary": "suppressed (protects another cell)",
        "briefing.state_na": "not applicable",
        "briefing.stats_title": "Reports received and actioned per year",
        "briefing.hidden_legend": "suppressed: not published, not zero",
        "briefing.reports_axis": "reports",
        "briefing.stats_alt": "Bar chart of reports received and actioned per year; suppressed years are marked on the baseline.",
        "briefing.suppression": "Counts from 1 to {k_minus} are suppressed (k = {k}), with further cells so that none can be worked out from published totals. Suppressed values are marked, never shown as zero.",
        "briefing.demo_note": "DEMO DATA: the portal statistics in this document are generated for demonstration; they are not real figures.",
        "briefing.kind_round": "monitoring round",
        "briefing.kind_urgent": "urgent monitoring round",
        "briefing.kind_compliance": "compliance procedure",
        "briefing.kind_survey": "survey",
        "briefing.fact_round": "{kind}, launched {launched}",
        "briefing.fact_adopted": "First report adopted {date}",
        "briefing.fact_not_adopted": "No adopted report recorded yet",
        "briefing.fact_covered": "Parties covered: {n}",
        "briefing.fact_replies": "Replies known as submitted: {yes} of {total} Parties ({unknown} unknown)",
        "briefing.sec_round": "The round, its documents and dates",
        "briefing.launched": "Launched",
        "briefing.documents": "Documents",
        "briefing.adopted": "Report adopted",
        "briefing.covered_count": "Parties covered",
        "briefing.sec_parties": "What is known per Party",
        "briefing.parties_summary": "{n} Parties listed: {covered} covered; reply known as submitted: {replies}; reply unknown: {unknown}. 'Known' counts the four facts (coverage, reply, recommendations, compliance) the sources state.",
        "briefing.fact_funded": "Portals funded: {n}, in {countries} countries and territories",
        "briefing.fact_launches": "{n} launched, from {first} to {last}",
        "briefing.fact_received": "Reports received in {year}: {n}",
        "briefing.fact_actioned": "Reports actioned in {year}: {n}",
        "briefing.at_least": "at least {n}",
        "briefing.at_least_short": "≥",
        "briefing.fact_period": "Period reported: {start} to {end}",
        "briefing.sec_headlines": "Headline figures",
        "briefing.no_stats": "No portal statistics are loaded for these portals.",
        "briefing.col_change": "Change",
        "briefing.col_hidden": "Portal-years suppressed",
        "briefing.at_least_note": "Sums of published values; portal-years whose value is suppressed are left out, so a total marked ≥ is at least that figure. Change is against the previous year.",
        "briefing.sec_launches": "Portals funded and their launches",
        "briefing.launches_title": "Portals launched (cumulative)",
        "briefing.launches_axis": "portals",
        "briefing.launches_alt": "Step chart of the {n} funded portals launched over time.",
        "briefing.portals_table": "Portals, countries and launch dates",
        "briefing.col_portal": "Portal",
        "briefing.col_country": "Country or territory",
        "briefing.col_launch": "Launch",
        "briefing.multi_country": "several countries",
        # Who sees what (dashboard/auth.py, dashboard/audience.py)
        "auth.local_staff": "Local staff view: sign-in is not configured, so everything is visible. "
                            "Do not serve this to anyone else.",
        "auth.sign_in": "Sign in",
        "auth.sign_out": "Sign out",
        "auth.signed_in_as": "Logged in as {who}: {audience} view",
        "auth.public_view": "Public view: network and regional figures only. Partners, funders and staff sign in "
                            "to see more.",
        "auth.session_expired": "Your sign-in has expired: sign in again.",
        "audience.public": "public", "audience.partner": "partner", "audience.funder": "funder",
        "audience.staff": "staff",
        "state.withheld_scope": "hidden (outside your access)",
        "state.withheld_few": "hidden (fewer than 3 portals)",
        "state.withheld_threshold": "hidden (below the public threshold)",
        "state.withheld_complement": "hidden (so that another hidden total cannot be worked out)",
        "withheld.portal": "The statistics of this portal are shared with its partners, funders and staff only: "
                           "they are hidden in this view.",
        "withheld.funder": "The reports through these portals are shown to this funder and to staff only: they "
                           "are hidden in this view.",
        "withheld.monthly": "Monthly figures are for staff only; this view shows yearly network and regional "
                            "figures.",
        "withheld.note": "Figures marked hidden are not for this view (never zero): regional totals of fewer than "
                         "3 portals, and totals from which a hidden one could be worked out, are not shown.",
        "method.audit": "Audit trail (staff only)",
        "method.audit_note": "Sign-ins, downloads and briefings, newest first.",
        "method.audit_none": "No event recorded yet.",
        "col.at": "When (UTC)", "col.audit_event": "Event", "col.subject": "Who", "col.audience": "Audience",
        "col.scope": "Scope", "col.what": "What",
        "audit.sign_in": "sign-in", "audit.sign_out": "sign-out", "audit.download": "download",
        "audit.briefing": "briefing prepared",
    },
}


# Counts in sentences: (singular, plural) English msgids, translated with ngettext (French has its own rule).
PLURALS = {
    "n.portals": ("{n} IWF portal launched", "{n} IWF portals launched"),
    "status.uncertain": ("{n} state has a date known only within bounds around this day: its status is the last "
                         "step surely reached, marked not certain.",
                         "{n} states have a date known only within bounds around this day: their status is the "
                         "last step surely reached, marked not certain."),
}


def t(key: str, lang: str, **kwargs) -> str:
    """The text for `key` in the reader's language `lang` ('en', 'fr'), formatted with kwargs (values
    already written for that language: format_date, format_number, country_name)."""
    value = translator(lang).gettext(TEXT["en"][key])
    return value.format(**kwargs) if kwargs else value


def said(label: str, value, lang: str) -> str:
    """'Launched: 2021' / 'Lancé : 2021' (French puts a no-break space before the colon)."""
    return t("labelled", lang, label=label, value=value)


def label(prefix: str, code: str, lang: str) -> str:
    """A code's label ('region', 'Europe'; 'part', 'host_unknown') in the reader's language; a code without a
    text of its own is shown as it is."""
    return t(f"{prefix}.{code}", lang) if f"{prefix}.{code}" in TEXT["en"] else code


def tn(key: str, n: int, lang: str, **kwargs) -> str:
    """A count with its noun in the right number for the language: tn('n.portals', 1, 'en') ->
    '1 IWF portal launched'; {n} is written by format_number."""
    from .i18n import format_number

    one, other = PLURALS[key]
    return translator(lang).ngettext(one, other, n).format(n=format_number(n, lang), **kwargs)
