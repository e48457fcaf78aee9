"""Fixes to the engines under the print edition (WeasyPrint 70, pydyf 0.13, Python's collector),
applied once per process by `apply()`. Each patches one thing, checks first that it patches what
it expects, and says why; without them notes stray from their calls, long books take quadratic
time to write, and a tenth of the layout time goes to collecting garbage that is not there.
"""

from __future__ import annotations

import functools
import gc
import inspect
import logging

log = logging.getLogger("edition.pdf")

MM = 96 / 25.4  # CSS px per mm: the unit of WeasyPrint's boxes, which pdf.py and notesplit.py move

#: the condition in weasyprint/layout/block.py:_linebox_layout that moves notes away from their calls
NOTE_REPORT = "report = not context.in_column and can_break_now and not could_break_before"
#: the loop under it that moves the page's last notes to the next page while the line overflows
NOTE_REPORT_LOOP = "while report and context.current_page_footnotes:"
#: what they become: only a continued note's later parts move (edition/render/notesplit.py), and
#: only where the page may end after the line (or the line ends its paragraph)
MOVABLE_REPORT = "report = not context.in_column and (can_break_now or resume_at is None)"
MOVABLE_LOOP = "while report and _movable_note_part(context):"
#: in that loop: each part moved goes before the notes already moved (it comes earlier in the text),
#: so WeasyPrint's reversal of the parts it moved is not needed
REPORT_LAST = "context.report_footnote(context.current_page_footnotes[-1])"
REPORT_BEFORE = "_report_before(context)"
REVERT = "if reported_footnotes >= 2:"
#: the class of a note's part that may go to the next page (notesplit.CONT)
MOVABLE_CLASS = "note-cont"


def _report_before(context) -> None:
    """Move the page's last note to the next page, before the notes already moved there."""
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


def apply() -> None:
    keep_notes_with_calls()
    page_references_once()
    collect_less_often()


@functools.cache
def collect_less_often() -> None:
    """Run Python's cyclic garbage collector after 50,000 new objects rather than 700.

    A layout makes millions of small objects (boxes, styles, glyph runs) that all live until
    the PDFs are written; every few hundred of them the collector walked the young ones, and
    every few thousand all of them: 9 % of the seed's layout time (1.84 s → 1.68 s), 8 % of
    the 463-page book's. Memory grows by the garbage collected later (~100 MB for that book).
    """
    _, second, third = gc.get_threshold()
    gc.set_threshold(50_000, max(second, 20), max(third, 100))


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
    (the page full to the footnote rule, the note continued overleaf). Patches the function's
    source in place, and only if it is the expected one (else the note repairs in
    `Typesetter.body` still catch what goes wrong).
    """
    from weasyprint.layout import block

    source, first_line = inspect.getsourcelines(block._linebox_layout)
    source = "".join(source)
    if any(source.count(s) != 1 for s in (NOTE_REPORT, NOTE_REPORT_LOOP, REPORT_LAST, REVERT)):
        log.warning("WeasyPrint's line layout is not the expected one: notes may need relayouts")
        return False
    patched = "\n" * (first_line - 1) + source.replace(NOTE_REPORT, MOVABLE_REPORT).replace(
        NOTE_REPORT_LOOP, MOVABLE_LOOP).replace(REPORT_LAST, REPORT_BEFORE).replace(REVERT, "if False:")
    block.__dict__["_movable_note_part"] = _movable_note_part
    block.__dict__["_report_before"] = _report_before
    exec(compile(patched, block.__file__, "exec"), block.__dict__)
    return True


@functools.cache
def page_references_once() -> bool:
    """Make pydyf's `PDF.page_references` build its tuple once per page count, not per use.

    It is a property that makes a reference for every page of the book each time it is read,
    and WeasyPrint reads it for every tagged element and link (`Pg`, destinations): writing a
    tagged PDF took time in pages × elements — 17 s for the 510-page book's reading PDF, twice
    the untagged print file. Pages are only ever appended to `Kids`, so its length keys the cache.
    """
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property):
        log.warning("pydyf's PDF.page_references is not the expected property: left as it is")
        return False

    def page_references(pdf) -> tuple:
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_page_references")
        if cached is None or cached[0] is not kids or cached[1] != len(kids):
            cached = (kids, len(kids), original.fget(pdf))
            pdf.__dict__["_page_references"] = cached
        return cached[2]

    pydyf.PDF.page_references = property(page_references, doc=original.__doc__)
    return True
