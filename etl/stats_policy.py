"""The disclosure policy for portal statistics, in one place: k, the protection width, and their limits.

Every setting is an integer within the policy's bounds; anything else stops the load with one line, so a
typo can never publish small counts (`--k 1` would show every count).
"""
import os

from .errors import InputError

K_MIN = 5          # counts 1..k-1 are hidden; below 5 would show counts the ICO's guidance treats as small
K_MAX = 1000       # above it nearly every cell would be hidden: almost surely a typo
K_DEFAULT = 10     # ONS practice: counts under 10
WIDTH_MIN = K_MIN  # a hidden small count keeps a feasible interval at least this wide
WIDTH_MAX = K_MAX
# How the secondary suppression is checked (PORTAL_STATS_PROTECTION). "interval" proves the protection width
# against the bounded attacker of etl/disclosure.py; on thin data it hides nearly every non-zero cell and its
# time grows with the number of visible cells (a 1-million-report demo did not finish in 15 minutes), so it
# is opt-in until it is fast enough. "exact": no hidden cell can be solved exactly from the published sums,
# and cells hidden before stay hidden; it proves no interval width.
PROTECTIONS = {
    "exact": ("counts from 1 to k-1 hidden; secondary suppression until no hidden cell can be solved exactly "
              "from the published sums (all of them at once), cells hidden in an earlier publication staying "
              "hidden; no interval width is proved"),
    "interval": ("counts from 1 to k-1 hidden; secondary suppression until every hidden small count keeps a "
                 "feasible interval at least the protection width wide against an attacker who knows every "
                 "published cell, every sum between cells, that counts are whole and non-negative, and every "
                 "earlier publication"),
}
PROTECTION_DEFAULT = "exact"
RULE = PROTECTIONS[PROTECTION_DEFAULT]


def protection() -> str:
    """PORTAL_STATS_PROTECTION (exact | interval), refused with one line when it is anything else."""
    raw = os.environ.get("PORTAL_STATS_PROTECTION", PROTECTION_DEFAULT).strip()
    if raw not in PROTECTIONS:
        raise InputError("PORTAL_STATS_PROTECTION", f"must be one of {', '.join(PROTECTIONS)}; nothing was loaded")
    return raw


def _integer(name: str, raw, low: int, high: int) -> int:
    text = str(raw).strip()
    if not text.lstrip("-").isdigit() or len(text) > 7:
        raise InputError(name, f"must be a whole number from {low} to {high}; nothing was loaded")
    value = int(text)
    if not low <= value <= high:
        raise InputError(name, f"must be a whole number from {low} to {high} (policy minimum {low}); "
                               f"nothing was loaded")
    return value


def settings(k=None, width=None) -> tuple[int, int]:
    """(k, protection width) from the arguments, else PORTAL_STATS_K / PORTAL_STATS_WIDTH, else the defaults
    (the width defaults to k); refused with one line when outside the policy (PORTAL_STATS_PROTECTION too)."""
    protection()
    k_value = _integer("--k" if k is not None else "PORTAL_STATS_K",
                       k if k is not None else os.environ.get("PORTAL_STATS_K", str(K_DEFAULT)), K_MIN, K_MAX)
    raw_width = width if width is not None else os.environ.get("PORTAL_STATS_WIDTH")
    if raw_width is None or (width is None and not str(raw_width).strip()):
        return k_value, k_value
    return k_value, _integer("--width" if width is not None else "PORTAL_STATS_WIDTH", raw_width, WIDTH_MIN,
                             WIDTH_MAX)
