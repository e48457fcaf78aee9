"""Every use of WeasyPrint 70's and pydyf 0.13's internals, in one place (issue 11).

The print edition relies on things WeasyPrint keeps private: the box tree of a laid-out page, a
Document made from pages with bleed, and fixes to the engines applied once per process by
`apply()`. Each fix patches one thing, checks first that it patches what it expects, and says why;
without them notes stray from their calls, long books take quadratic time to write, and a tenth of
the layout time goes to collecting garbage that is not there. Internals change between major
versions without notice, so any other major version of WeasyPrint is refused at import, with the
reason, rather than left to lay out a subtly different book (tests/test_weasyprint70.py checks
that each patch is in effect).
"""

from __future__ import annotations

import copy
import functools
import gc
import inspect
import logging

import weasyprint

SUPPORTED = 70


def check_version(version: str) -> None:
    """Refuse a WeasyPrint whose major version is not the one these patches were written for."""
    if version.split(".")[0] != str(SUPPORTED):
        raise RuntimeError(
            f"edition needs WeasyPrint {SUPPORTED}.x, found {version}: the print edition patches "
            f"WeasyPrint {SUPPORTED}'s internals (edition/render/weasyprint70.py) and is not made for "
            f"another version. Install the pinned one: .venv/bin/pip install 'weasyprint>={SUPPORTED},<{SUPPORTED + 1}'")


check_version(weasyprint.__version__)

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


def quiet_weasyprint() -> None:
    """WeasyPrint warns about CSS it does not support (hyphenate-limit-zone …): keep the build quiet."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
