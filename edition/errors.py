"""The one way bad input is reported: a located, one-line message (DESIGN §6)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path


class InputError(Exception):
    """Bad input: printed as `path:line:col: error: message`, exit status 2."""

    def __init__(self, path: str | Path | None, line: int | None, col: int | None, message: str):
        self.path = str(path) if path is not None else None
        self.line = line
        self.col = col
        self.message = message
        super().__init__(self.located())

    def __reduce__(self):  # so that an error raised in a worker process arrives intact
        return (InputError, (self.path, self.line, self.col, self.message))

    def located(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return one_line(f"{where}: error: {self.message}")


@contextlib.contextmanager
def about(path: str | Path):
    """An InputError raised inside without a path (a renderer knows the TEI, not its file) is
    about this file: the text being built."""
    try:
        yield
    except InputError as exc:
        if exc.path is not None:
            raise
        raise InputError(path, exc.line, exc.col, exc.message) from None


class Reporter:
    """Every warning goes through here: located, at a level, counted; with `--strict` a warning is
    an error (exit 2, nothing written), for a text whose every guess the editor has confirmed."""

    LEVELS = ("note", "warning")

    def __init__(self) -> None:
        self.strict = False
        self.counts = {level: 0 for level in self.LEVELS}

    def report(self, path: str | Path | None, line: int | None, message: str, level: str = "warning",
               remedy: str = "confirm or correct it in the YAML") -> None:
        """Print the warning (or note); under --strict a warning is raised as an error, with the
        `remedy` that silences it."""
        if level not in self.LEVELS:
            raise ValueError(f"no level {level!r}")
        if self.strict and level == "warning":
            raise InputError(path, line, None, f"{message} (--strict: {remedy})")
        self.counts[level] += 1
        where = str(path) if path is not None else "<input>"
        if line is not None:
            where += f":{line}"
        print(one_line(f"{where}: {level}: {message}"), file=sys.stderr)


REPORTER = Reporter()


def warn(path: str | Path | None, line: int | None, message: str) -> None:
    """Say which guess was made, compiler style, on stderr (an error under --strict)."""
    REPORTER.report(path, line, message, "warning")


def one_line(text: str) -> str:
    """One line always: a path, a lemma or a value quoted in a message may hold a line break."""
    return text.replace("\r", "\\r").replace("\n", "\\n")
