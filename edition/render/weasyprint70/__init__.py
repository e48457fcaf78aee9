"""Every use of WeasyPrint 70's and pydyf 0.13's internals, in one place (issue 11): this package
(linebox.py holds the one function of WeasyPrint's it replaces with a reviewed copy).

The print edition relies on things WeasyPrint keeps private: the box tree of a laid-out page, a
Document made from pages with bleed, and fixes to the engines applied once per process by
`apply()` (notes kept with their calls, lines broken before layout justified as inner lines
(justify.py), tagged PDFs written in linear time, a structure tree a PDF/UA-1 checker accepts,
small capitals that copy out as their text (smallcaps.py)). Each fix replaces one
thing, checks first that it replaces what it expects (else refuses, with the reason), and says
why. `layout_scope()` is what a layout or a write runs in: the garbage collector tuned for it and
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

from ... import errors

SUPPORTED = 70


def check_version(version: str) -> None:
    """Refuse a WeasyPrint whose major version is not the one these patches were written for."""
    if version.split(".")[0] != str(SUPPORTED):
        raise RuntimeError(
            f"edition needs WeasyPrint {SUPPORTED}.x, found {version}: the print edition patches "
            f"WeasyPrint {SUPPORTED}'s internals (edition/render/weasyprint70/) and is not made for "
            f"another version. Install the pinned one: .venv/bin/pip install 'weasyprint>={SUPPORTED},<{SUPPORTED + 1}'")


check_version(weasyprint.__version__)

from weasyprint.layout import block  # noqa: E402  (only once the version is known to be 70)

from .justify import justify_chosen_breaks  # noqa: E402
from .linebox import _linebox_layout  # noqa: E402

MM = 96 / 25.4  # CSS px per mm: the unit of WeasyPrint's boxes, which pdf.py and notesplit.py move


def apply() -> None:
    """Every fix, once per process (`layout_scope` applies them too)."""
    keep_notes_with_calls()
    justify_chosen_breaks()
    page_references_once()
    one_annotation_per_link()
    furniture_as_artifacts()
    structure_tree_for_ua()
    links_printable_in_ua()
    small_caps_copy_as_text()


# --- notes kept with their calls -------------------------------------------------------------------

#: sha256 of the source of WeasyPrint 70.0's weasyprint/layout/block.py:_linebox_layout, the
#: function `linebox._linebox_layout` is a copy of
LINEBOX_SHA256 = "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d"


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

    How: WeasyPrint's `block._linebox_layout` is replaced by `linebox._linebox_layout` (the module
    beside this one), a copy of it with three marked changes; its caller (`block.block_container_layout`) finds it by
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
            "edition/render/weasyprint70/linebox.py:_linebox_layout was copied from (WeasyPrint 70.0): the "
            "copy, which keeps notes with their calls, would undo the changes made to it. Install "
            "WeasyPrint 70.0, or bring the copy up to date with the new function and its sha256.")
    block._linebox_layout = _linebox_layout
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
            "pydyf's PDF.page_references is not the property edition/render/weasyprint70/ wraps "
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


# --- a structure tree that a PDF/UA-1 checker accepts (issue 14 point 6) ---------------------------

def source_sha256(*functions) -> str:
    """sha256 of the source of `functions`, joined: what a wrapper below relies on."""
    return hashlib.sha256("".join(inspect.getsource(f) for f in functions).encode()).hexdigest()


def _install(owner, name: str, make, expected: str, relies_on: tuple, what: str) -> bool:
    """Replace `owner.name` by `make(original)`, once, and only over the WeasyPrint it was written
    for: the sha256 of the source of `relies_on` (the original and what the wrapper assumes of its
    neighbours) must be `expected`, or the reason is raised."""
    current = getattr(owner, name)
    if getattr(current, "edition_wraps", None) is not None:
        return True
    if source_sha256(*relies_on) != expected:
        raise RuntimeError(
            f"WeasyPrint's {what} is not the one edition/render/weasyprint70/ wraps (WeasyPrint "
            f"70.0): the wrapper may no longer do what it says. Install WeasyPrint 70.0, or review the "
            f"wrapper against the new source and update its sha256.")
    wrapper = make(current)
    wrapper.edition_wraps = current
    setattr(owner, name, wrapper)
    return True


#: sha256 of WeasyPrint 70.0's weasyprint/anchors.py:gather_anchors
GATHER_ANCHORS_SHA256 = "373f8c676f27da3b0960998876d78d01eef0b5ff0a0b0c48bfc7a9a89627bbfd"


@functools.cache
def one_annotation_per_link() -> bool:
    """One link annotation for each box of a link, none for the boxes inside it.

    WeasyPrint 70 passes a link down the box tree (`link = box.link or parent_link`), so every
    inline box inside an `<a>` (a name's span in a contents entry, an italic title) gets a link
    annotation of its own, on top of the link's, and the tag tree puts that one in the inner
    element's `Span`: "link annotation not inside a /Link structure element", a PDF/UA-1 error
    (Matterhorn 28-011) on the contents page. The link's own annotation covers the inner boxes
    (its hit area is the whole inline box), so the inner ones are dropped: the wrapper calls
    `gather_anchors` with no link inherited, at every level (its recursion finds the wrapper by
    its module-global name). Anchors, bookmarks and forms are gathered as before."""
    from weasyprint import anchors

    def make(original):
        @functools.wraps(original)
        def gather_anchors(box, anchors, links, bookmarks, forms, parent_matrix=None,
                           parent_form=None, parent_link=None):
            return original(box, anchors, links, bookmarks, forms, parent_matrix, parent_form, None)
        return gather_anchors

    return _install(anchors, "gather_anchors", make, GATHER_ANCHORS_SHA256,
                    (anchors.gather_anchors,), "weasyprint/anchors.py:gather_anchors")


#: sha256 of WeasyPrint 70.0's draw.draw_stacking_context, draw.draw_page, pdf.stream.Stream.marked
#: and Stream.artifact (a stream whose `_tags` is None marks nothing)
FURNITURE_SHA256 = "d6a382d1b9a074ad83bb540437f280ee4c8c4e8406e39ab5ed03c4c59d26cb96"


def _furniture_relies_on() -> tuple:
    from weasyprint import draw
    from weasyprint.pdf.stream import Stream

    return draw.draw_stacking_context, draw.draw_page, Stream.marked, Stream.artifact


@functools.cache
def furniture_as_artifacts() -> bool:
    """Running heads and folios (the page's margin boxes) drawn as pagination artifacts.

    WeasyPrint 70 marks the text of a margin box as content (`/Span <</MCID n>> BDC`) and builds
    a structure element for it that it leaves out of the tree ("could be included in tree as
    Artifact, but that's only allowed in PDF 2.0"): a checker reads the running heads and folios
    as text tagged as content on every page (Matterhorn 18-001). A PDF 1.7 marks them in the
    content stream instead: `/Artifact <</Type /Pagination /Subtype /Header>> BDC … EMC` around
    each margin box (`/Footer` at the foot of the page), with marking switched off inside it
    (WeasyPrint's stream marks nothing while its `_tags` is None), so nothing in it has an MCID;
    `structure_tree_for_ua` leaves margin boxes out of the tree. Untagged PDFs (the print file)
    are drawn as before. Each margin box is a stacking context of its own, drawn by
    `draw_stacking_context`, which `draw_page` and its own recursion find by its module-global name.
    """
    from weasyprint import draw
    from weasyprint.formatting_structure import boxes

    import pydyf

    def make(original):
        @functools.wraps(original)
        def draw_stacking_context(stream, stacking_context):
            box = stacking_context.box
            if stream._tags is None or not isinstance(box, boxes.MarginBox):
                return original(stream, stacking_context)
            where = box.at_keyword.split("-")[0].lstrip("@")
            properties = pydyf.Dictionary({"Type": "/Pagination"})
            if where in ("top", "bottom"):
                properties["Subtype"] = "/Header" if where == "top" else "/Footer"
            tags, stream._tags = stream._tags, None
            stream.begin_marked_content("Artifact", properties)
            try:
                return original(stream, stacking_context)
            finally:
                stream.end_marked_content()
                stream._tags = tags
        return draw_stacking_context

    return _install(draw, "draw_stacking_context", make, FURNITURE_SHA256, _furniture_relies_on(),
                    "weasyprint/draw/__init__.py:draw_stacking_context (or draw_page, Stream.marked, "
                    "Stream.artifact)")


#: sha256 of WeasyPrint 70.0's pdf/tags.py:_build_box_tree and add_tags (which calls it by its
#: module-global name and requires every marked content to be mapped)
BOX_TREE_SHA256 = "057b2d675461ccebbc0c1b193e7b7e044ee9aa51fd35003f8d428e89ec8105b5"


def _box_tree_relies_on() -> tuple:
    from weasyprint.pdf import tags

    return tags._build_box_tree, tags.add_tags


def _has_content(box) -> bool:
    """A box that draws marked content (text, an image) or carries an annotation, or has one inside."""
    from weasyprint.formatting_structure import boxes

    box = getattr(box, "_box", box)  # an absolute box's placeholder
    if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)) or box.link_annotation or box.widget_annotation:
        return True
    return any(_has_content(child) for child in getattr(box, "children", ()))


def _list_body(item, pdf) -> None:
    """Put what a list item `LI` holds besides its label (`Lbl`) into one `LBody` child."""
    import pydyf

    body = None
    kids = pydyf.Array()
    for kid in item["K"]:
        element = pdf.objects[int(kid.split()[0])] if isinstance(kid, bytes) else None
        if element is None or "S" not in element or element["S"] in ("/Lbl", "/LBody"):
            kids.append(kid)  # the label, a body already made, an MCID or an annotation's OBJR
            continue
        if body is None:
            body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(),
                                     "Pg": item["Pg"], "P": item.reference})
            pdf.add_object(body)
            kids.append(body.reference)
        body["K"].append(kid)
        element["P"] = body.reference
    item["K"] = kids


@functools.cache
def structure_tree_for_ua() -> bool:
    """The structure tree of a tagged PDF as PDF/UA-1 wants it.

    WeasyPrint 70's `_build_box_tree` makes one structure element per box, with three faults a
    PDF/UA-1 checker finds in the reading edition:

    - margin boxes: their elements are built and left out of the tree; they are now drawn as
      artifacts (`furniture_as_artifacts`) and get no element at all;
    - empty elements: a box that draws nothing and carries no annotation (the `note-call` anchor
      of every note, an empty `div`) became an element with no content, 85 empty `Span`s in the
      seed (Matterhorn 09, WCAG 1.3.1); it now gets none (an anchor is a destination, found by
      its position, not by the tree);
    - list items with a marker: `LI` held the `Lbl` and then the item's blocks directly; what is
      not the label is now put in an `LBody` (Matterhorn 16, ISO 14289-1 7.6). Items without a
      marker already had theirs.

    How: a wrapper around `_build_box_tree`, which its own recursion and `add_tags` find by its
    module-global name: boxes without content are not passed to it, and a list item it returns
    gets its `LBody`. The elements it builds are otherwise WeasyPrint's.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    def make(original):
        @functools.wraps(original)
        def _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags_):
            inner = getattr(box, "_box", box)
            if isinstance(inner, boxes.MarginBox) or not _has_content(inner):
                return
            for element in original(box, parent, pdf, page_number, nums, annotations, tags_):
                if element.get("S") == "/LI":
                    _list_body(element, pdf)
                yield element
        return _build_box_tree

    return _install(tags, "_build_box_tree", make, BOX_TREE_SHA256, _box_tree_relies_on(),
                    "weasyprint/pdf/tags.py:_build_box_tree (or add_tags)")


#: sha256 of WeasyPrint 70.0's pdf/pdfua.py:pdfua
PDFUA_SHA256 = "b4b53c61f718ca9153d1964253cfe70c12288fa12f60d097d3346687b60b156f"
PRINT_FLAG = 1 << 2  # an annotation's F bit 3


@functools.cache
def links_printable_in_ua() -> bool:
    """Link annotations of a PDF/UA file with the Print flag, as WeasyPrint's PDF/A sets it.

    Without it a checker warns that print and screen differ (ISO 14289-1 7.18.1, Matterhorn 28;
    the links draw nothing, so nothing changes in print). The `pdf/ua-1` variant's function,
    which WeasyPrint calls once the PDF is complete, is wrapped: it sets the flag on every
    annotation and then does what it did."""
    from weasyprint import pdf as weasy_pdf
    from weasyprint.pdf import pdfua

    variant, properties = weasy_pdf.VARIANTS["pdf/ua-1"]
    if getattr(variant, "edition_wraps", None) is not None:
        return True
    if not (isinstance(variant, functools.partial) and variant.func is pdfua.pdfua
            and variant.keywords == {"version": 1} and source_sha256(pdfua.pdfua) == PDFUA_SHA256):
        raise RuntimeError(
            "WeasyPrint's pdf/ua-1 variant is not weasyprint/pdf/pdfua.py:pdfua of WeasyPrint 70.0, "
            "which edition/render/weasyprint70/ wraps. Install WeasyPrint 70.0, or review the "
            "wrapper against the new source and update its sha256.")

    @functools.wraps(variant)
    def ua(pdf, *args, **kwargs):
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/Annot":
                obj["F"] = PRINT_FLAG
        return variant(pdf, *args, **kwargs)

    ua.edition_wraps = variant
    weasy_pdf.VARIANTS["pdf/ua-1"] = (ua, properties)
    return True


# --- small capitals that copy out as the text they set (issue 14 point 4) ------------------------

#: sha256 of WeasyPrint 70.0's draw/text.py:draw_first_line (how it maps glyphs to text) and
#: draw_text (which calls it by its module-global name, the layout active)
DRAW_FIRST_LINE_SHA256 = "c7b9448eee9ec5f3535ed3d243b5ad90872a8e396bcc302d9edb7ef71af9a6e1"


def _draw_first_line_relies_on() -> tuple:
    from weasyprint.draw import text

    return text.draw_first_line, text.draw_text


@functools.cache
def small_caps_copy_as_text() -> bool:
    """Text set in small capitals copies out of the PDFs as the text it sets.

    A small capital is one glyph for a lowercase letter and its capital, which WeasyPrint 70 maps
    to the text it first drew it for ("Alan WoodS"). A line in small capitals is now marked with
    its text (`/ActualText`: pdftotext, pdfium and MuPDF copy out "Alan Woods"), and each small
    capital is mapped to its lowercase letter (pdfminer, so pdfplumber, reads the map alone:
    "Alan Woods" in `small-caps`, "alan woods" in `all-small-caps`): see smallcaps.py. How: a
    wrapper around `draw_first_line`, which `draw_text` (and SVG text) finds by its module-global
    name; text not in small capitals is drawn as before."""
    from weasyprint.draw import text

    from .smallcaps import make_draw_first_line

    return _install(text, "draw_first_line", make_draw_first_line, DRAW_FIRST_LINE_SHA256,
                    _draw_first_line_relies_on(), "weasyprint/draw/text.py:draw_first_line (or draw_text)")


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
