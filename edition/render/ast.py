"""TEI → one neutral Pandoc JSON AST of the whole book, for print and EPUB alike (DESIGN §1, §9).

`neutral_ast(tei_root)` walks the TEI with one small function per element (dispatch on the
element's local name); an element it does not know raises `UnknownElement` — no text is ever
dropped silently. The blocks are here, the inline elements in `inlines.py`, the front and back
matter in `matter.py`; where the print and EPUB editions differ is `targets.py`, the only place.

The book has three top-level divisions, each a Div with an id:

- `front`: half-title, title page, imprint, contents;
- `text`: the editors' preface, the epigraph and the text, paragraph-level units numbered by `@n`;
- `back`: textual notes (one per `choice`), works cited (`listBibl`), the index of persons and
  the index of places and bodies (from `standOff`), each only when it has entries.

What the targets set differently is left neutral, marked by a class:

- a note: a `note` span at its call (anchor, `n` = its sign, its text);
- a locator (index, textual notes): a `locators`/`locator` span of `mention` links, one per
  mention, each to the mention's anchor with its paragraph (`para`) and note (`note`);
- a contents entry's page: a `page` span with the section's id (`ref`);
- the imprint's `furniture` and `numbers-note` divisions, empty;
- letters: `letters` (a letter and its source line) quoted in the text, `letters text-letter` when
  they are the text (a division, or the whole text, written as letters: `written_as_letters`).

Anchors that both targets share: `pN` (paragraph-level unit N), a section's id, `nN` (editorial
note), `<ref>-<k>` (the k-th mention of register entry `ref`, e.g. `lenin-3`), `corr-K` (the K-th
emendation), the `xml:id` of each `listBibl/bibl`, and `contents`, `textual-notes`,
`works-cited`, `index-persons`, `index-places`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from lxml import etree

from .. import typography
from ..tei import NS, XML_ID, local
from .header import read_header
from .inlines import Correction, Inlines, Mention, UnknownElement
from .matter import Matter, read_registers
from .pandoc import BlockQuote, BulletList, Div, Header, Para, Plain, Span, Str, attr, caps_class, \
    document, without_breaks, without_leading_dash, words

#: a stanza of at most this many lines is kept on one page
SHORT_VERSE = 8

#: the paragraph-level units, numbered by @n (an editorial note's @n is not a unit's)
UNITS = ("p", "cit", "item", "lg", "floatingText")

#: the class of the letters a division (or the whole text) is written as: the text itself, set as
#: the body is, not as a letter quoted in it
TEXT_LETTER = "text-letter"
#: what a division written as letters may hold besides them: what goes with its heading, the
#: letters' own postscript, and what stands between blocks without being text
BESIDE_LETTERS = ("head", "byline", "epigraph", "postscript", "anchor", "note")


def first_unit_number(div: etree._Element) -> str | None:
    """The @n of a section's first paragraph-level unit: the number a mention in its heading is
    cited by (the heading stands above that paragraph, not at the end of the one before)."""
    for el in div.iter(*(f"{{{NS['t']}}}{name}" for name in UNITS)):
        if el.get("n"):
            return el.get("n")
    return None


def written_as_letters(kids: list[etree._Element]) -> bool:
    """Whether the blocks of a division (or of the body) are letters and nothing else of the text:
    an essay, a dedication, a chapter written in letter form, whose letters are the text itself.
    A letter with its source after it (a `bibl`) is quoted, and so is one standing between the
    author's paragraphs or in a `cit`: none of these is."""
    names = [local(k) for k in kids]
    return "floatingText" in names and all(n == "floatingText" or n in BESIDE_LETTERS for n in names)


class Book(Inlines, Matter):
    """The TEI walk: blocks here, inline elements in `Inlines`, front and back matter in `Matter`."""

    def __init__(self, root: etree._Element):
        self.root = root
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
        self._anchoring = True  # names are index mentions (not in the back matter)
        self._letters = 0
        self._unit_notes = 0  # notes called in the current unit
        self._section: str | None = None  # the section being walked (its id), for the index
        self._epigraphs = 0
        self.inline_handlers: dict[str, Callable] = self.inline_table()
        self.block_handlers: dict[str, Callable] = {
            "p": self.p, "div": self.div, "cit": self.cit, "list": self.list_,
            "epigraph": self.epigraph, "head": self.unexpected, "lg": self.lg,
            "floatingText": self.letter_with_source, "bibl": self.bibl_block, "byline": self.byline,
            "closer": self.closer, "postscript": self.postscript, "anchor": self.anchor,
            "note": self.note_block,
        }

    def build(self) -> dict:
        """The Pandoc document: meta, then the front, text and back divisions. The text is walked
        first: the back matter lists what it found, the front matter's contents both."""
        text = self.text()
        back = self.back()
        front = self.front()
        return document(self.meta(), [
            Div(attr("front", ["front"]), front),
            Div(attr("text", ["text"]), text),
            Div(attr("back", ["back"]), back),
        ])

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
                blocks += self.blocks_of(self.children(part))
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
        """Blocks for one block-level element."""
        handler = self.block_handlers.get(local(el))
        if handler is None:
            raise UnknownElement(el, "as a block")
        return handler(el)

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
        return [Span(attr("", ["pn"]), [Str(n)])]

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
        outer = self._section
        if kids and local(kids[0]) == "head":
            self._prev = " "
            self._para = first_unit_number(el) or self._para
            self._section = ident
            heading = self.content(kids[0])
            self.sections.append((ident, without_breaks(heading)))
            blocks.append(Header(2, attr(ident, caps_class(heading)), heading))
            kids = kids[1:]
        blocks += self.blocks_of(kids)
        self._section = outer
        return [Div(attr("", ["division", el.get("type") or "div"]), blocks)]

    def blocks_of(self, kids: list[etree._Element]) -> list:
        """The blocks of a division's (or the body's) elements; when it is written as letters
        (`written_as_letters`), its letters marked `text-letter`: the text, not quoted in it."""
        own = written_as_letters(kids)
        blocks: list = []
        for child in kids:
            if own and local(child) == "floatingText":
                blocks += self.letter_with_source(child, TEXT_LETTER)
            else:
                blocks += self.block(child)
        return blocks

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

    def letter_with_source(self, ft: etree._Element, *marks: str) -> list:
        """A letter standing in the text, with the citation right after it as its source line:
        set as the quoted letters are (indented, salutation and signature as in a letter), unless
        `marks` says it is the text itself (`TEXT_LETTER`)."""
        bibls = []
        for after in ft.itersiblings():
            if not isinstance(after.tag, str):
                continue
            if local(after) != "bibl":
                break
            bibls.append(after)
        self._letters += 1
        return [Div(attr(f"letters-{self._letters}", ["letters", *marks]),
                    [self.letter(ft)] + self.source_line(bibls))]

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

    def note_block(self, el: etree._Element) -> list:
        """An author's note whose marker was not found, standing between blocks: a small paragraph
        in place, with its label as the author wrote it."""
        if el.get("type") != "authorial":
            raise UnknownElement(el, "between blocks")
        self._prev = " "
        ident = el.get(XML_ID) or ""
        return [Div(attr(ident, ["authorial-note-block"]), [Para(self.content(el))])]



def neutral_ast(tei_root: etree._Element) -> dict:
    """The neutral Pandoc JSON AST of the whole book (the targets make the editions of it)."""
    if isinstance(tei_root, etree._ElementTree):
        tei_root = tei_root.getroot()
    return Book(tei_root).build()
