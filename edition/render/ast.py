"""TEI → Pandoc JSON AST, written once for print and EPUB (DESIGN §1, §9).

`tei_to_ast(tei_root, target)` walks the TEI with one small function per element
(dispatch on the element's local name); an element it does not know raises
`UnknownElement` — no text is ever dropped silently. Every string of reading text
goes through `edition.typography.normalise`.

The book it builds has three top-level divisions, each a Div with an id:

- `front`: half-title, title page, imprint, contents;
- `text`: the epigraph and the text, paragraph-level units numbered by `@n`;
- `back`: textual notes (one per `choice`), works cited (`listBibl`), the index
  of persons and the index of places and bodies (from `standOff`).

The targets differ only where they must; those places are the methods of
`PrintBook` and `EpubBook`:

- a note: print puts an inline span `.footnote` at its call (the CSS floats it to
  the foot of the page); EPUB a noteref link and an `<aside epub:type="footnote">`
  with a backlink after the block;
- a locator (index, textual notes): print gives page numbers, from the `pages`
  mapping (anchor id → folio) that `render/pdf.py` takes from the laid-out body;
  EPUB gives "¶ 12" links to the anchors of the mentions;
- contents and imprint furniture (page numbers, typeface).

Anchors that both targets share: `pN` (paragraph-level unit N), `sN` (section),
`nN` (editorial note), `nN-call` (print: the place of the call), `<ref>-<k>` (the
k-th mention of register entry `ref`, e.g. `lenin-3`), `corr-K` (the K-th
emendation), the `xml:id` of each `listBibl/bibl`, and `contents`,
`textual-notes`, `works-cited`, `index-persons`, `index-places`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from lxml import etree

from .. import typography
from ..tei import DELIMITERS, NS, XML_ID, XML_LANG, delimiters, local, rend_tokens
from .header import long_date, read_header, text_of
from .pandoc import api_version


TARGETS = ("print", "epub")

#: the back matter's divisions, in order: (id, heading)
BACK_SECTIONS = (
    ("textual-notes", "Textual notes"),
    ("works-cited", "Works cited"),
    ("index-persons", "Index of persons"),
    ("index-places", "Index of places and bodies"),
)
NAME_KINDS = {"persName": "person", "placeName": "place", "orgName": "org"}


class UnknownElement(ValueError):
    """The TEI has an element (or text) where this transform does not expect one."""

    def __init__(self, element: etree._Element, where: str):
        line = getattr(element, "sourceline", None)
        super().__init__(
            f"TEI line {line}: <{local(element)}> is not handled {where}"
            " — extend edition/render/ast.py rather than dropping its text")


# --- Pandoc AST constructors -------------------------------------------------------

Attr = tuple[str, list[str], list[list[str]]]


def attr(id: str = "", classes: Iterable[str] = (), **kv: str) -> list:
    """A Pandoc Attr; `kv` keys use '_' for '-'."""
    return [id, list(classes), [[k.replace("_", "-"), str(v)] for k, v in kv.items()]]


def Str(text: str) -> dict:
    return {"t": "Str", "c": text}


def Space() -> dict:
    return {"t": "Space"}


def Para(inlines: list) -> dict:
    return {"t": "Para", "c": inlines}


def Plain(inlines: list) -> dict:
    return {"t": "Plain", "c": inlines}


def Header(level: int, a: list, inlines: list) -> dict:
    return {"t": "Header", "c": [level, a, inlines]}


def Div(a: list, blocks: list) -> dict:
    return {"t": "Div", "c": [a, blocks]}


def Span(a: list, inlines: list) -> dict:
    return {"t": "Span", "c": [a, inlines]}


def Emph(inlines: list) -> dict:
    return {"t": "Emph", "c": inlines}


def SmallCaps(inlines: list) -> dict:
    return {"t": "SmallCaps", "c": inlines}


def Link(inlines: list, target: str, a: list | None = None) -> dict:
    return {"t": "Link", "c": [a or attr(), inlines, [target, ""]]}


def BlockQuote(blocks: list) -> dict:
    return {"t": "BlockQuote", "c": blocks}


def BulletList(items: list[list]) -> dict:
    return {"t": "BulletList", "c": items}


def RawInline(html: str) -> dict:
    return {"t": "RawInline", "c": ["html", html]}


def RawBlock(html: str) -> dict:
    return {"t": "RawBlock", "c": ["html", html]}


def LineBreak() -> dict:
    return {"t": "LineBreak"}


def words(text: str) -> list:
    """Str and Space tokens for text whose typography is already done."""
    out: list = []
    for i, part in enumerate(re.split(r"[ \t\r\n]+", text)):
        if i:
            out.append(Space())
        if part:
            out.append(Str(part))
    return out


def trim(inlines: list) -> list:
    """Inlines without leading and trailing spaces."""
    while inlines and inlines[0]["t"] in ("Space", "SoftBreak"):
        inlines = inlines[1:]
    while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
        inlines = inlines[:-1]
    return inlines


def stringify(inlines: list) -> str:
    """The plain text of inlines."""
    out = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "SmallCaps"):
            out.append(stringify(c))
        elif t in ("Span", "Link"):
            out.append(stringify(c[1]))
    return "".join(out)


def tidy_breaks(inlines: list) -> list:
    """Inlines without the spaces around a line break (the source's newlines after an `lb`)."""
    if not any(node["t"] == "LineBreak" for node in inlines):
        return inlines
    out: list = []
    for node in inlines:
        if node["t"] in ("Space", "SoftBreak") and out and out[-1]["t"] == "LineBreak":
            continue
        if node["t"] == "LineBreak":
            while out and out[-1]["t"] in ("Space", "SoftBreak"):
                out.pop()
        out.append(node)
    return out


def without_breaks(inlines: list) -> list:
    """Inlines with each line break a space: a heading or title set over several lines reads as one
    line in the contents, running heads and metadata."""
    out = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "LineBreak":
            out.append(Space())
        elif t in ("Emph", "Strong", "SmallCaps"):
            out.append({"t": t, "c": without_breaks(c)})
        elif t == "Span":
            out.append({"t": t, "c": [c[0], without_breaks(c[1])]})
        elif t == "Link":
            out.append({"t": t, "c": [c[0], without_breaks(c[1]), c[2]]})
        else:
            out.append(node)
    return out


def caps_class(inlines: list) -> list[str]:
    """["caps"] for a heading or title the source wrote in capitals: the styles set it in small
    capitals, letter-spaced, rather than as shouting full capitals."""
    text = stringify(inlines)
    return ["caps"] if any(c.isalpha() for c in text) and not any(c.islower() for c in text) else []


def without_leading_dash(inlines: list) -> list:
    """Inlines without the dashes they begin with ("--", "—")."""
    if inlines and inlines[0]["t"] == "Str":
        rest = inlines[0]["c"].lstrip("-\u2013\u2014")
        if rest != inlines[0]["c"]:
            return trim(([Str(rest)] if rest else []) + inlines[1:])
    return inlines


def note_sign(el: etree._Element) -> str:
    """The sign an authorial note is called by: its @n as the author wrote it, NFKC-normalised
    (a superscript "¹" is the figure 1, set as a superscript by the styles like every call)."""
    return unicodedata.normalize("NFKC", el.get("n") or "").strip() or "*"


#: the bracket a note's label opens, and the one that closes it at the note's end
LABEL_BRACKETS = {"(": ")", "[": "]"}


def label_closer(label: etree._Element | None) -> str:
    """The closing bracket the note's text ends with because its label opened one ("(*Footnote."
    … ")"), or ''. The label is dropped in the editions, so its bracket must go too."""
    if label is None:
        return ""
    text = "".join(label.itertext()).strip()
    for opening, closing in LABEL_BRACKETS.items():
        if text.startswith(opening) and text.count(opening) > text.count(closing):
            return closing
    return ""


def strip_closer(inlines: list, closer: str) -> list:
    """Inlines without a final `closer` character (in the last Str, perhaps inside a Span)."""
    if not closer or not inlines:
        return inlines
    last = inlines[-1]
    if last["t"] == "Str" and last["c"].endswith(closer):
        rest = last["c"][: -len(closer)]
        return trim(inlines[:-1] + ([Str(rest)] if rest else []))
    if last["t"] in ("Span",):
        return inlines[:-1] + [{"t": "Span", "c": [last["c"][0], strip_closer(last["c"][1], closer)]}]
    if last["t"] in ("Emph", "Strong", "SmallCaps"):
        return inlines[:-1] + [{"t": last["t"], "c": strip_closer(last["c"], closer)}]
    return inlines


def ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, deduplicated numbers as (first, last) runs of consecutive values."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(a, b) for a, b in runs]


#: punctuation that a note call is set after
CALL_AFTER = re.compile(r"[.,;:!?)\]]+")


#: how the editions mark an author's footnote, apart from the editors' numbered notes
AUTHORS_NOTE = "[Author\u2019s note.]"
#: a stanza of at most this many lines is kept on one page
SHORT_VERSE = 8


def shown_delimiters(el: etree._Element, hidden: tuple[str, ...] = ()) -> tuple[str, str]:
    """The delimiters of an element's `pre-*`/`post-*` tokens, except those the layout replaces
    (the underscores around an italic)."""
    pre, post = [], []
    for token in rend_tokens(el):
        kind, _, name = token.partition("-")
        if kind in ("pre", "post") and name in DELIMITERS and name not in hidden:
            (pre if kind == "pre" else post).append(DELIMITERS[name])
    return "".join(pre), "".join(post)


# --- what the book needs to know ------------------------------------------------------

@dataclass
class Mention:
    """One tagged name in the text: its anchor, register entry and paragraph."""

    anchor: str
    ref: str
    kind: str
    para: str | None  # the @n of the paragraph-level unit, None in the front matter
    note: str | None = None  # the sign of the footnote the mention is in, None in the text itself


@dataclass
class Correction:
    """One emendation: the corrected reading shown in the text, the source's reading."""

    anchor: str
    corr: list
    sic: str
    para: str | None


@dataclass
class Entry:
    """One register entry (person, place or body)."""

    id: str
    kind: str
    index_form: str
    born: str | None = None
    died: str | None = None


@dataclass
class TitlePage:
    """The title page's lines as inlines: the title (line breaks kept), subtitles, bylines."""

    title: list
    subtitles: list[list]
    bylines: list[list]
    own_title: bool = False  # the title and subtitles are the source's title page's
    own_bylines: bool = False  # the bylines are the source's title page's (not the header's author)


def read_registers(root: etree._Element) -> dict[str, Entry]:
    """The standOff registers: id → Entry for persons, places and bodies."""
    out: dict[str, Entry] = {}
    for kind, path, name in (("person", "//t:standOff//t:person", "persName"),
                             ("place", "//t:standOff//t:place", "placeName"),
                             ("org", "//t:standOff//t:org", "orgName")):
        for el in root.xpath(path, namespaces=NS):
            names = el.xpath(f"t:{name}[@type='index']", namespaces=NS) or el.xpath(f"t:{name}", namespaces=NS)
            ident = el.get(XML_ID)
            form = text_of(names[0]) if names else ident
            born = el.xpath("string(t:birth/@when)", namespaces=NS) or None
            died = el.xpath("string(t:death/@when)", namespaces=NS) or None
            out[ident] = Entry(ident, kind, form, born, died)
    return out


def textual_note_id(anchor: str) -> str:
    """The textual note of the emendation anchored `corr-K`: `textual-note-K`."""
    return "textual-note-" + anchor.removeprefix("corr-")


#: the paragraph-level units, numbered by @n (an editorial note's @n is not a unit's)
UNITS = ("p", "cit", "item", "lg", "floatingText")


def first_unit_number(div: etree._Element) -> str | None:
    """The @n of a section's first paragraph-level unit: the number a mention in its heading is
    cited by (the heading stands above that paragraph, not at the end of the one before)."""
    for el in div.iter(*(f"{{{NS['t']}}}{name}" for name in UNITS)):
        if el.get("n"):
            return el.get("n")
    return None


def year(when: str | None) -> str | None:
    """The year of a TEI date (`1870`, `1870-04-22`, `-0044`)."""
    if not when:
        return None
    m = re.match(r"-?\d+", when)
    return m.group(0).lstrip("0") if m else None


# --- the transform ---------------------------------------------------------------------

class Book:
    """TEI → Pandoc AST: the common core. `PrintBook` and `EpubBook` override the hooks."""

    target = ""

    def __init__(self, root: etree._Element, pages: Mapping[str, int] | None = None):
        self.root = root
        self.pages = dict(pages or {})
        self.header = read_header(root)
        self.lang = self.header.lang
        self.registers = read_registers(root)
        self.mentions: list[Mention] = []
        self.corrections: list[Correction] = []
        self.sections: list[tuple[str, list]] = []  # (id, heading inlines)
        self._mention_count: dict[str, int] = defaultdict(int)
        self._prev = " "  # the reading text just before the current point (for quotes)
        self._para: str | None = None  # @n of the current paragraph-level unit
        self._note: str | None = None  # the sign of the footnote being walked (its mentions are the note's)
        self._pending: list = []  # blocks to flush after the current unit (EPUB notes)
        self._anchoring = True  # names are index mentions (not in the back matter)
        self._letters = 0
        self._unit_notes = 0  # editorial notes called in the current unit
        self._epigraphs = 0
        self.inline_handlers: dict[str, Callable] = {
            "persName": self.name, "placeName": self.name, "orgName": self.name,
            "note": self.note_element, "gap": self.gap, "supplied": self.supplied,
            "bibl": self.inline_bibl, "title": self.title, "author": self.plain,
            "biblScope": self.plain, "choice": self.choice, "hi": self.hi,
            "foreign": self.foreign, "emph": self.emph, "lb": self.lb, "q": self.q,
            "quote": self.q, "date": self.plain, "num": self.plain, "name": self.plain,
            "rs": self.plain, "anchor": self.anchor, "label": self.plain,
        }
        self.block_handlers: dict[str, Callable] = {
            "p": self.p, "div": self.div, "cit": self.cit, "list": self.list_,
            "epigraph": self.epigraph, "head": self.unexpected, "lg": self.lg,
            "floatingText": self.letter_with_source, "bibl": self.bibl_block, "byline": self.byline,
            "closer": self.closer, "postscript": self.postscript, "anchor": self.anchor,
            "note": self.note_block,
        }

    # the whole book

    def build(self) -> dict:
        """The Pandoc document: meta, then the front, text and back divisions."""
        text = self.text()
        back = self.back()
        front = self.front()
        return {
            "pandoc-api-version": api_version(),
            "meta": self.meta(),
            "blocks": [
                Div(attr("front", ["front"]), front),
                Div(attr("text", ["text"]), text),
                Div(attr("back", ["back"]), back),
            ],
        }

    def division_with_pages(self, ident: str, pages: Mapping[str, int]) -> dict:
        """The back or front matter again, now with page numbers, as a document of its own.
        The text is not walked again: what `build` found in it (mentions, emendations,
        sections) is kept, so a long book's AST is not made three times for its print edition."""
        self.pages = dict(pages)
        blocks = {"back": self.back, "front": self.front}[ident]()
        return {"pandoc-api-version": api_version(), "meta": self.meta(),
                "blocks": [Div(attr(ident, [ident]), blocks)]}

    def meta(self) -> dict:
        """Document metadata: title, author, language, subject, keywords, date."""
        h = self.header
        main, _, sub = h.title.partition(": ")
        def inl(s: str) -> dict:
            return {"t": "MetaInlines", "c": words(typography.normalise(s, lang=self.lang))}
        meta = {
            "title": inl(h.title),
            "title-main": inl(main),
            "lang": {"t": "MetaString", "c": self.lang},
            "description": {"t": "MetaString", "c": typography.normalise(
                f"{h.title}. {h.edition}".strip(". ") + (f", edited by {' and '.join(h.editors)}" if h.editors else ""),
                lang=self.lang)},
            "identifier": {"t": "MetaString", "c": f"urn:edition:{re.sub(r'[^a-z0-9]+', '-', h.title.lower()).strip('-')}"},
        }
        if sub:
            meta["subtitle"] = inl(sub)
        if h.authors:
            meta["author"] = {"t": "MetaList", "c": [inl(a) for a in h.authors]}
        if h.date or h.published:
            meta["date"] = {"t": "MetaString", "c": h.date or h.published}
        if h.keywords:
            meta["keywords"] = {"t": "MetaList", "c": [inl(k) for k in h.keywords]}
        page = self.title_page()  # the source's own title page, for the EPUB's (pandoc makes it from metadata)
        if page.own_title:
            meta["title-page-title"] = {"t": "MetaInlines", "c": page.title}
            meta["title-page-subtitles"] = {"t": "MetaList", "c": [
                {"t": "MetaInlines", "c": s} for s in page.subtitles]}
        if page.own_bylines:
            meta["title-page-bylines"] = {"t": "MetaList", "c": [
                {"t": "MetaInlines", "c": b} for b in page.bylines]}
        return meta

    # text

    def tei_text(self) -> etree._Element:
        found = self.root.xpath("t:text", namespaces=NS)
        if not found:
            raise ValueError("TEI has no <text>")
        return found[0]

    def text(self) -> list:
        """The epigraph and the body, as blocks."""
        text = self.tei_text()
        blocks: list = []
        for part in self.children(text):
            if local(part) == "front":
                kids = [el for el in self.children(part) if local(el) != "titlePage"]  # made apart
                # the editors' preface comes before the text and its epigraph
                for el in sorted(kids, key=lambda el: el.get("type") != "preface"):
                    blocks += self.preface(el) if el.get("type") == "preface" else self.block(el)
            elif local(part) == "body":
                for el in self.children(part):
                    blocks += self.block(el)
            elif local(part) == "back":
                for el in self.children(part):
                    blocks += self.block(el)
            else:
                raise UnknownElement(part, "in <text>")
        return blocks

    def preface(self, el: etree._Element) -> list:
        """The editors' preface: a section of the front matter; the names in it are not mentions
        of the text (the index points into the text)."""
        anchoring, self._anchoring = self._anchoring, False
        blocks = self.block(el)
        self._anchoring = anchoring
        return [Div(attr("editors-preface", ["editors-preface"]), blocks)]

    def children(self, el: etree._Element) -> list[etree._Element]:
        """Element children of a container whose text is only whitespace between blocks."""
        out = []
        for chunk in [el.text] + [c.tail for c in el]:
            if chunk and chunk.strip():
                raise UnknownElement(el, f"with text {chunk.strip()[:30]!r} between its blocks")
        for child in el:
            if isinstance(child.tag, str):
                out.append(child)
        return out

    def block(self, el: etree._Element) -> list:
        """Blocks for one block-level element, with any notes it leaves pending after it."""
        handler = self.block_handlers.get(local(el))
        if handler is None:
            raise UnknownElement(el, "as a block")
        blocks = handler(el)
        blocks += self._pending
        self._pending = []
        return blocks

    def unexpected(self, el: etree._Element) -> list:
        raise UnknownElement(el, "here")

    def begin_unit(self, el: etree._Element) -> list:
        """Start a paragraph-level unit: reset the quote context, return its number mark."""
        self._prev = " "
        self._unit_notes = 0
        n = el.get("n")
        if n is None:
            return []
        self._para = n
        return self.unit_number(n) + self.unit_number_separator()

    def unit_number(self, n: str) -> list:
        """The paragraph number that begins a unit."""
        return [Span(attr("", ["pn"]), [Str(n)])]

    def unit_number_separator(self) -> list:
        return []

    def unit_attr(self, el: etree._Element, *classes: str) -> list:
        """Anchor, classes (with `has-notes` when notes were called in it) and number of a unit."""
        if self._unit_notes:
            classes += ("has-notes",)
        n = el.get("n")
        return attr(el.get(XML_ID) or (f"p{n}" if n else ""), classes, **({"n": n} if n else {}))

    def p(self, el: etree._Element) -> list:
        """A body paragraph: a Div with its anchor around a Para."""
        mark = self.begin_unit(el)
        inlines = mark + self.content(el)
        return [Div(self.unit_attr(el, "para"), [Para(inlines)])]

    def div(self, el: etree._Element) -> list:
        """A section: its heading (level 2, anchored; its lines kept) and its blocks. The contents
        list it on one line. A notes section left with only the anchors of where its notes stood
        prints nothing: those notes are footnotes at their markers now."""
        kids = self.children(el)
        if el.get("type") == "notes" and all(local(k) in ("head", "anchor") for k in kids):
            return []
        blocks: list = []
        ident = el.get(XML_ID) or ""
        if kids and local(kids[0]) == "head":
            self._prev = " "
            self._para = first_unit_number(el) or self._para
            heading = self.content(kids[0])
            self.sections.append((ident, without_breaks(heading)))
            blocks.append(Header(2, attr(ident, caps_class(heading)), heading))
            kids = kids[1:]
        for child in kids:
            blocks += self.block(child)
        return [Div(attr("", ["division", el.get("type") or "div"]), blocks)]

    def cit(self, el: etree._Element) -> list:
        """A block quotation or quoted letters, with the source citation set after them."""
        kids = self.children(el)
        quotes = [k for k in kids if local(k) == "quote"]
        bibls = [k for k in kids if local(k) == "bibl"]
        if len(quotes) + len(bibls) != len(kids) or len(quotes) != 1:
            raise UnknownElement(el, "(a cit is one quote and its bibl)")
        quote = quotes[0]
        letters = [k for k in self.children(quote) if local(k) == "floatingText"]
        if letters or el.get("type") == "letter":
            body = [self.letter(ft) for ft in self.children(quote)]
            self._letters += 1
            ident = el.get(XML_ID) or f"letters-{self._letters}"
            return [Div(attr(ident, ["letters"]), body + self.source_line(bibls))]
        mark = self.begin_unit(el)
        paras = self.quote_blocks(quote, mark)
        return [Div(self.unit_attr(el, "blockquote"), [BlockQuote(paras)] + self.source_line(bibls))]

    def quote_blocks(self, quote: etree._Element, mark: list) -> list:
        """A quotation's blocks: its paragraphs and stanzas, or the one run of text it is written as;
        `mark` (the unit's number) begins the first."""
        kids = [k for k in quote if isinstance(k.tag, str)]
        if not any(local(k) in ("p", "lg") for k in kids):  # a quotation written as one run of text
            self._prev = " "
            return [Para(mark + self.content(quote))]
        out = []
        for i, child in enumerate(self.children(quote)):
            first = mark if i == 0 else []
            self._prev = " "
            if local(child) == "p":
                out.append(Para(first + self.content(child)))
            elif local(child) == "lg":
                out.append(Div(attr("", self.verse_classes(child)), self.verse_lines(child, first)))
            else:
                raise UnknownElement(child, "in a quotation")
        return out

    def source_line(self, bibls: list[etree._Element]) -> list:
        """The citation after a block quotation, letter or epigraph, on its own line. The styles set
        the dash before it; the source's own ("--New York Commercial") is left out."""
        out = []
        for b in bibls:
            self._prev = " "
            out.append(Div(attr("", ["source"]), [Para(without_leading_dash(self.content(b)))]))
        return out

    def bibl_block(self, el: etree._Element) -> list:
        """A citation between blocks: a letter's source line (already set with its letter), else a
        source line of its own."""
        if self.letter_before(el) is not None:
            return []
        return self.source_line([el])

    @staticmethod
    def letter_before(bibl: etree._Element) -> etree._Element | None:
        """The floatingText a bibl follows (perhaps after other bibls), or None."""
        for before in bibl.itersiblings(preceding=True):
            if not isinstance(before.tag, str):
                continue
            if local(before) == "floatingText":
                return before
            if local(before) != "bibl":
                return None
        return None

    def letter_with_source(self, ft: etree._Element) -> list:
        """A letter standing in the text, with the citation right after it as its source line:
        set as the quoted letters are (indented, salutation and signature as in a letter)."""
        bibls = []
        for after in ft.itersiblings():
            if not isinstance(after.tag, str):
                continue
            if local(after) != "bibl":
                break
            bibls.append(after)
        self._letters += 1
        return [Div(attr(f"letters-{self._letters}", ["letters"]), [self.letter(ft)] + self.source_line(bibls))]

    def letter(self, ft: etree._Element) -> dict:
        """One letter: salutation, paragraphs and signature set as a letter."""
        if local(ft) != "floatingText":
            raise UnknownElement(ft, "in quoted letters")
        mark = self.begin_unit(ft)
        body = [k for k in self.children(ft) if local(k) == "body"]
        if len(body) != 1:
            raise UnknownElement(ft, "(a letter has one body)")
        blocks: list = []
        for part in self.children(body[0]):
            name = local(part)
            first = mark if not blocks else []
            if name in ("opener", "closer"):
                lines = []
                for line in self.children(part):
                    if local(line) not in ("salute", "signed", "dateline", "byline", "p"):
                        raise UnknownElement(line, f"in a letter's {name}")
                    self._prev = " "
                    inl = (mark if not blocks and not lines else []) + self.content(line)
                    lines.append(Div(attr("", [local(line)]), [Para(inl)]))
                blocks.append(Div(attr("", [name]), lines))
            elif name == "p":
                self._prev = " "
                blocks.append(Para(first + self.content(part)))
            elif name == "cit":
                blocks += self.letter_quotation(part, first)
            elif name == "lg":
                blocks.append(Div(attr("", self.verse_classes(part)), self.verse_lines(part, first)))
            elif name == "list":
                blocks += self.list_(part)
            elif name in ("anchor", "note"):
                blocks += self.block(part)
            else:
                raise UnknownElement(part, "in a letter")
        return Div(self.unit_attr(ft, "letter"), blocks)

    def letter_quotation(self, cit: etree._Element, mark: list) -> list:
        """A quotation inside a letter: indented like any block quotation, not numbered (the letter
        is the unit)."""
        kids = self.children(cit)
        quotes = [k for k in kids if local(k) == "quote"]
        bibls = [k for k in kids if local(k) == "bibl"]
        if len(quotes) != 1 or len(quotes) + len(bibls) != len(kids):
            raise UnknownElement(cit, "(a cit is one quote and its bibl)")
        return [Div(attr("", ["blockquote"]), [BlockQuote(self.quote_blocks(quotes[0], mark))]
                    + self.source_line(bibls))]

    def list_(self, el: etree._Element) -> list:
        """A list: one item per paragraph-level unit."""
        items = []
        for item in self.children(el):
            if local(item) != "item":
                raise UnknownElement(item, "in a list")
            mark = self.begin_unit(item)
            inlines = mark + self.content(item)
            items.append([Div(self.unit_attr(item, "item"), [Plain(inlines)])])
            items[-1] += self._pending
            self._pending = []
        # numbered or bulleted in the source: the items carry their own labels, the list adds none
        classes = ["list"] + (["ordered"] if el.get("type") in ("ordered", "bulleted") else [])
        return [Div(attr(el.get(XML_ID) or "", classes), [BulletList(items)])]

    def epigraph(self, el: etree._Element) -> list:
        """The epigraph: the quotation, then its source."""
        blocks: list = []
        for cit in self.children(el):
            if local(cit) != "cit":
                raise UnknownElement(cit, "in an epigraph")
            self._para = None
            kids = self.children(cit)
            for k in kids:
                if local(k) not in ("quote", "bibl"):
                    raise UnknownElement(k, "in an epigraph's cit")
            for q in (k for k in kids if local(k) == "quote"):
                blocks.append(BlockQuote(self.quote_blocks(q, [])))
            blocks += self.source_line([k for k in kids if local(k) == "bibl"])
        self._epigraphs += 1
        ident = "epigraph" if self._epigraphs == 1 else f"epigraph-{self._epigraphs}"
        return [Div(attr(ident, ["epigraph"]), blocks)]

    def lg(self, el: etree._Element) -> list:
        """Verse standing in the text: a unit (numbered like a paragraph), one line per `l`."""
        mark = self.begin_unit(el)
        lines = self.verse_lines(el, mark)
        return [Div(self.unit_attr(el, *self.verse_classes(el)), lines)]

    @staticmethod
    def verse_classes(el: etree._Element) -> list[str]:
        """`verse`, and `short` for a stanza short enough to be kept on one page."""
        lines = [k for k in el if isinstance(k.tag, str)]
        return ["verse"] + (["short"] if len(lines) <= SHORT_VERSE else [])

    def verse_lines(self, lg: etree._Element, mark: list) -> list:
        """One block per line of verse (a line too long for the measure hangs), `mark` on the first.
        Each line starts a new quote context: the line end is a space."""
        out = []
        for i, l in enumerate(self.children(lg)):
            if local(l) == "lg":  # a stanza of a poem
                out.append(Div(attr("", ["stanza"]), self.verse_lines(l, mark if i == 0 else [])))
                continue
            if local(l) != "l":
                raise UnknownElement(l, "in verse")
            self._prev = " "
            out.append(Div(attr("", ["l"]), [Plain((mark if i == 0 else []) + self.content(l))]))
        return out

    def byline(self, el: etree._Element) -> list:
        """A byline under a section's heading: set like an author line, its own line breaks kept."""
        self._prev = " "
        return [Div(attr("", ["byline"]), [Para(self.content(el))])]

    def closer(self, el: etree._Element) -> list:
        """A signature, dateline or salutation closing a section (not in a letter): a signature
        block, each line on its own."""
        lines = []
        for line in self.children(el):
            if local(line) not in ("signed", "dateline", "salute"):
                raise UnknownElement(line, "in a closer")
            self._prev = " "
            lines.append(Div(attr("", [local(line)]), [Para(self.content(line))]))
        return [Div(attr("", ["closer"]), lines)]

    def postscript(self, el: etree._Element) -> list:
        """A postscript: paragraphs after the signature, numbered units like every paragraph."""
        blocks: list = []
        for p in self.children(el):
            if local(p) != "p":
                raise UnknownElement(p, "in a postscript")
            blocks += self.block(p)
        return [Div(attr("", ["postscript"]), blocks)]

    def anchor(self, el: etree._Element) -> list:
        """Where an authorial note stood in the source (it is printed at its marker): nothing."""
        if el.get("type") != "note-source":
            raise UnknownElement(el, f"with type={el.get('type')!r}")
        return []

    def note_block(self, el: etree._Element) -> list:
        """An author's note whose marker was not found, standing between blocks: a small paragraph
        in place, with its label as the author wrote it."""
        if el.get("type") != "authorial":
            raise UnknownElement(el, "between blocks")
        self._prev = " "
        ident = el.get(XML_ID) or ""
        return [Div(attr(ident, ["authorial-note-block"]), [Para(self.content(el))])]

    # inline content

    def content(self, el: etree._Element) -> list:
        """The inlines of a block's mixed content (its delimiters are replaced by the layout)."""
        return trim(tidy_breaks(self.mixed(el)))

    def inner(self, el: etree._Element) -> list:
        """The inlines of an inline element, with the source's delimiters around them."""
        pre, post = delimiters(el)
        return (self.text_run(pre) if pre else []) + self.mixed(el) + (self.text_run(post) if post else [])

    def mixed(self, el: etree._Element) -> list:
        """Text and inline children, in order. A note's call follows the punctuation that ends
        its lemma ("in 1907,³" rather than "in 1907³,"), as book typography has it."""
        out: list = []
        if el.text:
            out += self.text_run(el.text)
        for child in el:
            tail = child.tail or ""
            if isinstance(child.tag, str):
                punctuation = CALL_AFTER.match(tail) if local(child) == "note" and \
                    child.get("type") == "editorial" else None
                if punctuation:
                    out += self.text_run(punctuation.group())
                    tail = tail[punctuation.end():]
                out += self.inline(child)
            if tail:
                out += self.text_run(tail)
        return out

    def text_run(self, text: str) -> list:
        """Reading text, typographically normalised in its context, as tokens."""
        done = typography.normalise(text, prev=self._prev, lang=self.lang)
        if done:
            self._prev = done[-1]
        return words(done)

    def inline(self, el: etree._Element) -> list:
        handler = self.inline_handlers.get(local(el))
        if handler is None:
            raise UnknownElement(el, "inside a paragraph")
        return handler(el)

    def plain(self, el: etree._Element) -> list:
        """Content without markup of its own (author, biblScope, …)."""
        return self.inner(el)

    def name(self, el: etree._Element) -> list:
        """A person, place or body: anchored so that the index can point at this mention."""
        ref = (el.get("ref") or "").lstrip("#")
        kind = NAME_KINDS[local(el)]
        inner = self.inner(el)
        if not ref or not self._anchoring:
            return [Span(attr("", ["name", kind]), inner)]
        self._mention_count[ref] += 1
        anchor = f"{ref}-{self._mention_count[ref]}"
        self.mentions.append(Mention(anchor, ref, kind, self._para, self._note))
        return [Span(attr(anchor, ["name", kind], ref=ref), inner)]

    def note_element(self, el: etree._Element) -> list:
        """An authorial note stays in the text (with its parentheses); an editorial one is a note."""
        if el.get("type") == "editorial" or el.get("place") == "foot":
            return self.note(el)
        return [Span(attr("", ["authorial-note"]), self.inner(el))]

    def note_content(self, el: etree._Element) -> list:
        """The inlines of a footnote, typeset in their own quote context. An author's note loses its
        label (the call shows the sign) and the bracket the label opened, and is marked as the
        author's, apart from the editors' notes."""
        self._unit_notes += 1
        saved, saved_note = self._prev, self._note
        self._prev = " "
        self._note = self.note_identity(el)[1]
        parts = [c for c in el if isinstance(c.tag, str) and local(c) == "p"]
        if parts:
            out: list = []
            for i, p in enumerate(parts):
                out += ([Space()] if i else []) + self.content(p)
        elif el.get("type") == "authorial":
            out = self.authorial_note_text(el)
        else:
            out = self.content(el)
        self._prev, self._note = saved, saved_note
        return out

    def authorial_note_text(self, el: etree._Element) -> list:
        """An author's footnote without its label and the bracket it opened, then "[Author's note.]"."""
        label = next((k for k in el if isinstance(k.tag, str) and local(k) == "label"), None)
        out: list = []
        if el.text and label is None:
            out += self.text_run(el.text)
        for child in el:
            if child is label:
                self._prev = " "
            elif isinstance(child.tag, str):
                out += self.inline(child)
            if child.tail:
                out += self.text_run(child.tail)
        out = strip_closer(trim(out), label_closer(label))
        return out + [Space(), Span(attr("", ["note-owner"]), words(AUTHORS_NOTE))]

    def gap(self, el: etree._Element) -> list:
        """An omission: […]."""
        return self.text_run("[\u2026]")

    def supplied(self, el: etree._Element) -> list:
        """The author's supply, in square brackets as in the source; the editors' conjecture in a
        corrected reading is printed as the reading (the textual notes say it is supplied)."""
        if el.get("resp") == "#editors":
            return [Span(attr("", ["supplied", "conjecture"]), self.inner(el))]
        return [Span(attr("", ["supplied"]), self.text_run("[") + self.inner(el) + self.text_run("]"))]

    def inline_bibl(self, el: etree._Element) -> list:
        """A source citation in the text, with its parentheses."""
        kv = {"corresp": el.get("corresp").lstrip("#")} if el.get("corresp") else {}
        return [Span(attr("", ["bibl"], **kv), self.inner(el))]

    def title(self, el: etree._Element) -> list:
        """A title of a work: italic, in its language when the editors named one."""
        lang = el.get(XML_LANG)
        italic = [Emph(self.inner(el))]
        return [Span(attr("", ["title"], lang=lang), italic)] if lang else italic

    def hi(self, el: etree._Element) -> list:
        """Emphasis. The underscores of `_italic_` (pre-/post-lowbar) are what the italic replaces:
        they are not printed."""
        rend = set(rend_tokens(el))
        pre, post = shown_delimiters(el, hidden=("lowbar",))
        inner = (self.text_run(pre) if pre else []) + self.mixed(el) + (self.text_run(post) if post else [])
        if rend & {"italic", "i", "it"}:
            return [Emph(inner)]
        if rend & {"bold", "b"}:
            return [{"t": "Strong", "c": inner}]
        if rend & {"sc", "smallcaps", "small-caps"}:
            return [SmallCaps(inner)]
        raise UnknownElement(el, f"with rend={el.get('rend')!r}")

    def foreign(self, el: etree._Element) -> list:
        """A word or phrase in another language: italic, its language declared."""
        lang = el.get(XML_LANG)
        return [Span(attr("", ["foreign"], **({"lang": lang} if lang else {})), [Emph(self.inner(el))])]

    def emph(self, el: etree._Element) -> list:
        return [Emph(self.inner(el))]

    def lb(self, el: etree._Element) -> list:
        return [LineBreak()]

    def q(self, el: etree._Element) -> list:
        """A short quotation whose marks are in the text or in `@rend`."""
        return self.inner(el)

    def choice(self, el: etree._Element) -> list:
        """An emendation: the corrected reading in the text, recorded for the textual notes."""
        kids = {local(k): k for k in el if isinstance(k.tag, str)}
        if set(kids) != {"sic", "corr"}:
            raise UnknownElement(el, "(a choice is sic + corr)")
        anchor = f"corr-{len(self.corrections) + 1}"
        shown = self.inner(kids["corr"])
        sic = "".join(kids["sic"].itertext())
        self.corrections.append(Correction(anchor, trim(shown), sic, self._para))
        return self.correction_mark(anchor, shown)

    def correction_mark(self, anchor: str, shown: list) -> list:
        """The corrected reading in the text, anchored for its textual note's locator."""
        return [Span(attr(anchor, ["corr"]), shown)]

    # back matter

    def back(self) -> list:
        """Textual notes, works cited, the two indexes: each only when it has something to show
        (issue 14 point 7); `back_present` lists those made, for the contents."""
        self._anchoring = False
        sections = [
            ("textual-notes", self.textual_notes()),
            ("works-cited", self.works_cited()),
            ("index-persons", self.index(("person",))),
            ("index-places", self.index(("place", "org"))),
        ]
        self.back_present = [ident for ident, blocks in sections if blocks]
        return [self.back_section(ident, blocks) for ident, blocks in sections if blocks]

    def back_section(self, ident: str, blocks: list) -> dict:
        heading = dict(BACK_SECTIONS)[ident]
        return Div(attr("", ["back-section", ident]), [Header(2, attr(ident), words(heading))] + blocks)

    def textual_notes(self) -> list:
        """One line per emendation: where, the reading printed, the source's reading."""
        if not self.corrections:
            return []
        items = []
        for c in self.corrections:
            # the apparatus convention: lemma] variant, with the witness's name in italics
            line = self.correction_locator(c) + [Space()] + c.corr + [Str("]"), Space()] + \
                self.text_run(c.sic) + [Space(), Emph([Str("source")])]
            items.append([Plain([Span(attr(textual_note_id(c.anchor), ["textual-note"]), line)])])
        return [Div(attr("", ["apparatus"]), [BulletList(items)])]

    def works_cited(self) -> list:
        """The listBibl, alphabetically, each with its anchor."""
        bibls = self.root.xpath("//t:standOff//t:listBibl/t:bibl", namespaces=NS)
        entries = []
        for b in bibls:
            self._prev = " "
            self._para = None
            entries.append((text_of(b).casefold(), b.get(XML_ID) or "", self.bibliography_entry(b)))
        entries.sort(key=lambda e: e[0])
        if not entries:
            return []
        return [Div(attr("", ["bibliography"]), [
            Div(attr(ident, ["bibl-entry"]), [Para(inl)]) for _, ident, inl in entries])]

    def bibliography_entry(self, bibl: etree._Element) -> list:
        """Author. *Title*. Edition. Place: Publisher, date. Note. — from the parts of a listBibl entry."""
        parts = {local(k): k for k in bibl if isinstance(k.tag, str)}
        unknown = set(parts) - {"author", "editor", "title", "edition", "pubPlace", "publisher", "date",
                                "biblScope", "note"}
        if unknown:
            raise UnknownElement(parts[sorted(unknown)[0]], "in a works-cited entry")
        if not parts and (bibl.text or "").strip():
            return self.content(bibl)

        def run(key: str) -> list:
            return trim(self.inner(parts[key]))

        def sentence(inlines: list) -> list:
            """End a part with a full stop unless it ends in punctuation already."""
            last = stringify(inlines)[-1:] if inlines else ""
            return inlines + ([] if last in ".?!" else [Str(".")])

        out: list = []
        for key, prefix in (("author", ""), ("editor", "Edited by ")):
            if key in parts:
                out += [Space()] if out else []
                out += sentence(words(prefix) + ([Space()] if prefix else []) + run(key))
        if "title" in parts:
            out += ([Space()] if out else []) + sentence([Emph(run("title"))])
        if "edition" in parts:
            out += [Space()] + sentence(run("edition"))
        imprint = run("pubPlace") if "pubPlace" in parts else []
        if "publisher" in parts:
            imprint += ([Str(":"), Space()] if imprint else []) + run("publisher")
        if "date" in parts:
            imprint += ([Str(","), Space()] if imprint else []) + run("date")
        if imprint:
            out += [Space()] + sentence(imprint)
        if "biblScope" in parts:
            out += [Space()] + sentence(run("biblScope"))
        if "note" in parts:
            out += [Space()] + sentence(run("note"))
        return out

    def index(self, kinds: tuple[str, ...]) -> list:
        """An index: entries alphabetically, each with life dates and locators."""
        by_ref: dict[str, list[Mention]] = defaultdict(list)
        for m in self.mentions:
            if m.kind in kinds:
                by_ref[m.ref].append(m)
        rows = []
        for ref, mentions in by_ref.items():
            entry = self.registers.get(ref) or Entry(ref, mentions[0].kind, ref)
            rows.append((entry.index_form.casefold(), entry, mentions))
        rows.sort(key=lambda r: r[0])
        items = []
        for _, entry, mentions in rows:
            line = words(typography.normalise(entry.index_form, lang=self.lang))
            dates = life_dates(entry)
            if dates:
                line += [Space(), Span(attr("", ["dates"]), [Str(dates)])]
            line += [Str(","), Space()] + self.locators(mentions)
            items.append([Plain(line)])
        if not items:
            return []
        return [Div(attr("", ["index"]), [BulletList(items)])]

    # front matter

    def title_page(self) -> TitlePage:
        """What the title page shows of the text's title: the source's own title page where it has
        one of its own (its lines, subtitles, bylines), else the header's title and author.

        A source title page that only repeats the title on one line (the seed's) leaves the header's
        form, whose "Main: subtitle" is split in two."""
        norm = lambda s: words(typography.normalise(s, lang=self.lang))  # noqa: E731
        main, _, sub = self.header.title.partition(": ")
        out = TitlePage(norm(main), [norm(sub)] if sub else [],
                        [norm(" and ".join(self.header.authors))] if self.header.authors else [])
        found = self.root.xpath("t:text/t:front/t:titlePage", namespaces=NS)
        if not found:
            return out
        page = found[0]
        anchoring, self._anchoring = self._anchoring, False  # names on the title page are not mentions

        def lines(el: etree._Element) -> list:
            self._prev = " "
            return self.content(el)

        mains = page.xpath("t:docTitle/t:titlePart[@type='main']", namespaces=NS)
        subs = page.xpath("t:docTitle/t:titlePart[@type='sub']", namespaces=NS)
        if mains and (subs or mains[0].xpath("t:lb", namespaces=NS)):
            out.title, out.subtitles = lines(mains[0]), [lines(s) for s in subs]
            out.own_title = True
        bylines = page.xpath("t:byline", namespaces=NS)
        if bylines:
            out.bylines = [lines(b) for b in bylines]
            out.own_bylines = True
        self._anchoring = anchoring
        return out

    def front(self) -> list:
        """Half-title, title page, imprint, contents."""
        h = self.header
        main, _, sub = h.title.partition(": ")
        norm = lambda s: words(typography.normalise(s, lang=self.lang))  # noqa: E731
        half = Div(attr("half-title", ["half-title"]), [Para(norm(main))])
        page = self.title_page()
        title_blocks = [Header(1, attr("title", ["title"] + caps_class(page.title)), page.title)]
        for subtitle in page.subtitles:
            title_blocks.append(Div(attr("", ["subtitle"] + caps_class(subtitle)), [Para(subtitle)]))
        for byline in page.bylines:
            title_blocks.append(Div(attr("", ["author"]), [Para(byline)]))
        if h.subtitle:
            title_blocks.append(Div(attr("", ["edition-title"]), [Para(norm(h.subtitle))]))
        if h.editors:
            title_blocks.append(Div(attr("", ["editors"]), [Para(norm(f"edited by {' and '.join(h.editors)}"))]))
        if h.publisher:
            press = ", ".join(filter(None, (h.publisher, h.place)))
            title_blocks.append(Div(attr("", ["publisher"]), [Para(norm(press))]))
        title_page = Div(attr("title-page", ["title-page"]), title_blocks)
        return [half, title_page, self.imprint(), self.contents()]

    def imprint(self) -> dict:
        """The imprint page: source, edition statement, date, licence (and the typeface in print)."""
        h = self.header
        norm = lambda s: words(typography.normalise(s, lang=self.lang))  # noqa: E731
        lines = []
        if h.source:
            lines.append(norm(f"Source: {h.source}"))
        if h.date:
            lines.append(norm(f"The text is dated {long_date(h.date)}."))
        if h.edition:
            statement = h.edition + (f", edited by {' and '.join(h.editors)}" if h.editors else "")
            if h.published:
                statement += f", {long_date(h.published)}"
            lines.append(norm(statement + "."))
        if h.series:
            lines.append(norm(f"Series: {h.series}."))
        if h.publisher:
            lines.append(norm(f"Published by {', '.join(filter(None, (h.publisher, h.place)))}."))
        if h.isbn:
            lines.append(words(f"ISBN {h.isbn}"))  # as registered: its hyphens are no dashes
        if h.licence:
            licence = h.licence.rstrip(".")  # the sentence's own full stop follows
            lic = norm(f"Licence: {licence}.")
            if h.licence_url:
                lic = norm("Licence:") + [Space(), Link(norm(licence), h.licence_url), Str(".")]
            lines.append(lic)
        lines += self.imprint_furniture()
        lines.append(norm(self.numbers_note()))
        return Div(attr("imprint", ["imprint"]), [Para(line) for line in lines])

    def contents(self) -> dict:
        """The table of contents: sections of the text, then the back matter."""
        entries = [(ident, heading) for ident, heading in self.sections]
        present = getattr(self, "back_present", [ident for ident, _ in BACK_SECTIONS])
        entries += [(ident, words(title)) for ident, title in BACK_SECTIONS if ident in present]
        items = [[Plain([Link(heading, f"#{ident}")] + self.contents_locator(ident))] for ident, heading in entries]
        return Div(attr("contents", ["contents"]), [
            Header(2, attr("contents-title"), words("Contents")), BulletList(items)])

    @staticmethod
    def note_identity(el: etree._Element) -> tuple[str, str, list[str]]:
        """A footnote's anchor, the sign that calls it, and its classes: the editors' notes are
        numbered (`nN`), the author's called by the author's own sign (`fnN`, class `authorial`)."""
        if el.get("type") == "authorial":
            n = note_sign(el)
            ident = el.get(XML_ID) or f"fn-{n}"
            return ident, n, ["authorial"]
        ident = el.get(XML_ID) or f"n{el.get('n')}"
        return ident, el.get("n") or ident.lstrip("n"), []

    # target hooks: overridden by PrintBook and EpubBook

    def note(self, el: etree._Element) -> list:
        raise NotImplementedError

    def locators(self, mentions: list[Mention]) -> list:
        raise NotImplementedError

    def correction_locator(self, c: Correction) -> list:
        raise NotImplementedError

    def contents_locator(self, ident: str) -> list:
        return []

    def imprint_furniture(self) -> list:
        return []

    def numbers_note(self) -> str:
        """The imprint's sentence on where the paragraph numbers are and what they are for."""
        return ("The paragraph numbers in the margin are those of the TEI text and the "
                "e-book, so that every edition can be cited by the same numbers.")


def life_dates(entry: Entry) -> str:
    """(1870–1924), (b. 1944), (d. 1924) or ''."""
    born, died = year(entry.born), year(entry.died)
    if born and died:
        return f"({born}\u2013{died})"
    if born:
        return f"(b.\u00a0{born})"
    if died:
        return f"(d.\u00a0{died})"
    return ""


class PrintBook(Book):
    """The print book: footnotes at the call, page-number locators, page furniture."""

    target = "print"

    def note(self, el: etree._Element) -> list:
        """An inline span at the call; the CSS floats it to the foot of the page. An author's note
        is called by the author's sign and marked `authorial`; the editors' keep their numbers."""
        ident, n, classes = self.note_identity(el)
        body = self.note_content(el)
        return [Span(attr(f"{ident}-call", ["note-call"]), []),
                Span(attr(ident, ["footnote"] + classes, n=n), body)]

    def page_links(self, anchors: list[str]) -> list:
        """Page numbers of anchors: ascending, each page once, consecutive pages as ranges."""
        first_on: dict[int, str] = {}
        for a in anchors:
            if a in self.pages:
                first_on.setdefault(self.pages[a], a)
        out: list = []
        for i, (a, b) in enumerate(ranges(first_on)):
            if i:
                out += [Str(","), Space()]
            if b == a:
                out.append(Link([Str(str(a))], f"#{first_on[a]}"))
            else:  # a range never breaks across lines
                out.append(Span(attr("", ["range"]), [
                    Link([Str(str(a))], f"#{first_on[a]}"), Str("\u2013"), Link([Str(str(b))], f"#{first_on[b]}")]))
        return out

    def locators(self, mentions: list[Mention]) -> list:
        return [Span(attr("", ["locators"]), self.page_links([m.anchor for m in mentions]))]

    def correction_locator(self, c: Correction) -> list:
        where = self.page_links([c.anchor])
        para = [Str(f"¶\u00a0{c.para}")] if c.para else []
        return [Span(attr("", ["locator"]), where + ([Space()] if where and para else []) + para)]

    def contents_locator(self, ident: str) -> list:
        page = self.pages.get(ident)
        return [Span(attr("", ["page"]), [Str(str(page))] if page is not None else [])]

    def imprint_furniture(self) -> list:
        return [words("Set in Source Serif Pro. Typeset with Pandoc and WeasyPrint.")]

    def front(self) -> list:
        """The front matter, ending on a verso so that the text opens on a recto."""
        return super().front() + [Div(attr("", ["front-end"]), [])]


class EpubBook(Book):
    """The e-book: noteref and aside notes, ¶ locators linking to each mention."""

    target = "epub"

    def unit_number_separator(self) -> list:
        """A space after the paragraph number: copied, it must not run into the text."""
        return [Space()]

    def unit_number(self, n: str) -> list:
        """The paragraph number, hidden from screen readers: read aloud before the first words it ran
        into the note calls' numbers ("5 On several occasions … 1903 7"). The unit's anchor and its
        data-n still carry it, and the index and contents cite it."""
        return [Span(attr("", ["pn"], aria_hidden="true"), [Str(n)])]

    def correction_mark(self, anchor: str, shown: list) -> list:
        """The corrected reading, marked and linked to its textual note (whose locator links back):
        the reader sees that the words are the editors' and can read what the source has."""
        if any(node["t"] in ("Link", "RawInline") for node in shown):  # a link may not hold a link
            return super().correction_mark(anchor, shown)
        return [Link(shown, f"#{textual_note_id(anchor)}", attr(anchor, ["corr"]))]

    def numbers_note(self) -> str:
        return ("The small number that begins each paragraph is the one the TEI text and the print "
                "edition give it, so that every edition can be cited by the same numbers.")

    def note(self, el: etree._Element) -> list:
        """A noteref at the call; the aside (with a backlink) follows the block."""
        ident, n, classes = self.note_identity(el)
        body = self.note_content(el)
        self._pending += self.note_aside(ident, n, body, classes)
        sign = html.escape(n)
        return [RawInline(f'<a epub:type="noteref" role="doc-noteref" id="{ident}-ref" href="#{ident}">'
                          f'<sup>{sign}</sup></a>')]

    def note_aside(self, ident: str, n: str, body: list, classes: list[str] = ()) -> list:
        """The note itself: `<aside epub:type="footnote">`, its number a back-link to the call, typed
        `backlink` so that reading systems (and Standard Ebooks' readers) know it for one."""
        cls = f' class="{" ".join(classes)}"' if classes else ""
        return [
            RawBlock(f'<aside epub:type="footnote" role="doc-footnote" id="{ident}"{cls}>'),
            Para([RawInline(f'<a href="#{ident}-ref" epub:type="backlink" role="doc-backlink">'
                            f'{html.escape(n)}.</a>'), Space()] + body),
            RawBlock("</aside>"),
        ]

    def para_links(self, pairs: list[tuple[str | None, str, str | None]]) -> list:
        """"¶ 12" links, one per paragraph, in text order, each to the first mention in the text of
        that paragraph. A paragraph that names the entry only in a footnote links to the note and says
        so ("¶ 35 n. 37"): a reader whose system hides notes (Apple Books) would otherwise land on
        hidden text, and every reader would look in the paragraph for a name that is not there."""
        in_text: dict[str | None, str] = {}
        in_note: dict[str | None, tuple[str, str]] = {}
        order: list[str | None] = []
        for para, anchor, note in pairs:
            if para not in order:
                order.append(para)
            if note is None:
                in_text.setdefault(para, anchor)
            else:
                in_note.setdefault(para, (anchor, note))
        out: list = []
        for i, para in enumerate(order):
            if i:
                out += [Str(","), Space()]
            label = f"¶\u00a0{para}" if para else "epigraph"
            if para in in_text:
                out.append(Link([Str(label)], f"#{in_text[para]}"))
            else:
                anchor, note = in_note[para]
                out.append(Link([Str(f"{label}\u00a0n.\u00a0{note}")], f"#{anchor}", attr("", ["in-note"])))
        return out

    def locators(self, mentions: list[Mention]) -> list:
        return [Span(attr("", ["locators"]), self.para_links([(m.para, m.anchor, m.note) for m in mentions]))]

    def correction_locator(self, c: Correction) -> list:
        return [Span(attr("", ["locator"]), self.para_links([(c.para, c.anchor, None)]))]


BOOKS = {"print": PrintBook, "epub": EpubBook}


def tei_to_ast(tei_root: etree._Element, target: str, pages: Mapping[str, int] | None = None) -> dict:
    """The Pandoc JSON AST of the whole book for `target` ("print" or "epub").

    `pages` (print only) maps anchor ids to folios, from the laid-out body; without
    it the contents and the locators are left without page numbers.
    """
    if target not in BOOKS:
        raise ValueError(f"target must be one of {TARGETS}, not {target!r}")
    if isinstance(tei_root, etree._ElementTree):
        tei_root = tei_root.getroot()
    return BOOKS[target](tei_root, pages).build()


def divisions(ast: dict, *ids: str) -> dict:
    """The same document with only the top-level divisions named (front, text, back)."""
    keep = [b for b in ast["blocks"] if b["t"] == "Div" and b["c"][0][0] in ids]
    return {**ast, "blocks": keep}
