"""Headings: a short line on its own that is not a sentence, and what follows it.

Conventions:
- *heading*: a short line that is not a sentence: no final punctuation (`Stalin in 1917`), or a
  full stop after capitals, a roman numeral or a book-part word (`INTRODUCTION.`, `II.`,
  `CHAPTER 1.`), and followed by text. Lines of one heading may stand in separate blocks
  (`II.` / `PROLETARIANS AND COMMUNISTS.`, `TO` / `M. TALLEYRAND PERIGORD,` / `LATE BISHOP OF AUTUN.`):
  consecutive heading lines are one heading.
- Not a heading: a date line, a salutation, a byline, a list item, a sentence, what follows a
  line ending in a colon; a name after the
  last paragraph of a section (a signature: `PUBLIUS`, `AUTHOR`); a line at the end of the text.
- *section byline*: a `by` line right under a heading (`BY KARL MARX AND FREDERICK ENGELS.`).
YAML: `headings`, `not-headings`.
"""

from __future__ import annotations

from . import shapes
from .context import Reading
from .items import Item
from .notes import note_label
from .pieces import LIST_LABEL, OPEN_QUOTES, Piece
from .titlepage import read_epigraphs

HEADING_MAX_CHARS = 120
HEADING_MAX_WORDS = 14
TITLED_MAX_WORDS = 20


def heading_shape(text: str) -> bool:
    """Could this line be (part of) a heading, whatever stands around it?"""
    t = text.strip()
    c = shapes.core(t)
    ws = c.split()
    if not ws or len(c) > HEADING_MAX_CHARS or len(ws) > TITLED_MAX_WORDS or "\n" in t:
        return False
    if t[0] in OPEN_QUOTES + "([" or not (c[0].isupper() or c[0].isdigit()):
        return False
    if shapes.dateline_like(c) or shapes.salutation_like(c) or shapes.byline_like(c) \
            or shapes.postscript_like(c) or LIST_LABEL.match(c) or note_label(t):
        return False
    caps, titled = shapes.all_caps(c), shapes.title_case(c)
    last = c[-1]
    if last == ".":
        return caps or (len(ws) == 1 and shapes.is_roman(ws[0])) or shapes.sectioning(c) \
            or titled and len(ws) <= 8 and not shapes.name_like(c) and not c.endswith(". .")
    if last == ",":
        return caps  # a line of a heading that goes on below
    if last in "?!":
        return titled or caps
    if last == ")":
        return (titled or caps) and c.count("(") == c.count(")")
    if last in ":;" or t[-1] in '"\u201d\u2019\'':
        return False
    return len(ws) <= HEADING_MAX_WORDS or titled


def signature_here(r: Reading, k: int, run_rest: list[int]) -> bool:
    """A name after a section's last paragraph signs it: followed by the end, a date line, a note,
    a postscript or a heading, or run on from a sentence left open."""
    pieces = r.pieces
    piece = pieces[k]
    if not shapes.name_like(piece.text) or k == 0:
        return False
    prev = pieces[k - 1]
    after_text = r.free(k - 1) or r.kind_at(k - 1) in ("p", "quote", "letter", "list")
    if not after_text or r.overrides.says("headings", piece):
        return False
    if not shapes.ends_sentence(prev.text):
        return True
    nxt = k + 1
    if run_rest:
        return True
    if nxt >= len(pieces):
        return True
    following = pieces[nxt]
    return shapes.dateline_like(following.text) or shapes.postscript_like(following.text) or \
        r.kind_at(nxt) == "note"


def read_headings(r: Reading, first: int) -> None:
    """Claim every heading from piece `first` on, with the byline and epigraph under it."""
    pieces = r.pieces
    k = first
    while k < len(pieces):
        run = _run(r, k)
        if not run:
            k += 1
            continue
        if signature_here(r, run[0], run[1:]):
            k = run[0] + 1
            continue
        if run[0] > 0 and r.free(run[0] - 1) and r.pieces[run[0] - 1].text.rstrip().endswith(":"):
            k = run[-1] + 1  # what a colon introduces (a list, a quotation) is not a heading
            continue
        after = run[-1] + 1
        if after >= len(pieces) or _only_notes_follow(r, after):
            k = after
            continue
        group = [pieces[j] for j in run]
        r.claim(Item("head", group))
        if not all(r.overrides.says("headings", p) for p in group):
            shown = " / ".join(p.text.strip() for p in group)
            r.guess(group[0], f"treated as a heading: {shown[:60]!r}")
        if after < len(pieces) and r.free(after) and shapes.byline_like(pieces[after].text) \
                and r.overrides.decide("bylines", pieces[after]) is not False:
            r.claim(Item("byline", [pieces[after]]))
            after += 1
        k = read_epigraphs(r, after, after_heading=True)


def _is_heading(r: Reading, piece: Piece) -> bool:
    decided = r.overrides.decide("headings", piece)
    return decided if decided is not None else heading_shape(piece.text)


def _run(r: Reading, k: int) -> list[int]:
    """The indices of consecutive free heading lines from k (one heading over several lines)."""
    run = []
    j = k
    while j < len(r.pieces) and r.free(j) and _is_heading(r, r.pieces[j]):
        run.append(j)
        j += 1
    # a heading is its block: verse lines or a title page cut line by line are not headings
    while run and not _whole_blocks(r, run):
        run.pop()
    # a line ending in a comma goes on in the next; the last line of a heading does not end so
    while run and r.pieces[run[-1]].text.rstrip().endswith(",") and not r.overrides.says("headings", r.pieces[run[-1]]):
        run.pop()
    return run


def _whole_blocks(r: Reading, run: list[int]) -> bool:
    """Does the run (consecutive pieces) hold every line of each block it touches?"""
    pieces = r.pieces
    first, last = run[0], run[-1]
    return (first == 0 or pieces[first - 1].block != pieces[first].block) and \
        (last + 1 >= len(pieces) or pieces[last + 1].block != pieces[last].block)


def _only_notes_follow(r: Reading, k: int) -> bool:
    """Is piece k one of the author's notes (a heading is followed by text, not by a note)?"""
    return r.kind_at(k) == "note"
