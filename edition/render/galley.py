"""The body as a galley, for the page make-up (issue 14 point 2: full pages).

One layout of the body is read back as a galley: its text lines in order (height, the space
above each, where a page may or must end before it, the notes it calls) and its notes (the
height of each line). `make_up` then breaks that galley into pages the way WeasyPrint does —
as many lines as fit above their notes, a page ended at the last place widows, orphans and the
`break-*` properties allow — and fills a page that would stop short because the next lines
(those that must go together, with their notes) do not fit: the space above its notes shrinks
a little (`FOOT_SQUEEZE`), else the last note on the page is cut — as many of its lines as the
page holds stay with the call, the rest opens the next page's notes. All the cuts a book needs
are found in one pass and laid out at once (render/typeset.py `cut_notes`): each cut moves every
later page break, and laying the book out again after each was a layout of the body per short
page. `fill_pages` chooses, before that, the paragraphs to set a line longer or shorter where
that leaves fewer pages short, trying each on paper.

The galley is measured, not modelled: heights and spaces between lines on one page are read
from the layout; only where two lines stood on different pages is the space between them taken
from the styles (collapsed margins, paddings, borders) — a page's top truncates margins. `check`
compares the pages `make_up` finds without cuts with the layout it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import islice

AVOID = ("avoid", "avoid-page")
FORCED = ("page", "left", "right", "recto", "verso")
SIDES = {"left": "left", "verso": "left", "right": "right", "recto": "right"}
HEADINGS = ("h1", "h2", "h3", "h4")
#: the fewest lines of a cut note on its call's page, and on the next: one, as TeX allows (a note
#: cut after its first line ends it justified, and the rest is marked continued)
MIN_AT_CALL, MIN_OVERLEAF = 1, 1
EPSILON = 0.01
#: how much the space between the text and the footnote rule (print.css `@footnote`
#: margin-top, 2.5 mm) may shrink on a page to take the lines that would leave it short: 2 px (1.5 pt),
#: which the eye does not tell from page to page (TeX's \skip\footins may shrink by 4 pt)
FOOT_SQUEEZE = 2.0  # px
#: a shrunk space is planned half a pixel more than the paper asks (a note cut there has come
#: out that much taller than its lines on paper)
SQUEEZE_SAFETY = 0.5


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
    free: bool = True  # the `break-*` properties let a page end before it (widows and orphans aside)
    side: str = ""  # "right" or "left": the page it must open is a recto, or a verso
    orphans: int = 2  # its block's
    widows: int = 2


@dataclass
class Note:
    lines: list[float]
    extra: float  # margins, borders, paddings
    element: object = None

    @property
    def height(self) -> float:
        return self.extra + sum(self.lines)


@dataclass
class Galley:
    lines: list[Line]
    notes: dict[str, Note]
    height: float  # a page's text block
    area_top: float  # what the footnote area takes above its first note
    area_margin: float = 0.0  # of that, the space above the rule
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
    inside an inline block (a margin number is laid out as one), nor a list item's marker (set
    beside its first line, not a line of its own)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        return [] if (box.element_tag or "").endswith("::marker") else [(box, chain)]
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
    height = area_top = area_margin = 0.0
    previous = None  # (line box, chain, page number)
    counts: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        tree = page_box(page)
        height, top = tree.height, tree.content_box_y()
        found: list = []
        for child in tree.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                area_top = max(area_top, child.margin_top + child.border_top_width + child.padding_top)
                area_margin = max(area_margin, child.margin_top)
                for note in child.children:
                    if note.element is not None:
                        heights = [b.height for b in note.descendants() if isinstance(b, boxes.LineBox)]
                        notes[note.element.get("id")] = Note(heights, note.margin_height() - sum(heights), note.element)
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
                line.free, side = _break_rules(shared, ending, starting)
                line.forced, line.side = bool(side), SIDES.get(side, "")
            lines.append(line)
            previous = (box, chain, number)
    _widows_and_orphans(lines, counts)
    return Galley(lines, notes, height, area_top, area_margin, starts)


def _break_rules(shared: tuple, ending: tuple, starting: tuple) -> tuple[bool, str]:
    """Whether a page may end between two lines, and the break a page must end with there ("":
    none; "page", "right", …), from the `break-*` properties of the boxes they share, of those
    that end with the first and those that start with the second."""
    values = [b.style["break_after"] for b in ending] + [b.style["break_before"] for b in starting]
    forced = next((v for v in values if v in SIDES), next((v for v in values if v in FORCED), ""))
    avoid = any(b.style["break_inside"] in AVOID for b in shared) or any(v in AVOID for v in values)
    return bool(forced) or not avoid, forced


def _widows_and_orphans(lines: list[Line], counts: dict[int, int]) -> None:
    """No page ends inside a block before its `orphans`-th line or with fewer than its `widows`
    last lines left for the next."""
    for line in lines:
        _allow(line, counts[id(line.element)])


def _allow(line: Line, total: int) -> None:
    inside = 0 < line.index and (line.index < line.orphans or total - line.index < line.widows)
    line.allowed = line.forced if inside else line.free


def relined(galley: Galley, first: int, delta: int) -> Galley | None:
    """The galley with the block whose first line is line `first` set a line longer (`delta`
    1: a line like its last, calling nothing, added) or shorter (-1: its last line taken away,
    what that line called moved to the line before); None when it has one line to take away."""
    element = galley.lines[first].element
    end = first + 1
    while end < len(galley.lines) and galley.lines[end].element is element:
        end += 1
    at = list(range(first, end))
    if len(at) + delta < 1:
        return None
    lines = list(galley.lines)
    last = lines[at[-1]]
    if delta > 0:
        inner_top = lines[at[1]].top if len(at) > 1 else 0.0
        lines.insert(at[-1] + 1, replace(last, gap=0.0, top=inner_top, index=last.index + 1, calls=[],
                                         free=True, forced=False))
        block = at + [at[-1] + 1]
    else:
        lines[at[-2]] = replace(lines[at[-2]], calls=lines[at[-2]].calls + last.calls)
        del lines[at[-1]]
        block = at[:-1]
    for i in block:
        lines[i] = replace(lines[i])
        _allow(lines[i], len(block))
    return replace(galley, lines=lines, starts=[])


def renoted(galley: Galley, name: str, delta: int) -> Galley | None:
    """The galley with note `name` set a line longer or shorter; None when it has one line."""
    note = galley.notes[name]
    full = max(note.lines, default=0.0)
    lines = list(note.lines)
    if delta > 0:
        lines.append(full)
    elif sum(1 for h in lines if h) > 1:
        del lines[len(lines) - 1 - lines[::-1].index(full)]
    else:
        return None
    return replace(galley, notes={**galley.notes, name: replace(note, lines=lines)})


# --- making up pages on paper --------------------------------------------------------------------

@dataclass
class _Page:
    start: int
    number: int
    index: int  # in the layout: a blank page, which the galley has not, before a section's recto
    carry: float = 0.0  # the rest of a note cut on the page before, opening this one's notes
    used: float = 0.0  # text, from the top
    area: float = 0.0  # the footnote area (0: none)
    placed: list = field(default_factory=list)  # after each line: (used, area)
    end: int = 0  # its last line + 1
    room: float = 0.0  # left between its text and its notes (or its foot)
    cut: Cut | None = None
    squeeze: float = 0.0  # what the space above its notes shrinks


def _notes_height(galley: Galley, calls: list[str], area: float) -> float:
    add = sum(galley.notes[c].height for c in calls if c in galley.notes)
    return area + (galley.area_top if add and not area else 0.0) + add


def make_up(galley: Galley, cut: bool = True) -> tuple[list[int], list[Cut], dict[int, float]]:
    """The first line of each page, the notes cut, and what the space above the notes shrinks
    on each page that needs it (by the page's index in the layout), as `galley` breaks into
    pages."""
    pages = list(_pages(galley, cut))
    return [p.start for p in pages], [p.cut for p in pages if p.cut is not None], \
        {p.index: p.squeeze for p in pages if p.squeeze}


def foot_rules(galley: Galley, squeezes: dict[int, float]) -> str:
    """The CSS that shrinks the space above the notes of the pages `make_up` found (0-based)."""
    return "".join(f"@page :nth({index + 1}) {{ @footnote {{ margin-top: {galley.area_margin - px:.2f}px; }} }}\n"
                   for index, px in sorted(squeezes.items()))


def _pages(galley: Galley, cut: bool = True, origin: _Page | None = None, count: int | None = None):
    """The pages `galley` breaks into: from the first line, or from where page `origin` (as
    made up before) starts; up to page `count` or to the end."""
    lines = galley.lines
    i, number, index, carry = (origin.start, origin.number, origin.index, origin.carry) if origin else (0, 0, 0, 0.0)
    while i < len(lines) and (count is None or number < count):
        if lines[i].side and (index % 2 == 0) != (lines[i].side == "right"):
            index += 1  # a blank page before a recto (or a verso) that must start a section
        page = _Page(i, number, index, carry, area=(galley.area_top + carry) if carry else 0.0)
        j = i
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
        used, area = page.placed[end - i - 1] if end > i else (0.0, page.area)
        page.room, carry = galley.height - used - area, 0.0
        if cut and end < len(lines) and not lines[end].forced:
            found = _foot(galley, page, end, number)
            if found is not None:
                end, page.cut, carry, filled = found
                page.room = galley.height - filled
                page.squeeze = filled - galley.height + SQUEEZE_SAFETY if filled > galley.height + EPSILON else 0.0
        page.end = max(end, i + 1)
        yield page
        i, number, index = page.end, number + 1, index + 1


def is_short(room: float, height: float, following) -> bool:
    """Whether a page whose text stops `room` above its notes (or its foot) is short: by more
    than a line and a half (lines `height` high), unless a heading comes next (`following`,
    the element of the next page's first line). The one rule of the page make-up on paper and
    on a layout (render/makeup.py `short_pages`), as ../shared/tools/check_typography.py counts."""
    return room > 1.5 * height and getattr(following, "tag", None) not in HEADINGS


def _short(galley: Galley, pages: list[_Page]) -> list[int]:
    lines = galley.lines
    return [n for n, (page, following) in enumerate(zip(pages, pages[1:]))
            if not lines[following.start].forced and  # a section's end
            is_short(page.room, lines[page.end - 1].height, lines[following.start].element)]


#: the pages after a short one over which a block set a line longer or shorter is judged
FILL_REACH = 2


def fill_pages(galley: Galley, options, budget: int) -> dict[object, int]:
    """The blocks to set a line longer or shorter (element → 1 or -1) so that fewer pages are
    short, the page make-up (with its note cuts) done on paper. For each short page in turn,
    the blocks and notes with a line on it or on the page before are tried at each length
    `options(element)` offers, as (delta, demerits more, loose lines more): one, else two.
    The change kept leaves the fewest pages short from the first page it moves to `FILL_REACH`
    pages after this one (and fewer than before), then costs the fewest loose lines, then the
    least demerits. Loose lines spent come out of `budget`. A block is changed once. Pages are
    made up as far as the page judged needs (a change makes them up again from where it moves
    them), and each trial only as far as it is judged: a long book is a few seconds."""
    chosen: dict[object, int] = {}
    pages: list[_Page] = []
    flow = _pages(galley)
    n = 0
    while True:
        pages += islice(flow, max(0, n + 3 + FILL_REACH - len(pages)))
        if n >= len(pages) - 1:
            return chosen
        if _short(galley, pages[n:n + 2]):
            tries = [(target, start, option) for target, start in _blocks(galley, pages, n)
                     if _element(galley, target) not in chosen for option in options(_element(galley, target))]
            best = None
            for one in tries:
                best = _better(galley, pages, n, [one], budget, best)
            if best is None:
                for k, one in enumerate(tries):
                    for other in tries[k + 1:]:
                        if other[0] != one[0]:
                            best = _better(galley, pages, n, [one, other], budget, best)
            if best is not None:
                _, changes, trial = best
                for target, _, (delta, _, loose) in changes:
                    chosen[_element(galley, target)], budget = delta, budget - max(loose, 0)
                galley, start = trial, min(c[1] for c in changes)
                flow = _pages(galley, True, pages[start])
                del pages[start:]
        n += 1


def _element(galley: Galley, target: int | str):
    """The element of a block (by its first line) or of a note (by its name)."""
    return galley.notes[target].element if isinstance(target, str) else galley.lines[target].element


def _better(galley: Galley, pages: list[_Page], n: int, changes: list, budget: int, best):
    """`best` or, when it is better, (score, changes, galley) for the galley with `changes` made:
    (block's first line or note's name, page it starts on, (delta, demerits, loose lines))."""
    loose = sum(max(option[2], 0) for _, _, option in changes)
    if loose > budget:
        return best
    trial, moved = galley, []  # moved: (line, lines added) of the blocks changed
    for target, _, (delta, _, _) in changes:
        if isinstance(target, str):
            trial = renoted(trial, target, delta)
        else:
            trial = relined(trial, target + sum(d for at, d in moved if at < target), delta)
            moved.append((target, delta))
        if trial is None:
            return best
    start = min(c[1] for c in changes)
    window = pages[start:n + 2 + FILL_REACH]
    tried = list(_pages(trial, True, window[0], start + len(window)))
    short = len(_short(trial, tried))
    score = (short, loose, sum(option[1] for _, _, option in changes))
    if short < len(_short(galley, window)) and (best is None or score < best[0]):
        return score, changes, trial
    return best


def _blocks(galley: Galley, pages: list[_Page], n: int) -> list[tuple[int | str, int]]:
    """The blocks with a line on page `n` or on the page before (by their first line) and the
    notes called there (by name), each with the page it starts on."""
    lines = galley.lines
    found: dict[int | str, tuple[int | str, int]] = {}
    for number in range(max(n - 1, 0), n + 1):
        for i in range(pages[number].start, pages[number].end):
            element = lines[i].element
            if element is not None and id(element) not in found:
                begins = i - lines[i].index
                found[id(element)] = (begins, next(k for k in range(number, -1, -1) if pages[k].start <= begins))
            for name in lines[i].calls:
                if name in galley.notes and galley.notes[name].element is not None:
                    found.setdefault(name, (name, number))
    return list(found.values())


def _back_up(lines: list[Line], start: int, end: int) -> int:
    """Where a page that holds lines start…end-1 ends: before the last line a page may end before."""
    for k in range(end, start, -1):
        if lines[k].allowed:
            return k
    return end


def _foot(galley: Galley, page: _Page, end: int, number: int) -> tuple[int, Cut | None, float, float] | None:
    """How a short page ending before line `end` is filled: it takes the lines up to the next
    place a page may end, with the notes they call, where the space above its notes shrinks
    (by `FOOT_SQUEEZE` at most), else where the last note on the page is cut (then with that
    space shrunk if need be): the last of those lines' notes, or, when they call none, the last
    of the page's own (its lines moved overleaf make room for the text, as a compositor runs a
    note over rather than leave the page short). Returns where the page now ends, the cut (or
    None), the height of the cut note's rest, and how far down the page is filled (beyond its
    height by what the space above the notes shrinks); None when the page cannot be filled."""
    lines = galley.lines
    used, area = page.placed[end - page.start - 1] if end > page.start else (0.0, page.area)
    if not is_short(page.room, lines[end].height, lines[end].element):
        return None
    stop = end + 1
    while stop < len(lines) and not lines[stop].allowed:
        stop += 1
    if stop >= len(lines):
        return None
    chunk = lines[end:stop]
    calls = [c for line in chunk for c in line.calls]
    full = used + sum(line.gap + line.height for line in chunk) + _notes_height(galley, calls, area)
    squeezed = galley.height + (FOOT_SQUEEZE - SQUEEZE_SAFETY if area or calls else 0.0) + EPSILON
    on_page = [c for line in lines[page.start:end] for c in line.calls]
    last = (calls or on_page or [None])[-1]
    for limit, cutting in ((squeezed, False), (galley.height + EPSILON, True), (squeezed, True)):
        if not cutting and full <= limit:
            cut, rest, filled = None, 0.0, full  # whole, the space above the notes shrunk
            break
        if cutting and last in galley.notes:  # not a note continued from the page before
            note = galley.notes[last]
            keep = len(note.lines) - MIN_OVERLEAF
            while keep >= MIN_AT_CALL and full - sum(note.lines[keep:]) > limit:
                keep -= 1
            if keep >= MIN_AT_CALL:
                cut, rest = Cut(number, last, keep, stop), note.extra + sum(note.lines[keep:])
                filled = full - sum(note.lines[keep:])
                break
    else:
        return None
    if filled + lines[stop].gap + lines[stop].height <= max(galley.height, filled):
        return None  # the page would take more lines: the note is not what keeps them off
    return stop, cut, rest, filled


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
