"""The print edition: TEI → Pandoc AST → HTML → WeasyPrint → PDFs (DESIGN §1, §5, §8).

One layout serves every PDF. The body of the book is laid out once; its pages'
anchors give the page of every section, note and name. Only then are the back
matter (textual notes, works cited, indexes: their locators need those pages)
and the front matter (its contents need the back matter's pages too) laid out,
each a few pages; the three page lists are joined into one `Document`, which is
written as

- `pdf`: the A5 reading edition, tagged, PDF/UA-1;
- `archival`: PDF/A-3a with the TEI attached (AFRelationship /Source), made
  valid for pikepdf's PDF/A validator by `pdfa_fix`;
- `print`: the same pages with 3 mm bleed, crop marks, TrimBox and BleedBox,
  PDF/X-4 with a deterministic XMP document id.

Folios run from the half-title (page 1); the body starts on the first recto after
the front matter and the back matter on the first recto after the body, so that a
page's folio is its number in the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import logging
import mimetypes
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from . import STYLES, notesplit, verify, weasyprint70
from .weasyprint70 import MM, page_box, with_bleed
from .ast import PrintBook, divisions
from .header import read_header
from ..fork import can_fork, in_fork
from ..source import source_date_epoch
from .pandoc import run_pandoc

CSS_PATH = STYLES / "print.css"
TEMPLATE_PATH = STYLES / "print.html"
VARIANTS = ("pdf", "print", "archival")
PT_PER_MM = 72 / 25.4
BLEED_MM = 3.0
SLUG_MM = 10.0  # the media box reaches this far beyond the trim, for the crop marks
PN_GAP_MM = 4.0  # paragraph number to text


def font_dir() -> Path:
    """The folder of the Source Serif Pro files that the PyPI package installs."""
    import font_source_serif_pro

    return Path(font_source_serif_pro.font_directory)


# --- fetching: the project's styles and fonts, nothing else ----------------------------

def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class StyleFetcher(URLFetcher):
        """Serves files under styles/ and, as styles/fonts/NAME, the installed fonts; refuses any other URL."""

        def fetch(self, url, headers=None):
            path = self.local_path(url)
            if path is None:
                raise FatalURLFetchingError(
                    f"edition: refusing to fetch {url}: the print edition may load only "
                    f"the project's styles ({STYLES}) and the Source Serif Pro fonts")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

        @staticmethod
        def local_path(url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(unquote(parts.path)).resolve()
            fonts = (STYLES / "fonts").resolve()
            if path.parent == fonts:
                candidate = font_dir() / path.name
                return candidate if candidate.is_file() else None
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


@contextlib.contextmanager
def timed(timings: dict[str, float], key: str):
    """Add the time spent in the block to timings[key]."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - start


@dataclass
class Laid:
    """The laid-out book: one WeasyPrint Document and the folio of every anchor."""

    document: object
    pages: dict[str, int]
    front: int
    body: int
    back: int
    first_back: int
    title: str
    lang: str
    timings: dict[str, float] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)  # front, text, back: the final input of each


class Typesetter:
    """Lays out the book: body once, then back and front matter with the body's page numbers."""

    def __init__(self, tei_root: etree._Element, moment: dt.datetime | None = None):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        weasyprint70.apply()  # notes kept with their calls; tagged PDFs written in linear time
        self.root = tei_root
        self.moment = moment or build_time()
        self.header = read_header(tei_root)
        self.fetcher = _fetcher_class()()
        self.fonts = FontConfiguration()
        self.css = CSS(filename=str(CSS_PATH), font_config=self.fonts, url_fetcher=self.fetcher)
        self.body_layouts = 0
        self.last_part: Part | None = None

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

    def body(self, html: str, body_start: int):
        """Lay out the text; if WeasyPrint put a note on a later page than its call, try again.

        WeasyPrint 70 moves a note to the next page rather than break a paragraph against its
        widows/orphans settings (the paragraph at the foot of the page, often not the one that
        calls the note), and then leaves the call behind. Each note found misplaced gets, one
        step per new layout: the paragraph at the foot of its call's page and the calling one
        freed of widows/orphans control; then `footnote-policy: block`; then its paragraph
        started on a new page. Books whose notes all land right are laid out once.
        """
        doc = self.render(html, body_start)
        self.body_layouts += 1
        html, cut = notesplit.split_notes(html, doc)
        log.debug("notes cut into parts to continue on the next page: %d", cut)
        if not cut:
            return self.repair_notes(html, body_start, doc)
        return self.repair_notes(html, body_start)

    def repair_notes(self, html: str, body_start: int, doc=None):
        """The layout loop of `body`; `doc`, when given, is the first layout of `html`."""
        units = call_units(html)
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
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        with timed(timings, "ast"):
            book = PrintBook(self.root)
            ast = book.build()
        with ThreadPoolExecutor(1) as pool:
            # pandoc converts the body (a subprocess: the thread waits without the GIL) while
            # the front matter is laid out here without page numbers, for its length
            body_job = pool.submit(to_html, divisions(ast, "text"), "text", self.moment)
            with timed(timings, "html"):
                front_html = to_html(divisions(ast, "front"), "front", self.moment)
            with timed(timings, "front"):
                body_start = first_recto_after(len(self.render(front_html, 1).pages))
            with timed(timings, "html"):
                body_html = body_job.result()
        with timed(timings, "body"):
            body_doc = self.body(body_html, body_start)
            body_part = self.last_part
        for _ in range(3):
            with timed(timings, "numbers"):
                place_paragraph_numbers(body_doc, body_start)
                notesplit.mark_continued(body_doc)
            pages = anchor_folios(body_doc, body_start)
            after_body = body_start + len(body_doc.pages)
            back_start = after_body if after_body % 2 == 1 else after_body + 1
            # the back part's first page is after_body: a blank verso when the back must start on a recto
            first_side = "right" if after_body % 2 == 1 else "left"
            with timed(timings, "ast"):
                back_ast = book.division_with_pages("back", pages)
            with timed(timings, "html"):
                back_html = to_html(back_ast, "back", self.moment)
            with timed(timings, "back"):
                back_doc = self.render(back_html, after_body, first_side)
                back_part = self.last_part
                pages.update({k: v for k, v in anchor_folios(back_doc, after_body).items() if k not in pages})
            with timed(timings, "ast"):
                front_ast = book.division_with_pages("front", pages)
            with timed(timings, "html"):
                front_html = to_html(front_ast, "front", self.moment)
            with timed(timings, "front"):
                front_doc = self.render(front_html, 1)
                front_part = self.last_part
            if first_recto_after(len(front_doc.pages)) == body_start:
                break
            # the page numbers made the contents longer: lay the body out again
            body_start = first_recto_after(len(front_doc.pages))
            with timed(timings, "body"):
                body_doc = self.body(body_html, body_start)
                body_part = self.last_part
        else:  # pragma: no cover - the front matter would not settle
            raise RuntimeError("front matter length did not settle")
        if len(front_doc.pages) + 1 != body_start:  # pragma: no cover - print.css ends it on a verso
            raise RuntimeError(f"the front matter has {len(front_doc.pages)} pages: it must end on a verso")
        pages.update({k: v for k, v in anchor_folios(front_doc, 1).items() if k not in pages})
        all_pages = front_doc.pages + body_doc.pages + back_doc.pages
        document = body_doc.copy(all_pages)
        timings["total"] = time.perf_counter() - t0
        return Laid(document, pages, len(front_doc.pages), len(body_doc.pages), len(back_doc.pages),
                    back_start, self.header.title, self.header.lang, timings,
                    {"front": front_part, "text": body_part, "back": back_part})


def first_recto_after(pages: int) -> int:
    """The folio of the first recto (odd page) after `pages` pages."""
    return pages + 1 if pages % 2 == 0 else pages + 2


MAX_BODY_LAYOUTS = 6
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


def call_units(html: str) -> dict[str, str]:
    """Note id → id of the paragraph-level unit that calls it."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    out = {}
    for call in tree.xpath("//span[@class='note-call']"):
        unit = call.xpath("ancestor::*[@data-n][1]/@id")
        if unit:
            out[call.get("id")[: -len("-call")]] = unit[0]
    return out


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


# --- writing -------------------------------------------------------------------------

@weasyprint70.layout_scope()  # print.css parsed, the book laid out and written
def render_pdfs(tei_root: etree._Element, tei_bytes: bytes, variants: set[str],
                slug: str | None = None, timings: dict[str, float] | None = None) -> dict[str, bytes]:
    """The PDFs asked for ("pdf", "print", "archival"), all from one layout of the book; `timings`
    gets the seconds of the layout's parts and of each file written in this process (build.STAGES)."""
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"unknown PDF variant(s) {sorted(unknown)}; known: {VARIANTS}")
    moment = build_time()
    laid = Typesetter(tei_root, moment).layout()
    verify.check_pdf(tei_root, laid.document)  # every word on the pages, or a located error
    slug = slug or tei_root.xpath("string(//*[local-name()='idno'][@type='slug'])") or "edition"
    writers = {
        "pdf": lambda: write_reading(laid),
        "archival": lambda: write_archival(laid, tei_bytes, f"{slug}.tei.xml", moment),
        "print": lambda: write_print(laid, moment),
    }
    wanted = [v for v in VARIANTS if v in variants]
    # Writing draws every page again: on two cores, forked copies of this process (the laid-out
    # book in their memory) write the other files while this one writes the first.
    elsewhere = {v: in_fork(writers[v]) for v in wanted[1:]} if can_fork() else {}
    timings = {} if timings is None else timings
    timings.update((k, v) for k, v in laid.timings.items() if k != "total")
    out = {}
    for v in (v for v in wanted if v not in elsewhere):
        with timed(timings, f"write_{v}"):
            out[v] = writers[v]()
    out.update({v: result() for v, result in elsewhere.items()})
    return {v: out[v] for v in wanted}


def identifier(laid: Laid, variant: str) -> bytes:
    """A file identifier that depends on the book and the variant only."""
    return hashlib.md5(f"{laid.title}|{variant}|{laid.front}|{laid.body}|{laid.back}".encode()).hexdigest().encode()


@weasyprint70.layout_scope()  # also where it runs in a forked process
def write_reading(laid: Laid) -> bytes:
    """The A5 reading edition: tagged, PDF/UA-1."""
    doc = laid.document.copy()
    doc.color_profiles = {}
    return doc.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier(laid, "pdf"))


@weasyprint70.layout_scope()
def write_archival(laid: Laid, tei_bytes: bytes, name: str, moment: dt.datetime) -> bytes:
    """PDF/A-3a with the TEI attached as its source."""
    from weasyprint import Attachment

    doc = laid.document.copy()
    doc.color_profiles = {}
    doc.output_intent = "srgb"
    naive = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    tei = Attachment(string=tei_bytes, name=name, description="TEI P5 source of this edition",
                     created=naive, modified=naive, relationship="Source")
    raw = doc.write_pdf(pdf_variant="pdf/a-3a", attachments=[tei], pdf_identifier=identifier(laid, "archival"))
    return pdfa_fix(raw)


@weasyprint70.layout_scope()
def write_print(laid: Laid, moment: dt.datetime) -> bytes:
    """The print-shop file: 3 mm bleed, crop marks, TrimBox and BleedBox, PDF/X-4."""
    doc = with_bleed(laid.document, SLUG_MM * MM)
    raw = doc.write_pdf(pdf_variant="pdf/x-4", output_intent="srgb", pdf_identifier=identifier(laid, "print"))
    return print_fix(raw, laid, moment)


# --- post-processing with pikepdf ------------------------------------------------------

def _save(pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def pdfa_fix(raw: bytes) -> bytes:
    """What WeasyPrint 70's PDF/A lacks for the validator: no empty /Pattern or /Shading, no /Interpolate."""
    import pikepdf

    with pikepdf.open(io.BytesIO(raw)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) or isinstance(obj, pikepdf.Stream):
                d = obj if isinstance(obj, pikepdf.Dictionary) else obj.stream_dict
                for key in ("/Pattern", "/Shading", "/ExtGState", "/XObject", "/ColorSpace"):
                    if key in d and isinstance(d[key], pikepdf.Dictionary) and len(d[key].keys()) == 0:
                        del d[key]
                if d.get("/Interpolate") is not None and d.get("/Subtype") == "/Image":
                    d.Interpolate = False
        if "/AF" in pdf.Root:  # WeasyPrint lists each attachment twice
            seen, unique = set(), []
            for spec in pdf.Root.AF:
                if spec.objgen not in seen:
                    seen.add(spec.objgen)
                    unique.append(spec)
            pdf.Root.AF = pikepdf.Array(unique)
        return _save(pdf)


#: the grey printing profile of Debian's icc-profiles-free (tools/setup-print.sh installs it)
GREY_PROFILES = (Path("/usr/share/color/icc/Gray.icc"), Path("/usr/share/color/icc/Gray-CIE_L.icc"))
#: black set as RGB by WeasyPrint (fill, stroke) → pure black ink (DeviceGray)
RGB_BLACK = re.compile(rb"(?<![\d.])0 0 0 (rg|RG)(?![A-Za-z])")


def grey_profile() -> Path | None:
    return next((p for p in GREY_PROFILES if p.is_file()), None)


def pure_black(content: bytes) -> bytes:
    """Text and rules in black ink only: `0 0 0 rg` → `0 g` (a press prints RGB black as four inks)."""
    return RGB_BLACK.sub(lambda m: b"0 g" if m.group(1) == b"rg" else b"0 G", content)


def print_fix(raw: bytes, laid: Laid, moment: dt.datetime) -> bytes:
    """Exact 3 mm BleedBox, crop marks outside it, a document id that depends on the content only;
    blank pages at the end to a multiple of 4 (the book is printed in sheets of four pages), black
    as DeviceGray and a grey printing profile as the output intent (issue 14 point 8)."""
    import pikepdf

    bleed = BLEED_MM * PT_PER_MM
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        last = pdf.pages[-1]
        while len(pdf.pages) % 4:
            blank = pdf.add_blank_page(page_size=(float(last.MediaBox[2]), float(last.MediaBox[3])))
            blank.MediaBox = last.MediaBox
            blank.TrimBox = last.TrimBox
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
                obj.write(pure_black(obj.read_bytes()))
        for page in pdf.pages:
            if "/Contents" in page.obj:
                page.contents_coalesce()
                page.Contents.write(pure_black(page.Contents.read_bytes()))
            tx0, ty0, tx1, ty1 = (float(v) for v in page.TrimBox)
            page.BleedBox = pikepdf.Array([tx0 - bleed, ty0 - bleed, tx1 + bleed, ty1 + bleed])
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"\nQ\n" + crop_marks(tx0, ty0, tx1, ty1)), prepend=False)
        xmp = bytes(pdf.Root.Metadata.read_bytes())
        did = uuid.uuid5(uuid.NAMESPACE_URL, f"edition:{laid.title}:{w3c(moment)}:print")
        xmp = re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{did}".encode(), xmp)
        pdf.Root.Metadata = pikepdf.Stream(pdf, xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        profile = grey_profile()
        if profile is None:
            log.warning("no grey ICC profile (%s): the print PDF keeps its sRGB output intent; "
                        "run tools/setup-print.sh", GREY_PROFILES[0])
        else:
            icc = pikepdf.Stream(pdf, profile.read_bytes())
            icc.N = 1
            pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                OutputConditionIdentifier=pikepdf.String("Gray"),
                Info=pikepdf.String(f"Grey printing, {profile.name} (icc-profiles-free)"),
                DestOutputProfile=icc)])
        return _save(pdf)


def crop_marks(x0: float, y0: float, x1: float, y1: float) -> bytes:
    """Eight hairlines at the trim's corners, starting 3 mm (the bleed) outside the trim."""
    off = BLEED_MM * PT_PER_MM + 1.0
    length = (SLUG_MM - BLEED_MM) * PT_PER_MM - 2.0
    lines = []
    for x, dx in ((x0, -1), (x1, 1)):
        for y, dy in ((y0, -1), (y1, 1)):
            # horizontal mark at the height of the trim corner, vertical mark at its width
            lines.append(f"{x + dx * off:.3f} {y:.3f} m {x + dx * (off + length):.3f} {y:.3f} l S")
            lines.append(f"{x:.3f} {y + dy * off:.3f} m {x:.3f} {y + dy * (off + length):.3f} l S")
    body = "/Artifact BMC q 0.25 w 0 G\n" + "\n".join(lines) + "\nQ EMC\n"
    return body.encode()
