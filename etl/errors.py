"""One exception for bad input, so every message names the file, line and column, in one short line."""
import re

EXCERPT = 60  # characters of offending text a message may quote
LONGEST = 500  # characters of message after file, line and column
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_WORD = re.compile(r"\S{%d,}" % (EXCERPT + 1))


def excerpt(text: str) -> str:
    """At most EXCERPT characters of `text`: a 10 MB cell must not become a 10 MB message."""
    text = str(text)
    return text if len(text) <= EXCERPT else f"{text[:EXCERPT - 1]}… ({len(text):,} characters)"


def _shorten(message: str) -> str:
    """Cut quoted values and runs without spaces to an excerpt, join lines, cap the whole."""
    message = " ".join(str(message).splitlines())
    if len(message) <= EXCERPT:
        return message
    message = _QUOTED.sub(lambda m: m.group(0) if len(m.group(0)) <= EXCERPT + 2
                          else f"{m.group(0)[0]}{excerpt(m.group(0)[1:-1])}{m.group(0)[0]}", message)
    message = _WORD.sub(lambda m: excerpt(m.group(0)), message)
    return message if len(message) <= LONGEST else message[:LONGEST - 1] + "…"


class InputError(Exception):
    """A problem with an input file; the load that met it changes nothing."""

    def __init__(self, file, message, line=None, column=None):
        self.file, self.line, self.column = str(file), line, column
        self.message = _shorten(message)
        where = [self.file]
        if line is not None:
            where.append(f"line {line}")
        if column:
            where.append(f"column {excerpt(column)}")
        super().__init__(f"{', '.join(where)}: {self.message}")


class ConfigError(Exception):
    """A setting that cannot work (e.g. DATABASE_URL naming a folder that does not exist)."""


def one_line(exc: BaseException) -> str:
    """The first line of an error, kept short: drivers add hints and SQL on further lines."""
    if isinstance(exc, InputError):
        return str(exc)  # already one short line, with the file's full path
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return _shorten(lines[0])
