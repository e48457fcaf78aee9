"""Total-fit line breaking (Knuth and Plass, "Breaking paragraphs into lines", 1981), on its own.

A paragraph is a list of items: boxes (a piece of a word: width only), glue (a word space: its
natural width, how far it may stretch and how far it may shrink) and penalties (a place to break
that is not a space: a hyphenation point, after a dash; `flagged` when the line then ends in a
hyphen). `breakpoints` chooses the breaks that minimise the paragraph's total demerits, as TeX
does, with one more rule than TeX: no more than `max_hyphens` hyphenated line ends in a row.

Here a space's `stretch` and `shrink` are the amounts at which the line's adjustment ratio is +1
or -1, and a line may never shrink beyond -1 (the space has a hard minimum: WeasyPrint justifies by
adding space, never by taking it away, so the minimum is the space it sets before justifying).
The ratio may exceed +1 up to the pass's tolerance: the caller decides what a ratio means.

Nothing here knows about HTML or fonts (render/linebreak.py builds the items from the laid-out
text's styles and font metrics).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import inf
from typing import Callable, Sequence

BOX, GLUE, PENALTY = "box", "glue", "penalty"


@dataclass
class Item:
    kind: str
    width: float = 0.0
    stretch: float = 0.0
    shrink: float = 0.0
    penalty: float = 0.0
    flagged: bool = False
    breakable: bool = True  # a glue that may not be broken at (a no-break space) is not breakable
    ref: object = None  # what the caller needs to carry out a break here
    track: float = 0.0  # a box: how much wider letter-spacing can make it
    ligature: bool = False  # a box with a ligature: its line is never letter-spaced


def box(width: float, ref: object = None, track: float = 0.0, ligature: bool = False) -> Item:
    return Item(BOX, width, ref=ref, track=track, ligature=ligature)


def glue(width: float, stretch: float, shrink: float, ref: object = None, breakable: bool = True) -> Item:
    return Item(GLUE, width, stretch, shrink, breakable=breakable, ref=ref)


def penalty(width: float, cost: float, flagged: bool = False, ref: object = None) -> Item:
    return Item(PENALTY, width, penalty=cost, flagged=flagged, ref=ref)


@dataclass
class Params:
    tolerance: float = 1.0  # the largest adjustment ratio a line may have (stretching)
    line_penalty: float = 10.0
    double_hyphen_demerits: float = 3000.0
    final_hyphen_demerits: float = 5000.0
    adj_demerits: float = 10000.0
    max_hyphens: int = 2  # hyphenated line ends in a row
    looseness_lines: int | None = None  # when set: the paragraph must have exactly this many lines
    no_hyphen_lines: frozenset[int] = frozenset()  # lines (0-based) that may not end with a hyphen
    #: a line stretched beyond `loose_ratio` costs `loose_demerits` more: with demerits far above
    #: any other, the paragraph has as few such lines as its breaks allow
    loose_ratio: float = inf
    loose_demerits: float = 1e7
    #: letter-spacing: a line whose spaces would stretch beyond `track_from` and that has no
    #: ligature (letter-spacing undoes ligatures) takes the excess in its boxes' `track` first,
    #: at `track_demerits` more
    track_from: float = inf
    track_demerits: float = 2000.0
    ligature_track_demerits: float = inf  # a line with a ligature letter-spaced (inf: never)


@dataclass
class Line:
    start: int  # index of the first item of the line (after the discarded ones)
    end: int  # index of the break item
    ratio: float  # of the spaces, after any letter-spacing
    natural: float  # width at the natural spaces
    width: float  # the measure
    tracking: float = 0.0  # the width letter-spacing adds
    demerits: float = 0.0  # of the paragraph up to this line


@dataclass
class _Node:
    position: int
    line: int
    fitness: int
    hyphens: int  # hyphenated line ends in a row up to this break
    demerits: float
    ratio: float
    previous: "_Node | None" = field(default=None, repr=False)
    tracking: float = 0.0


def _fitness(ratio: float) -> int:
    if ratio < -0.5:
        return 0
    if ratio <= 0.5:
        return 1
    if ratio <= 1.0:
        return 2
    return 3


def breakpoints(items: Sequence[Item], line_width: Callable[[int], float], params: Params = Params(),
                forbidden: frozenset[int] = frozenset()) -> list[Line] | None:
    """The optimal lines of a paragraph, or None when no breaks keep every line within
    tolerance. The last item must be a forced break (a penalty of -inf). `line_width(k)` is the
    measure of line k (0-based); `forbidden` are item indices that may not be broken at."""
    n = len(items)
    # cumulative sums up to (not including) each item
    sw = [0.0] * (n + 1)
    sy = [0.0] * (n + 1)
    sz = [0.0] * (n + 1)
    st = [0.0] * (n + 1)
    sl = [0] * (n + 1)
    for i, it in enumerate(items):
        w, y, z = (it.width, it.stretch, it.shrink) if it.kind != PENALTY else (0.0, 0.0, 0.0)
        sw[i + 1], sy[i + 1], sz[i + 1] = sw[i] + w, sy[i] + y, sz[i] + z
        st[i + 1], sl[i + 1] = st[i] + it.track, sl[i] + it.ligature

    def after_break(b: int) -> int:
        """The first item of the line after a break at b: glue and penalties are discarded."""
        j = b + 1 if b >= 0 else 0
        while j < n and items[j].kind != BOX:
            if items[j].kind == PENALTY and items[j].penalty == -inf:
                break
            j += 1
        return j

    count_lines = params.looseness_lines is not None or bool(params.no_hyphen_lines)
    tolerance, track_from = params.tolerance, params.track_from
    track_ligatures = params.ligature_track_demerits != inf
    no_hyphen, max_hyphens = params.no_hyphen_lines, params.max_hyphens
    widths: dict[int, float] = {}

    start = _Node(-1, 0, 1, 0, 0.0, 0.0)
    active: dict[tuple, _Node] = {(-1, 1, 0, 0): start}
    starts: dict[int, int] = {-1: after_break(-1)}
    for b, it in enumerate(items):
        kind = it.kind
        if kind == GLUE:
            if not it.breakable or b == 0 or items[b - 1].kind != BOX:
                continue
        elif kind == PENALTY:
            if it.penalty == inf:
                continue
        else:
            continue
        forced = kind == PENALTY and it.penalty == -inf
        if b in forbidden and not forced:
            continue
        flagged = kind == PENALTY and it.flagged
        extra = it.width if kind == PENALTY else 0.0
        if kind == PENALTY and it.penalty >= 0:
            cost = it.penalty ** 2
        elif kind == PENALTY and not forced:
            cost = -it.penalty ** 2
        else:
            cost = 0.0
        swb, syb, szb, stb, slb = sw[b], sy[b], sz[b], st[b], sl[b]
        best: dict[tuple, _Node] = {}
        gone = []
        for key, a in active.items():
            s = starts[a.position]
            if s >= b:
                continue  # an empty line
            natural = swb - sw[s] + extra
            width = widths.get(a.line)
            if width is None:
                width = widths[a.line] = line_width(a.line)
            tracking = 0.0
            if natural < width:
                stretch = syb - sy[s]
                excess = width - natural
                if (not forced and stretch != inf and excess > track_from * stretch
                        and (slb == sl[s] or track_ligatures)):
                    tracking = min(excess - track_from * stretch, stb - st[s])
                ratio = (excess - tracking) / stretch if stretch > 0 else inf
            elif natural > width:
                shrink = szb - sz[s]
                ratio = (width - natural) / shrink if shrink > 0 else -inf
            else:
                ratio = 0.0
            if ratio < -1:
                gone.append(key)  # every later break makes this line longer still
                continue
            if ratio > tolerance:
                continue  # (a last line before its fill glue, of infinite stretch, has ratio 0)
            hyphens = a.hyphens + 1 if flagged else 0
            if hyphens > max_hyphens or (hyphens and a.line in no_hyphen):
                continue
            badness = 100.0 * abs(ratio) ** 3 if ratio != inf else 10000.0
            demerits = (params.line_penalty + badness) ** 2 + cost
            if a.position >= 0 and items[a.position].kind == PENALTY and items[a.position].flagged:
                if flagged:
                    demerits += params.double_hyphen_demerits
                elif forced:
                    demerits += params.final_hyphen_demerits
            if ratio > params.loose_ratio and not forced:
                demerits += params.loose_demerits
            if tracking > 0:
                demerits += params.track_demerits
                if slb != sl[s]:
                    demerits += params.ligature_track_demerits
            fitness = _fitness(ratio)
            if abs(fitness - a.fitness) > 1:
                demerits += params.adj_demerits
            total = a.demerits + demerits
            k = (b, fitness, hyphens, a.line + 1 if count_lines else 0)
            found = best.get(k)
            if found is None or total < found.demerits:
                best[k] = _Node(b, a.line + 1, fitness, hyphens, total, ratio, a, tracking)
        for key in gone:
            del active[key]
        if forced:
            active.clear()
        active.update(best)
        if best:
            starts[b] = after_break(b)
        if not active:
            return None
    finals = [a for a in active.values() if a.position == n - 1]
    if params.looseness_lines is not None:
        finals = [a for a in finals if a.line == params.looseness_lines]
    if not finals:
        return None
    node = min(finals, key=lambda a: a.demerits)
    lines: list[Line] = []
    while node.previous is not None:
        s = starts[node.previous.position]
        extra = items[node.position].width if items[node.position].kind == PENALTY else 0.0
        lines.append(Line(s, node.position, node.ratio, sw[node.position] - sw[s] + extra,
                          line_width(node.previous.line), node.tracking, node.demerits))
        node = node.previous
    lines.reverse()
    return lines
