"""The reading model: one plain data object per view (overview, country, network, committee, funder,
methodology), built from the warehouse for an as-of date and a selection.

Pages, CSV downloads and briefings render these objects, so they say the same thing. The model holds
codes (status, event type, state of a value), dated periods, values with their state and each fact's
provenance; no Streamlit and no user-facing text (that lives in dashboard/text.py)."""
