"""Lines broken before layout (render/linebreak.py), justified by WeasyPrint 70 as chosen: the two
functions of WeasyPrint's inline layout this wraps, and the letter-spacing a chosen line may get."""

from __future__ import annotations

import functools
import hashlib
import inspect

#: sha256 of the sources of WeasyPrint 70.0's weasyprint/layout/inline.py:text_align and
#: split_inline_box, which `justify_chosen_breaks` wraps
TEXT_ALIGN_SHA256 = "e953d41b87ccfc30405f83f6cc3c73918ef4638662794db4f834b1d788d6ed67"
SPLIT_INLINE_BOX_SHA256 = "3a0cb7ca7e34c7ef0feda818cdb8fea64b7a8332ccf83e12506289534f6faeae"
#: the class of a block whose breaks render/linebreak.py chose (each a preserved newline)
SET_BLOCK_CLASS = "lines-set"


def _has_class(element, name: str) -> bool:
    return element is not None and name in (element.get("class") or "").split()


def _text_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            yield from _text_boxes(child)


def _letter_space(context, box, tau: float, x_advance: float) -> float:
    """Add `tau` em of letter-spacing to every text box of a line, moving what follows
    (WeasyPrint's `add_word_spacing` does the same for word spaces); the new x advance."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout, line_size

    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        style = box.style.copy()
        base = style["letter_spacing"]
        style["letter_spacing"] = (0 if base == "normal" else base) + tau * style["font_size"]
        layout = create_layout(box.text, style, context, None, box.justification_spacing)
        line, _ = layout.get_first_line()
        width = line_size(line, style)[0]
        layout.deactivate()
        box.style, box.pango_layout = style, layout
        x_advance += width - box.width
        box.width = width
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _letter_space(context, child, tau, x_advance)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


def _track(context, line, extra: float) -> None:
    """Letter-space a chosen line that would otherwise be loose (render/linebreak.py's rule:
    its word spaces stretched to TRACK_FROM of their range first, then letters spaced out by up
    to TRACKING em, the rest to the spaces again), as render/linebreak.py chose it to be."""
    from .. import linebreak

    texts = list(_text_boxes(line))
    room = 0.0
    growth = 0.0  # px per em of letter-spacing
    for box in texts:
        spaces = box.text.count(" ") + box.text.count("\xa0")
        if spaces:
            natural, least = linebreak.MEASURE.space(box.style)
            room += spaces * (natural - least + linebreak.TRACK_FROM * (linebreak.LOOSE - 1) * natural)
        # letter-spacing widens the space itself and the letter before it, which a reader sees
        # as word space: what it adds to the words is the rest
        growth += box.style["font_size"] * (len(box.text) - 2 * spaces)
    want = extra - room
    if want <= 0:
        return
    if linebreak.LIGATURE_TRACK_DEMERITS == float("inf") and any(
            linebreak.MEASURE.measure(box.text, box.style)[1] for box in texts):
        return
    tau = min(want / growth, linebreak.TRACKING) if growth > 0 else 0.0
    if tau <= 0:
        return
    _letter_space(context, line, tau, 0.0)


@functools.cache
def justify_chosen_breaks() -> bool:
    """Justify a line that ends at a break render/linebreak.py chose, letter-spaced where its
    rule says; give the last line of a paragraph it set the font's own word space.

    The chosen breaks are preserved newlines in blocks of class `lines-set` (`white-space:
    pre-line` in print.css). A newline ends a line as the end of a paragraph does: CSS aligns
    the line before it by `text-align-last` (WeasyPrint's `text_align(..., last=True)`), which
    leaves it ragged. A line ended by a chosen break is an inner line of a justified paragraph,
    so it is aligned as one (`last=False`), after letter-spacing when the line has been chosen
    to be (`_track`). The chosen lines are set with `word-spacing` as their least space
    (negative on the text: WeasyPrint justifies by adding space); a set paragraph's last line,
    which is not justified, gets back the font's own space (as far as it has room).

    How: WeasyPrint's `layout.inline.split_inline_box` (which tells its caller whether the line
    ended at a preserved newline) is wrapped to note that on the line box, and
    `layout.inline.text_align` to act on it; `get_next_linebox` finds both by their
    module-global names. Each wrapper is installed only over the exact function it was written
    for (the sha256 of its source); any other is refused with the reason.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    if getattr(inline.text_align, "_edition", False):
        return True
    for function, digest in ((inline.text_align, TEXT_ALIGN_SHA256),
                             (inline.split_inline_box, SPLIT_INLINE_BOX_SHA256)):
        if hashlib.sha256(inspect.getsource(function).encode()).hexdigest() != digest:
            raise RuntimeError(
                f"WeasyPrint's weasyprint/layout/inline.py:{function.__name__} is not the one "
                "edition/render/weasyprint70/justify.py:justify_chosen_breaks was written for (WeasyPrint "
                "70.0): install WeasyPrint 70.0, or check the wrapper against the new function and "
                "its sha256.")
    text_align, split_inline_box = inline.text_align, inline.split_inline_box

    @functools.wraps(split_inline_box)
    def split_inline_box_noting_newlines(context, box, *args, **kwargs):
        result = split_inline_box(context, box, *args, **kwargs)
        if isinstance(box, boxes.LineBox):
            result[0]._chosen_break = result[2] and _has_class(box.element, SET_BLOCK_CLASS)
        return result

    @functools.wraps(text_align)
    def text_align_chosen_breaks(context, line, available_width, last):
        if last and getattr(line, "_chosen_break", False):
            if available_width > line.width:
                _track(context, line, available_width - line.width)
            return text_align(context, line, available_width, False)
        offset = text_align(context, line, available_width, last)
        if last and _has_class(line.element, SET_BLOCK_CLASS):
            spacing = -(line.style["word_spacing"] or 0)
            spaces = inline.count_expandable_spaces(line)
            room = available_width - line.width
            if spacing > 0 and spaces and room > 0 and offset == 0:
                inline.add_word_spacing(context, line, min(spacing, room / spaces), 0)
        return offset

    text_align_chosen_breaks._edition = True
    inline.text_align = text_align_chosen_breaks
    inline.split_inline_box = split_inline_box_noting_newlines
    return True
