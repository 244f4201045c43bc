"""Boundaries between layers, checked by reading the code (and, for imports made at run time, by
importing it in a fresh interpreter).

The path of a fact runs one way: data files -> ETL jobs (etl/) -> tables -> views (the read
contract, etl/views.py) -> reading side (dashboard/) -> page, CSV, briefing. So:

- the ETL never imports the reading side or Streamlit, in any form: `import`, `from`,
  `importlib.import_module("dashboard...")`, `__import__`, or a module name in a string;
- the web side (app.py, dashboard/) never imports what builds or writes the warehouse: from etl
  it may import only shared definitions and read helpers, READ_HELPERS below (settings, date
  periods, the views' SQL, the statistics' vocabulary); never etl.jobs, etl.db (schema creation,
  inserts), etl.schema (tables: the reading side reads views) or any job/loader module;
- pages never import sqlalchemy (SQL lives in dashboard/reading.py, cached by dashboard/queries.py);
- app.py only builds the navigation (with the sign-in controls, and shows the build command while the
  warehouse is empty).
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ETL_MODULES = {p.stem for p in (ROOT / "etl").glob("*.py")} - {"__init__", "__main__"}
# etl.audit is the one writer the web side may use: it can only INSERT into audit_event (its own narrowly
# privileged connection; see etl/audit.py), never load or change the warehouse.
# etl.access: the web side reads statistics in an audience's transaction (its role and portals, set for that
# transaction only; scoped_connection); it never runs the module's grant or login commands.
READ_HELPERS = {"etl", "etl.config", "etl.dates", "etl.views", "etl.stats_format", "etl.audit", "etl.access"}
IMPORT_CALLS = {"import_module", "__import__", "run_module", "find_spec", "spec_from_file_location"}
WEB = [ROOT / "app.py", *sorted((ROOT / "dashboard").rglob("*.py"))]


def _dotted(value: str) -> str | None:
    """A module name written as a string ("dashboard.briefings", "dashboard/briefings.py"), else None."""
    value = value.strip().removesuffix(".py").replace("/", ".")
    parts = value.split(".")
    return value if parts[0] and all(p.isidentifier() for p in parts) else None


def imports(path: Path) -> set[str]:
    """Every module a file imports, as full dotted names: statements, import calls, and string module names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "etl":  # from etl import jobs -> etl.jobs
                found |= {f"etl.{a.name}" for a in node.names if a.name in ETL_MODULES}
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in IMPORT_CALLS:
                found |= {m for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                          and (m := _dotted(a.value))}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            module = _dotted(node.value)
            if module and module.split(".")[0] in ("dashboard", "streamlit") and "." in module:
                found.add(module)  # a dotted name handed to some other import mechanism
    return found


def roots(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("path", sorted((ROOT / "etl").rglob("*.py")), ids=lambda p: p.name)
def test_etl_never_imports_streamlit_or_dashboard(path):
    assert not roots(imports(path)) & {"streamlit", "dashboard"}, path


@pytest.mark.parametrize("source", [
    "import dashboard.briefings", "from dashboard import briefings", "import streamlit as st",
    "import importlib\nimportlib.import_module('dashboard.briefings')", "__import__('dashboard')",
    "from importlib import import_module\nimport_module('streamlit')", "runpy.run_module('dashboard.briefings')",
    "MODULE = 'dashboard.briefings'", "spec_from_file_location('b', 'dashboard/briefings.py')"])
def test_the_etl_rule_sees_every_form_of_import(source, tmp_path):
    path = tmp_path / "sample.py"
    path.write_text(source, encoding="utf-8")
    assert roots(imports(path)) & {"streamlit", "dashboard"}, source


def test_importing_the_etl_loads_no_dashboard_or_streamlit():
    """Imports made at run time when the modules load (an importlib call at module level, a plugin hook)."""
    code = ("import importlib, sys; [importlib.import_module(f'etl.{m}') for m in sys.argv[1:]]; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dashboard', 'streamlit'}))")
    done = subprocess.run([sys.executable, "-c", code, "__main__", *sorted(ETL_MODULES)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("path", WEB, ids=lambda p: str(p.relative_to(ROOT)))
def test_web_side_imports_only_etl_read_helpers(path):
    etl = {m for m in imports(path) if m.split(".")[0] == "etl"}
    assert etl <= READ_HELPERS, f"{path.relative_to(ROOT)} imports {sorted(etl - READ_HELPERS)}"


def test_the_read_side_loads_no_job_runner_or_writer():
    """What the web process and the briefing command actually load (pages run only under Streamlit)."""
    code = ("import sys, dashboard.queries, dashboard.briefings, dashboard.warehouse, dashboard.__main__; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'etl'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert set(eval(done.stdout)) <= READ_HELPERS, done.stdout


def test_pages_never_import_sqlalchemy():
    for path in (ROOT / "dashboard" / "pages").rglob("*.py"):
        assert "sqlalchemy" not in roots(imports(path)), path


def test_app_only_builds_navigation():
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "st.navigation" in source
    modules = {m for m in imports(ROOT / "app.py") if not m.startswith("dashboard.pages.")}  # the page files
    assert modules <= {"streamlit", "dashboard", "dashboard.queries", "dashboard.text", "dashboard.i18n",
                       "dashboard.auth"}, modules
