"""Every use of WeasyPrint 70's and pydyf 0.13's internals, in one place (issue 11).

The print edition relies on things WeasyPrint keeps private: the box tree of a laid-out page, a
Document made from pages with bleed, and three fixes to the engines applied once per process by
`apply()` (notes kept with their calls, lines broken before layout justified as inner lines,
tagged PDFs written in linear time). Each fix replaces one thing, checks first that it replaces
what it expects (else refuses, with the reason), and says why. `layout_scope()` is what a layout or a write runs in: the garbage collector tuned for it and
put back afterwards, and WeasyPrint's warnings (a mistake in print.css, say) reported through the
edition's one Reporter, located. Internals change between major versions without notice, so any
other major version of WeasyPrint is refused at import, with the reason, rather than left to lay
out a subtly different book (tests/test_weasyprint70.py checks that each fix is in effect).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import hashlib
import inspect
import logging
import re

import weasyprint

from .. import errors

SUPPORTED = 70


def check_version(version: str) -> None:
    """Refuse a WeasyPrint whose major version is not the one these patches were written for."""
    if version.split(".")[0] != str(SUPPORTED):
        raise RuntimeError(
            f"edition needs WeasyPrint {SUPPORTED}.x, found {version}: the print edition patches "
            f"WeasyPrint {SUPPORTED}'s internals (edition/render/weasyprint70.py) and is not made for "
            f"another version. Install the pinned one: .venv/bin/pip install 'weasyprint>={SUPPORTED},<{SUPPORTED + 1}'")


check_version(weasyprint.__version__)

from weasyprint.layout import block  # noqa: E402  (only once the version is known to be 70)

MM = 96 / 25.4  # CSS px per mm: the unit of WeasyPrint's boxes, which pdf.py and notesplit.py move


def apply() -> None:
    """The fixes, once per process (`layout_scope` applies them too)."""
    keep_notes_with_calls()
    page_references_once()
    justify_chosen_breaks()


# --- notes kept with their calls -------------------------------------------------------------------

#: sha256 of the source of WeasyPrint 70.0's weasyprint/layout/block.py:_linebox_layout, the
#: function `_linebox_layout` below is a copy of
LINEBOX_SHA256 = "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d"
#: the class of a note's part that may go to the next page (notesplit.CONT)
MOVABLE_CLASS = "note-cont"


@functools.cache
def keep_notes_with_calls() -> bool:
    """Stop WeasyPrint 70 from moving notes already placed on a page to the next one.

    When a line overflows the page and widows/orphans forbid breaking before it, WeasyPrint
    moves the page's last notes to the next page to make room for the line, stranding their
    calls (5 notes in a 110-page book; each cost a relayout of the whole body, and some were
    never repaired). With that one condition off, the paragraph breaks as it would on a page
    without notes: widows and orphans honoured, the page a line shorter, every note at the foot
    of the page of its call. What may still move is the later parts of a note cut to continue
    on the next page (notesplit.py): the line that overflows stays when moving them makes room
    (the page full to the footnote rule, the note continued overleaf).

    How: WeasyPrint's `block._linebox_layout` is replaced by this module's `_linebox_layout`, a
    copy of it with three marked changes; its caller (`block.block_container_layout`) finds it by
    its module-global name. The copy is installed only over the exact function it was copied
    from (the sha256 of its source); any other is refused with the reason, since the copy would
    silently undo whatever WeasyPrint changed in it.

    Why a copy and not a wrapper or a subclass: what changes is a decision taken on three local
    variables of that one function — `can_break_now`, `could_break_before` and the line's
    `resume_at` — in `report = not context.in_column and can_break_now and not could_break_before`,
    and `report` then short-circuits the loop `while report and context.current_page_footnotes:`
    before any object from outside is consulted. A wrapper around the function sees only its
    arguments and results (the notes already moved by then); a LayoutContext subclass or wrapped
    `report_footnote` / `current_page_footnotes` / `in_column` can only make `report` false where
    WeasyPrint has it true, never true where it is false (at a paragraph's last line, or where the
    page could have broken before the line), which is where a continued note's part must move;
    and wrapping `_break_line`, which that branch calls otherwise, would need the page's
    `bottom_space` and WeasyPrint's `needed` before it is clamped, which it is not given. Reading
    the caller's frame from a property would reproduce it, at the price of something harder to
    read than the copy. The earlier way, `exec` of WeasyPrint's source edited by string
    replacement, compiled code no one can read in the repository.
    """
    if block._linebox_layout is _linebox_layout:
        return True
    source = inspect.getsource(block._linebox_layout)
    if hashlib.sha256(source.encode()).hexdigest() != LINEBOX_SHA256:
        raise RuntimeError(
            "WeasyPrint's weasyprint/layout/block.py:_linebox_layout is not the one "
            "edition/render/weasyprint70.py:_linebox_layout was copied from (WeasyPrint 70.0): the "
            "copy, which keeps notes with their calls, would undo the changes made to it. Install "
            "WeasyPrint 70.0, or bring the copy up to date with the new function and its sha256.")
    block._linebox_layout = _linebox_layout
    return True


def _report_before(context) -> None:
    """Move the page's last note to the next page, before the notes already moved there (it comes
    earlier in the text), so that WeasyPrint's reversal of the notes it moved is not needed."""
    note = context.current_page_footnotes[-1]
    context.report_footnote(note)
    context.reported_footnotes.remove(note)
    context.reported_footnotes.insert(0, note)


def _movable_note_part(context) -> bool:
    """The page's last note is a continued note's later part: it may go to the next page."""
    notes = context.current_page_footnotes
    if not notes or notes[-1].element is None:
        return False
    return MOVABLE_CLASS in (notes[-1].element.get("class") or "").split()


def _linebox_layout(context, box, index, child, new_children, page_is_empty,
                    absolute_boxes, fixed_boxes, adjoining_margins,
                    bottom_space, position_y, skip_stack, first_letter_style,
                    first_line_style, draw_bottom_decoration, max_lines):
    """WeasyPrint 70.0's `weasyprint.layout.block._linebox_layout` (BSD-3-Clause, © Simon Sapin
    and contributors), copied line for line but for the three changes marked `edition:` (see
    `keep_notes_with_calls`); the functions it calls are looked up in WeasyPrint's module, as
    the original does."""
    abort = stop = False
    resume_at = None
    new_footnotes = []

    assert len(box.children) == 1, 'line box with siblings before layout'

    if adjoining_margins:
        position_y += block.collapse_margin(adjoining_margins)
    new_containing_block = box
    lines_iterator = block.iter_line_boxes(
        context, child, position_y, bottom_space, skip_stack, new_containing_block,
        absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
    for i, (line, resume_at) in enumerate(lines_iterator):
        # Break box if we reached max-lines
        if max_lines is not None:
            if max_lines == 0:
                new_children[-1].block_ellipsis = box.style['block_ellipsis']
                break
            max_lines -= 1

        # Update line resume_at and position_y
        line.resume_at = resume_at
        new_position_y = line.position_y + line.height

        # Add bottom padding and border to the bottom position of the
        # box if needed
        draw_bottom_decoration |= resume_at is None
        if draw_bottom_decoration:
            offset_y = box.border_bottom_width + box.padding_bottom
        else:
            offset_y = 0

        # Allow overflow if the first line of the page is higher than the page itself so
        # that we put *something* on this page and can advance in the context.
        overflow = (
            (new_children or not page_is_empty) and
            context.overflows_page(bottom_space, new_position_y + offset_y))
        if overflow:
            # If we couldn’t break the line before but can break now, first try to
            # report footnotes and see if we don’t overflow.
            can_break_now = True  # edition: could_break_before is not needed (change 1)
            needed = box.style['widows'] - 1
            for next_line, _ in lines_iterator:
                needed -= 1
                block.remove_placeholders(
                    context, next_line.children, absolute_boxes, fixed_boxes)
                # Don’t iterate over all lines as it can be long.
                if needed == -1:
                    break
            if len(new_children) + 1 < box.style['orphans']:
                can_break_now = False
            elif needed >= 0:
                can_break_now = False
            needed = max(0, needed)
            # edition, change 1: notes may move where the page may end after the line or the
            # line ends its paragraph; WeasyPrint: `can_break_now and not could_break_before`
            report = not context.in_column and (can_break_now or resume_at is None)
            # edition, change 2: only a continued note's later parts move, each before the notes
            # already moved; WeasyPrint moves any note, after them (and then reverses them: gone)
            while report and _movable_note_part(context):
                _report_before(context)
                if not context.overflows_page(bottom_space, new_position_y + offset_y):
                    new_children.append(line)
                    stop = True
                    break
            else:
                abort, stop, resume_at = block._break_line(
                    context, box, line, new_children, needed, page_is_empty, index,
                    skip_stack, resume_at, absolute_boxes, fixed_boxes)

            # edition, change 3: WeasyPrint reverts the order of the notes it moved here;
            # _report_before already put each where it belongs

            break

        # TODO: this is incomplete.
        # See https://drafts.csswg.org/css-page-3/#allowed-pg-brk
        # "When an unforced page break occurs here, both the adjoining
        #  ‘margin-top’ and ‘margin-bottom’ are set to zero."
        # See issue #115.
        elif page_is_empty and context.overflows_page(bottom_space, new_position_y):
            # Remove the top border when a page is empty and the box is
            # too high to be drawn in one page
            new_position_y -= box.margin_top
            line.translate(0, -box.margin_top)
            box.margin_top = 0

        if context.footnotes:
            break_linebox = False
            footnotes = (
                descendant.footnote for descendant in line.descendants()
                if descendant.footnote in context.footnotes)
            for footnote in footnotes:
                overflow = context.layout_footnote(footnote)
                new_footnotes.append(footnote)
                overflow = (
                    overflow or
                    context.reported_footnotes or
                    context.overflows_page(bottom_space, new_position_y + offset_y))
                if overflow:
                    context.report_footnote(footnote)
                    # If we've put other content on this page, then we may want
                    # to push this line or block to the next page. Otherwise,
                    # we can't (and would loop forever if we tried), so don't
                    # even try.
                    if new_children or not page_is_empty:
                        if footnote.style['footnote_policy'] == 'line':
                            if needed := box.style['widows'] - 1:
                                for _ in lines_iterator:
                                    needed -= 1
                                    # Don’t iterate over all lines as it can be long.
                                    if needed == 0:
                                        break
                            abort, stop, resume_at = block._break_line(
                                context, box, line, new_children, needed, page_is_empty,
                                index, skip_stack, resume_at, absolute_boxes,
                                fixed_boxes)
                            break_linebox = True
                            break
                        elif footnote.style['footnote_policy'] == 'block':
                            abort = break_linebox = True
                            break
            if break_linebox:
                break

        new_children.append(line)
        position_y = new_position_y
        skip_stack = resume_at

    if new_children:
        resume_at = {index: new_children[-1].resume_at}

    return abort, stop, resume_at, position_y, new_footnotes, max_lines


# --- lines broken before layout (render/linebreak.py) --------------------------------------------

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
    from . import linebreak

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
                "edition/render/weasyprint70.py:justify_chosen_breaks was written for (WeasyPrint "
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


# --- tagged PDFs written in linear time ------------------------------------------------------------

@functools.cache
def page_references_once() -> bool:
    """Make pydyf's `PDF.page_references` build its tuple once per page count, not per use.

    It is a property that makes a reference for every page of the book each time it is read,
    and WeasyPrint reads it for every tagged element and link (`Pg`, destinations): writing a
    tagged PDF took time in pages × elements — 17 s for the 510-page book's reading PDF, twice
    the untagged print file. Pages are only ever appended to `Kids`, so its length keys the cache.
    The property is wrapped (its getter still makes the tuple), not rewritten.
    """
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if isinstance(original, property) and original.fget.__module__ == __name__:
        return True
    if not isinstance(original, property):
        raise RuntimeError(
            "pydyf's PDF.page_references is not the property edition/render/weasyprint70.py wraps "
            f"(pydyf {pydyf.__version__}): install the pydyf that WeasyPrint 70 pins (0.13)")

    def page_references(pdf) -> tuple:
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_page_references")
        if cached is None or cached[0] is not kids or cached[1] != len(kids):
            cached = (kids, len(kids), original.fget(pdf))
            pdf.__dict__["_page_references"] = cached
        return cached[2]

    pydyf.PDF.page_references = property(page_references, doc=original.__doc__)
    return True


# --- what a layout or a write runs in: the collector tuned, WeasyPrint's warnings reported ---------

LOGGER = logging.getLogger("weasyprint")
PROGRESS = logging.getLogger("weasyprint.progress")
#: how WeasyPrint's progress messages name the stylesheet it starts to parse (CSS.__init__)
PARSING_CSS = "Step 2 - Fetching and parsing CSS - "
#: where in a stylesheet WeasyPrint's CSS messages point: "Ignored `colr:red` at 93:3, …"
AT = re.compile(r"\bat (\d+):(\d+)\b")


class _Reported(logging.Handler):
    """Reports each of WeasyPrint's warnings and errors through the edition's Reporter as it comes,
    located: in the stylesheet WeasyPrint is parsing (its progress messages name it, its messages
    give the line; a stylesheet it @imports would keep that name after the import, but the
    edition's have none), else as WeasyPrint's. Nothing is expected: print.css and the rules added
    to it give WeasyPrint 70 nothing to warn about (a test checks it), so no allow-list. Under
    --strict the first is raised when the innermost `layout_scope` ends (an exception raised
    inside logging would only be printed)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.stylesheet: str | None = None
        self.refused: list[list[Exception]] = []  # per open scope: the warnings --strict refused

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.name == PROGRESS.name:
            self.stylesheet = message[len(PARSING_CSS):] if message.startswith(PARSING_CSS) else None
            return
        if record.levelno < logging.WARNING:
            return
        path, line = "WeasyPrint", None
        if self.stylesheet is not None:
            path = "<CSS string>" if self.stylesheet == "CSS string" else self.stylesheet
            at = AT.search(message)
            line = int(at.group(1)) if at else None
            message = f"WeasyPrint: {message}"
        try:
            errors.REPORTER.report(path, line, message, "warning", remedy="correct the stylesheet")
        except errors.InputError as refused:
            self.refused[-1].append(refused)


_reported = _Reported()


@contextlib.contextmanager
def layout_scope():
    """What a layout or a write of PDFs runs in (a `with` block or a decorator), nested or not:

    - the patches of `apply()` in effect;
    - Python's cyclic garbage collector run after 50,000 new objects rather than 700, and put back
      as it was when the block ends. A layout makes millions of small objects (boxes, styles,
      glyph runs) that all live until the PDFs are written; every few hundred of them the
      collector walked the young ones, and every few thousand all of them: 9 % of the seed's
      layout time (1.84 s → 1.68 s), 8 % of the 463-page book's. Memory grows by the garbage
      collected later (~100 MB for that book);
    - WeasyPrint's warnings (CSS it ignores: a mistake in print.css or in the rules added to it;
      content it cannot lay out) reported as the edition's warnings, located (see `_Reported`),
      and under --strict an error when the block ends. A forked writer runs its own scope, so
      that its warnings are reported (and refused) in the process that has them.
    """
    apply()
    outermost = not _reported.refused
    if outermost:
        levels = LOGGER.level, PROGRESS.level
        LOGGER.setLevel(logging.WARNING)
        PROGRESS.setLevel(logging.INFO)  # for the name of the stylesheet being parsed
        LOGGER.addHandler(_reported)
    _reported.refused.append([])
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, max(thresholds[1], 20), max(thresholds[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        refused = _reported.refused.pop()
        if outermost:
            LOGGER.removeHandler(_reported)
            LOGGER.setLevel(levels[0])
            PROGRESS.setLevel(levels[1])
            _reported.stylesheet = None
    if refused:
        raise refused[0]


# --- private parts of WeasyPrint that the print edition reads ------------------------------------

def page_box(page):
    """The laid-out box tree of a page (WeasyPrint keeps it as `Page._page_box`): where paragraph
    numbers are moved into the margin and continued notes are marked and measured."""
    return page._page_box


def with_bleed(document, bleed: float):
    """A copy of the document whose pages reach `bleed` px beyond the trim on every side, with an
    sRGB output intent (`Page.bleed` and the `Document` constructor are WeasyPrint's own)."""
    from weasyprint.document import Document

    pages = []
    for page in document.pages:
        shop = copy.copy(page)
        shop.bleed = {side: bleed for side in ("top", "right", "bottom", "left")}
        pages.append(shop)
    return Document(pages, document.metadata, document.url_fetcher, document.font_config, {}, "srgb")
