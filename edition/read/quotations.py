"""Block quotations, in prose and in verse, and the citations that close them.

Conventions:
- *quoted paragraphs*: one or more paragraphs that each open with a quotation mark, only the last
  closing it (the printers' convention for a quotation over several paragraphs); consecutive
  paragraphs each quoted whole, with no source between them, are one quotation.
- *set-in passage*: in a hard-wrapped text, a block set in from the margin (with or without
  quotation marks); consecutive set-in blocks are one quotation while its quotation mark is open.
- *verse quotation*: set-in short lines, each opening with a capital: one `l` per line.
- *citation*: in parentheses right after the closing quotation mark (`"…" (Trotsky, p. 5.)`), or
  run on after it with a dash (`"…"--_New York Commercial_, January 11, 1905.`).
YAML: `quotations` (the first line of one), `not-quotations`, `verse`, `not-verse`.
"""

from __future__ import annotations

import re

from .context import Reading
from .items import Item
from .pieces import CLOSE_QUOTES, OPEN_QUOTES, Piece, block_from, verse_like

MAX_QUOTED_PARAGRAPHS = 40
RUN_ON = re.compile(r"[\"\u201d\u2019](\s*(?:--|\u2014|\u2013)\s*\S[^\"\u201c\u201d]*)$", re.DOTALL)


def trailing_citation(text: str) -> tuple[str, str, str] | None:
    """Split `… (Source.)` into (before, whitespace, citation) when the text ends in a citation."""
    if not text.endswith(")"):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                before = text[:i]
                stripped = before.rstrip(" \t\n")
                if not stripped or stripped == before:
                    return None
                return stripped, before[len(stripped):], text[i + 1:-1]
    return None


def run_on_citation(text: str) -> int | None:
    """Where a run-on citation (`"…"--Source.`) begins in the text (after the quotation mark)."""
    m = RUN_ON.search(text)
    if m is None or len(m.group(1)) > 200:
        return None
    return m.start(1)


def closes_quotation(text: str) -> bool:
    return len(text) > 1 and text.rstrip()[-1:] in CLOSE_QUOTES


def opens_quotation(text: str) -> bool:
    return text[:1] in OPEN_QUOTES


def quotation_body(text: str) -> str:
    """The text of a quoted paragraph without the citation that may follow its closing mark."""
    cite = trailing_citation(text)
    if cite and closes_quotation(cite[0]):
        return cite[0]
    at = run_on_citation(text)
    return text[:at] if at is not None else text


def citation_span(piece: Piece) -> tuple[int, int] | None:
    """(start, end) in the source of the citation that closes a quoted piece, if any."""
    cite = trailing_citation(piece.text)
    if cite and closes_quotation(cite[0]):
        start = piece.start + len(cite[0]) + len(cite[1])
        return start, piece.end
    at = run_on_citation(piece.text)
    if at is not None:
        return piece.start + at, piece.end
    return None


class BlockRuns:
    """Where the free pieces of a block end, from each piece on (a block read line by line is one
    unit here). Each run is scanned once: scanned again from each of its pieces, a letter of
    20,000 quoted lines took minutes (the square of its length).

    The answers stay right while pieces are claimed only before the positions asked about next,
    as `read_quotations` does (it claims from k on and then asks from past what it claimed)."""

    def __init__(self, r: Reading, stop: int):
        self.r, self.stop = r, stop
        self.ends: dict[int, int] = {}

    def end(self, j: int) -> int:
        """The end (exclusive) of the free pieces of piece j's block from j on; j when j is not free."""
        if j in self.ends:
            return self.ends[j]
        pieces, e = self.r.pieces, j
        while e < self.stop and self.r.free(e) and pieces[e].block == pieces[j].block:
            e += 1
        for i in range(j, e):  # every piece of the run ends where it does
            self.ends[i] = e
        return e


def quoted_run(r: Reading, k: int, stop: int, runs: BlockRuns | None = None) -> int:
    """How many pieces from k form one quotation in quoted paragraphs (0 if they do not).

    Paragraphs that each open a quotation none of them closes are still one quotation when there
    are several of them (an unclosed quotation, with a warning); one alone is a paragraph."""
    runs = runs or BlockRuns(r, stop)
    first = runs.end(k) - k  # the pieces of k's own block
    j = k
    for _ in range(MAX_QUOTED_PARAGRAPHS):
        end = runs.end(j)
        if end == j or not opens_quotation(r.pieces[j].text):
            if j - k >= 2 * first and not closes_quotation(r.pieces[j - 1].text):
                r.guess(r.pieces[k], f"a quotation over {j - k} paragraphs that is never closed: "
                                     "read as one block quotation", "quotations")
                return j - k
            if j == k + first and '"' not in r.pieces[k].text[1:] \
                    and "\u201d" not in r.pieces[k].text:
                r.guess(r.pieces[k], "a quotation mark opened here is never closed")
            return 0
        if closes_quotation(quotation_body(r.pieces[end - 1].text)):
            return end - k
        j = end
    return 0


def read_quotations(r: Reading, pieces: range) -> None:
    """Claim every block quotation among the free pieces in this range."""
    k = pieces.start
    runs = BlockRuns(r, pieces.stop)
    while k < pieces.stop:
        n = _quotation_at(r, k, pieces.stop, runs)
        if n:
            group = r.pieces[k:k + n]
            cited = citation_span(group[-1]) if opens_quotation(group[0].text) or r.layout.indented(group[0]) else None
            source_line = None
            if n == 2 and _cited_line(r, k, k + 2):  # the source on a line of its own
                group, source_line = group[:1], group[1]
                cited = (source_line.start, source_line.end)
            verse = all(len(p.lines) == 1 for p in group) and len(group) > 1 and \
                all(sum(q.block == p.block for q in group) > 1 for p in group) and \
                verse_like([p.lines[0] for p in group], r.layout.measure)  # lines of a stanza, not paragraphs
            item = r.claim(Item("quote", group, verse=verse, citation=cited))
            if source_line is not None:
                r.claimed[id(source_line)] = item
            if not opens_quotation(group[0].text):
                r.guess(group[0], "set in from the margin without quotation marks: read as a block quotation",
                        "quotations")
            k += n
        else:
            k += 1


def _quotation_at(r: Reading, k: int, stop: int, runs: BlockRuns) -> int:
    piece = r.pieces[k]
    if not r.free(k):
        return 0
    decided = r.overrides.decide("quotations", piece)
    if decided is False:
        return 0
    if r.layout.indented(piece):
        return _set_in(r, k, stop)
    cited = _cited_line(r, k, stop)
    if cited:
        return cited
    n = quoted_run(r, k, stop, runs)
    if n:
        # each paragraph quoted whole and uncited: the next such paragraph goes on the same quotation
        while k + n < stop and citation_span(r.pieces[k + n - 1]) is None and \
                r.layout.indented(r.pieces[k + n]) == r.layout.indented(piece):
            more = quoted_run(r, k + n, stop, runs)
            if not more:
                break
            n += more
        return n
    if decided:
        return 1
    return 0


def _cited_line(r: Reading, k: int, stop: int) -> int:
    """`"We ask for nothing but the vote."` / `(National Petition, 1839.)`: a quoted line closed on
    its line, its source in parentheses on the next line of the block. 2, or 0."""
    pieces = r.pieces
    if k + 1 >= stop or not r.free(k + 1) or pieces[k + 1].block != pieces[k].block:
        return 0
    text, source = pieces[k].text, pieces[k + 1].text
    closes = opens_quotation(text) and closes_quotation(text)
    return 2 if closes and source.startswith("(") and source.endswith(")") and len(source) < 200 else 0


def _set_in(r: Reading, k: int, stop: int) -> int:
    """Set-in blocks from k: one quotation while its opening quotation mark is not closed, and
    the lines of one block of verse."""
    pieces = r.pieces
    j = k
    open_mark = False
    while j < stop and r.free(j) and r.layout.indented(pieces[j]):
        block = block_from(pieces, j, stop)
        text = "\n".join(p.text for p in block)
        if j > k and not (open_mark and opens_quotation(text)):
            break
        if opens_quotation(text):
            open_mark = not closes_quotation(quotation_body(text))
        j += len(block)
        if not open_mark:
            break
    return j - k
