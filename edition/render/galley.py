"""The body as a galley, for the page make-up of notes cut in two (issue 14 point 2).

One layout of the body is read back as a galley: its text lines in order (height, the space
above each, where a page may or must end before it, the notes it calls) and its notes (the
height of each line). `make_up` then breaks that galley into pages the way WeasyPrint does —
as many lines as fit above their notes, a page ended at the last place widows, orphans and the
`break-*` properties allow — and, where a page would stop short of its notes because the next
lines' last note does not fit, cuts that note: as many of its lines as the page holds stay with
the call, the rest opens the next page's notes. All the cuts a book needs are found in one pass
and laid out at once (render/typeset.py `cut_notes`): each cut moves every later page break, and
laying the book out again after each was a layout of the body per short page.

The galley is measured, not modelled: heights and spaces between lines on one page are read
from the layout; only where two lines stood on different pages is the space between them taken
from the styles (collapsed margins, paddings, borders) — a page's top truncates margins. `check`
compares the pages `make_up` finds without cuts with the layout it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AVOID = ("avoid", "avoid-page")
FORCED = ("page", "left", "right", "recto", "verso")
HEADINGS = ("h1", "h2", "h3", "h4")
#: the fewest lines of a cut note on its call's page, and on the next: one, as TeX allows (a note
#: cut after its first line ends it justified, and the rest is marked continued)
MIN_AT_CALL, MIN_OVERLEAF = 1, 1
EPSILON = 0.01


@dataclass
class Line:
    height: float
    gap: float  # the space above it when it follows the line before on one page
    top: float  # the space above it when it opens a page
    element: object
    index: int  # its index among its block's lines
    calls: list[str]
    allowed: bool = True  # a page may end before it
    forced: bool = False  # a page must end before it
    orphans: int = 2  # its block's
    widows: int = 2


@dataclass
class Note:
    lines: list[float]
    extra: float  # margins, borders, paddings

    @property
    def height(self) -> float:
        return self.extra + sum(self.lines)


@dataclass
class Galley:
    lines: list[Line]
    notes: dict[str, Note]
    height: float  # a page's text block
    area_top: float  # what the footnote area takes above its first note
    starts: list[int] = field(default_factory=list)  # the first line of each page, as laid out


@dataclass(frozen=True)
class Cut:
    """A note cut after `lines` of its lines on page `page`; the rest opens the notes of the
    next page, whose first line is galley line `anchor`."""

    page: int
    note: str
    lines: int
    anchor: int


# --- reading a layout ---------------------------------------------------------------------------

def text_lines(box, chain: tuple = ()) -> list[tuple]:
    """The line boxes of a page's text in order, each with the block boxes it is in; not those
    inside an inline block (a margin number is laid out as one)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        return [(box, chain)]
    if isinstance(box, boxes.InlineBlockBox):
        return []
    if isinstance(box, boxes.BlockBox):
        chain = chain + (box,)
    return [found for child in getattr(box, "children", ()) for found in text_lines(child, chain)]


def _px(value) -> float:
    return value.value if getattr(value, "unit", None) == "px" else 0.0


def _same(a, b) -> bool:
    return a.element is b.element and a.element_tag == b.element_tag


def _between(before: tuple, after: tuple) -> tuple[tuple, tuple, tuple]:
    """The boxes two lines share, those that end with the first and those that start with the second."""
    shared = 0
    while shared < min(len(before), len(after)) and _same(before[shared], after[shared]):
        shared += 1
    return before[:shared], before[shared:], after[shared:]


def _space(ending: tuple, starting: tuple, page_top: bool) -> float:
    """The space between blocks that end and blocks that start: paddings and borders, and the
    margins collapsed (none at a page's top)."""
    pads = sum(_px(b.style["padding_top"]) + b.style["border_top_width"] for b in starting)
    if page_top:
        return pads
    pads += sum(_px(b.style["padding_bottom"]) + b.style["border_bottom_width"] for b in ending)
    margins = [_px(b.style["margin_bottom"]) for b in ending] + [_px(b.style["margin_top"]) for b in starting]
    return pads + max([m for m in margins if m > 0], default=0.0) + min([m for m in margins if m < 0], default=0.0)


def _calls(line) -> list[str]:
    return [d.footnote.element.get("id") for d in line.descendants()
            if getattr(d, "footnote", None) is not None and d.footnote.element is not None]


def measure(document) -> Galley:
    """The galley of a laid-out body."""
    from weasyprint.formatting_structure import boxes

    from .weasyprint70 import page_box

    lines: list[Line] = []
    notes: dict[str, Note] = {}
    starts: list[int] = []
    height = area_top = 0.0
    previous = None  # (line box, chain, page number)
    counts: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        tree = page_box(page)
        height, top = tree.height, tree.content_box_y()
        found: list = []
        for child in tree.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                area_top = area_top or child.margin_top + child.border_top_width + child.padding_top
                for note in child.children:
                    if note.element is not None:
                        heights = [b.height for b in note.descendants() if isinstance(b, boxes.LineBox)]
                        notes[note.element.get("id")] = Note(heights, note.margin_height() - sum(heights))
            elif not isinstance(child, boxes.MarginBox):
                found += text_lines(child)
        if found:
            starts.append(len(lines))
        for box, chain in found:
            index = counts.get(id(box.element), 0)
            counts[id(box.element)] = index + 1
            line = Line(box.height, 0.0, box.position_y - top, box.element, index, _calls(box))
            if chain:
                line.orphans, line.widows = chain[-1].style["orphans"], chain[-1].style["widows"]
            if previous is not None:
                shared, ending, starting = _between(previous[1], chain)
                if previous[2] == number:
                    line.gap = box.position_y - (previous[0].position_y + previous[0].height)
                    line.top = _space(ending, starting, True)
                else:
                    line.gap = _space(ending, starting, False)
                line.allowed, line.forced = _break_rules(shared, ending, starting)
            lines.append(line)
            previous = (box, chain, number)
    _widows_and_orphans(lines, counts)
    return Galley(lines, notes, height, area_top, starts)


def _break_rules(shared: tuple, ending: tuple, starting: tuple) -> tuple[bool, bool]:
    """Whether a page may end, and must end, between two lines (the `break-*` properties of
    the boxes they share, of those that end with the first and those that start with the second)."""
    forced = any(b.style["break_after"] in FORCED for b in ending) or \
        any(b.style["break_before"] in FORCED for b in starting)
    avoid = any(b.style["break_inside"] in AVOID for b in shared)
    avoid = avoid or any(b.style["break_after"] in AVOID for b in ending)
    avoid = avoid or any(b.style["break_before"] in AVOID for b in starting)
    return forced or not avoid, forced


def _widows_and_orphans(lines: list[Line], counts: dict[int, int]) -> None:
    """No page ends inside a block before its `orphans`-th line or with fewer than its `widows`
    last lines left for the next."""
    for line in lines:
        total = counts[id(line.element)]
        if 0 < line.index and (line.index < line.orphans or total - line.index < line.widows):
            line.allowed = line.forced


# --- making up pages on paper --------------------------------------------------------------------

@dataclass
class _Page:
    start: int
    used: float = 0.0  # text, from the top
    area: float = 0.0  # the footnote area (0: none)
    placed: list = field(default_factory=list)  # after each line: (used, area)


def _notes_height(galley: Galley, calls: list[str], area: float) -> float:
    add = sum(galley.notes[c].height for c in calls if c in galley.notes)
    return area + (galley.area_top if add and not area else 0.0) + add


def make_up(galley: Galley, cut: bool = True) -> tuple[list[int], list[Cut]]:
    """The first line of each page, and the notes cut, as `galley` breaks into pages."""
    lines, starts, cuts = galley.lines, [], []
    i, carry = 0, 0.0  # carry: a cut note's rest, opening the next page's notes
    while i < len(lines):
        starts.append(i)
        page = _Page(i, area=(galley.area_top + carry) if carry else 0.0)
        carry, j = 0.0, i
        while j < len(lines):
            line = lines[j]
            if j > i and line.forced:
                break
            used = page.used + (line.top if j == i else line.gap) + line.height
            area = _notes_height(galley, line.calls, page.area)
            if j > i and used + area > galley.height + EPSILON:
                break
            page.used, page.area = used, area
            page.placed.append((used, area))
            j += 1
        end = j if j == len(lines) or lines[j].forced else _back_up(lines, i, j)
        if cut and end < len(lines) and not lines[end].forced:
            found = _cut(galley, page, end, len(starts) - 1)
            if found is not None:
                cuts.append(found[0])
                end, carry = found[0].anchor, found[1]
        i = max(end, i + 1)
    return starts, cuts


def _back_up(lines: list[Line], start: int, end: int) -> int:
    """Where a page that holds lines start…end-1 ends: before the last line a page may end before."""
    for k in range(end, start, -1):
        if lines[k].allowed:
            return k
    return end


def _cut(galley: Galley, page: _Page, end: int, number: int) -> tuple[Cut, float] | None:
    """The cut that fills a short page ending before line `end`, and the height of the rest of
    the note. The page takes the lines up to the next place a page may end, with the notes they
    call, and the last note on the page is cut: the last of those lines' notes, or, when they
    call none, the last of the page's own (its lines moved overleaf make room for the text, as
    a compositor runs a note over rather than leave the page short)."""
    lines = galley.lines
    used, area = page.placed[end - page.start - 1] if end > page.start else (0.0, page.area)
    room = galley.height - used - area
    if room <= 1.5 * lines[end].height or lines[end].element.tag in HEADINGS:
        return None  # not short, or a heading comes next
    stop = end + 1
    while stop < len(lines) and not lines[stop].allowed:
        stop += 1
    if stop >= len(lines):
        return None
    chunk = lines[end:stop]
    calls = [c for line in chunk for c in line.calls]
    on_page = [c for line in lines[page.start:end] for c in line.calls]
    last = (calls or on_page or [None])[-1]
    if last not in galley.notes:
        return None  # no note to cut (a note continued from the page before is not cut again)
    note = galley.notes[last]
    full = used + sum(line.gap + line.height for line in chunk) + _notes_height(galley, calls, area)
    keep = len(note.lines) - MIN_OVERLEAF
    while keep >= MIN_AT_CALL and full - sum(note.lines[keep:]) > galley.height + EPSILON:
        keep -= 1
    if keep < MIN_AT_CALL:
        return None
    filled = full - sum(note.lines[keep:])
    if filled + lines[stop].gap + lines[stop].height <= galley.height:
        return None  # the page would take more lines: the note is not what keeps them off
    rest = note.extra + sum(note.lines[keep:])
    return Cut(number, last, keep, stop), rest


def anchor_line(lines: list[Line], start: int) -> int | None:
    """The first line from `start` on that a note's rest can be anchored at: the first line of a
    block other than a heading, or any line of a block whose lines were set (after the newline
    that ends the line before); None when there is none within a few lines."""
    from .linebreak import SET_CLASS
    from .linemeasure import classes_of

    for at in range(start, min(start + 4, len(lines))):
        element = lines[at].element
        if element is None or element.tag in HEADINGS:
            continue
        if lines[at].index == 0 or SET_CLASS in classes_of(element):
            return at
    return None


def check(galley: Galley) -> bool:
    """Whether `make_up` without cuts finds the pages of the layout the galley was read from."""
    return make_up(galley, cut=False)[0] == galley.starts
