"""One exception for bad input, so every message names the file, line and column."""


class InputError(Exception):
    """A problem with an input file; the load that met it changes nothing."""

    def __init__(self, file, message, line=None, column=None):
        self.file, self.line, self.column, self.message = str(file), line, column, message
        where = [self.file]
        if line is not None:
            where.append(f"line {line}")
        if column:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}")
