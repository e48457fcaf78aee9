"""Text views of TEI elements, and wrapping a range of such a view in a new element.

The apparatus finds lemmas and names as phrases of the *source* (what the editor reads in the .txt:
`T[rotsky]`, `[...]`, `(i.e. Lenin, AW)`), but must change a tree in which some of those characters
are elements or `@rend` tokens. A View is the source text of one element, each character traceable
to the text node it came from, so a match in the string becomes an edit of the tree.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from lxml import etree

from .tei import GAP_FORMS, delimiters, local

#: Element-only containers: their mixed-content children are the units that views are made of.
STRUCTURAL = {"text", "front", "body", "back", "div", "titlePage", "docTitle", "epigraph", "cit",
              "list", "floatingText", "opener", "closer", "standOff"}


@dataclass
class Run:
    """A stretch of the view that is a real text node: `node.text` or `node.tail`."""
    start: int
    node: etree._Element
    is_tail: bool
    length: int

    @property
    def parent(self) -> etree._Element:
        return self.node.getparent() if self.is_tail else self.node

    @property
    def index(self) -> int:
        """Position in the parent's child list that the run stands before."""
        return self.parent.index(self.node) + 1 if self.is_tail else 0


class View:
    """The source text of an element (sic readings, no editorial notes), with its text runs."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.runs: list[Run] = []
        self._parts: list[str] = []
        self._length = 0
        self._walk(root)
        self.text = "".join(self._parts)

    def _add(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)

    def _run(self, node: etree._Element, is_tail: bool) -> None:
        text = (node.tail if is_tail else node.text) or ""
        self.runs.append(Run(self._length, node, is_tail, len(text)))
        self._add(text)

    def _walk(self, node: etree._Element) -> None:
        self._run(node, False)
        for child in node:
            name = local(child)
            if name and not (name == "note" and child.get("type") == "editorial") and name != "corr":
                if name == "gap":
                    self._add(GAP_FORMS.get(child.get("rend", ""), "[\u2026]"))
                else:
                    pre, post = delimiters(child)
                    if name == "supplied":
                        pre, post = pre + "[", "]" + post
                    self._add(pre)
                    self._walk(child)
                    self._add(post)
            self._run(child, True)

    def places(self, pos: int) -> list[Run]:
        """Every text run in which position `pos` (between characters) can be expressed."""
        return [run for run in self.runs if run.start <= pos <= run.start + run.length]

    def common(self, start: int, end: int, deepest: bool = True) -> tuple[Run, Run] | None:
        """Runs for `start` and `end` under one parent, the deepest (or shallowest) such pair;
        None if the range crosses an element boundary."""
        pairs = []
        for a in self.places(start):
            for b in self.places(end):
                if a.parent is b.parent and (a.index, start - a.start) <= (b.index, end - b.start):
                    pairs.append((sum(1 for _ in a.parent.iterancestors()), a, b))
        if not pairs:
            return None
        _, a, b = (max if deepest else min)(pairs, key=lambda pair: pair[0])
        return a, b


def _get(run: Run) -> str:
    return (run.node.tail if run.is_tail else run.node.text) or ""


def _set(run: Run, value: str) -> None:
    if run.is_tail:
        run.node.tail = value or None
    else:
        run.node.text = value or None


#: What a name, a title or a sic may enclose (the profile's `phrase`).
PHRASE = {"gap", "supplied", "persName", "placeName", "orgName", "choice"}
#: Elements that hold phrase content only: no title and no note may be put inside them.
PHRASE_ONLY = {"supplied", "persName", "placeName", "orgName", "sic", "corr", "title", "gap"}


def wrap(view: View, start: int, end: int, new: etree._Element, deepest: bool = True) -> bool:
    """Move the view's range [start, end) into `new`, in place; False (and nothing changed) if
    it crosses a boundary or would put an element where the TEI profile does not allow it.
    `deepest=False` wraps at the shallowest level the range allows (around a name it is exactly,
    rather than inside it). The view is stale afterwards: make a new one before the next edit."""
    pair = view.common(start, end, deepest)
    if pair is None:
        return False
    a, b = pair
    parent = a.parent
    if local(new) in ("title", "foreign") and local(parent) in PHRASE_ONLY:
        return False
    if any(local(child) not in PHRASE for child in list(parent)[a.index:b.index]):
        return False
    off_a, off_b = start - a.start, end - b.start
    if a.index == b.index:
        s = _get(a)
        new.text = s[off_a:off_b] or None
        new.tail = s[off_b:] or None
        _set(a, s[:off_a])
    else:
        s_a, s_b = _get(a), _get(b)
        moved = list(parent)[a.index:b.index]
        new.text = s_a[off_a:] or None
        _set(a, s_a[:off_a])
        new.tail = s_b[off_b:] or None
        for child in moved:
            new.append(child)  # lxml moves the tail with the element
        moved[-1].tail = s_b[:off_b] or None
    parent.insert(a.index, new)
    return True


def insert_after(view: View, end: int, new: etree._Element, start: int | None = None) -> bool:
    """Put `new` at position `end` (right after a lemma that begins at `start`), at the level of the
    lemma's start where possible so that it does not land inside a name."""
    pair = view.common(start if start is not None else end, end, deepest=False)
    run = pair[1] if pair else next(iter(view.places(end)), None)
    if run is None or local(run.parent) in PHRASE_ONLY:
        return False
    off = end - run.start
    s = _get(run)
    _set(run, s[:off])
    new.tail = s[off:] or None
    run.parent.insert(run.index, new)
    return True


def is_structural(node: etree._Element) -> bool:
    """Element-only: a container of blocks rather than of text."""
    name = local(node)
    if name == "quote":  # a block quotation holds paragraphs or letters; an epigraph's holds text
        return len(node) > 0 and not (node.text or "").strip() and \
            all(local(child) in ("p", "floatingText") for child in node)
    return name in STRUCTURAL


def units(text_el: etree._Element) -> list[etree._Element]:
    """The mixed-content elements directly under element-only containers, in document order: the
    stretches of text in which lemmas and names are looked for."""
    return [node for node in text_el.iter()
            if isinstance(node.tag, str) and not is_structural(node)
            and node.getparent() is not None and is_structural(node.getparent())]


class Concordance:
    """Every unit of a text and its source string, searched as one string.

    The apparatus never changes what a view reads (names, notes and choice/sic keep the source
    text), so the joined string stays valid through all edits; only the edited unit's View (its
    runs) must be made again, which `edited()` arranges.
    """

    SEPARATOR = "\x00"  # cannot occur in XML text, so no match crosses two units

    def __init__(self, text_el: etree._Element):
        self.units = units(text_el)
        self._views = {i: View(unit) for i, unit in enumerate(self.units)}
        self.starts = []
        parts, offset = [], 0
        for i in range(len(self.units)):
            self.starts.append(offset)
            parts.append(self._views[i].text)
            offset += len(parts[-1]) + 1
        self.text = self.SEPARATOR.join(parts)

    def view(self, i: int) -> View:
        if i not in self._views:
            self._views[i] = View(self.units[i])
        return self._views[i]

    def edited(self, i: int) -> None:
        self._views.pop(i, None)

    def locate(self, start: int) -> int:
        """The unit in which a position of the joined string lies."""
        return bisect.bisect_right(self.starts, start) - 1

    def find(self, pattern) -> list[tuple[int, int, int]]:
        """(unit, start, end) of every match, with start/end relative to the unit's view."""
        hits = []
        for match in pattern.finditer(self.text):
            i = self.locate(match.start())
            hits.append((i, match.start() - self.starts[i], match.end() - self.starts[i]))
        return hits
