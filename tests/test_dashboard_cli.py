"""`python -m dashboard briefing`: the reading side's own command line (the ETL's no longer hands over)."""
import os
import shutil
import subprocess
import sys
from datetime import date

import pytest

from dashboard import __main__ as cli
from dashboard import briefings
from dashboard.audience import STAFF
from etl import __main__ as etl_cli
from etl.config import ROOT


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_round_briefing_from_the_command_line(app_db, tmp_path):
    done = run("dashboard", "briefing", "--round", "R1", "--no-charts", "--out", str(tmp_path),
               env={"DATABASE_URL": app_db})
    assert done.returncode == 0, done.stderr
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".pdf"]   # the default: PDF and Word


def test_missing_database_names_the_build_command(tmp_path, monkeypatch):
    path = tmp_path / "none.sqlite"
    done = run("dashboard", "briefing", "--round", "R1", "--out", str(tmp_path / "out"),
               env={"DATABASE_URL": f"sqlite:///{path}"})
    assert done.returncode == 1 and "python -m etl run" in done.stderr, done.stderr
    assert not path.exists() and not (tmp_path / "out").exists()


def test_without_a_subcommand_it_prints_usage(capsys):
    assert cli.main([]) == 2
    assert "python -m dashboard briefing" in capsys.readouterr().err


def test_the_etl_has_no_briefing_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        etl_cli.main(["briefing", "--round", "R1", "--out", "x"])
    assert exit_.value.code == 2
    assert "invalid choice: 'briefing'" in capsys.readouterr().err


def test_without_chromium_briefings_say_charts_are_missing(app_db, tmp_path, monkeypatch):
    """`make run` does not install Chromium: a briefing then comes without charts and says so."""
    monkeypatch.setenv("DATABASE_URL", app_db)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    assert briefings.chromium() is None
    from datetime import date

    from dashboard.model import country
    doc = briefings.build(country.profile(briefings.warehouse.read_only_engine(app_db), "GBR", date.today(), STAFF))
    assert ("note", briefings.NO_CHROMIUM) in doc.blocks
    assert not [b for b in doc.blocks if b[0] == "image"]


@pytest.mark.skipif(not shutil.which("make"), reason="make not installed")
def test_make_run_says_how_to_install_chromium_without_failing():
    def check(browser):
        return subprocess.run(["make", "-s", "check-chromium", f"CHROMIUM={browser}"], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, env={k: v for k, v in os.environ.items() if k != "BROWSER_PATH"})
    missing = check("no-such-browser")
    assert missing.returncode == 0
    assert missing.stdout.count("\n") == 1 and "apt-get install chromium" in missing.stdout
    assert check("sh").stdout == ""  # a browser that exists: nothing to say
