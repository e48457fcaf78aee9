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


class _Sums:
    """Cumulative widths, stretch, shrink, letter-spacing room and ligatures of the items up to
    (not including) each index: a line's totals are two subtractions."""

    def __init__(self, items: Sequence[Item]):
        n = len(items)
        self.width, self.stretch, self.shrink = [0.0] * (n + 1), [0.0] * (n + 1), [0.0] * (n + 1)
        self.track, self.ligatures = [0.0] * (n + 1), [0] * (n + 1)
        for i, it in enumerate(items):
            w, y, z = (it.width, it.stretch, it.shrink) if it.kind != PENALTY else (0.0, 0.0, 0.0)
            self.width[i + 1], self.stretch[i + 1] = self.width[i] + w, self.stretch[i] + y
            self.shrink[i + 1] = self.shrink[i] + z
            self.track[i + 1], self.ligatures[i + 1] = self.track[i] + it.track, self.ligatures[i] + it.ligature


def _break_at(items: Sequence[Item], b: int, forbidden: frozenset[int]) -> tuple[bool, bool, float, float] | None:
    """A legal break at item b — (forced, flagged, the width it adds to its line, its penalty's
    cost) — or None: a glue after a box, a penalty below +inf, not in `forbidden` unless forced."""
    it = items[b]
    if it.kind == GLUE:
        if not it.breakable or b == 0 or items[b - 1].kind != BOX or b in forbidden:
            return None
        return False, False, 0.0, 0.0
    if it.kind != PENALTY or it.penalty == inf:
        return None
    forced = it.penalty == -inf
    if b in forbidden and not forced:
        return None
    cost = 0.0 if forced else (it.penalty ** 2 if it.penalty >= 0 else -it.penalty ** 2)
    return forced, it.flagged, it.width, cost


def _fit(sums: _Sums, s: int, b: int, extra: float, width: float, forced: bool, params: Params,
         track_ligatures: bool) -> tuple[float, float]:
    """The adjustment ratio of the line from item s to a break at b, and the letter-spacing it
    takes first (a line stretched beyond `track_from`, with no ligature unless allowed)."""
    natural = sums.width[b] - sums.width[s] + extra
    if natural < width:
        stretch = sums.stretch[b] - sums.stretch[s]
        excess, tracking = width - natural, 0.0
        if (not forced and stretch != inf and excess > params.track_from * stretch
                and (sums.ligatures[b] == sums.ligatures[s] or track_ligatures)):
            tracking = min(excess - params.track_from * stretch, sums.track[b] - sums.track[s])
        return ((excess - tracking) / stretch if stretch > 0 else inf), tracking
    if natural > width:
        shrink = sums.shrink[b] - sums.shrink[s]
        return ((width - natural) / shrink if shrink > 0 else -inf), 0.0
    return 0.0, 0.0


def _demerits(params: Params, after_hyphen: bool, ratio: float, tracking: float, cost: float,
              flagged: bool, forced: bool, ligature: bool) -> float:
    """A line's demerits, as TeX counts them, and this module's for loose and letter-spaced lines."""
    badness = 100.0 * abs(ratio) ** 3 if ratio != inf else 10000.0
    demerits = (params.line_penalty + badness) ** 2 + cost
    if after_hyphen:
        if flagged:
            demerits += params.double_hyphen_demerits
        elif forced:
            demerits += params.final_hyphen_demerits
    if ratio > params.loose_ratio and not forced:
        demerits += params.loose_demerits
    if tracking > 0:
        demerits += params.track_demerits + (params.ligature_track_demerits if ligature else 0.0)
    return demerits


def breakpoints(items: Sequence[Item], line_width: Callable[[int], float], params: Params = Params(),
                forbidden: frozenset[int] = frozenset()) -> list[Line] | None:
    """The optimal lines of a paragraph, or None when no breaks keep every line within
    tolerance. The last item must be a forced break (a penalty of -inf). `line_width(k)` is the
    measure of line k (0-based); `forbidden` are item indices that may not be broken at."""
    n = len(items)
    sums = _Sums(items)

    def after_break(b: int) -> int:
        """The first item of the line after a break at b: glue and penalties are discarded."""
        j = b + 1 if b >= 0 else 0
        while j < n and items[j].kind != BOX:
            if items[j].kind == PENALTY and items[j].penalty == -inf:
                break
            j += 1
        return j

    count_lines = params.looseness_lines is not None or bool(params.no_hyphen_lines)
    track_ligatures = params.ligature_track_demerits != inf
    widths: dict[int, float] = {}
    active: dict[tuple, _Node] = {(-1, 1, 0, 0): _Node(-1, 0, 1, 0, 0.0, 0.0)}
    starts: dict[int, int] = {-1: after_break(-1)}
    for b in range(n):
        here = _break_at(items, b, forbidden)
        if here is None:
            continue
        forced, flagged, extra, cost = here
        best: dict[tuple, _Node] = {}
        gone = []
        for key, a in active.items():
            s = starts[a.position]
            if s >= b:
                continue  # an empty line
            if a.line not in widths:
                widths[a.line] = line_width(a.line)
            ratio, tracking = _fit(sums, s, b, extra, widths[a.line], forced, params, track_ligatures)
            if ratio < -1:
                gone.append(key)  # every later break makes this line longer still
                continue
            if ratio > params.tolerance:
                continue  # (a last line before its fill glue, of infinite stretch, has ratio 0)
            hyphens = a.hyphens + 1 if flagged else 0
            if hyphens > params.max_hyphens or (hyphens and a.line in params.no_hyphen_lines):
                continue
            after_hyphen = a.position >= 0 and items[a.position].kind == PENALTY and items[a.position].flagged
            fitness = _fitness(ratio)
            total = a.demerits + _demerits(params, after_hyphen, ratio, tracking, cost, flagged, forced,
                                           sums.ligatures[b] != sums.ligatures[s])
            total += params.adj_demerits if abs(fitness - a.fitness) > 1 else 0.0
            k = (b, fitness, hyphens, a.line + 1 if count_lines else 0)
            if k not in best or total < best[k].demerits:
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
    return _lines(min(finals, key=lambda a: a.demerits), items, sums, starts, line_width) if finals else None


def _lines(node: _Node, items: Sequence[Item], sums: _Sums, starts: dict[int, int],
           line_width: Callable[[int], float]) -> list[Line]:
    """The lines of the chosen breaks, first to last, from the last break's node."""
    lines: list[Line] = []
    while node.previous is not None:
        s = starts[node.previous.position]
        extra = items[node.position].width if items[node.position].kind == PENALTY else 0.0
        lines.append(Line(s, node.position, node.ratio, sums.width[node.position] - sums.width[s] + extra,
                          line_width(node.previous.line), node.tracking, node.demerits))
        node = node.previous
    lines.reverse()
    return lines
