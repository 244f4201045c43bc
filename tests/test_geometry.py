"""The served map geometry: Crimea is drawn inside Ukraine (Council of Europe; UN GA resolution 68/262)."""
import json

import pytest

from etl.config import ROOT
from tools.topojson import contains, country, decode_arcs

SERVED = sorted((ROOT / "static").glob("*.json"))
CRIMEA = (34.1, 45.3)


def test_every_served_geometry_file_is_checked():
    assert {p.name for p in SERVED} == {"world_50m.json", "world_110m.json"}


@pytest.mark.parametrize("path", SERVED, ids=[p.name for p in SERVED])
def test_crimea_is_inside_ukraine_not_russia(path):
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    assert contains(arcs, country(topo, "UKR"), *CRIMEA)
    assert not contains(arcs, country(topo, "RUS"), *CRIMEA)
    inside = [g["id"] for g in topo["objects"]["countries"]["geometries"] if contains(arcs, g, *CRIMEA)]
    assert inside == ["UKR"]


@pytest.mark.parametrize("path", SERVED, ids=[p.name for p in SERVED])
def test_point_in_shape_tells_countries_apart(path):
    """The decoder itself: known cities land in their own country, so the Crimea test can fail."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    for code, lon, lat in [("UKR", 30.5, 50.45), ("RUS", 37.6, 55.75), ("RUS", 38.97, 45.04), ("FRA", 2.35, 48.86)]:
        assert contains(arcs, country(topo, code), lon, lat), code
    assert not contains(arcs, country(topo, "UKR"), 37.6, 55.75)


def test_briefing_charts_use_the_same_local_geometry():
    """kaleido reads plotly.io.defaults.topojson: it must point at this static folder, not a CDN."""
    import plotly.io as pio

    from dashboard.briefings import ChartRenderer
    before = pio.defaults.topojson
    try:
        ChartRenderer()
        assert pio.defaults.topojson == (ROOT / "static").as_uri() + "/"
    finally:
        pio.defaults.topojson = before
