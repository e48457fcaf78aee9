"""A stretch of the text read for its paragraph-level units: block quotations, lists, verse, and
prose for the rest. The whole text is read so after its title page, notes, letters, headings and
closings; a letter's body and a postscript are read so on their own (`read_inside`).
"""

from __future__ import annotations

from . import shapes
from .context import Reading
from .items import Item
from .lists import read_lists
from .pieces import verse_like
from .quotations import read_quotations


def read_rest(r: Reading, ks: range, quotations: bool = True) -> None:
    """Quotations, lists, verse and paragraphs among the free pieces of a range."""
    if quotations:
        read_quotations(r, ks)
    read_lists(r, ks)
    read_verse(r, ks)
    for k in ks:
        if r.free(k):
            r.claim(Item("p", [r.pieces[k]]))


def read_inside(r: Reading, container: Item, ks: list[int], quoted: bool = False) -> None:
    """The items of a letter's body or a postscript: its pieces are read again, apart. In a quoted
    letter every paragraph opens with a quotation mark: those are the letter's, not quotations."""
    if not ks:
        return
    for k in ks:
        r.claimed.pop(id(r.pieces[k]), None)
    before = len(r.items)
    read_rest(r, range(ks[0], ks[-1] + 1), quotations=not quoted)
    container.body = sorted(r.items[before:], key=lambda item: item.first.start)
    del r.items[before:]


def read_verse(r: Reading, ks: range) -> None:
    """Verse outside quotations: short lines of one block, each opening with a capital."""
    k = ks.start
    while k < ks.stop:
        run = []
        j = k
        while j < ks.stop and r.free(j) and len(r.pieces[j].lines) == 1 and \
                (not run or r.pieces[j].block == run[0].block):
            run.append(r.pieces[j])
            j += 1
        decided = r.overrides.decide("verse", r.pieces[k]) if r.free(k) else None
        if decided is False:
            k = max(j, k + 1)  # the editor refuses the whole block, not only its first line
        elif len(run) >= 2 and (decided or verse_like([p.lines[0] for p in run], r.layout.measure)
                                and not any(shapes.ends_sentence(p.text) and len(p.words) > 12 for p in run)):
            r.claim(Item("lg", run))
            r.guess(run[0], f"treated as {len(run)} lines of verse", "verse")
            k = j
        else:
            k += 1
