"""Items → the TEI `<text>`, in source order, keeping every character of the source.

A cursor walks the source: whatever lies between two elements (blank lines, indentation) is put
as whitespace text between them; what an element replaces (quotation marks, brackets, underscores)
is recorded in its `@rend`; an author's footnote is put at its marker, and an `anchor` stands where
its text was. `tei.diplomatic()` gives the source back from this tree byte for byte.
"""

from __future__ import annotations

from lxml import etree

from ..tei import XML_ID, el, sub
from . import shapes
from .context import Reading
from .inline import Inline, rend
from .items import Item
from .pieces import CLOSE_QUOTES, OPEN_QUOTES, Line, Piece
from .lists import label_of
from .quotations import trailing_citation

NUMBERED = ("p", "cit", "item", "lg", "floatingText")


def last_child(parent: etree._Element) -> etree._Element | None:
    """The last child of parent, or None. Not `len(parent)`: lxml counts the children one by one,
    and asked at each of a 20,000-line stanza's lines that took minutes."""
    try:
        return parent[-1]
    except IndexError:
        return None


class Builder:
    def __init__(self, r: Reading, has_author: bool):
        self.r = r
        self.text = r.source.text
        self.cursor = 0
        self.last_leaf: etree._Element | None = None  # the last element holding text
        self.pending = ""                              # blanks XML cannot hold between elements
        self.unit = 0
        self.sections = 0
        self.note_ids = {id(m.note): f"fn{k}" for k, m in enumerate(sorted(r.markers.values(), key=lambda m: m.start), 1)}
        self.inline = Inline(self.text, r.markers, self.note_at_marker, r.initials, has_author)

    # -- the cursor -------------------------------------------------------------------------------

    def space(self, parent: etree._Element, upto: int) -> None:
        """Put the source between the cursor and `upto` (whitespace between elements) into parent."""
        if upto < self.cursor:
            raise AssertionError(f"reader: source offset {upto} placed after {self.cursor}")
        chunk = self.text[self.cursor:upto]
        self.cursor = upto
        if not chunk:
            return
        if chunk.strip():
            raise AssertionError(f"reader: text {chunk.strip()[:40]!r} fell between elements")
        if chunk.strip(" \t\r\n"):  # a no-break space or a line separator: only text may hold it
            if self.last_leaf is None:
                self.pending += chunk
            elif (last := last_child(self.last_leaf)) is not None:
                last.tail = (last.tail or "") + chunk
            else:
                self.last_leaf.text = (self.last_leaf.text or "") + chunk
            return
        if (last := last_child(parent)) is not None:
            last.tail = (last.tail or "") + chunk
        else:
            parent.text = (parent.text or "") + chunk

    def open(self, parent: etree._Element, tag: str, at: int, **attrs) -> etree._Element:
        self.space(parent, at)
        return sub(parent, tag, **attrs)

    def text_element(self, parent: etree._Element, tag: str, **attrs) -> etree._Element:
        """A new element that holds text (blanks left over before it go in first)."""
        node = sub(parent, tag, **attrs)
        if self.pending:
            node.text, self.pending = self.pending, ""
        self.last_leaf = node
        return node

    def leaf(self, parent: etree._Element, tag: str, start: int, end: int, strip: bool = False,
             **attrs) -> etree._Element:
        """An element holding text[start:end]; with `strip`, the quotation marks around it are
        recorded in @rend instead (unless the author interrupts the quotation)."""
        self.space(parent, start)
        pre = post = ""
        if strip:
            inner = self.text[start:end]
            if inner[:1] in OPEN_QUOTES:
                pre = inner[0]
            if inner[-1:] in CLOSE_QUOTES and len(inner) > 1 and (pre or inner[-1] != "\u2019"):
                post = inner[-1]
            body = inner[len(pre):len(inner) - len(post)]
            if pre and post and any(mark in body for mark in '"\u201c\u201d'):
                pre = post = ""  # `"…," Trotsky wrote, "…"`: the marks are the author's text
            pre, post = self.keepable(pre, post, end)
        node = self.text_element(parent, tag, **attrs)
        if pre or post:
            node.set("rend", " ".join(filter(None, [attrs.get("rend"), rend(pre, post)])))
        self.inline.parse(node, start + len(pre), end - len(post))
        self.cursor = end
        return node

    def keepable(self, pre: str, post: str, end: int) -> tuple[str, str]:
        """The delimiters an element may record: not one that a no-break space (or another blank XML
        cannot hold between elements) stands before or after — that blank goes inside the element,
        so the mark stays text beside it, in the source's order."""
        if self.pending:
            pre = ""
        after = end
        while after < len(self.text) and self.text[after].isspace():
            after += 1
        if self.text[end:after].strip(" \t\r\n"):
            post = ""
        return pre, post

    def lines(self, parent: etree._Element, tag: str, pieces: list[Piece], **attrs) -> etree._Element:
        """One element over several lines or blocks (a title, a heading): `lb` at each break."""
        lines: list[Line] = [line for piece in pieces for line in piece.lines]
        self.space(parent, lines[0].content_start)
        node = self.text_element(parent, tag, **attrs)
        for k, line in enumerate(lines):
            if k:
                sub(node, "lb")
                self.space(node, line.content_start)
            self.inline.parse(node, line.content_start, line.content_end)
            self.cursor = line.content_end
        return node

    def number(self, node: etree._Element) -> etree._Element:
        self.unit += 1
        node.set("n", str(self.unit))
        node.set(XML_ID, f"p{self.unit}")
        return node

    # -- the text ---------------------------------------------------------------------------------

    def build(self, items: list[Item]) -> etree._Element:
        tokens = (["source-bom"] if self.r.source.bom else []) + (["source-crlf"] if self.r.source.crlf else [])
        text_el = el("text", rend=" ".join(tokens) or None)
        front = sub(text_el, "front")
        body = sub(text_el, "body")
        k = 0
        title_page = None
        while k < len(items) and items[k].kind in ("title", "subtitle", "byline"):
            item = items[k]
            if title_page is None:
                title_page = self.open(front, "titlePage", item.first.start)
                doc_title = sub(title_page, "docTitle")
            if item.kind == "byline":
                self.lines(title_page, "byline", item.pieces)
            else:
                self.lines(doc_title, "titlePart", item.pieces, type="main" if item.kind == "title" else "sub")
            k += 1
        while k < len(items) and items[k].kind == "epigraph":
            self.epigraph(front, items[k])
            k += 1
        container = body
        for item in items[k:]:
            if item.kind == "head":
                self.sections += 1
                container = self.open(body, "div", item.first.start, type="notes" if item.notes_section else "section",
                                      xml_id=f"s{self.sections}")
                self.lines(container, "head", item.pieces)
            else:
                self.item(container, item)
        self.space(container, len(self.text))
        if len(front) == 0:
            text_el.remove(front)
        if len(body) == 0:
            sub(body, "p")  # a text that is all front matter still needs a body
        return text_el

    def item(self, parent: etree._Element, item: Item, numbered: bool = True, quoted: bool = False) -> None:
        getattr(self, "item_" + item.kind)(parent, item, numbered, quoted)

    def unit_of(self, node: etree._Element, numbered: bool) -> etree._Element:
        return self.number(node) if numbered else node

    def item_p(self, parent, item, numbered, quoted):
        piece = item.first
        self.unit_of(self.leaf(parent, "p", piece.start, piece.end, strip=quoted), numbered)

    def item_byline(self, parent, item, numbered, quoted):
        self.lines(parent, "byline", item.pieces)

    def item_epigraph(self, parent, item, numbered, quoted):
        self.epigraph(parent, item)

    def epigraph(self, parent: etree._Element, item: Item) -> None:
        epigraph = self.open(parent, "epigraph", item.first.start)
        cit = sub(epigraph, "cit")
        quoted = [p for p, role in zip(item.pieces, item.roles) if role == "quote"]
        source = [p for p, role in zip(item.pieces, item.roles) if role == "bibl"]
        cite = trailing_citation(quoted[-1].text) if not source else None
        if cite:  # "…" (Source.) at the end of its last line
            last = quoted[-1]
            self.quotation(cit, quoted, last.start + len(cite[0]), verse=item.verse)
            self.parenthesised(cit, last.start + len(cite[0]) + len(cite[1]), last.end)
        else:
            self.quotation(cit, quoted, quoted[-1].end, verse=item.verse)
        for piece in source:
            self.leaf(cit, "bibl", piece.start, piece.end)

    def quotation(self, cit: etree._Element, pieces: list[Piece], end: int, verse: bool) -> etree._Element:
        """`quote` with its paragraphs, or its verse lines, up to `end` (the quotation marks
        around a stanza are recorded on the quote, those of a paragraph on the paragraph)."""
        first, last = pieces[0], pieces[-1]
        if not verse:
            quote = self.open(cit, "quote", first.start)
            for piece in pieces:
                self.leaf(quote, "p", piece.start, end if piece is last else piece.end, strip=True)
            return quote
        text = self.text[first.start:end]
        pre = text[0] if text[:1] in OPEN_QUOTES else ""
        post = text[-1] if text[-1:] in CLOSE_QUOTES and len(text) > 1 else ""
        self.space(cit, first.start)
        pre, post = self.keepable(pre, post, end)
        quote = self.open(cit, "quote", first.start, rend=rend(pre, post))
        inner_start, inner_end = first.start + len(pre), end - len(post)
        self.cursor = inner_start
        lg = sub(quote, "lg")
        for k, piece in enumerate(pieces):
            s = inner_start if k == 0 else piece.start
            e = inner_end if k == len(pieces) - 1 else piece.end
            self.space(lg, s)
            line = self.text_element(lg, "l")
            self.inline.parse(line, s, e)
            self.cursor = e
        self.cursor = end
        return quote

    def item_quote(self, parent, item, numbered, quoted):
        cit = self.unit_of(self.open(parent, "cit", item.first.start, type="block"), numbered)
        span = item.citation
        end = item.pieces[-1].end
        if span:
            end = span[0]
            while self.text[end - 1].isspace():
                end -= 1
        self.quotation(cit, item.pieces, end, verse=item.verse)
        if span and self.text[span[0]] == "(" and self.text[span[1] - 1] == ")":
            self.parenthesised(cit, *span)
        elif span:
            self.leaf(cit, "bibl", span[0], span[1])

    def parenthesised(self, parent: etree._Element, start: int, end: int) -> etree._Element:
        """A source citation in parentheses (`(Trotsky, p. 5.)`), the parentheses in @rend."""
        self.space(parent, start)
        pre, post = self.keepable("(", ")", end)
        bibl = self.text_element(parent, "bibl", rend=rend(pre, post))
        self.inline.parse(bibl, start + len(pre), end - len(post))
        self.cursor = end
        return bibl

    def item_list(self, parent, item, numbered, quoted):
        label = label_of(item.first.text)
        kind = None if label is None else "bulleted" if label[0].startswith("bullet") else "ordered"
        lst = self.open(parent, "list", item.first.start, type=kind)
        groups: list[list[Piece]] = []
        for piece, role in zip(item.pieces, item.roles or ["item"] * len(item.pieces)):
            if role == "continued" and groups:
                groups[-1].append(piece)
            else:
                groups.append([piece])
        for group in groups:
            self.unit_of(self.leaf(lst, "item", group[0].start, group[-1].end), numbered)

    def item_lg(self, parent, item, numbered, quoted):
        lg = self.unit_of(self.open(parent, "lg", item.first.start), numbered)
        for piece in item.pieces:
            self.leaf(lg, "l", piece.start, piece.end)

    def item_closer(self, parent, item, numbered, quoted):
        closer = self.open(parent, "closer", item.first.start)
        for piece, role in zip(item.pieces, item.roles):
            self.leaf(closer, role, piece.start, piece.end)

    def item_postscript(self, parent, item, numbered, quoted):
        ps = self.open(parent, "postscript", item.first.start)
        for inner in item.body:
            self.item(ps, inner, numbered)

    def item_letter(self, parent, item, numbered, quoted):
        salute = next(p for p, role in zip(item.pieces, item.roles) if role.endswith("salute"))
        is_quoted = salute.text[:1] in OPEN_QUOTES
        letter = self.unit_of(self.open(parent, "floatingText", item.first.start, type="letter"), numbered)
        body = sub(letter, "body")
        opener = closer = None
        body_done = False
        for piece, role in zip(item.pieces, item.roles):
            if role == "run-in salute":  # `MY DEAR FRIEND,--In attempting …`: salute, then the paragraph
                opener = opener if opener is not None else self.open(body, "opener", piece.start)
                split = piece.start + shapes.run_in_salutation(piece.text)
                self.leaf(opener, "salute", piece.start, split)
                rest = split + len(self.text[split:piece.end]) - len(self.text[split:piece.end].lstrip())
                self.leaf(body, "p", rest, piece.end)
            elif role in ("dateline", "byline", "salute") and not body_done and closer is None:
                if opener is None:
                    opener = self.open(body, "opener", piece.start)
                self.leaf(opener, role, piece.start, piece.end, strip=is_quoted)
            elif role == "body":
                if not body_done:
                    for inner in item.body:
                        self.item(body, inner, numbered=False, quoted=is_quoted)
                    body_done = True
            elif role in ("salute", "signed"):
                if closer is None:
                    closer = self.open(body, "closer", piece.start)
                self.leaf(closer, role, piece.start, piece.end, strip=is_quoted)
            elif role == "bibl":  # the source of a quoted letter, right after it
                self.parenthesised(parent, piece.start, piece.end)

    def item_note(self, parent, item, numbered, quoted):
        ident = self.note_ids.get(id(item))
        if ident is None:  # no marker calls it: it stays where it is
            self.space(parent, item.first.start)
            parent.append(self.note(item))
            self.last_leaf = parent[-1]
            self.cursor = item.pieces[-1].end
            return
        self.space(parent, item.first.start)
        sub(parent, "anchor", type="note-source", corresp=f"#{ident}")
        self.cursor = item.pieces[-1].end  # its text is in the note, at the marker

    def note(self, item: Item, marker=None) -> etree._Element:
        """The note element with the note's own text (its label as written first)."""
        node = el("note", type="authorial", place="foot", n=(marker.sign if marker else item.sign) or None,
                  rend=rend(marker.pre, marker.post) if marker else None,
                  xml_id=self.note_ids.get(id(item)))
        start = item.first.start
        if item.label:
            sub(node, "label", self.text[item.label[0]:item.label[1]])
            start = item.label[1]
        # the note's text, with whatever lies between its paragraphs
        saved = self.cursor
        self.inline.parse(node, start, item.pieces[-1].end)
        self.cursor = saved
        return node

    def note_at_marker(self, marker) -> etree._Element:
        return self.note(marker.note, marker)
