"""Benchmark: how long each page's script takes to run, against a bare Streamlit page with one chart.

    python -m benchmarks.pages [--runs 5] [--lang fr]

Runs every page through app.py with AppTest on the warehouse (built first with the ETL's jobs if
missing: the app itself never builds it), first once to warm the caches, then --runs times; prints the
median seconds and the ratio to the bare page.
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
BARE = '''
import pandas as pd
import plotly.express as px
import streamlit as st
df = pd.DataFrame({"x": range(100), "y": range(100)})
st.plotly_chart(px.line(df, x="x", y="y"))
'''
PAGES = ["overview", "country", "network", "committee", "funders", "methodology"]


def time_runs(make, runs: int) -> float:
    make()  # warm: imports, engine, query caches
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        at = make()
        times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return statistics.median(times)


def page_runner(page: str, lang: str):
    def run():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["lang"] = lang
        return at.switch_page(f"dashboard/pages/{page}.py").run()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", default="en", choices=["en", "fr"], help="the language the pages are read in")
    args = parser.parse_args()
    from etl.db import make_engine
    from etl.jobs import run_jobs
    run_jobs(make_engine())  # unchanged jobs are skipped
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        base = time_runs(lambda: AppTest.from_file(str(bare), default_timeout=60).run(), args.runs)
    print(f"{'bare page, one chart':<24}{base:8.3f} s")
    for page in PAGES:
        seconds = time_runs(page_runner(page, args.lang), args.runs)
        print(f"{page + ' (' + args.lang + ')':<24}{seconds:8.3f} s   ratio {seconds / base:5.1f}x")


if __name__ == "__main__":
    main()
