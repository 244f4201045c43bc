"""Counting: dense counters per portal x month for every published measure, and the portal network they
are counted against (index, launch, region)."""
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select

from .schema import country, portal
from .stats_format import BREAKDOWNS, CONTINENT_TO_HOST, HOST_GROUPS, MEASURES, OUTCOMES, region_group

BASE_YEAR = 2000
N_MONTHS = 12 * 60  # months from January 2000: room to 2059
EPOCH = date(1970, 1, 1)
NO_LAUNCH = -10**6  # launch day of a portal whose launch is unknown


def month_index(d: date) -> int:
    return (d.year - BASE_YEAR) * 12 + d.month - 1


def month_start(i: int) -> date:
    return date(BASE_YEAR + i // 12, i % 12 + 1, 1)


class Network:
    """The portals as the statistics see them: index, launch (earliest possible day), region group."""

    def __init__(self, conn):
        rows = conn.execute(select(portal.c.portal_code, portal.c.launch_from, portal.c.region)
                            .order_by(portal.c.portal_code)).all()
        self.codes = [r.portal_code for r in rows]
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.launch_day = np.array([(r.launch_from - EPOCH).days if r.launch_from else NO_LAUNCH for r in rows],
                                   dtype=np.int64)
        self.region = [region_group(r.region) for r in rows]
        hosts = conn.execute(select(country.c.code, country.c.continent)).all()
        self.host_codes = {h.code: HOST_GROUPS.index(CONTINENT_TO_HOST.get(h.continent, "other")) for h in hosts}
        self.host_codes["unknown"] = HOST_GROUPS.index("unknown")

    def launch_month(self, portal_index: int) -> int | None:
        day = int(self.launch_day[portal_index])
        return None if day == NO_LAUNCH else month_index(EPOCH + timedelta(days=day))


class Counts:
    """Dense counters per portal x month for every published measure (one array per breakdown; received is
    the sum of the outcomes)."""

    def __init__(self, n_portals: int):
        self.n = n_portals
        size = n_portals * N_MONTHS
        self.parts = {name: np.zeros(size * len(parts), dtype=np.int64) for name, (_, parts) in BREAKDOWNS.items()}
        self._values = None

    @property
    def values(self) -> np.ndarray:
        """[portal, month, measure] in MEASURES order (built on first use after counting)."""
        if self._values is None:
            size = self.n * N_MONTHS
            cols = [self.parts[name].reshape(size, len(parts)) for name, (_, parts) in BREAKDOWNS.items()]
            received = cols[0].sum(axis=1, keepdims=True)
            self._values = np.concatenate([received] + cols, axis=1).reshape(self.n, N_MONTHS, len(MEASURES))
        return self._values

    def add_rows(self, portals: np.ndarray, months: np.ndarray, codes: dict, sign: int = 1) -> None:
        """Add (or take back) report rows: each row's portal and month index and the code of each breakdown."""
        self._values = None
        size = self.n * N_MONTHS
        add = np.add if sign > 0 else np.subtract
        cell = portals * N_MONTHS + months
        outcome = codes["outcome"]
        actioned = np.nonzero(outcome == OUTCOMES.index("actioned"))[0]
        actioned_cell = cell[actioned]
        for name, (_, parts) in BREAKDOWNS.items():
            width = len(parts)
            if name == "outcome":
                counts = np.bincount(cell * width + outcome, minlength=size * width)
            else:
                counts = np.bincount(actioned_cell * width + codes[name][actioned], minlength=size * width)
            add(self.parts[name], counts, out=self.parts[name])

    def set_values(self, values: np.ndarray) -> None:
        flat = values.reshape(self.n * N_MONTHS, len(MEASURES))
        start = 1
        for name, (_, parts) in BREAKDOWNS.items():
            self.parts[name] = flat[:, start:start + len(parts)].copy().ravel()
            start += len(parts)
        self._values = values

    def months_with_data(self) -> tuple[int, int] | None:
        months = np.nonzero(self.values[:, :, 0].sum(axis=0))[0]
        return (int(months[0]), int(months[-1])) if len(months) else None

    def portal_months(self) -> tuple[np.ndarray, np.ndarray]:
        """(portal index, month index) of every portal-month with at least one report."""
        return np.nonzero(self.values[:, :, 0])
