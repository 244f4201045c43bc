"""What a new user saw go wrong (issue 11), each checked on the rendered page: no internal objects or
column names, replay without the future, bad URLs, suppression said as it is, charts and downloads that
hold what is drawn, nothing that runs as a formula in a spreadsheet."""
import io
import re
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.plotly_specs import specs

PAGES = ["overview", "country", "network", "committee", "funders", "methodology"]
SNAKE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")


@pytest.fixture
def page(open_page):
    return open_page


def elements(at) -> dict:
    """Every element type on the page with how often it appears."""
    found = {}

    def walk(node):
        for child in getattr(node, "children", {}).values():
            found[child.type] = found.get(child.type, 0) + 1
            walk(child)
    walk(at._tree)
    return found


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "subheader", "header") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


# --- Committee page -----------------------------------------------------------------------------------

def test_committee_renders_no_internal_object_or_none(page):
    at = page("committee", since="2025-06-01")
    found = elements(at)
    assert "help_info" not in found, "Streamlit's help text for an expression statement"
    assert not [m.value for m in at.markdown if m.value.strip("` ") == "None"]
    assert "DeltaGenerator" not in texts(at)


def test_no_page_writes_a_value_by_accident():
    """Streamlit's "magic" writes any expression statement's value: `a() if c else b()` on its own line put
    `None` badges and a DeltaGenerator's help text on the Committee page."""
    import ast
    from pathlib import Path
    for path in (Path(__file__).parent.parent / "dashboard" / "pages").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Expr):
                assert not isinstance(node.value, (ast.IfExp, ast.BoolOp, ast.Name, ast.Compare)), (path, node.lineno)


@pytest.mark.parametrize("name", PAGES)
def test_no_raw_column_names_in_tables(page, name):
    at = page(name)
    for frame in (d.value for d in at.dataframe):
        raw = [c for c in map(str, frame.columns) if SNAKE.match(c)]
        assert not raw, (name, raw)
        for col in frame.columns:
            if col == "CoE member":
                assert set(frame[col]) <= {"yes", "no"}, (name, set(frame[col]))


def test_rounds_timeline_includes_urgent_and_compliance_entries(page):
    at = page("committee")
    timeline = next(s for s in specs(at) if any(tr.get("y") and tr["y"][0] == "R1" for tr in s["data"]))
    drawn = {tr["y"][0] for tr in timeline["data"]}
    assert {"URG", "URG-COMP", "R2-COMP", "URG-RUS", "SURV2024"} <= drawn


def test_advocacy_list_does_not_call_territories_states(page):
    at = page("committee")
    text = texts(at)
    assert "Countries and territories with an IWF portal that are not Parties" in text
    assert "States with an IWF portal" not in text
    portals = next(d.value for d in at.dataframe if "Funders" in d.value.columns
                   and "Gibraltar" in set(d.value["State or territory"]))
    assert "Bermuda" in set(portals["State or territory"])


# --- As-of replay -------------------------------------------------------------------------------------

def test_replay_shows_only_what_was_known_on_the_date(page):
    at = page(as_of="2015-01-01")
    table = at.dataframe[-1].value
    armenia = table[table["State or territory"] == "Armenia"].iloc[0]
    assert armenia["Lanzarote status"] == "Signed"
    assert armenia["Ratification / accession"] == "" and armenia["Entry into force"] == ""
    assert not any("2020" in str(v) for v in armenia.to_numpy())
    for col in ("Signature", "Ratification / accession", "Entry into force"):
        years = table[col].str.extract(r"^(\d{4})")[0].dropna().astype(int)
        assert (years <= 2015).all(), col


# --- Bad URLs -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, query, shown", [
    ("overview", {"as_of": "2000-01-01"}, ("date_input", "2007-10-25")),
    ("overview", {"as_of": "0001-01-01"}, ("date_input", "2007-10-25")),
    ("overview", {"as_of": "2015-13-45"}, ("date_input", date.today().isoformat())),
    ("overview", {"as_of": "2999-01-01"}, ("date_input", date.today().isoformat())),
    ("overview", {"zoom": "mars"}, ("radio", "world")),
    ("committee", {"since": "1900-01-01"}, ("date_input", "2007-10-25")),
    ("committee", {"round": "R9"}, ("selectbox", "R2")),
    ("country", {"countries": "MAR,MAR"}, ("multiselect", ["MAR"])),
    ("country", {"countries": "ZZZ"}, ("multiselect", ["MAR"])),
    ("country", {"countries": "MAR,GBR,TUN,FRA"}, ("multiselect", ["MAR", "GBR", "TUN"])),
    ("funders", {"from": "abc"}, ("slider", (2013, date.today().year))),
    ("funders", {"from": "1900", "to": "3000"}, ("slider", (2013, date.today().year))),
    ("network", {"grain": "week"}, ("radio", "year")),
])
def test_bad_url_values_give_a_note_and_the_nearest_valid_view(page, name, query, shown):
    at = page(name, **query)       # open_page asserts no exception
    notes = " ".join(i.value for i in at.info)
    assert any(raw in notes for raw in query.values()), notes
    kind, value = shown
    widget = at.get(kind)[0]
    got = widget.value
    got = got.isoformat() if isinstance(got, date) else (list(got) if isinstance(got, list) else got)
    assert got == value


def test_good_url_values_give_no_note(page):
    at = page(as_of="2016-06-01", zoom="africa")
    assert not [i for i in at.info if "address" in i.value]


# --- Suppression --------------------------------------------------------------------------------------

def test_hidden_cells_are_not_called_fewer_than_k_while_the_reason_is_not_recorded(page):
    at = page("country", countries="TUN,MAR,UKR")
    assert "fewer than" not in texts(at)
    labels = set()
    for frame in (d.value for d in at.dataframe):
        for col in frame.columns:
            if str(col).endswith("State of the value"):
                labels |= set(frame[col])
    assert "suppressed (hidden to protect small counts)" in labels
    assert not any("fewer than" in x for x in labels)


def test_stacked_severity_bars_draw_hidden_parts(page):
    at = page("country", countries="TUN,MAR,UKR")
    severity = [s for s in specs(at) if s["data"] and s["data"][0].get("type") == "bar"]
    assert severity
    hidden_traces = [tr for s in severity for tr in s["data"] if tr["name"].startswith("suppressed parts")]
    assert hidden_traces, "suppressed severity parts are drawn, not dropped"
    for tr in hidden_traces:
        assert tr["marker"]["color"] == "#999999" and tr["marker"]["pattern"]["shape"] == "/"


def test_an_all_suppressed_series_is_said_not_drawn(page, app_db):
    from dashboard.audience import STAFF
    from dashboard.model.cells import all_hidden
    from dashboard.model.country import profile
    from etl.db import make_engine
    engine = make_engine(app_db)
    codes = [c for c in ("MAR", "TUN", "UKR", "NPL", "ZMB") if profile(engine, c, date.today(), STAFF).stats is not None]
    hidden = [c for c in codes if all_hidden(profile(engine, c, date.today(), STAFF).stats, "share_self")]
    assert hidden, "fixture: some portal has every self-generated share suppressed"
    at = page("country", countries=hidden[0])
    assert any("Self-generated share (%): no year has a published value" in i.value for i in at.info)
    drawn = {tr["name"] for s in specs(at) for tr in s["data"]}
    assert "Self-generated share (%)" not in drawn


# --- Status said --------------------------------------------------------------------------------------

def test_morocco_is_said_to_be_not_a_party_with_its_caveat_launch_conflict_and_clean_funders(page):
    at = page("country", countries="MAR")
    text = texts(at)
    assert "Not a Party on" in text
    assert "Committee of Ministers agreed to invite accession" in text
    assert "Afroaware reports a launch on Thu 11 Feb 2021" in text and "9 Feb 2021" in text
    funders = next(m.value for m in at.markdown if m.value.startswith("Funders:"))
    assert "reference" not in funders and "Fund to End Violence Against Children" in funders


def test_a_country_with_no_status_has_a_profile_that_says_so(page):
    at = page("country", countries="USA")
    assert [s.value for s in at.subheader][0] == "United States"
    assert "Not a Party on" in texts(at) and not at.info


def test_grey_countries_on_the_map_have_a_hover(page):
    at = page()
    geo = next(s for s in specs(at) if any(tr.get("type") == "choropleth" for tr in s["data"]))
    hovered = {loc: text for tr in geo["data"] if tr.get("type") == "choropleth"
               for loc, text in zip(tr["locations"], tr["text"])}
    assert "USA" in hovered and "Not a Party" in hovered["USA"]
    assert "CHN" in hovered


# --- Charts -------------------------------------------------------------------------------------------

def test_published_figures_one_sorted_line_per_metric(page):
    at = page("network")
    published = next(s for s in specs(at) if any(": " in tr.get("name", "") and tr.get("type") == "scatter"
                                                 and "IWF" in tr["name"] or "INHOPE" in tr.get("name", "")
                                                 for tr in s["data"]))
    names = [tr["name"] for tr in published["data"]]
    assert len(names) == len(set(names))
    for tr in published["data"]:
        assert tr["x"] == sorted(tr["x"]), tr["name"]


def test_colours_have_one_meaning(page):
    by_name = {}
    for name in ("overview", "country", "network", "funders"):
        for spec in specs(page(name)):
            for tr in spec["data"]:
                colour = (tr.get("marker") or {}).get("color") or (tr.get("line") or {}).get("color")
                if isinstance(colour, str) and tr.get("name"):
                    by_name.setdefault(tr["name"], set()).add(colour)
    grey = {n for n, c in by_name.items() if "#999999" in c}
    assert grey and all(re.search(r"not stated|suppressed|unknown|Unknown", n) for n in grey), grey
    assert all(len(c) == 1 for n, c in by_name.items()), {n: c for n, c in by_name.items() if len(c) > 1}


@pytest.mark.parametrize("name", ["overview", "country", "network", "committee", "funders"])
def test_chart_titles_sit_above_the_chart_not_under_its_toolbar(page, name):
    """A title inside the figure is covered by the toolbar and cut at phone width; it is text above it."""
    at = page(name)
    charts = specs(at)
    assert charts
    for spec in charts:
        title = spec["layout"].get("title")
        assert not (title.get("text") if isinstance(title, dict) else title), title
    bold = {m.value.strip("*") for m in at.markdown if m.value.startswith("**")}
    assert len(bold) >= 1


def test_funder_launch_chart_axis_covers_its_data(page):
    at = page("funders")
    spec = next(s for s in specs(at) if s["data"] and s["data"][0].get("line", {}).get("shape") == "hv")
    lo, hi = spec["layout"]["xaxis"]["range"]
    xs = [x for tr in spec["data"] for x in tr["x"]]
    assert lo <= min(xs) and hi >= max(xs)


def test_map_caption_follows_zoom_and_counts_what_is_drawn(page):
    at = page(zoom="europe")
    caption = next(c.value for c in at.caption if " map on " in c.value)
    assert caption.startswith("Europe map")
    geo = next(s for s in specs(at) if any(tr.get("type") == "choropleth" for tr in s["data"]))
    diamonds = sum(len(tr["lat"]) for tr in geo["data"] if (tr.get("marker") or {}).get("symbol") == "diamond")
    assert f"47 IWF portals launched, {diamonds} drawn as diamonds" in caption and diamonds == 46
    assert "multi-country portal" in caption
    one = next(c.value for c in page(as_of="2015-01-01").caption if " map on " in c.value)
    assert "1 IWF portal launched" in one and "1 IWF portals" not in one


# --- Downloads ----------------------------------------------------------------------------------------

def _capture_downloads(monkeypatch) -> dict:
    """{file name: bytes} of every download button a page run offers."""
    import streamlit as st
    saved = {}
    real = st.download_button

    def spy(label, data, file_name=None, **kwargs):
        saved[file_name] = data
        return real(label, data, file_name=file_name, **kwargs)
    monkeypatch.setattr(st, "download_button", spy)
    return saved


def test_csv_downloads_hold_what_is_drawn(page, monkeypatch):
    saved = _capture_downloads(monkeypatch)
    at = page(as_of="2015-01-01")
    assert "cumulative_as-of-2015-01-01.csv" in saved and "lanzarote-map_as-of-2015-01-01.csv" in saved
    steps = pd.read_csv(io.BytesIO(saved["cumulative_as-of-2015-01-01.csv"]))
    spec = next(s for s in specs(at) if s["data"] and s["data"][0].get("line", {}).get("shape") == "hv")
    for tr in spec["data"]:
        part = steps[steps["Series"] == tr["name"]]
        assert [d[:10] for d in tr["x"]] == list(part["Date"]) and list(tr["y"]) == list(part["Count"])
    assert steps["Count"].dtype.kind == "i"
    saved.clear()
    page("country", countries="TUN")
    stats = next(v for k, v in saved.items() if k.startswith("stats-TUN_as-of-"))
    text = stats.decode("utf-8")
    assert not re.search(r"\d\.0\b", text)
    frame = pd.read_csv(io.BytesIO(stats))
    assert {"Received: State of the value", "Actioned: State of the value"} <= set(frame.columns)


@pytest.mark.parametrize("name", PAGES)
def test_every_csv_has_integer_counts_and_a_dated_name(page, monkeypatch, name):
    import streamlit as st
    saved = {}
    real = st.download_button

    def spy(label, data, file_name=None, **kwargs):
        saved[file_name] = data
        return real(label, data, file_name=file_name, **kwargs)
    monkeypatch.setattr(st, "download_button", spy)
    page(name)
    for file, data in saved.items():
        assert re.search(r"_as-of-\d{4}-\d{2}-\d{2}(_data-\d{4}-\d{2}-\d{2})?\.csv$", file), file
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        for col in frame.columns:
            if col in ("Count", "Received", "Actioned", "Portals launched", "Value", "Year") or "suppressed" in col:
                floats = [v for v in frame[col] if re.fullmatch(r"-?\d+\.0", v)]
                assert not floats, (file, col, floats[:3])


def test_pages_show_tables_only_through_the_safe_table():
    """Every grid a page shows goes through components.table, so its built-in CSV export is safe too."""
    from pathlib import Path
    for path in (Path(__file__).parent.parent / "dashboard" / "pages").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "st.dataframe" not in source and "st.table" not in source and "st.data_editor" not in source, path


def test_no_download_or_table_lets_a_cell_start_a_formula():
    from dashboard.formatting import safe_csv
    planted = ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\uff1dHYPERLINK(1)", "\uff0b1", "\uff0d1",
               "\uff20x", "\tx", "\rx", "plain"]
    text = safe_csv(pd.DataFrame({"a": planted})).decode("utf-8")
    for line in text.splitlines()[1:]:
        cell = line.strip('"')
        assert not cell.startswith(("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")), line

    def shown():
        import pandas as pd
        from dashboard.components import table
        table(pd.DataFrame({"name": ["=HYPERLINK(\"http://evil\",\"x\")", "\uff1dHYPERLINK(1)", "Morocco"],
                            "n": [1, 2, 3]}))
    at = AppTest.from_function(shown).run()
    grid = at.dataframe[0].value
    assert list(grid["name"]) == ["'=HYPERLINK(\"http://evil\",\"x\")", "'\uff1dHYPERLINK(1)", "Morocco"]
    assert grid["n"].dtype.kind == "i"


# --- Comparison ---------------------------------------------------------------------------------------

def test_country_picker_types_one_match_and_columns_line_up(page):
    at = page("country", countries="TUN,MAR")
    picker = at.multiselect[0]
    assert picker.proto.HasField("select_all") and picker.proto.select_all == 0   # "Tunis" + Enter: one country
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:2] == ["Tunisia", "Morocco"]
    stats = [s for s in specs(at) if any(tr.get("name") == "Received" for tr in s["data"])]
    assert len(stats) == 2
    assert stats[0]["layout"]["yaxis"]["range"] == stats[1]["layout"]["yaxis"]["range"]


def test_a_prepared_briefing_goes_when_the_audience_changes(open_page, monkeypatch):
    """A briefing prepared as staff is not offered once the session is public (a sign-in that expired)."""
    from dashboard import auth
    from dashboard.audience import PUBLIC
    monkeypatch.setenv("BRIEFING_NO_CHARTS", "1")
    at = open_page("country", countries="MAR")
    def briefing_files():
        return [b.proto.label for b in at.get("download_button") if ".pdf" in b.proto.label or ".docx" in b.proto.label]
    [key] = [b.key for b in at.button if b.key and b.key.startswith("brief-")]
    at.button(key=key).click().run()
    assert len(briefing_files()) == 2    # the PDF and the Word file
    monkeypatch.setattr(auth, "current_audience", lambda: PUBLIC)
    at.run()
    assert not at.exception
    assert briefing_files() == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_year_axes_read_as_years(page, lang):
    """Years on an axis are names: no thousands grouping ('2,014' / '2 014' was drawn on the launch charts)."""
    at = page("network", lang=lang)
    yearly = [s for s in specs(at) if s["data"] and all(
        isinstance(v, int) and 1000 <= v <= 9999 for tr in s["data"] for v in (tr.get("x") or [None]) if v is not None)
        and any(tr.get("x") for tr in s["data"])]
    assert len(yearly) >= 2   # launches by region and by funder
    for spec in yearly:
        axis = spec["layout"].get("xaxis", {})
        assert axis.get("tickformat") == "d" and not axis.get("separatethousands"), spec["layout"].get("title")


# --- Monthly statistics: reports received only ----------------------------------------------------------

@pytest.fixture(scope="session")
def received_only_db(app_db, tmp_path_factory):
    """The app's warehouse as statistics are published by month from now on: region and network rows with
    `received` only, every other measure of a monthly row NULL with a NULL `<measure>_suppressed` ("not
    published at this grain"), and no portal x month row. (The flags are NOT NULL in today's schema, so the
    table is copied without its constraints; the views are made again on the copy.)"""
    import sqlite3
    from sqlalchemy import create_engine, text
    from etl.stats_format import MEASURES
    from etl.views import VIEWS, create_views
    path = tmp_path_factory.mktemp("received_only") / "app.sqlite"
    # SQLite's own backup: a file copy misses what is still in the write-ahead log (the warehouse runs in WAL).
    source, target = sqlite3.connect(app_db.removeprefix("sqlite:///")), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    others = ", ".join(f"{m} = NULL, {m}_suppressed = NULL" for m in MEASURES if m != "received")
    with engine.begin() as conn:
        for name in reversed(list(VIEWS)):
            conn.execute(text(f"DROP VIEW IF EXISTS {name}"))
        conn.execute(text("CREATE TABLE portal_stat_copy AS SELECT * FROM portal_stat"))
        conn.execute(text("DROP TABLE portal_stat"))
        conn.execute(text("ALTER TABLE portal_stat_copy RENAME TO portal_stat"))
        conn.execute(text("DELETE FROM portal_stat WHERE unit_kind = 'portal' AND period_kind = 'month'"))
        conn.execute(text(f"UPDATE portal_stat SET {others} WHERE period_kind = 'month'"))
        create_views(conn)
        left = conn.execute(text("SELECT COUNT(*) FROM portal_stat WHERE period_kind = 'month' "
                                 "AND actioned_suppressed IS NULL AND received IS NOT NULL")).scalar()
        assert left > 100   # fixture: monthly rows with received and nothing else
    engine.dispose()
    return url


MONTH_CAPTION = {
    "en": "By month only reports received are published; every breakdown is published by year.",
    "fr": "Par mois, seuls les signalements reçus sont publiés ; toutes les ventilations sont publiées par année.",
}


@pytest.mark.parametrize("publication", ["today", "received_only"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_month_grain_shows_only_what_is_published_by_month(page, monkeypatch, request, lang, publication):
    """By month only `received` is published: the received trend and the region chart, no actioned series,
    no outcome or hosting chart, one caption saying so, and CSVs without empty actioned or breakdown
    columns; a flag left NULL (not published at this grain) is never drawn or written as unknown, hidden
    or 0. The year grain keeps every chart."""
    from dashboard.formatting import state_labels
    from dashboard.text import t
    if publication == "received_only":
        monkeypatch.setenv("DATABASE_URL", request.getfixturevalue("received_only_db"))
    saved = _capture_downloads(monkeypatch)
    caption = MONTH_CAPTION[lang]
    absent = [t(k, lang) for k in ("measure.actioned", "network.by_outcome", "network.by_host", "network.received")]
    present = [t("network.received_only", lang), t("network.by_region", lang)]
    at = page("network", grain="month", lang=lang)
    assert at.radio[0].value == "month"
    assert [c.value for c in at.caption].count(caption) == 1
    titles = [m.value.strip("*") for m in at.markdown if m.value.startswith("**")]   # chart titles (components.chart)
    assert set(present) <= set(titles), titles
    traces = {tr.get("name") for s in specs(at) for tr in s["data"]}
    for word in absent:
        assert word not in titles and word not in traces, word
    labels = state_labels(lang, 10)
    assert not [n for n in traces if n and labels["unknown"] in n], traces   # nothing drawn as unknown
    monthly = {f: pd.read_csv(io.BytesIO(d), dtype=str, keep_default_na=False)
               for f, d in saved.items() if f.startswith(("network-month", "regions-month", "outcomes-", "hosting-"))}
    assert sorted(f.split("_")[0] for f in monthly) == ["network-month", "regions-month"], list(saved)
    trend = next(v for f, v in monthly.items() if f.startswith("network-month"))
    received, state = t("measure.received", lang), f"{t('measure.received', lang)}: {t('col.state', lang)}"
    assert list(trend.columns) == [t("col.period", lang), received, state]
    assert len(trend) > 12 and labels["value"] in set(trend[state])
    for frame in monthly.values():   # only received's own states: a value, or suppressed by the ETL; never unknown
        assert not frame.isin([labels["unknown"]]).any().any(), frame.head()

    year = page("network", grain="year", lang=lang)
    titles = [m.value.strip("*") for m in year.markdown if m.value.startswith("**")]
    assert set(absent[1:]) <= set(titles), titles
    assert caption not in [c.value for c in year.caption]
