"""What the rules decide: the structural items of a text, in source order.

Each rule claims pieces and records an `Item`; the builder (read/build.py) turns the items into
TEI. Kinds:

    title, subtitle, byline           the title page (`front/titlePage`)
    epigraph                          an epigraph (front, or after a heading)
    head                              a heading (one or more pieces) that opens a section
    p                                 a paragraph
    quote                             a block quotation (pieces; verse lines when `verse`)
    letter                            a letter: `parts` holds (role, piece) for opener and closer
    list                              list items
    lg                                verse lines outside a quotation
    closer                            a signature or dateline closing a section
    postscript                        paragraphs after a signature
    note                              the author's footnote, where the source has it
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .pieces import Piece


@dataclass
class Item:
    kind: str
    pieces: list[Piece]
    roles: list[str] = field(default_factory=list)  # per piece, for letters and closers
    verse: bool = False                              # a quotation or epigraph in verse lines
    citation: tuple[int, int] | None = None          # a run-on or parenthesised source: (start, end)
    notes_section: bool = False                      # a heading over the author's notes
    label: tuple[int, int] | None = None             # a footnote's own label as written: (start, end)
    sign: str = ""                                   # a footnote's sign (1, a, *, ¹)
    body: list["Item"] = field(default_factory=list)  # a letter's or postscript's own items

    @property
    def first(self) -> Piece:
        return self.pieces[0]

    @property
    def line(self) -> int:
        return self.pieces[0].number
