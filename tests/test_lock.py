"""One writer per warehouse: a second run waits, then stops with one line; the database is untouched."""
import os
import subprocess
import sys
import textwrap

from etl.config import ROOT
from etl.jobs import run_jobs
from etl.lock import warehouse_lock

HOLDER = textwrap.dedent("""
    import sys, time
    from etl.db import make_engine
    from etl.lock import warehouse_lock
    with warehouse_lock(make_engine(sys.argv[1]), wait=0):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def hold(url, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, url, str(seconds)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_writer_stops_with_one_line(db_url, engine, monkeypatch):
    monkeypatch.setenv("LANZAROTE_LOCK_WAIT", "0")
    holder = hold(db_url, 30)
    try:
        reports = run_jobs(engine, ["countries"])
    finally:
        holder.kill()
        holder.wait()
    assert [r.outcome for r in reports] == ["failed"]
    assert "another load is writing to this warehouse" in reports[0].message
    assert "\n" not in reports[0].message


def test_second_writer_waits_for_the_first(db_url, engine, monkeypatch):
    monkeypatch.setenv("LANZAROTE_LOCK_WAIT", "30")
    holder = hold(db_url, 2)
    reports = run_jobs(engine, ["countries"])
    holder.wait()
    assert [r.outcome for r in reports] == ["ok"]


def test_lock_is_reentrant_within_a_run(engine):
    with warehouse_lock(engine, wait=0):
        with warehouse_lock(engine, wait=0):
            pass
    with warehouse_lock(engine, wait=0):  # released: can be taken again
        pass


def test_bad_wait_setting_is_one_line(engine, monkeypatch):
    monkeypatch.setenv("LANZAROTE_LOCK_WAIT", "abc")
    [report] = run_jobs(engine, ["countries"])
    assert report.outcome == "failed" and report.message.startswith("LANZAROTE_LOCK_WAIT='abc'")


def _etl_run(tmp_path, wait):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite'}", LANZAROTE_VAR_DIR=str(tmp_path / "var"),
               DEMO_REPORTS="500", LANZAROTE_LOCK_WAIT=str(wait))  # a small demo: the lock is tested
    return subprocess.Popen([sys.executable, "-m", "etl", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_etl_runs_at_once_on_sqlite_one_waits(tmp_path):
    """Two real `python -m etl run` on one SQLite file: the second waits for the first, then finds nothing to do."""
    (tmp_path / "var").mkdir()
    first, second = _etl_run(tmp_path, 120), _etl_run(tmp_path, 120)
    outs = [p.communicate(timeout=300) for p in (first, second)]
    for (out, err), p in zip(outs, (first, second)):
        assert p.returncode == 0, out + err
        assert "Traceback" not in err and "database is locked" not in out + err, err
    outcomes = sorted(" ".join(sorted({line.split()[1] for line in out.splitlines()[1:]})) for out, _ in outs)
    assert outcomes == ["ok", "skipped"]


def test_two_etl_runs_at_once_on_sqlite_one_stops_with_one_line(tmp_path):
    (tmp_path / "var").mkdir()
    runs = [_etl_run(tmp_path, 0), _etl_run(tmp_path, 0)]
    outs = [p.communicate(timeout=300) for p in runs]
    codes = sorted(p.returncode for p in runs)
    assert codes == [0, 1], outs
    out, err = outs[[p.returncode for p in runs].index(1)]
    assert "Traceback" not in err and "database is locked" not in out + err, err
    [failed] = [line for line in out.splitlines() if " failed " in line]
    assert "another load is writing to this warehouse" in failed
