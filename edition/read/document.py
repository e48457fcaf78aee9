"""The order in which the conventions are read, from the most certain to the least.

The title page first (it is at the top); then the author's notes (their labels are unambiguous, and
a heading is never followed by a note); letters (a salutation is a strong cue, and a letter's lines
must not be taken for headings); headings; the closing lines of each section; block quotations,
lists and verse; and what is left is prose.
"""

from __future__ import annotations

from . import shapes
from .closings import read_closings
from .context import Reading
from .headings import read_headings
from .items import Item
from .letters import read_letters
from .lists import read_lists
from .notes import read_notes
from .pieces import verse_like
from .quotations import read_quotations
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
