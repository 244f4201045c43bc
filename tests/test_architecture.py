"""Boundaries between layers, checked by reading the code."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_etl_never_imports_streamlit_or_dashboard():
    for path in (ROOT / "etl").rglob("*.py"):
        assert not imports(path) & {"streamlit", "dashboard"}, path


def test_pages_never_import_sqlalchemy():
    for path in (ROOT / "dashboard" / "pages").rglob("*.py"):
        assert "sqlalchemy" not in imports(path), path


def test_app_only_builds_navigation():
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "st.navigation" in source and "queries" not in source
