"""Job `portal_stats_demo`: a modest, seeded DEMO statistics set so a newcomer sees trends.

Loaded only while no real statistics are loaded; a re-run replaces the previous demo load.
"""
import os

from . import config, demo_stats, portal_stats, stats_store
from .provenance import LoadResult

INPUTS: list[str] = []
DEPENDS = ["portals", "figures"]
SEED = 20261129
REPORTS = int(os.environ.get("DEMO_REPORTS", "100000"))


def load(conn, load_id: int, paths: dict) -> LoadResult:
    if stats_store.active_loads(conn, demo=False):
        return LoadResult(message="real statistics are loaded: no demo data")
    stats_store.retire_demo(conn)
    folder = config.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"portal_stats_demo_seed{SEED}.csv"
    demo_stats.generate(conn, SEED, REPORTS, out)
    return portal_stats.load_file(conn, load_id, out)
