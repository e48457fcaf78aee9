"""Page make-up after the first layout of the body, with the lines render/linebreak.py set
(issue 14 point 1): what a typesetter does at proof.

- a word broken at the foot of a recto (the reader turns the page in the middle of it):
  `recto_feet` names the paragraph and the line, which linebreak.py sets again with as many lines
  and no hyphen there;
- a short page — its text stops more than a line and a half above its notes or its foot, because
  what comes next (a line with the note it calls, or two lines by widows and orphans) does not
  fit: `fill_pages` runs the cheapest paragraphs and notes wholly on it a line long, where they
  can be without a loose line more, which moves nothing to another page;
- `unchosen_breaks` checks that WeasyPrint took every break chosen (a line measured too short
  would have been broken again, leaving a word alone on a justified line).

typeset.py's `Typesetter.make_up` lays the body out again once when there is anything to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from .galley import text_lines
from .linebreak import HYPHENS, SET_CLASS, block_key
from .linemeasure import classes_of


def unchosen_breaks(document) -> list[str]:
    """The lines of set blocks that WeasyPrint ended elsewhere than at a chosen break (a line
    measured too long here, which it broke earlier: the rest of that line is then set alone
    and stretched): the text of each, in layout order. Empty when every break was taken."""
    from weasyprint.formatting_structure import boxes

    from .weasyprint70 import page_box

    lines: dict[int, list] = {}
    order: list = []
    for page in document.pages:
        for line in page_box(page).descendants():
            if not isinstance(line, boxes.LineBox) or line.element is None:
                continue
            if SET_CLASS not in classes_of(line.element):
                continue
            key = id(line.element)
            if key not in lines:
                lines[key] = []
                order.append(key)
            lines[key].append(line)
    out = []
    for key in order:
        for line in lines[key][:-1]:
            if not getattr(line, "_chosen_break", False):
                out.append("".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox)))
    return out


def recto_feet(document, first_folio: int) -> dict[str, tuple[int, frozenset[int]]]:
    """The set blocks whose line at the foot of a recto ends with a hyphen (the reader turns
    the page in the middle of a word): for each (by `block_key`), its number of lines and
    the lines that must not; for `set_lines`' `keep`."""
    from weasyprint.formatting_structure import boxes

    from .weasyprint70 import page_box

    counts: dict[int, int] = {}
    elements: dict[int, object] = {}
    feet: list[tuple[int, int]] = []  # (block, index of the line)
    for number, page in enumerate(document.pages):
        last = None
        for child in page_box(page).children:
            if isinstance(child, (boxes.FootnoteAreaBox, boxes.MarginBox)):
                continue
            for line in child.descendants():
                if not isinstance(line, boxes.LineBox) or line.element is None:
                    continue
                if SET_CLASS in classes_of(line.element):
                    key = id(line.element)
                    elements[key] = line.element
                    counts[key] = counts.get(key, 0) + 1
                last = line
        if last is None or (first_folio + number) % 2 == 0 or not getattr(last, "_chosen_break", False):
            continue
        texts = [t.text for t in last.descendants() if isinstance(t, boxes.TextBox)]
        end = "".join(texts).rstrip()
        if len(end) > 1 and end[-1] in HYPHENS and end[-2].isalnum():
            feet.append((id(last.element), counts[id(last.element)] - 1))
    out: dict[str, tuple[int, frozenset[int]]] = {}
    for key, line in feet:
        text_key = block_key(elements[key])
        count, lines = out.get(text_key, (counts[key], frozenset()))
        out[text_key] = (count, lines | {line})
    return out


@dataclass
class PageLines:
    """What a laid-out page holds, for `short_pages` and `fill_pages`."""

    number: int  # 0-based index in the part
    lines: list  # line boxes of the text, in order
    notes: list  # footnote boxes, in order
    bottom: float  # where the text must end: the footnote area's top, or the page's bottom
    area_top: float  # what the footnote area takes above its notes (margin, border, padding)


def _pages(document) -> list[PageLines]:
    from weasyprint.formatting_structure import boxes

    from .weasyprint70 import page_box

    out = []
    for number, page in enumerate(document.pages):
        tree = page_box(page)
        lines, notes, area = [], [], None
        for child in tree.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                area = child
                notes = [n for n in child.children if n.element is not None]
            elif not isinstance(child, boxes.MarginBox):
                lines += [line for line, _ in text_lines(child)]  # not a margin number's
        bottom = tree.content_box_y() + tree.height
        overhead = 0.0
        if area is not None:
            overhead = area.margin_top + area.border_top_width + area.padding_top
            if notes:
                bottom = area.position_y
        out.append(PageLines(number, lines, notes, bottom, overhead))
    return out


def _short(page: PageLines, following: PageLines | None) -> float:
    """How far above where it could end a page's text ends (px), when the page is short: not
    the part's last page, nor one before a heading; else 0."""
    if following is None or not page.lines or not following.lines:
        return 0.0
    first = following.lines[0]
    if first.element is not None and first.element.tag in ("h1", "h2", "h3"):
        return 0.0
    last = page.lines[-1]
    room = page.bottom - (last.position_y + last.height)
    return room if room > 1.5 * last.height else 0.0


def short_pages(document) -> list[int]:
    """The pages (0-based in the part) whose text stops more than a line and a half short of
    the foot of the page or of its notes, not counting a part's last page or one before a
    heading: as tests/../shared/tools/check_typography.py counts them from the PDF."""
    pages = _pages(document)
    return [p.number for p, q in zip(pages, pages[1:] + [None]) if _short(p, q)]


def fill_pages(document, longer) -> dict[str, int]:
    """For each short page: the paragraphs and notes wholly on it to run a line long, so that
    it ends less than a line and a half short; the cheapest (`longer(key)`: what running a
    block a line long costs, None if it cannot be without a loose line more). What does not fit
    on the page (the next page's first line, with the notes it calls) stays where it is, and
    nothing else moves. Block key → lines to add."""
    pages = _pages(document)
    out: dict[str, int] = {}
    for page, following in zip(pages, pages[1:] + [None]):
        room = _short(page, following)
        if not room:
            continue
        elsewhere = {id(line.element) for other in pages if other is not page for line in other.lines}
        candidates, seen = [], set()
        for line in page.lines + [l for note in page.notes for l in _line_boxes(note)]:
            el = line.element
            if el is None or id(el) in seen or id(el) in elsewhere or SET_CLASS not in classes_of(el):
                continue
            seen.add(id(el))
            key = block_key(el)
            cost = longer(key)
            if cost is not None:
                candidates.append((cost, key, line.height))
        leading = page.lines[-1].height
        gained = 0.0
        for cost, key, height in sorted(candidates):
            if room - gained <= 1.5 * leading:
                break
            if gained + height < room - 0.5:
                out[key] = out.get(key, 0) + 1
                gained += height
    return out


def _line_boxes(box) -> list:
    from weasyprint.formatting_structure import boxes

    return [b for b in box.descendants() if isinstance(b, boxes.LineBox)]

