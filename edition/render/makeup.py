"""Page make-up after the first layout of the body, with the lines render/linebreak.py set
(issue 14 point 1): what a typesetter does at proof.

- a word broken at the foot of a recto (the reader turns the page in the middle of it):
  `recto_feet` names the paragraph and the line, which linebreak.py sets again with as many lines
  and no hyphen there;
- a short page — its text stops more than a line and a half above its notes or its foot, because
  what comes next (a line with the note it calls, or two lines by widows and orphans) does not
  fit: `short_pages` finds them on a layout (render/galley.py makes the pages up on paper, and
  chooses the paragraphs set a line longer or shorter and the notes cut that fill them);
- `unchosen_breaks` checks that WeasyPrint took every break chosen (a line measured too short
  would have been broken again, leaving a word alone on a justified line).

typeset.py's `Typesetter.make_up` lays the body out again once when there is anything to do.
"""

from __future__ import annotations

from .galley import is_short, text_lines
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


def short_pages(document) -> list[int]:
    """The pages (0-based in the part) whose text stops more than a line and a half short of
    the foot of the page or of its notes, not counting a part's last page or one before a
    heading (`galley.is_short`): as tests/../shared/tools/check_typography.py counts them from
    the PDF."""
    from weasyprint.formatting_structure import boxes

    from .weasyprint70 import page_box

    pages = []
    for page in document.pages:
        tree = page_box(page)
        lines, bottom = [], tree.content_box_y() + tree.height
        for child in tree.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                if any(note.element is not None for note in child.children):
                    bottom = child.position_y
            elif not isinstance(child, boxes.MarginBox):
                lines += [line for line, _ in text_lines(child)]  # not a margin number's
        pages.append((lines, bottom))
    return [number for number, ((lines, bottom), (following, _)) in enumerate(zip(pages, pages[1:]))
            if lines and following and
            is_short(bottom - (lines[-1].position_y + lines[-1].height), lines[-1].height, following[0].element)]
