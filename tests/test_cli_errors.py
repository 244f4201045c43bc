"""The command line ends every expected failure in one line (no traceback), whatever the command."""
import os

from etl import __main__ as cli


def error_lines(err: str) -> list[str]:
    assert "Traceback" not in err, err[:2000]
    return [line for line in err.splitlines() if line.startswith("error:")]


def test_statistics_import_of_a_folder_or_pipe_is_one_line(db_url, tmp_path, monkeypatch, capsys):
    """Only the generic file opening: the statistics loader itself is not involved."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    folder, pipe = tmp_path / "stats.csv", tmp_path / "pipe.csv"
    folder.mkdir()
    os.mkfifo(pipe)
    for path, words in ((folder, "is a folder, not a file"), (pipe, "is not a regular file")):
        capsys.readouterr()
        assert cli.main(["import-portal-stats", str(path)]) == 1
        assert error_lines(capsys.readouterr().err) == [f"error: {path}: {words}" + (
            " (a pipe, socket or device)" if path == pipe else "")]


def test_unknown_database_driver_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://x")
    assert cli.main(["status"]) == 1
    assert error_lines(capsys.readouterr().err) == ["error: Can't load plugin: sqlalchemy.dialects:nosuchdb"]
