"""DataFrame -> plotly Figure. No streamlit here; labels arrive already translated.

Colours are the Okabe-Ito palette (safe for the common forms of colour blindness); every status is
also written in the hover text and in the table beside each chart.
"""
import numpy as np
import pandas as pd
import plotly.graph_objects as go

OKABE_ITO = ["#009E73", "#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#F0E442", "#000000"]
# Grey has one meaning in every chart: nothing to show (not stated in the sources, unknown, suppressed,
# no status); no series of real values is ever drawn in it.
MISSING = "#999999"
STATUS_COLOURS = {"in_force_member": "#009E73", "in_force_non_member": "#0072B2", "ratified": "#56B4E9",
                  "signed": "#E69F00", "not_signed_member": "#D55E00", "denounced": "#CC79A7", "none": "#DDDDDD"}


def palette(names, missing: set = frozenset()) -> dict:
    """name -> colour: names in `missing` grey, the others the Okabe-Ito colours in order."""
    colours, i = {}, 0
    for name in names:
        if name in missing:
            colours[name] = MISSING
        else:
            colours[name] = OKABE_ITO[i % len(OKABE_ITO)]
            i += 1
    return colours
ZOOMS = {"world": None, "europe": dict(lataxis_range=[33, 72], lonaxis_range=[-25, 60]),
         "africa": dict(lataxis_range=[-38, 38], lonaxis_range=[-25, 60])}


def status_map(states: pd.DataFrame, markers: pd.DataFrame, portal_points: pd.DataFrame, labels: dict,
               zoom: str = "world", title: str = "", height: int = 520) -> go.Figure:
    """states: code, name, category, hover; markers: small states (code, lat, lon, category, hover);
    portal_points: portal markers (lat, lon, hover)."""
    fig = go.Figure()
    for category, colour in STATUS_COLOURS.items():
        part = states[states["category"] == category]
        if part.empty:
            continue
        fig.add_trace(go.Choropleth(
            locations=part["code"], z=[1] * len(part), locationmode="ISO-3", name=labels[category],
            colorscale=[[0, colour], [1, colour]], showscale=False, showlegend=category != "none", text=part["hover"],
            customdata=part["code"],
            hovertemplate="%{text}<extra></extra>", marker_line_color="white", marker_line_width=0.4))
        small = markers[markers["category"] == category]
        if not small.empty:
            fig.add_trace(go.Scattergeo(
                lat=small["lat"], lon=small["lon"], mode="markers", name=labels[category], showlegend=False,
                marker=dict(size=9, color=colour, line=dict(color="black", width=1)), text=small["hover"],
                customdata=small["code"],
                hovertemplate="%{text}<extra></extra>"))
    if not portal_points.empty:
        fig.add_trace(go.Scattergeo(
            lat=portal_points["lat"], lon=portal_points["lon"], mode="markers", name=labels["portal"],
            marker=dict(size=8, symbol="diamond", color="#F0E442", line=dict(color="black", width=1.2)),
            text=portal_points["hover"], customdata=portal_points["code"], hovertemplate="%{text}<extra></extra>"))
    fig.update_geos(resolution=50, showcountries=True, countrycolor="#BBBBBB", showland=True,
                    landcolor="#EEEEEE", showocean=True, oceancolor="#F7FBFF", projection_type="natural earth",
                    showframe=False)
    if ZOOMS.get(zoom):
        fig.update_geos(**ZOOMS[zoom])
    fig.update_layout(margin=dict(l=0, r=0, t=30 if title else 0, b=0), height=height, title=title,
                      legend=dict(orientation="h", yanchor="bottom", y=-0.12), clickmode="event+select")
    return fig


def cumulative(steps: pd.DataFrame, title: str, y_label: str) -> go.Figure:
    """steps: series (label), date, count: exactly the steps drawn (the model's cumulative counts), one
    step line per series; the x-axis spans every step."""
    fig = go.Figure()
    colours = palette(list(dict.fromkeys(steps["series"])))
    for name, part in steps.groupby("series", sort=False):
        fig.add_trace(go.Scatter(x=pd.to_datetime(part["date"]), y=part["count"], mode="lines+markers",
                                 line_shape="hv", name=name, line=dict(color=colours[name], width=2.5)))
    if len(steps):
        dates = pd.to_datetime(steps["date"])
        pad = pd.Timedelta(days=30)
        fig.update_xaxes(range=[dates.min() - pad, dates.max() + pad])
    fig.update_layout(title=title, yaxis_title=y_label, height=360, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def timeline(events: pd.DataFrame, title: str) -> go.Figure:
    """events: date_from, date_to, label, hover: a point per dated event, a bar where only bounds are known."""
    fig = go.Figure()
    dated = events.dropna(subset=["date_to"])
    for i, row in enumerate(dated.itertuples()):
        if row.date_from == row.date_to:
            fig.add_trace(go.Scatter(x=[row.date_from], y=[row.label], mode="markers", showlegend=False,
                                     marker=dict(size=12, color=OKABE_ITO[1]), text=[row.hover],
                                     hovertemplate="%{text}<extra></extra>"))
        else:
            fig.add_trace(go.Scatter(x=[row.date_from, row.date_to], y=[row.label, row.label], mode="lines",
                                     showlegend=False, line=dict(width=8, color=OKABE_ITO[2]), text=[row.hover] * 2,
                                     hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(title=title, height=80 + 45 * max(1, dated["label"].nunique()),
                      margin=dict(l=10, r=10, t=40, b=10), xaxis_type="date")
    return fig


def trend(df: pd.DataFrame, series: dict, title: str, state_labels: dict, y_range=None) -> go.Figure:
    """df: period_start and, per measure m, m and m_state (a state code); series: measure -> label;
    state_labels: state code -> label. A cell without a value is drawn as an open grey marker on the axis
    with what it is (suppressed, unknown) on hover, never as zero or as a guess."""
    fig = go.Figure()
    colours = palette(list(series.values()))
    for measure, label in series.items():
        fig.add_trace(go.Scatter(x=df["period_start"], y=df[measure], mode="lines+markers", name=label,
                                 line=dict(color=colours[label]), connectgaps=False))
        hidden = df[df[f"{measure}_state"] != "value"]
        if not hidden.empty:
            said = [state_labels[s] for s in hidden[f"{measure}_state"]]
            fig.add_trace(go.Scatter(x=hidden["period_start"], y=[0] * len(hidden), mode="markers",
                                     name=f"{label}: {', '.join(dict.fromkeys(said))}", text=said,
                                     marker=dict(symbol="x-open", size=9, color=MISSING, line=dict(width=2)),
                                     hovertemplate=f"{label}: %{{text}}<extra></extra>"))
    if y_range:
        fig.update_yaxes(range=y_range)
    fig.update_layout(title=title, height=360, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.2))
    return fig


def _years_as_labels(fig: go.Figure, values) -> None:
    """Whole years on the x axis are names, not quantities: '2014', never '2,014' or '2 014' (the
    thousands grouping localize_figure gives every axis without a format of its own)."""
    present = [v for v in values if v is not None and not pd.isna(v)]
    if present and all(isinstance(v, (int, np.integer)) and 1000 <= v <= 9999 for v in present):
        fig.update_xaxes(tickformat="d")


def stacked_bars(df: pd.DataFrame, x: str, colour: str, y: str, title: str, missing: set = frozenset(),
                 y_range=None, order: list | None = None) -> go.Figure:
    """df: x, colour (label), y, and optionally hover (what a bar part holds). Parts named in `missing`
    (e.g. the suppressed remainder) are grey and hatched; `order` (every name the dimension can take)
    gives each name the same colour in every chart."""
    groups = dict(list(df.groupby(colour, sort=False)))
    names = [n for n in groups if n not in missing] + [n for n in groups if n in missing]
    every = [n for n in (order or []) if n not in missing] + [n for n in names if n not in (order or [])]
    colours = palette(every, set(missing))
    traces = []
    for name in names:
        part = groups[name]
        marker = dict(color=colours[name], pattern=dict(shape="/") if name in missing else None)
        hover = dict(hovertext=list(part["hover"]), hoverinfo="text+y") if "hover" in part else {}
        traces.append(dict(type="bar", x=list(part[x]), y=[None if pd.isna(v) else v for v in part[y]],
                           name=str(name), marker=marker, **hover))
    fig = go.Figure(data=traces, _validate=False)   # plain traces: plotly's validation cost most of the page
    if y_range:
        fig.update_yaxes(range=y_range)
    fig.update_layout(barmode="stack", title=title, height=380, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    _years_as_labels(fig, df[x])
    return fig


def lines(df: pd.DataFrame, x: str, colour: str, y: str, title: str, missing: set = frozenset(),
          order: list | None = None, states: str | None = None, state_labels: dict | None = None) -> go.Figure:
    """One line per value of `colour`, its points in x order; `order` as in stacked_bars. With `states`
    (a column of state codes) and `state_labels`, points without a value are drawn as trend() draws them:
    open grey markers on the axis saying, on hover, whose value it is and why it is not shown."""
    groups = dict(list(df.sort_values(x).groupby(colour, sort=False)))
    every = [n for n in (order or []) if n not in missing] + [n for n in groups if n not in (order or [])]
    colours = palette(every, set(missing))
    traces = [dict(type="scatter", x=list(part[x]), y=[None if pd.isna(v) else v for v in part[y]],
                   name=str(name), mode="lines+markers", line=dict(color=colours[name]))
              for name, part in groups.items()]
    hidden = df[df[states] != "value"].sort_values(x) if states else df.iloc[0:0]
    if len(hidden):
        said = [state_labels[s] for s in hidden[states]]
        traces.append(dict(type="scatter", x=list(hidden[x]), y=[0] * len(hidden), mode="markers",
                           name=", ".join(dict.fromkeys(said)), text=[f"{n}: {s}" for n, s in zip(hidden[colour], said)],
                           marker=dict(symbol="x-open", size=9, color=MISSING, line=dict(width=2)),
                           hovertemplate="%{text}<extra></extra>"))
    fig = go.Figure(data=traces, _validate=False)
    fig.update_layout(title=title, height=360, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    _years_as_labels(fig, df[x])
    return fig
