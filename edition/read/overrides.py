"""The editor's corrections of the reader's guesses: the `structure:` section of the YAML.

Each key lists lines by their text (as written, without surrounding blanks) or their number:

    structure:
      headings: [II., 17]          # these lines are headings
      not-headings: [PUBLIUS]      # … and these are not
      salutations: ["Sir:--"]      # the first line of a letter
      signatures: [M. W.]          # the line that ends a letter or a section
      …

An entry that matches no line is an error at its YAML line: a misspelt override would otherwise
change nothing without a word.
"""

from __future__ import annotations

from ..editorial import STRUCTURE_LINES, Editorial, Where
from .pieces import Piece


class Overrides:
    def __init__(self, editorial: Editorial):
        self.editorial = editorial
        self.structure = editorial.structure

    def says(self, key: str, piece: Piece) -> bool:
        """Does the editor list this piece under `key`?"""
        return any(_matches(entry, piece) for entry in self.structure.get(key) or [])

    def decide(self, kind: str, piece: Piece) -> bool | None:
        """True or False where the editor has said so for this kind, None where the reader guesses."""
        if self.says(kind, piece):
            return True
        if self.says(f"not-{kind}", piece):
            return False
        return None

    def flag(self, key: str) -> bool | None:
        """A yes/no setting (`epigraph: false`, `title-line: false`)."""
        value = self.structure.get(key)
        return None if value is None else bool(value)

    def check_all_match(self, pieces: list[Piece]) -> None:
        """Every listed line must be a line of the text: report the first that is not, at its YAML line."""
        for key in STRUCTURE_LINES:
            wanted = self.structure.get(key) or []
            for i, entry in enumerate(wanted):
                if not any(_matches(entry, piece) for piece in pieces):
                    lines = getattr(wanted, "item_lines", None)
                    where = Where(self.editorial.path, lines[i] if lines else getattr(wanted, "line", None))
                    raise where.error(f"structure: {key}: {entry!r} matches no line of the text — "
                                      "copy the line as written, or give its number")


def _matches(entry: str | int, piece: Piece) -> bool:
    """A line given by its number, or by its text (the whole piece or its first line)."""
    if isinstance(entry, bool):
        return False
    if isinstance(entry, int):
        return any(line.number == entry for line in piece.lines)
    return entry.strip() in (piece.text.strip(), piece.lines[0].content)
