"""The source as the reader sees it: lines, blocks of lines, and pieces (candidate units).

A *block* is a run of non-blank lines. A *piece* is what may become one paragraph-level unit: a
whole block when its lines are a hard-wrapped paragraph, otherwise each line of it (a title page,
consecutive list items, verse, a letter's salutation over its first paragraph). Every piece knows
its place in the source, so that the TEI built from it keeps every character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_QUOTES = '"\u201c\u201e\u00ab\u2018'
CLOSE_QUOTES = '"\u201d\u00bb\u2019'
#: How long a line of a hard-wrapped text is when nothing is known (Project Gutenberg wraps at 70-75).
DEFAULT_MEASURE = 72


@dataclass
class Line:
    text: str    # the raw line, without its newline
    start: int   # offset of its first character in the source text
    number: int  # 1-based

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())

    @property
    def content(self) -> str:
        return self.text.strip()

    @property
    def content_start(self) -> int:
        return self.start + self.indent

    @property
    def content_end(self) -> int:
        return self.start + len(self.text.rstrip())


@dataclass
class Piece:
    """A candidate unit: one or more consecutive lines of one block."""
    lines: list[Line]
    block: int                     # index of its block
    text: str = ""                 # the source from its first to its last character (set by `layout`)

    @property
    def start(self) -> int:
        return self.lines[0].content_start

    @property
    def end(self) -> int:
        return self.lines[-1].content_end

    @property
    def number(self) -> int:
        return self.lines[0].number

    @property
    def indent(self) -> int:
        return min(line.indent for line in self.lines)

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass
class Layout:
    """The pieces of a source, and what its layout says about them."""
    text: str
    blocks: list[list[Line]]
    pieces: list[Piece]
    measure: int            # the line length of its hard-wrapped paragraphs
    wrapped: bool           # are its paragraphs hard-wrapped (most downloaded texts are)?
    body_indent: int        # the indentation of ordinary paragraphs
    first_indent: int       # … and of their first lines, where the text indents them

    def indented(self, piece: Piece) -> bool:
        """Set in from the margin of ordinary paragraphs (a block quotation by layout). A one-line
        paragraph of a text that indents first lines is not set in."""
        if len(piece.lines) == 1 and self.first_indent > self.body_indent and piece.indent == self.first_indent:
            return False
        return piece.indent >= self.body_indent + 2


def block_from(pieces: list[Piece], k: int, stop: int | None = None) -> list[Piece]:
    """The pieces of piece k's block from k on (before `stop`). A block's pieces are consecutive, so
    this looks no further than its end (scanning to the end of the text from each heading of
    10,000 took seconds and grew with the square)."""
    stop = len(pieces) if stop is None else stop
    end = k
    while end < stop and pieces[end].block == pieces[k].block:
        end += 1
    return pieces[k:end]


def split_blocks(text: str) -> list[list[Line]]:
    """Runs of non-blank lines. A line of only whitespace (no-break spaces included) is blank."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            current.append(Line(raw, offset, number))
        elif current:
            blocks.append(current)
            current = []
        offset += len(raw) + 1
    if current:
        blocks.append(current)
    return blocks


def measure_of(blocks: list[list[Line]]) -> int:
    """The wrapping width: the longest usual line of multi-line blocks (lines over 100 are not wrapped)."""
    lengths = sorted(len(line.text.rstrip()) for block in blocks if len(block) > 1 for line in block
                     if len(line.text.rstrip()) <= 100)
    if len(lengths) < 10:
        return DEFAULT_MEASURE
    return max(40, lengths[int(len(lengths) * 0.95) - 1])


def wrapped_prose(block: list[Line], measure: int) -> bool:
    """Lines of one paragraph broken to a measure: every line but the last fills most of it."""
    if len(block) < 2 or max(len(line.text.rstrip()) for line in block) > 100:
        return False
    return all(len(line.text.rstrip()) >= 0.75 * measure for line in block[:-1])


def verse_like(lines: list[Line], measure: int) -> bool:
    """Lines that each begin with a capital and are not broken to the measure (as a wrapped
    paragraph's are): verse."""
    if len(lines) < 2 or wrapped_prose(lines, measure):
        return False
    for line in lines:
        body = line.content.lstrip(OPEN_QUOTES + "'(\u2014-")
        if not body[:1].isupper() or len(line.text.rstrip()) > measure + 5:
            return False
    return True


def layout(text: str) -> Layout:
    """Cut a source into pieces: hard-wrapped paragraphs whole, other blocks line by line."""
    blocks = split_blocks(text)
    measure = measure_of(blocks)
    lines = sum(len(b) for b in blocks)
    in_prose = sum(len(b) for b in blocks if wrapped_prose(b, measure))
    wrapped = lines > 0 and in_prose >= 0.5 * lines
    pieces: list[Piece] = []
    for index, block in enumerate(blocks):
        whole = not _labelled_lines(block) and (wrapped_prose(block, measure) or wrapped) \
            and not (wrapped and verse_like(block, measure))
        if whole:
            pieces.append(Piece(list(block), index))
        else:
            pieces.extend(Piece([line], index) for line in block)
    for piece in pieces:
        piece.text = text[piece.start:piece.end]
    long = [p for p in pieces if len(p.text) > 200]
    body_indent = sorted(p.indent for p in long)[len(long) // 2] if long else 0
    first_indent = sorted(p.lines[0].indent for p in long)[len(long) // 2] if long else 0
    return Layout(text, blocks, pieces, measure, wrapped, body_indent, first_indent)


LIST_LABEL = re.compile(r"(?:\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)]|\([a-z]\)|[IVXLC]{1,7}[.)]|\([ivxlc]{1,7}\)"
                        r"|[-*\u2022\u2013\u2014])\s+\S")


def _labelled_lines(block: list[Line]) -> bool:
    """Every line of the block opens with a list label: items on consecutive lines."""
    return len(block) > 1 and all(LIST_LABEL.match(line.content) for line in block)
