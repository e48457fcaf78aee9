"""Laying out the print book with WeasyPrint: body, back matter, front matter (DESIGN §5, §8).

The body of the book is laid out once; its pages' anchors give the page of every section, note
and name. Only then are the back matter (textual notes, works cited, indexes: their locators need
those pages) and the front matter (its contents need the back matter's pages too) laid out, each a
few pages; the three page lists are joined into one `Document` (`Laid`), which render/pdf.py writes
as each PDF.

Folios run from the half-title (page 1); the body starts on the first recto after the front matter
and the back matter on the first recto after the body, so that a page's folio is its number in the
file.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from . import STYLES, fonts, galley, linebreak, makeup, notesplit, weasyprint70
from .ast import neutral_ast
from .header import BookInfo, read_header
from .pandoc import divisions, run_pandoc
from .targets import division, for_print, note_units
from .weasyprint70 import MM, page_box
from ..errors import InputError
from ..source import source_date_epoch
from ..timing import timed

CSS_PATH = STYLES / "print.css"
TEMPLATE_PATH = STYLES / "print.html"
PN_GAP_MM = 4.0  # paragraph number to text

# --- fetching: the project's styles and fonts, nothing else ----------------------------

def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class StyleFetcher(URLFetcher):
        """Serves files under styles/ and, as styles/fonts/NAME, the installed faces (render/fonts.py);
        refuses any other URL."""

        def fetch(self, url, headers=None):
            try:
                path = self.local_path(url)
            except InputError as exc:  # a face not installed: WeasyPrint would set another serif
                raise FatalURLFetchingError(f"edition: {exc.message}") from None
            if path is None:
                raise FatalURLFetchingError(
                    f"edition: refusing to fetch {url}: the print edition may load only "
                    f"the project's styles ({STYLES}) and the {fonts.FAMILY} fonts")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

        @staticmethod
        def local_path(url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(unquote(parts.path)).resolve()
            if path.parent == (STYLES / "fonts").resolve():
                return fonts.path(path.name)
            if path.is_file() and path.is_relative_to(STYLES.resolve()) and path.suffix in (".css", ".html"):
                return path
            return None

    return StyleFetcher


# --- dates: given, never read from the clock when SOURCE_DATE_EPOCH is set -------------

def build_time() -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), otherwise now; UTC, whole seconds."""
    return source_date_epoch() or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def w3c(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- HTML ---------------------------------------------------------------------------

def css_string(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def running_title(title: str, limit: int = 60) -> str:
    """The title as a running head sets it, on one line of the verso's head: a title longer than
    the line holds is cut at its first colon, semicolon or comma, as books shorten theirs (a long
    source title ran over two lines, hyphenated); no trailing comma."""
    title = " ".join(title.split()).rstrip(",;:")
    if len(title) > limit:
        title = re.split(r"[:;,]\s", title, maxsplit=1)[0]
    return title


def to_html(ast: dict, part: str, moment: dt.datetime) -> str:
    """Pandoc's HTML5 for one part of the book, with the print template."""
    meta = dict(ast["meta"])
    for key, value in (("part", part), ("created", w3c(moment)), ("modified", w3c(moment))):
        meta[key] = {"t": "MetaString", "c": value}
    doc = {**ast, "meta": meta}
    return run_pandoc(doc, "html5", ["--wrap=none", f"--template={TEMPLATE_PATH}"]).decode("utf-8")


@dataclass
class Part:
    """What WeasyPrint was given for one part of the book: its HTML and the rules added to
    print.css (kept so that `edition bench` can time WeasyPrint alone on the same input)."""

    html: str
    css: list[str]


@dataclass
class Laid:
    """The laid-out book: one WeasyPrint Document and the folio of every anchor."""

    document: object
    pages: dict[str, int]
    front: int
    body: int
    back: int
    first_back: int
    info: BookInfo  # what the header says of the book: its title, language, identity
    timings: dict[str, float] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)  # front, text, back: the final input of each


@dataclass
class PartLaid:
    """One part of the book (front, text, back) laid out: WeasyPrint's document and its input."""

    document: object
    part: Part
    first: int = 0  # the back matter's first folio (after a blank verso, when there is one)

    @property
    def pages(self) -> list:
        return self.document.pages


class Typesetter:
    """Lays out the book: body once, then back and front matter with the body's page numbers."""

    def __init__(self, tei_root: etree._Element, moment: dt.datetime | None = None):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts.require()  # before WeasyPrint, which would set a missing face in some other serif
        weasyprint70.apply()  # notes kept with their calls; tagged PDFs in linear time, as PDF/UA wants them
        self.root = tei_root
        self.moment = moment or build_time()
        self.header = read_header(tei_root)
        self.fetcher = _fetcher_class()()
        self.fonts = FontConfiguration()
        with weasyprint70.layout_scope():  # a mistake in print.css is reported wherever it is parsed
            self.css = CSS(filename=str(CSS_PATH), font_config=self.fonts, url_fetcher=self.fetcher)
        self.body_layouts = 0
        self.note_repairs = 0  # layouts of the body again for a note WeasyPrint put on a later page
        self.last_part: Part | None = None
        self.timings: dict[str, float] = {}
        self.book: dict = {}  # the neutral AST (ast.py)
        self.units: dict[str, str] = {}  # note id → the id of the unit that calls it
        self._line_setter: tuple[str, linebreak.LineSetter] | None = None  # the body's HTML, read
        self.line_plan: linebreak.Plan | None = None

    def furniture(self, first_folio: int, first_side: str) -> str:
        """The rules that depend on the book: running title, first folio and side of a part.

        Text before the first heading is headed by the title; a first section is not (WeasyPrint
        sets a box's string again on each page it continues onto: all its rectos would read the
        title)."""
        title = css_string(running_title(self.header.title))
        rules = f"""
            html {{ string-set: booktitle {title}; break-before: {first_side}; }}
            @page :first {{ counter-set: page {first_folio}; }}
            .text > :first-child:not(.division) {{ string-set: section {title}; }}
            .back h2 {{ string-set: section content(), backtitle {title}; }}
            @page back:left {{ @top-left {{ content: string(backtitle, first-except) }} }}
            @page back:right {{ @top-right {{ content: string(section, first-except) }} }}
            .back {{ page: back; }}
        """
        return rules

    def render(self, html: str, first_folio: int, first_side: str = "right", extra_css: str = ""):
        """Lay out one part of the book."""
        from weasyprint import CSS, HTML

        rules = [self.furniture(first_folio, first_side)] + ([extra_css] if extra_css else [])
        sheets = [self.css] + [CSS(string=r, font_config=self.fonts, url_fetcher=self.fetcher) for r in rules]
        self.last_part = Part(html, rules)
        return HTML(string=html, base_url=str(STYLES) + "/", url_fetcher=self.fetcher).render(
            font_config=self.fonts, stylesheets=sheets)

    def laid_part(self, html: str, first_folio: int, first_side: str = "right") -> PartLaid:
        return PartLaid(self.render(html, first_folio, first_side), self.last_part)

    def body(self, html: str, body_start: int) -> PartLaid:
        """Lay out the text, its lines broken total-fit first (`set_lines`) and its pages made up
        (`make_up`); if WeasyPrint put a note on a later page than its call, try again.

        WeasyPrint 70 moves a note to the next page rather than break a paragraph against its
        widows/orphans settings (the paragraph at the foot of the page, often not the one that
        calls the note), and then leaves the call behind. Each note found misplaced gets, one
        step per new layout: the paragraph at the foot of its call's page and the calling one
        freed of widows/orphans control; then `footnote-policy: block`; then its paragraph
        started on a new page. Books whose notes all land right are laid out once.
        """
        source = html
        draft = Draft(self.set_lines(source, body_start))
        draft.doc = self.render(draft.html, body_start)
        self.body_layouts += 1
        self.make_up(source, body_start, draft)
        self._line_setter = None  # its styled tree is a sixth of a long book's peak memory
        collected(len(draft.doc.pages))
        self.cut_notes(body_start, draft)
        html, doc = draft.html, draft.doc
        del draft
        html, cut = notesplit.split_notes(html, doc)
        log.debug("notes cut into parts to continue on the next page: %d", cut)
        doc = self.repair_notes(html, body_start, None if cut else doc)
        return PartLaid(doc, self.last_part)

    def set_lines(self, html: str, body_start: int, keep: dict | None = None, spare: int = 0) -> str:
        """The body's HTML with its lines broken total-fit (render/linebreak.py), styled as
        `render` will lay it out; `keep` and `spare` as `linebreak.LineSetter.html` takes them.
        The HTML is read and measured once for the page make-up, which sets it several times;
        `body` then lets the reader go (a body laid out again from another folio, when the
        contents grow, is read again: 1 s for the seed, 17 s for a 560-page book)."""
        from weasyprint import CSS

        with timed(self.timings, "lines"):
            if self._line_setter is None or self._line_setter[0] != html:
                rules = [self.furniture(body_start, "right")]
                sheets = [self.css] + [CSS(string=r, font_config=self.fonts, url_fetcher=self.fetcher) for r in rules]
                self._line_setter = (html, linebreak.LineSetter(html, sheets, self.fonts, self.fetcher,
                                                                str(STYLES) + "/"))
            out, plan = self._line_setter[1].html(keep, spare)
        log.debug("lines: %s", plan)
        self.line_plan = plan
        return out

    def make_up(self, source: str, body_start: int, draft: Draft) -> None:
        """Set the lines of some paragraphs again and lay the body out once more, when the first
        layout broke a word at the foot of a recto, or left a page short because what came next
        (a line with its note) did not fit: those paragraphs set with as many lines and no hyphen
        there; for a short page, the paragraphs or notes on it (or on the page before) that set a
        line longer or shorter leave the fewest pages short when the pages are made up again on
        paper (render/galley.py `fill_pages`), at the fewest loose lines more (within the text's
        2 %). The new layout is kept unless it has more short pages (with a recto's foot to mend,
        the one that mends only that is tried next); `draft` holds the HTML and the layout kept."""
        plan, setter = self.line_plan, self._line_setter[1]
        spare = setter.loose_budget()  # loose lines a short page or a recto's foot may cost
        feet = makeup.recto_feet(draft.doc, body_start)
        measured = galley.measure(draft.doc)
        fill = galley.fill_pages(measured, setter.other_lengths, spare) if galley.check(measured) else {}
        del measured
        if not feet and not fill:
            return
        short = makeup.short_pages(draft.doc)
        keep = {key: (plan.counts.get(key), lines) for key, (_, lines) in feet.items()}
        for element, more in fill.items():
            key = linebreak.block_key(element)
            keep[key] = (plan.counts[key] + more, keep.get(key, (None, frozenset()))[1])
        log.debug("make-up: hyphens at the foot of a recto %s; pages short %s, paragraphs set a line longer "
                  "or shorter %s", sorted(feet.values()), short, sorted(fill.values()))
        tried = [keep] if not feet or not fill else [keep, {k: (plan.counts.get(k), v) for k, (_, v) in feet.items()}]
        draft.let_go()
        for attempt in tried:
            new_html, new_doc = self.set_and_lay_out(source, body_start, attempt, spare)
            for _ in range(MAX_FOOT_MENDS):  # the lines that moved broke a word at another recto's foot
                again = makeup.recto_feet(new_doc, body_start)
                for key, (count, lines) in again.items():  # keep that line whole too
                    kept_count, kept_lines = attempt.get(key, (count, frozenset()))
                    attempt[key] = (kept_count, kept_lines | lines)
                mended = self.set_lines(source, body_start, attempt, spare) if again else new_html
                if mended == new_html:  # nothing to mend, or no setting of its paragraph mends it
                    break
                new_html, new_doc = mended, None  # the layout it mends let go before the next is made
                new_doc = self.render(mended, body_start)
                self.body_layouts += 1
            kept = len(makeup.short_pages(new_doc)) <= len(short)
            if kept or feet:  # with a recto's foot to mend, the last attempt rather than none
                draft.html, draft.doc = new_html, new_doc
            if kept:
                return
            if not feet:  # else the draft holds it
                pages, new_doc = len(new_doc.pages), None
                collected(pages)
        if draft.doc is None:  # no attempt kept: the first layout again
            draft.doc = self.render(draft.html, body_start)
            self.body_layouts += 1

    def set_and_lay_out(self, source: str, body_start: int, keep: dict, spare: int = 0) -> tuple[str, object]:
        """The body's lines set again with `keep` and `spare` (`set_lines`), and laid out."""
        html = self.set_lines(source, body_start, keep, spare)
        doc = self.render(html, body_start)
        self.body_layouts += 1
        return html, doc

    def cut_notes(self, body_start: int, draft: Draft) -> None:
        """Fill the pages that stop short because the next line's note does not fit: the body's
        pages are made up again on paper (render/galley.py), each such note cut in two there
        (or the space above a page's notes shrunk a little, `galley.FOOT_SQUEEZE`), and the body
        laid out once with every cut. The new layout is kept when each cut note starts on its
        call's page and goes on at the head of the next page's notes, and fewer pages are short;
        else the cuts before the first that went wrong are tried alone, with no space shrunk,
        once (a layout of a long book is a minute); else the layout it was given, laid out again.
        `draft` holds the HTML and the layout kept."""
        measured = galley.measure(draft.doc)
        if not galley.check(measured):  # the pages on paper are not WeasyPrint's: plan nothing
            log.debug("page make-up: the galley does not break as the layout did; no note cut")
            return
        _, cuts, squeezes = galley.make_up(measured)
        if not cuts and not squeezes:
            return
        short = len(makeup.short_pages(draft.doc))
        laid_notes = notesplit.note_lines(draft.doc)
        draft.let_go()
        for _ in range(2):  # all the cuts, then those before the first that went wrong
            new_html = notesplit.cut_notes(draft.html, laid_notes, measured, cuts)
            rules = galley.foot_rules(measured, squeezes)
            new_html = new_html.replace("</head>", f"<style>\n{rules}</style>\n</head>", 1) if rules else new_html
            new_doc = self.render(new_html, body_start)
            self.body_layouts += 1
            pages = anchor_folios(new_doc, 0)
            placed = [pages.get(f"{c.note}-call") == pages.get(c.note) and
                      pages.get(f"{c.note}-part2") == pages.get(c.note, -2) + 1 for c in cuts]
            new_short = len(makeup.short_pages(new_doc))
            log.debug("page make-up: notes cut %s, placed %s; space above the notes shrunk %s; pages short %d, "
                      "were %d", [(c.note, c.lines) for c in cuts], placed, squeezes, new_short, short)
            if all(placed) and new_short < short:
                draft.html, draft.doc = new_html, new_doc
                return
            pages, new_doc = len(new_doc.pages), None
            collected(pages)
            cuts, squeezes = (cuts[:placed.index(False)] if not all(placed) else []), {}
            if not cuts:
                break
        draft.doc = self.render(draft.html, body_start)
        self.body_layouts += 1

    def repair_notes(self, html: str, body_start: int, doc=None):
        """The layout loop of `body`; `doc`, when given, is the first layout of `html`."""
        units = self.units
        level: dict[str, int] = {}
        rules: list[str] = []
        laid = doc
        for _ in range(MAX_BODY_LAYOUTS):
            if doc is None:
                doc = self.render(html, body_start, extra_css="\n".join(rules))
                self.body_layouts += 1
            pages = anchor_folios(doc, body_start)
            wrong = [n for n in misplaced_notes(pages) if n in units]
            log.debug("body layout %d: notes on the wrong page: %s", self.body_layouts, wrong)
            if not wrong or all(level.get(n, 0) >= len(REPAIRS) for n in wrong):
                break
            self.note_repairs += 1
            for note in wrong:
                step = level.get(note, 0)
                if step < len(REPAIRS):
                    foot = foot_unit(pages, pages[f"{note}-call"])
                    rules.append(REPAIRS[step].format(note=note, unit=units[note], foot=foot or units[note]))
                    level[note] = step + 1
            laid, doc = doc, None
        return doc or laid

    @weasyprint70.layout_scope()
    def layout(self) -> Laid:
        """Body, then back matter, then front matter; joined into one document.

        The front matter is first laid out with no page numbers, for its length: the body then
        starts on the right folio (the recto after it) and is laid out once. A long book's
        contents run to more pages than a short one's.

        `Laid.timings` has the seconds spent on: ast (TEI → Pandoc AST), html (pandoc), body
        (laying out the text, with any note repairs), back (notes, works, indexes), front
        (title pages, contents), numbers (paragraph numbers to the margin), total.
        """
        t0 = time.perf_counter()
        with timed(self.timings, "ast"):
            self.book = neutral_ast(self.root)
            self.units = note_units(division(self.book, "text"))
        body_html, body_start = self.html_and_front_length()
        with timed(self.timings, "body"):
            body = self.body(body_html, body_start)
        for _ in range(3):
            back, front, pages = self.matter(body, body_start)
            if first_recto_after(len(front.pages)) == body_start:
                break
            # the page numbers made the contents longer: lay the body out again
            body_start = first_recto_after(len(front.pages))
            with timed(self.timings, "body"):
                body = self.body(body_html, body_start)
        else:  # pragma: no cover - the front matter would not settle
            raise RuntimeError("front matter length did not settle")
        if len(front.pages) + 1 != body_start:  # pragma: no cover - print.css ends it on a verso
            raise RuntimeError(f"the front matter has {len(front.pages)} pages: it must end on a verso")
        pages.update({k: v for k, v in anchor_folios(front.document, 1).items() if k not in pages})
        document = body.document.copy(front.pages + body.pages + back.pages)
        self.timings["total"] = time.perf_counter() - t0
        return Laid(document, pages, len(front.pages), len(body.pages), len(back.pages),
                    back.first, self.header, self.timings,
                    {"front": front.part, "text": body.part, "back": back.part})

    def print_html(self, ident: str, pages: dict[str, int] | None = None) -> str:
        """Pandoc's HTML of one top-level division of the print book, with the pages known so far."""
        with timed(self.timings, "ast"):
            ast = for_print(divisions(self.book, ident), pages)
        with timed(self.timings, "html"):
            return to_html(ast, ident, self.moment)

    def html_and_front_length(self) -> tuple[str, int]:
        """The body's HTML, and the folio it starts on: the first recto after the front matter,
        laid out without page numbers for its length while pandoc converts the body (a
        subprocess: the thread waits without the GIL)."""
        with ThreadPoolExecutor(1) as pool:
            body_job = pool.submit(self.print_html, "text")
            front_html = self.print_html("front")
            with timed(self.timings, "front"):
                body_start = first_recto_after(len(self.render(front_html, 1).pages))
            return body_job.result(), body_start

    def matter(self, body: PartLaid, body_start: int) -> tuple[PartLaid, PartLaid, dict[str, int]]:
        """Back and front matter for a body laid out from `body_start`, and every anchor's folio."""
        with timed(self.timings, "numbers"):
            place_paragraph_numbers(body.document, body_start)
            notesplit.mark_continued(body.document)
        pages = anchor_folios(body.document, body_start)
        after_body = body_start + len(body.pages)
        # the back part's first page is after_body: a blank verso when the back must start on a recto
        first_side = "right" if after_body % 2 == 1 else "left"
        back_html = self.print_html("back", pages)
        with timed(self.timings, "back"):
            back = self.laid_part(back_html, after_body, first_side)
            back.first = after_body if after_body % 2 == 1 else after_body + 1
        pages.update({k: v for k, v in anchor_folios(back.document, after_body).items() if k not in pages})
        front_html = self.print_html("front", pages)
        with timed(self.timings, "front"):
            front = self.laid_part(front_html, 1)
        return back, front, pages

@dataclass
class Draft:
    """The body's HTML and its layout, handed from one step of the page make-up to the next. A
    step that lays the body out again lets go of the layout it was given first (`let_go`): a long
    book's layout is hundreds of MB, and two of them alive at once were its peak memory."""

    html: str
    doc: object = None

    def let_go(self) -> None:
        """Drop the layout (`collected`)."""
        pages = len(self.doc.pages) if self.doc is not None else 0
        self.doc = None
        collected(pages)


#: a body of this many pages or more is collected when the make-up drops one of its layouts
COLLECT_FROM_PAGES = 100


def collected(pages: int) -> None:
    """After a layout of `pages` pages is dropped: in a long book, collect it at once. Its boxes
    hold reference cycles, which the collector reached only after the next layout had taken
    memory of its own: the 570-page book peaked at 3.5 GB, 2.4 GB so (a collection is a few
    seconds there, against a minute a layout)."""
    if pages >= COLLECT_FROM_PAGES:
        import gc

        gc.collect()


def first_recto_after(pages: int) -> int:
    """The folio of the first recto (odd page) after `pages` pages."""
    return pages + 1 if pages % 2 == 0 else pages + 2


MAX_BODY_LAYOUTS = 6
#: how many times the page make-up mends a word broken anew at a recto's foot by what it moved
MAX_FOOT_MENDS = 3
log = logging.getLogger("edition.pdf")

#: what is tried, in turn, for a note that WeasyPrint put on a later page than its call
REPAIRS = (
    "#{foot}, #{foot} p, #{unit}, #{unit} p {{ widows: 1; orphans: 1; }}",
    "#{note} {{ footnote-policy: block; }}",
    "#{unit} {{ break-before: page; }}",
)


def foot_unit(pages: dict[str, int], folio: int) -> str | None:
    """The id of the last paragraph-level unit that starts on or before a page."""
    units = [(int(a[1:]), a) for a, p in pages.items() if re.fullmatch(r"p\d+", a) and p <= folio]
    return max(units)[1] if units else None


def misplaced_notes(pages: dict[str, int]) -> list[str]:
    """Notes whose text starts on another page than their call."""
    return sorted(a[: -len("-call")] for a in pages
                  if a.endswith("-call") and pages.get(a[: -len("-call")]) != pages[a])


def anchor_folios(document, first_folio: int) -> dict[str, int]:
    """Anchor id → folio of the page it is on (the first page, if it is on several)."""
    out: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for anchor in page.anchors:
            out.setdefault(anchor, first_folio + i)
    return out


def place_paragraph_numbers(document, first_folio: int) -> None:
    """Move each paragraph number into the outer margin: left on versos, right on rectos.

    The numbers are laid out as zero-width inline blocks at the start of their unit, so
    moving them changes nothing else on the page.
    """
    from weasyprint.formatting_structure.boxes import InlineBlockBox, TextBox

    gap = PN_GAP_MM * MM
    for i, page in enumerate(document.pages):
        tree = page_box(page)
        left = tree.content_box_x()
        right = left + tree.width
        recto = (first_folio + i) % 2 == 1
        for box in tree.descendants():
            if not isinstance(box, InlineBlockBox) or box.element is None:
                continue
            if "pn" not in (box.element.get("class") or "").split() or getattr(box, "_pn_placed", False):
                continue
            texts = [t for t in box.descendants() if isinstance(t, TextBox)]
            if not texts:
                continue
            x0 = min(t.position_x for t in texts)
            x1 = max(t.position_x + t.width for t in texts)
            target = right + gap if recto else left - gap - (x1 - x0)
            box.translate(target - x0, 0)
            box._pn_placed = True
