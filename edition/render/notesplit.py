"""Footnotes that continue on the next page (issue 14 point 2).

WeasyPrint 70 cannot break one footnote across pages: a note taller than the room left moves its
call's line to the next page (the page stops short of the footnote rule) or, when it is taller than
the footnote area, is cut at the page foot and the rest is lost without a warning.

So a long note is given to WeasyPrint as several footnotes at the same call, cut between its lines:
the first (the note's id, number and call, `footnote-policy: line`) holds its first two lines and
must stay on the call's page; each further part (one line, the last two lines together: no widow or
orphan line) has no call and no number and `footnote-policy: auto`, so WeasyPrint moves it to the
next page when it does not fit, where it opens the footnote area. The cuts are where the note's
lines end in the body's first layout (same measure on every page: the parts reproduce the same
lines; a part's last line is justified like the inner lines), never after a hyphenated line end.
A note whose laid-out lines cannot be matched with its text (generated content) is left whole.

That is for notes of LONG_NOTE_LINES lines or more: WeasyPrint carries a part over to the next
page itself, and a part of a shorter note carried over was free to float (and text was laid out
twice once: Engels's note 1 split at every line). A note that leaves its page short is cut in two
by the page make-up instead (render/galley.py plans where, `cut_notes` makes the cut): the rest is
a footnote with no call anchored at the start of the line that opens the next page, which
WeasyPrint places there like any note, first among that page's.

A part that opens a page's footnote area is marked as continued: "n cont." hangs in the margin
left of its first line (`mark_continued`, after layout; the mark is laid out as a zero-width inline
block so that it changes no line).
"""

from __future__ import annotations

import logging
import re

from lxml import etree
from lxml import html as lxml_html

from .weasyprint70 import MM, page_box

log = logging.getLogger("edition.pdf")

CONT = "note-cont"  # a note's continuation part
PART = "note-part"  # every part but a note's last one: its last line is justified
MARK = "note-cont-mark"
MARK_GAP_MM = 2.0
HYPHEN_CHARS = "\u2010-"


# --- measuring: the lines of each note in a laid-out document ---------------------------------

def note_lines(document) -> dict[str, list[str]]:
    """Note id → the text of each of its lines (without its number), as laid out."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, TextBox

    out: dict[str, list[str]] = {}
    for page in document.pages:
        for area in page_box(page).children:
            if not isinstance(area, FootnoteAreaBox):
                continue
            for note in area.children:
                element = note.element
                if element is None or "footnote" not in (element.get("class") or "").split():
                    continue
                lines = out.setdefault(element.get("id"), [])
                for line in note.descendants():
                    if isinstance(line, LineBox):
                        lines.append("".join(t.text for t in line.descendants() if isinstance(t, TextBox)
                                             and not t.element_tag.endswith("::footnote-marker")))
    return out


def cut_offsets(text: str, lines: list[str]) -> list[int] | None:
    """Offsets in `text` (the note's characters) where each line but the last ends at a space.

    An entry is None for a line that ends inside a word (a hyphenated end). None when the lines
    do not spell the text (content the CSS generates, a layout that lost words)."""
    chars = [(i, c) for i, c in enumerate(text) if not c.isspace() and c != "\xad"]
    pos = 0
    ends: list[int | None] = []
    for number, line in enumerate(lines):
        ink = [c for c in line if not c.isspace() and c != "\xad"]
        if ink and ink[-1] in HYPHEN_CHARS and (pos + len(ink) > len(chars) or chars[pos + len(ink) - 1][1] != ink[-1]):
            ink = ink[:-1]  # the hyphen the line breaker added
        for c in ink:
            if pos >= len(chars) or chars[pos][1] != c:
                return None
            pos += 1
        if number < len(lines) - 1:
            raw = chars[pos - 1][0] + 1 if pos else 0
            ends.append(raw if raw < len(text) and text[raw].isspace() else None)
    if pos != len(chars):
        return None
    return ends


def part_cuts(ends: list[int | None]) -> list[int]:
    """The offsets to cut a note at: at least two lines before the first cut and after the last."""
    lines = len(ends) + 1
    return [end for i, end in enumerate(ends, start=1) if end is not None and 2 <= i <= lines - 2]


# --- cutting: one note's HTML into parts ----------------------------------------------------

def slice_element(element, start: int, end: int, first: bool):
    """A copy of `element` holding only its characters in [start, end); an element that began
    before `start` loses its id (it is in an earlier part), an empty one stays where it stands."""
    pos = 0

    def take(text: str | None) -> str:
        nonlocal pos
        if not text:
            return ""
        at, pos = pos, pos + len(text)
        return text[max(start - at, 0): max(0, min(end - at, len(text)))]

    def build(node):
        begin = pos
        new = etree.Element(node.tag, dict(node.attrib))
        new.text = take(node.text) or None
        last = None
        for child in node:
            if not isinstance(child.tag, str):  # a comment
                take(child.tail)
                continue
            c_start = pos
            piece = build(child)
            c_end = pos
            inside = (c_end > start and c_start < end) or (c_start == c_end and start <= c_start < end)
            if inside:
                new.append(piece)
                last = piece
            tail = take(child.tail)
            if tail:
                if last is not None:
                    last.tail = (last.tail or "") + tail
                else:
                    new.text = (new.text or "") + tail
        if begin < start and not (node is element and first):
            new.attrib.pop("id", None)
        return new

    return build(element)


def strip_edges(element) -> None:
    """No space at a part's start or end (the line break stood there)."""
    if element.text:
        element.text = element.text.lstrip() or None
    node = element
    while len(node) and not node.text:
        node = node[0]
        if node.text:
            node.text = node.text.lstrip() or None
    # the end: the last text in document order
    last = element
    while len(last) and not (last[-1].tail or "").strip():
        if last[-1].tail is not None:
            last[-1].tail = None
        last = last[-1]
    if len(last) and last[-1].tail:
        last[-1].tail = last[-1].tail.rstrip()
    elif last.text:
        last.text = last.text.rstrip()


def note_parts(fragment: str, lines: list[str]) -> list[str] | None:
    """A note's outer HTML cut into parts at its line ends, or None to leave it whole."""
    element = lxml_html.fragment_fromstring(fragment)
    text = "".join(element.itertext())
    ends = cut_offsets(text, lines)
    if ends is None:
        log.debug("note %s: its lines do not spell its text; left whole", element.get("id"))
        return None
    cuts = part_cuts(ends)
    return _parts(element, [0] + cuts + [len(text)]) if cuts else None


def _parts(element, bounds: list[int]) -> list[str]:
    """The note `element` as parts between the text offsets `bounds`: the first keeps its id and
    call, each further one is a continuation with its mark."""
    ident, n = element.get("id"), element.get("data-n", "")
    parts = []
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        part = slice_element(element, a, b, first=(k == 0))
        strip_edges(part)
        classes = (part.get("class") or "").split()
        if k:
            part.set("id", f"{ident}-part{k + 1}")
            classes.append(CONT)
            mark = etree.Element("span", {"class": MARK})
            mark.text = f"{n} cont." if n else "cont."
            mark.tail = part.text
            part.text = None
            part.insert(0, mark)
        if k < len(bounds) - 2:
            classes.append(PART)
        part.set("class", " ".join(classes))
        part.tail = None
        parts.append(etree.tostring(part, method="html", encoding="unicode"))
    return parts


SPAN_TAG = re.compile(r"<(/?)span\b[^>]*>")


def outer_span(html: str, ident: str) -> tuple[int, int] | None:
    """Start and end of the `<span id=ident …>…</span>` in the HTML (spans nest inside notes)."""
    m = re.search(r'<span id="%s"[^>]*>' % re.escape(ident), html)
    if not m:
        return None
    depth = 1
    for tag in SPAN_TAG.finditer(html, m.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return m.start(), tag.end()
    return None


#: Notes of this many lines or more (about a page of notes) are cut into parts that continue
#: overleaf; shorter ones stay whole, with their call. A part of a shorter note was free to float:
#: Engels's 15-line note 1 left its last line nine pages after its call, and 4-line parts stranded a
#: note in a long book and split a seed paragraph 1/1 (tests/test_pdf.py, tests/test_corpus.py).
LONG_NOTE_LINES = 30


def split_notes(html: str, document, min_lines: int = LONG_NOTE_LINES) -> tuple[str, int]:
    """The body HTML with every note of `min_lines` lines or more (in `document`, a layout of that
    HTML) cut into parts; and how many notes were cut."""
    cut = 0
    for ident, lines in note_lines(document).items():
        if len(lines) < min_lines:
            continue
        span = outer_span(html, ident)
        if span is None:
            continue
        parts = note_parts(html[span[0]:span[1]], lines)
        if parts:
            html = html[:span[0]] + "".join(parts) + html[span[1]:]
            cut += 1
    return html, cut


def cut_notes(html: str, laid: dict[str, list[str]], galley, cuts: list) -> str:
    """The body HTML with notes cut in two as `galley.make_up` planned them (`galley.Cut`): the
    first `cut.lines` lines of each stay at its call, the rest is anchored at the start of the
    first line of the next page that can hold it (a footnote of no call there: WeasyPrint sets it
    first among that page's notes). A cut that cannot be made (a note whose lines do not spell its
    text, a line to anchor at that cannot be found) is left out: its note stays whole. `laid`:
    each note's lines as laid out (`note_lines`)."""
    from weasyprint import HTML

    from .galley import anchor_line
    from .linebreak import block_key, serialise

    root = HTML(string=html).etree_element
    parents = {child: parent for parent in root.iter() for child in parent}
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    blocks = {(el.tag, block_key(el)): el for el in reversed(list(root.iter()))}  # by number, or the first of a text
    found = []  # found first, then changed: a cut changes the text its block is found by
    for cut in cuts:
        anchor = anchor_line(galley.lines, cut.anchor)
        pieces = _two_parts(html, cut.note, laid.get(cut.note), cut.lines)
        if anchor is None or pieces is None or cut.note not in ids:
            continue
        line = galley.lines[anchor]
        block = blocks.get((line.element.tag, block_key(line.element)))
        if block is not None:
            found.append((ids[cut.note], block, line.index, pieces))
    parts: dict[str, str] = {}
    for note, block, index, pieces in found:
        first, rest = f"\ue000{len(parts)}\ue001", f"\ue000{len(parts) + 1}\ue001"
        if _mark_line(block, index, rest):
            _replace(note, parents[note], first)
            parts[first], parts[rest] = pieces
    out = serialise(root)
    return re.sub("\ue000\\d+\ue001", lambda m: parts[m.group(0)], out)


def _two_parts(html: str, ident: str, lines: list[str] | None, keep: int) -> tuple[str, str] | None:
    """A note's HTML as two parts, cut after its `keep`-th line (or an earlier one: never after a
    hyphenated line end)."""
    span = outer_span(html, ident)
    if span is None or not lines:
        return None
    element = lxml_html.fragment_fromstring(html[span[0]:span[1]])
    text = "".join(element.itertext())
    ends = cut_offsets(text, lines)
    while ends is not None and keep >= 1 and ends[keep - 1] is None:
        keep -= 1
    if ends is None or keep < 1:
        return None
    first, rest = _parts(element, [0, ends[keep - 1], len(text)])
    return first, rest


def _mark_line(block, line: int, mark: str) -> bool:
    """Put `mark` at the start of the block's line `line` (0-based): after its `line`-th newline,
    not counting those inside its notes. False when the block has fewer lines."""
    if line == 0:
        block.text = mark + (block.text or "")
        return True
    seen = 0

    def place(text: str | None) -> tuple[str | None, bool]:
        nonlocal seen
        for i, char in enumerate(text or ""):
            if char == "\n":
                seen += 1
                if seen == line:
                    return text[:i + 1] + mark + text[i + 1:], True
        return text, False

    def walk(node) -> bool:
        node.text, done = place(node.text)
        if done:
            return True
        for child in node:
            if "footnote" not in (child.get("class") or "").split() and walk(child):
                return True
            child.tail, done = place(child.tail)
            if done:
                return True
        return False

    return walk(block)


def _replace(node, parent, mark: str) -> None:
    """Put `mark` where `node` stands in its parent, and take the node out (its tail stays)."""
    at = list(parent).index(node)
    text = mark + (node.tail or "")
    if at:
        previous = parent[at - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(node)


# --- after layout: mark a continuation that opens a page's notes ------------------------------

def mark_continued(document) -> int:
    """Show "n cont." in the margin left of a continued note's first line on a new page; drop the
    mark from every other part. Returns how many marks are shown."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, InlineBlockBox, TextBox

    shown = 0
    for page in document.pages:
        for area in page_box(page).children:
            if not isinstance(area, FootnoteAreaBox):
                continue
            for i, note in enumerate(area.children):
                for box in list(note.descendants()):
                    if not (isinstance(box, InlineBlockBox) and box.element is not None
                            and MARK in (box.element.get("class") or "").split()):
                        continue
                    if getattr(box, "_mark_done", False):
                        shown += i == 0
                        continue
                    box._mark_done = True
                    if i == 0:
                        texts = [t for t in box.descendants() if isinstance(t, TextBox)]
                        if texts:
                            x1 = max(t.position_x + t.width for t in texts)
                            box.translate(area.content_box_x() - MARK_GAP_MM * MM - x1, 0)
                            shown += 1
                    else:
                        _remove(note, box)
    return shown


def _remove(root, target) -> None:
    """Take a box out of its parent's children (a zero-width box: nothing else moves)."""
    for box in root.descendants():
        children = getattr(box, "children", None)
        if children and target in children:
            box.children = [c for c in children if c is not target]
            return
