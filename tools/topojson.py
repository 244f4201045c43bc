"""Just enough TopoJSON to read country shapes: decode quantized, delta-encoded arcs into rings of
(lon, lat) points and test whether a point lies inside a country. Pure Python, no dependencies."""


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute (lon, lat) points (undoes the delta encoding and the quantization)."""
    t = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            if t:
                x, y = x + dx, y + dy
                points.append((x * t["scale"][0] + t["translate"][0], y * t["scale"][1] + t["translate"][1]))
            else:
                points.append((dx, dy))
        out.append(points)
    return out


def ring_points(arcs: list, ring: list[int]) -> list[tuple[float, float]]:
    """A ring's points from its arc indexes (~i = arc i reversed); shared end points are not repeated."""
    points = []
    for i in ring:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict) -> list[list[list[int]]]:
    """A Polygon or MultiPolygon geometry as a list of polygons (each a list of rings of arc indexes)."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def in_ring(lon: float, lat: float, ring: list[tuple[float, float]]) -> bool:
    """Even-odd ray casting."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(arcs: list, geometry: dict, lon: float, lat: float) -> bool:
    """True if the point is inside one polygon of the geometry (inside its outer ring, outside its holes)."""
    for polygon in filter(None, polygons(geometry)):
        outer, *holes = [ring_points(arcs, r) for r in polygon]
        if in_ring(lon, lat, outer) and not any(in_ring(lon, lat, h) for h in holes):
            return True
    return False


def country(topo: dict, code: str) -> dict:
    """The geometry of one country (ISO3 id) in the `countries` object."""
    return next(g for g in topo["objects"]["countries"]["geometries"] if g.get("id") == code)
