"""The order in which the conventions are read, from the most certain to the least.

The title page first (it is at the top); then the author's notes (their labels are unambiguous, and
a heading is never followed by a note); letters (a salutation is a strong cue, and a letter's lines
must not be taken for headings); headings; the closing lines of each section; block quotations,
lists and verse; and what is left is prose.
"""

from __future__ import annotations

from .body import read_rest
from .closings import read_closings
from .context import Reading
from .headings import read_headings
from .items import Item
from .letters import read_letters
from .notes import read_notes
from .titlepage import read_epigraphs, read_title_page


def read_items(r: Reading) -> list[Item]:
    """Every item of the text, in source order."""
    first = read_title_page(r)
    first = read_epigraphs(r, first)
    read_notes(r, first)
    read_letters(r, first)
    read_headings(r, first)
    parts = sections(r, first)
    # the text before the first heading cannot close with a signature when sections follow it (TEI)
    headed = [part for part in parts if part.start != first or not any(i.kind == "head" for i in r.items)]
    read_closings(r, headed)
    everything = range(first, len(r.pieces))
    read_rest(r, everything)
    r.items.sort(key=lambda item: item.first.start)
    return r.items


def sections(r: Reading, first: int) -> list[range]:
    """The ranges of pieces between headings (the text before the first heading is one)."""
    heads = {r.index(item.first): item for item in r.items if item.kind == "head"}
    bounds = [first] + sorted(heads) + [len(r.pieces)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        head = heads.get(a)
        a = r.index(head.pieces[-1]) + 1 if head else a
        if a < b:
            out.append(range(a, b))
    return out
