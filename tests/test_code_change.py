"""A job's checksum covers the code it runs and its upstream jobs: editing a rule module in a copy of the
project makes the jobs that import it run again, and only them (and the jobs downstream of them)."""
import os
import shutil
import subprocess
import sys

from etl.config import ROOT


def run(copy, tmp_path) -> dict:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite'}", LANZAROTE_VAR_DIR=str(tmp_path / "var"),
               DEMO_REPORTS="500")  # a small demo: these tests are about jobs, not statistics
    done = subprocess.run([sys.executable, "-m", "etl", "run"], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    table = done.stdout.splitlines()[1:]
    return {line.split()[0]: line.split()[1] for line in table}


def test_editing_a_rule_module_reruns_the_jobs_that_import_it(tmp_path):
    copy = tmp_path / "project"
    for folder in ("etl", "data"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    assert set(run(copy, tmp_path).values()) == {"ok"}
    assert set(run(copy, tmp_path).values()) == {"skipped"}

    with open(copy / "etl" / "treaty_rules.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a rule changed\n")
    outcomes = run(copy, tmp_path)
    assert outcomes.pop("treaties") == "ok"
    assert set(outcomes.values()) == {"skipped"}, outcomes

    with open(copy / "etl" / "countries.py", "a", encoding="utf-8") as fh:
        fh.write("\n# the resolver changed\n")
    outcomes = run(copy, tmp_path)
    assert outcomes == {"countries": "ok", "coe_membership": "ok", "treaties": "ok", "portals": "ok", "rounds": "ok",
                        "figures": "skipped", "portal_stats_demo": "ok"}  # downstream of portals


def test_code_files_follow_imports_transitively():
    from etl import figures, treaties
    from etl.provenance import code_files
    names = {f.name for f in code_files(treaties)}
    assert {"treaties.py", "treaty_rules.py", "countries.py", "dates.py", "validate.py", "errors.py"} <= names
    assert "portals.py" not in names and "treaty_rules.py" not in {f.name for f in code_files(figures)}
