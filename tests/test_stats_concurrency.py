"""Two imports of the same file as separate processes, started 0, 1 and 3 s apart: the reports are counted
once, the loser stops with one line (exit code 1) and no traceback."""
import os
import subprocess
import sys
import time
from datetime import date

import polars as pl
import pytest
from sqlalchemy import text

from etl import demo_stats
from etl.config import ROOT
from etl.jobs import run_jobs
from etl.stats_counts import Network
from etl.stats_store import active_loads, load_counts


@pytest.fixture
def real_file(built, tmp_path):
    """A generated report-level export without the demo marks: 20,000 real-looking reports."""
    demo = tmp_path / "demo.csv"
    with built.connect() as conn:
        demo_stats.generate(conn, 4, 20_000, demo, end=date(2025, 12, 31))
    path = tmp_path / "reports.csv"
    pl.read_csv(demo, infer_schema=False).drop("demo").with_columns(
        pl.col("report_ref").str.replace("DEMO-", "R-")).write_csv(path)
    return path


@pytest.mark.parametrize("delay", [0, 1, 3])
def test_two_imports_of_the_same_file_count_once(db_url, built, real_file, tmp_path, delay):
    env = {**os.environ, "DATABASE_URL": db_url, "LANZAROTE_VAR_DIR": str(tmp_path / "var"),
           "LANZAROTE_LOCK_WAIT": "300"}
    command = [sys.executable, "-m", "etl", "import-portal-stats", str(real_file)]
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [(p.wait(timeout=600), *p.communicate()) for p in (first, second)]
    assert sorted(code for code, _, _ in results) == [0, 1], results
    _, _, loser_err = next(r for r in results if r[0] == 1)
    errors = [line for line in loser_err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in loser_err, loser_err
    assert "this file was loaded already" in errors[0]
    with built.connect() as conn:
        loaded = conn.execute(text("SELECT rows_loaded FROM load_run WHERE job = 'portal-stats' AND outcome = 'ok'"))\
            .scalars().all()
        total = conn.execute(text("SELECT SUM(received) FROM v_portal_stats WHERE unit_kind = 'network' "
                                  "AND period_kind = 'year'")).scalar()
        counted, _ = load_counts(conn, active_loads(conn), Network(conn))
    assert len(loaded) == 1 and loaded[0] > 19_000
    assert counted.values[:, :, 0].sum() == loaded[0]  # counted once
    assert loaded[0] - 9 * 20 <= total <= loaded[0]  # published: the same, less a few small hidden years
    assert run_jobs(built, ["portals"])[-1].outcome in ("ok", "skipped")
