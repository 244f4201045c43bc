"""Charts made for paper: drawn at the size they are printed (170 mm wide at 4 px per mm), fonts of at
least 9 pt at that size, explicit margins with automargin so every label stays inside the image, and
suppressed values drawn and named as such, never as zero. PNG through kaleido driving Debian's Chromium,
one warm browser per batch (ChartRenderer)."""
import atexit
import os
import shutil
import threading
import warnings
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from etl.config import ROOT
from . import i18n

PX_PER_MM = 4.0                # 170 mm printed = 680 px; 9 pt = 3.18 mm = 12.7 px
WIDTH_MM = 170
FONT_PX = 13                   # >= 9 pt at print size
SMALL_PX = 13
FAMILY = "DejaVu Sans, Arial, sans-serif"
BLUE, ORANGE, GREEN, GREY, INK = "#0072B2", "#E69F00", "#009E73", "#8C8C8C", "#222222"   # Okabe-Ito

NO_CHROMIUM = "Charts are not included: Chromium is not installed (Debian: apt-get install chromium)."


def chromium() -> str | None:
    """The Chromium kaleido drives (BROWSER_PATH, else Debian's `chromium`), or None when there is none."""
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


def _layout(fig, title: str, height_px: int, lang: str):
    fig.update_layout(
        width=int(WIDTH_MM * PX_PER_MM), height=height_px, template="simple_white",
        font=dict(family=FAMILY, size=FONT_PX, color=INK),
        title=dict(text=title, x=0, xanchor="left", y=0.98, yanchor="top", font=dict(size=FONT_PX + 2)),
        margin=dict(l=60, r=30, t=44, b=40, autoexpand=True), showlegend=False)
    fig.update_xaxes(automargin=True, tickfont=dict(size=SMALL_PX))
    fig.update_yaxes(automargin=True, tickfont=dict(size=SMALL_PX))
    i18n.localize_figure(fig, lang)
    return fig


def timeline(events: list, lang: str, title: str, as_of: tuple | None = None) -> go.Figure:
    """events: (date, name, date as written): one labelled timeline, each event named and dated on it,
    labels alternating above and below the line so they never overlap their neighbours."""
    events = sorted(events)
    first, last = events[0][0], events[-1][0]
    if as_of and as_of[0] > last:
        last = as_of[0]
    span = max((last - first).days, 365)
    lo, hi = first - timedelta(days=int(span * 0.2) + 30), last + timedelta(days=int(span * 0.2) + 30)
    fig = go.Figure()
    fig.add_shape(type="line", x0=lo, x1=hi, y0=0, y1=0, line=dict(color=GREY, width=2))
    fig.add_trace(go.Scatter(x=[e[0] for e in events], y=[0] * len(events), mode="markers",
                             marker=dict(size=12, color=BLUE, line=dict(color="white", width=1.5))))
    for i, (day, name, written) in enumerate(events):
        up = i % 2 == 0
        fig.add_annotation(x=day, y=0, text=f"<b>{name}</b><br>{written}", showarrow=True, arrowhead=0,
                           arrowcolor=GREY, ax=0, ay=-42 if up else 42, yanchor="bottom" if up else "top",
                           align="center", font=dict(size=FONT_PX), bgcolor="white")
    if as_of:
        fig.add_trace(go.Scatter(x=[as_of[0]], y=[0], mode="markers",
                                 marker=dict(size=10, symbol="diamond-open", color=INK)))
        fig.add_annotation(x=as_of[0], y=0, text=as_of[1], showarrow=False, yshift=-14 if len(events) % 2 else 14,
                           xanchor="right", xshift=8, font=dict(size=SMALL_PX, color="#555555"))
    _layout(fig, title, 230, lang)
    years = list(range(lo.year + 1, hi.year + 1, max(1, (hi.year - lo.year) // 8 + 1)))
    fig.update_xaxes(range=[lo, hi], showline=False, ticks="outside", tickmode="array",
                     tickvals=[date(y, 1, 1).isoformat() for y in years],
                     ticktext=[i18n.format_date(date(y, 1, 1), lang, "year") for y in years], showgrid=False)
    fig.update_yaxes(visible=False, range=[-1.6, 1.6])
    fig.update_layout(margin=dict(l=30, r=30, t=44, b=36))
    return fig


def stats(frame: pd.DataFrame, names: dict, lang: str, title: str, hidden_name: str, y_title: str) -> go.Figure:
    """Grouped bars per year for each measure; a value that is not published is a grey hatched marker on
    the baseline, named in the legend ('suppressed, not zero'), never a zero bar."""
    fig = go.Figure()
    years = [int(p.year) for p in pd.to_datetime(frame["period_start"])]
    colours = [BLUE, ORANGE]
    any_hidden = False
    for i, (m, label) in enumerate(names.items()):
        shown = [v if s == "value" else None for v, s in zip(frame[m], frame[f"{m}_state"])]
        fig.add_trace(go.Bar(x=years, y=[None if v is None or pd.isna(v) else int(v) for v in shown], name=label,
                             marker_color=colours[i % 2], offsetgroup=str(i),
                             text=[i18n.format_number(int(v), lang) if v is not None and not pd.isna(v) else ""
                                   for v in shown], textposition="outside", cliponaxis=False,
                             textfont=dict(size=SMALL_PX)))
        hidden = [y for y, s in zip(years, frame[f"{m}_state"]) if s != "value"]
        if hidden:
            any_hidden = True
            fig.add_trace(go.Scatter(x=[y + (-0.175 if i == 0 else 0.175) for y in hidden], y=[0] * len(hidden),
                                     mode="markers", showlegend=False, cliponaxis=False,
                                     marker=dict(symbol="x-thin-open", size=11, color=colours[i % 2],
                                                 line=dict(width=2.5, color=colours[i % 2]))))
    _layout(fig, title, 300, lang)
    legend = [f"<span style='color:{c}'>■</span> {label}" for c, label in zip(colours, names.values())]
    if any_hidden:
        legend.append(f"<span style='color:{GREY}'>✕</span> {hidden_name}")
    fig.add_annotation(x=0, y=1.0, xref="paper", yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                       text="   ".join(legend), font=dict(size=SMALL_PX), align="left")
    fig.update_layout(barmode="group", bargap=0.3, margin=dict(l=60, r=20, t=64, b=36))
    fig.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years], range=[min(years) - 0.6,
                                                                                                 max(years) + 0.6])
    top = max([int(v) for m in names for v, s in zip(frame[m], frame[f"{m}_state"]) if s == "value"] + [4])
    fig.update_yaxes(title=dict(text=y_title, font=dict(size=SMALL_PX)), rangemode="tozero", range=[0, top * 1.18],
                     tickformat=",d", nticks=6,
                     separatethousands=True, exponentformat="none", gridcolor="#e6e6e6", showgrid=True)
    return fig


def launches(steps: pd.DataFrame, marks: list, lang: str, title: str, y_title: str) -> go.Figure:
    """The cumulative number of portals launched, as steps, each launch a marker."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=steps["date"], y=steps["count"], mode="lines", line=dict(shape="hv", color=BLUE,
                                                                                          width=2.5)))
    counts = dict(zip(steps["date"], steps["count"]))
    fig.add_trace(go.Scatter(x=[d for d, _ in marks], y=[counts.get(d) for d, _ in marks], mode="markers",
                             marker=dict(size=8, color=BLUE)))
    _layout(fig, title, 300, lang)
    i18n.date_ticks(fig, lang)
    fig.update_yaxes(title=dict(text=y_title, font=dict(size=SMALL_PX)), rangemode="tozero", gridcolor="#e6e6e6",
                     showgrid=True, dtick=max(1, int(steps["count"].max()) // 6 or 1))
    return fig


BUILDERS = {"timeline": timeline, "stats": stats, "launches": launches}


class ChartRenderer:
    """One warm kaleido/Chromium for a whole batch: a chart costs a fraction of a second, not a browser
    start. Call it as chart(kind, **data) -> (png bytes, width/height) or None."""

    def __init__(self, scale: float = 1.75):
        import plotly.io as pio
        os.environ.setdefault("BROWSER_PATH", chromium() or "/usr/bin/chromium")
        pio.defaults.mathjax = None
        pio.defaults.topojson = (ROOT / "static").as_uri() + "/"
        self.started = False
        self.scale = scale

    def __call__(self, kind: str, **data):
        fig = BUILDERS[kind](**data)
        with self.lock:
            return self.png(fig), fig.layout.width / fig.layout.height

    lock = threading.Lock()     # one chart at a time through one browser

    def png(self, fig) -> bytes:
        import kaleido
        if not self.started:
            kaleido.start_sync_server(silence_warnings=True)
            self.started = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "kopts ignored with a server": expected here
            return fig.to_image(format="png", width=fig.layout.width, height=fig.layout.height, scale=self.scale)

    def close(self):
        if self.started:
            import kaleido
            kaleido.stop_sync_server(silence_warnings=True)
            self.started = False


_shared: ChartRenderer | None = None
_shared_lock = threading.Lock()


def shared_renderer() -> ChartRenderer:
    """The process's warm renderer for one-click briefings: the first click starts Chromium (about 3 s),
    later clicks reuse it; charts go through it one at a time (a lock), and it stops when the process ends."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ChartRenderer()
            atexit.register(_shared.close)
        return _shared
