"""Settings read from the environment, with defaults that work on a fresh clone."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
VAR_DIR = Path(os.environ.get("LANZAROTE_VAR_DIR", ROOT / "var"))
DEFAULT_SQLITE = VAR_DIR / "warehouse.sqlite"


def database_url() -> str:
    """DATABASE_URL, else a git-ignored SQLite file under var/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE}"


def rejects_dir() -> Path:
    path = VAR_DIR / "rejects"
    path.mkdir(parents=True, exist_ok=True)
    return path
