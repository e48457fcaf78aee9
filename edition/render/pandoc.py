"""Running pandoc (from pypandoc-binary) on a Pandoc JSON AST, sandboxed."""

from __future__ import annotations

import functools
import json
import subprocess


class PandocError(RuntimeError):
    """pandoc failed: its message, verbatim."""


@functools.cache
def pandoc_path() -> str:
    """The pandoc binary that pypandoc-binary ships (it is not on PATH)."""
    import pypandoc

    return pypandoc.get_pandoc_path()


@functools.cache
def api_version() -> list[int]:
    """The pandoc-types API version this pandoc reads and writes, asked once."""
    out = subprocess.run(
        [pandoc_path(), "--sandbox", "-f", "markdown", "-t", "json"],
        input=b"", capture_output=True, check=True,
    ).stdout
    return json.loads(out)["pandoc-api-version"]


def run_pandoc(ast: dict, to: str, args: list[str] | tuple[str, ...] = ()) -> bytes:
    """Convert `ast` with `pandoc --sandbox -f json -t TO ARGS`; the output as bytes.

    Under `--sandbox` pandoc reads only the files named in ARGS (a template, a
    stylesheet, fonts) and fetches nothing.
    """
    command = [pandoc_path(), "--sandbox", "-f", "json", "-t", to, *args]
    done = subprocess.run(command, input=json.dumps(ast).encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        raise PandocError(f"pandoc -t {to} failed ({done.returncode}): {done.stderr.decode(errors='replace').strip()}")
    return done.stdout
