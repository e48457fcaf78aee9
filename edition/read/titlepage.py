"""The title page: title (over one or several lines), subtitle, bylines, and the epigraph after it.

Conventions:
- *title*: the first line of a text of several lines, when it is short (not a paragraph);
  continued by the lines before the byline. YAML: `title-line: false` when the first line is not a title.
- *byline*: a line that opens with "by" (`by John Reed`, `BY`, stacked `By` / `KARL MARX` / `and` /
  `FREDERICK ENGELS`), or names a contributor (`Edited and Annotated by …`, `With an Introduction by …`);
  a line right under such a line, in the same block, belongs to it. YAML: `bylines`, `not-bylines`.
- *subtitle*: a title line opening with "or" (`OR, THE …`); with no byline, the lines in capitals
  or title case between the title and a book-part heading (`AN ADDRESS` / `PREFACE.`).
- *epigraph*: a short quotation right after the title page or a heading, set in from the margin or
  in quotation marks, with its source on its own line (`--COLERIDGE`, `HUXLEY.`, `_Title_`, or a
  line set in deeper under it) or in parentheses at its end; without a source when it is set in
  before the text or followed by another epigraph. YAML: `epigraphs`, `not-epigraphs`
  (or `epigraph: false`).
"""

from __future__ import annotations

import re

from . import shapes
from .context import Reading
from .items import Item
from .pieces import OPEN_QUOTES, Piece, block_from
from .quotations import closes_quotation, trailing_citation

TITLE_MAX_CHARS = 200
FRONT_MAX_PIECES = 14      # a title page is a few lines, never a page of text
EPIGRAPH_MAX_CHARS = 700
CONNECTORS = {"and", "&", "with"}


def short(piece: Piece) -> bool:
    return len(piece.text) <= TITLE_MAX_CHARS and len(piece.lines) <= 4


def read_title_page(r: Reading) -> int:
    """Claim the title page from the first piece on; return the index of the first piece after it."""
    pieces = r.pieces
    if len(pieces) < 2 or r.overrides.flag("title-line") is False:
        return 0
    if (not short(pieces[0]) or shapes.part_heading(pieces[0].text)) \
            and r.overrides.flag("title-line") is not True:
        return 0  # the text opens with a paragraph, or with its first part's heading
    window = []
    for k, piece in enumerate(pieces[:FRONT_MAX_PIECES]):
        if not short(piece) or (k and shapes.ends_sentence(piece.text) and len(piece.words) > 12):
            break
        window.append(k)
    bylines = [k for k in window if k > 0 and is_byline(r, pieces[k])]
    title_end = bylines[0] if bylines else _title_continues(r)
    # a book-part heading (PREFACE, I.) ends the title page: the lines above it belong to it
    part = next((k for k in window if k >= title_end and shapes.part_heading(pieces[k].text)), None)
    extra = list(range(title_end, part)) if part is not None and not bylines else []
    if not all(_title_line(pieces[k]) for k in extra):
        extra = []
    title = [pieces[k] for k in range(title_end)]
    subtitle = [p for p in title[1:] if _alternative(p)]
    main = [p for p in title if p not in subtitle]
    r.claim(Item("title", main))
    for p in subtitle + [pieces[k] for k in extra]:
        r.claim(Item("subtitle", [p]))
    k = title_end + len(extra)
    last_byline = max(bylines[-1] if bylines else -1, part - 1 if part is not None and bylines else -1)
    while k <= last_byline or (k < len(pieces) and k > 0 and _under(r, k)):
        group = [pieces[k]]
        if shapes.core(pieces[k].text).lower() == "by":  # a stacked byline: By / NAME (/ and / NAME)*
            j = k + 1
            if j < len(pieces) and shapes.name_like(pieces[j].text):
                group.append(pieces[j])
                j += 1
                while j + 1 < len(pieces) and shapes.core(pieces[j].text).lower() in CONNECTORS \
                        and shapes.name_like(pieces[j + 1].text):
                    group += [pieces[j], pieces[j + 1]]
                    j += 2
        r.claim(Item("byline", group))
        k = r.index(group[-1]) + 1
    return k


def _title_line(piece: Piece) -> bool:
    """A line a title page may carry under the title: a few words in capitals or title case."""
    body = shapes.core(piece.text)
    return len(body.split()) <= 12 and (shapes.all_caps(body) or shapes.title_case(body))


def _title_continues(r: Reading) -> int:
    """Without a byline the title is its first line and the lines of its block that carry it on
    (a comma, a small letter, or more title-page capitals), and an `OR, …` subtitle under it."""
    pieces = r.pieces
    end = 1
    while end < len(pieces) and pieces[end].block == pieces[0].block and short(pieces[end]) and \
            (pieces[end - 1].text.rstrip()[-1:] in ",:;" or pieces[end].text[:1].islower()
             or _title_line(pieces[end]) and _title_line(pieces[0]) and not is_byline(r, pieces[end])):
        end += 1
    while end < len(pieces) and short(pieces[end]) and _alternative(pieces[end]):
        end += 1
    return end


def _alternative(piece: Piece) -> bool:
    """`OR, THE CLAIMS OF THE MANY`: a subtitle offering the title's other name."""
    return re.match(r"^or\b", shapes.core(piece.text), re.IGNORECASE) is not None


def _under(r: Reading, k: int) -> bool:
    """A title-page line right under a byline, in its block (a translator's degrees)."""
    pieces = r.pieces
    prev = pieces[k - 1]
    return id(prev) in r.claimed and r.items and r.items[-1].kind == "byline" and \
        pieces[k].block == prev.block and short(pieces[k]) and not shapes.ends_sentence(pieces[k].text.rstrip("._"))


def is_byline(r: Reading, piece: Piece) -> bool:
    decided = r.overrides.decide("bylines", piece)
    return decided if decided is not None else shapes.byline_like(piece.text)


def read_epigraphs(r: Reading, k: int, after_heading: bool = False) -> int:
    """The epigraphs at piece k (there may be several, one under the other); the index after them."""
    while True:
        after = read_epigraph(r, k, after_heading)
        if after == k:
            return k
        k = after


def candidate(r: Reading, k: int) -> bool:
    """Could piece k open an epigraph: a short passage in quotation marks or set in?"""
    if not r.free(k):
        return False
    piece = r.pieces[k]
    return (piece.text[:1] in OPEN_QUOTES or r.layout.indented(piece)) and len(piece.text) <= EPIGRAPH_MAX_CHARS


def read_epigraph(r: Reading, k: int, after_heading: bool = False) -> int:
    """An epigraph at piece k (after the title page or a heading); the index after it."""
    pieces = r.pieces
    if not r.free(k) or r.overrides.flag("epigraph") is False:
        return k
    piece = pieces[k]
    decided = r.overrides.decide("epigraphs", piece)
    if decided is False:
        return k
    block = block_from(pieces, k)
    text = "\n".join(p.text for p in block)
    nxt = k + len(block)
    if not candidate(r, k) or len(text) > EPIGRAPH_MAX_CHARS:
        return k if not decided else _epigraph(r, block, None, nxt)
    # its source: in parentheses at its end, or on the next line (or set in deeper under it)
    citation = trailing_citation(block[-1].text)
    if citation and piece.text[:1] in OPEN_QUOTES and closes_quotation(citation[0]):
        return _epigraph(r, block, None, nxt)
    if nxt < len(pieces) and r.free(nxt) and len(pieces[nxt].text) < 80 and \
            (shapes.attribution_like(pieces[nxt].text)
             or pieces[nxt].indent > piece.indent and len(pieces[nxt].words) <= 12
             and pieces[nxt].text[:1] not in OPEN_QUOTES):
        return _epigraph(r, block, pieces[nxt], nxt + 1)
    # no source: a passage set in before the text, or one of several epigraphs
    set_in = r.layout.indented(piece)
    if set_in and nxt < len(pieces) and not r.layout.indented(pieces[nxt]) or decided \
            or len(text) <= 200 and nxt < len(pieces) and candidate(r, nxt):
        return _epigraph(r, block, None, nxt)
    return k


def _epigraph(r: Reading, block: list[Piece], attribution: Piece | None, after: int) -> int:
    item = Item("epigraph", block + ([attribution] if attribution else []),
                roles=["quote"] * len(block) + (["bibl"] if attribution else []),
                verse=len(block) > 1 and all(len(p.lines) == 1 for p in block))
    r.claim(item)
    if not r.overrides.flag("epigraph"):
        r.guess(block[0], f"treated as an epigraph: {block[0].text.strip()[:40]!r}", "epigraphs")
    return after
