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
RULE = ("counts from 1 to k-1 hidden; secondary suppression until every hidden small count keeps a feasible "
        "interval at least the protection width wide, and no hidden cell is pinned, against an attacker who knows "
        "every published cell, every sum between cells, that counts are whole and non-negative, and every earlier "
        "publication")


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
    (the width defaults to k); refused with one line when outside the policy."""
    k_value = _integer("--k" if k is not None else "PORTAL_STATS_K",
                       k if k is not None else os.environ.get("PORTAL_STATS_K", str(K_DEFAULT)), K_MIN, K_MAX)
    raw_width = width if width is not None else os.environ.get("PORTAL_STATS_WIDTH")
    if raw_width is None or (width is None and not str(raw_width).strip()):
        return k_value, k_value
    return k_value, _integer("--width" if width is not None else "PORTAL_STATS_WIDTH", raw_width, WIDTH_MIN,
                             WIDTH_MAX)
