"""After rendering: every word of the reading text and every note is in the book (issue 12, point 2).

A layout engine can lose text without a word: a footnote longer than the room left cut at the page
foot, a note that never gets a place, a word set beyond the page's edge. So the build reads its own
outputs back before anything is written — the PDF from WeasyPrint's laid-out pages (the boxes are in
memory: no PDF is parsed again), the EPUB from its XHTML — and compares them with the TEI:

- the reading text (the text without its footnotes, the source's readings that were corrected, the
  author's note labels, the title page and a notes section left with only anchors) must be there in
  order, outside the footnotes;
- each footnote must be there whole, in order, among the notes (in the PDF: at the page foot, its
  parts joined when it continues overleaf; in the EPUB: its aside).

The comparison is of letters and digits only, case and compatibility forms folded (`letters`): what
typography, hyphenation, line breaks and the page furniture change is not a loss. What the book
adds (paragraph numbers, running heads, contents, "Author's note") is skipped where the two texts
meet again (`first_loss`). The first letter not found is a located error (`file:line:col`, exit 2)
at the place in the source — or in a hand-edited TEI file — where its word stands, and nothing is
written. Cost: a walk over the boxes and one pass over the text (~0.02 s each for the seed's PDF
and EPUB, in a build of ~4 s).
"""

from __future__ import annotations

import functools
import io
import itertools
import posixpath
import re
import unicodedata
import zipfile
from bisect import bisect_right
from dataclasses import dataclass, field

from lxml import etree

from .. import tei
from ..errors import InputError

#: a run of this many letters found again is where the two texts meet after something added
SYNC = 24
#: how many letters of the text the message quotes
QUOTE = 60


# --- letters: the text as compared ----------------------------------------------------------------

@functools.cache
def _fold(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char).casefold() if c.isalnum())


_ASCII_DROP = re.compile(r"[^0-9A-Za-z]+")


def letters(text: str) -> str:
    """The letters and digits of a text, case-folded, compatibility forms and accents decomposed
    and their marks dropped: what stays the same through typography, hyphenation and line breaks."""
    if text.isascii():
        return _ASCII_DROP.sub("", text).lower()
    return "".join(map(_fold, text))


def first_loss(expected: str, found: str) -> int | None:
    """The offset in `expected` of its first letter that `found` lacks, or None when `found` holds
    all of `expected` in order. Both are `letters()`. Where they differ, what follows in `found` is
    taken as added (skipped) if `expected` goes on there sooner than `found` goes on in `expected`;
    otherwise `expected` has lost text here."""
    i = j = 0
    n = len(expected)
    while True:
        start = i
        i, j = _matching(expected, i, found, j)
        if i >= n:
            return None
        if j >= len(found):
            return i
        ahead = _seek(found, j + 1, expected, i)
        behind = _seek(expected, i + 1, found, j)
        if ahead < 0 or (0 <= behind and behind - i <= ahead - j):
            # the loss as early as it can be: "a b c" for "a c" has lost "b " rather than " c"
            while behind > i > start and expected[i - 1] == expected[behind - 1]:
                i, behind = i - 1, behind - 1
            return i
        j = ahead


def _seek(hay: str, start: int, text: str, at: int) -> int:
    """Where in `hay`, from `start` on, `text` goes on from `at`: the first place that holds its
    next SYNC letters (or half as many, when something else is added within them); -1 if none."""
    for size in (SYNC, SYNC // 2):
        key = text[at:at + size]
        if len(key) < size and at:  # near its end: the rest, if it is there
            return hay.find(key, start)
        found = hay.find(key, start)
        if found >= 0:
            return found
    return -1


def first_missing_word(needle: list[str], haystack: list[str]) -> int | None:
    """`first_loss` for words (the tests read back written files): the index in `needle` of the
    first word `haystack` lacks, in order, or None."""
    expected = [letters(word) for word in needle]
    lost = first_loss("".join(expected), letters("".join(haystack)))
    return None if lost is None else bisect_right(list(itertools.accumulate(map(len, expected))), lost)


def _matching(a: str, i: int, b: str, j: int) -> tuple[int, int]:
    """Advance i and j over the run where a[i:] and b[j:] agree."""
    step = 4096
    while step:
        while i < len(a) and j < len(b) and a[i:i + step] == b[j:j + step]:
            done = min(step, len(a) - i, len(b) - j)
            i, j = i + done, j + done
        step //= 8
    return i, j


# --- what must be there: the TEI's streams of text, with where each piece stands ------------------

@dataclass
class Stream:
    """Letters of some text of the TEI, with the pieces (node, tail?, raw text) they come from."""

    text: str = ""
    starts: list[int] = field(default_factory=list)
    pieces: list[tuple[etree._Element, bool, str]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, node: etree._Element, tail: bool, raw: str | None) -> None:
        folded = letters(raw or "")
        if folded:
            self.starts.append(self.length)
            self.pieces.append((node, tail, raw))
            self.parts.append(folded)
            self.length += len(folded)

    def done(self) -> "Stream":
        self.text = "".join(self.parts)
        return self

    def piece_at(self, offset: int) -> tuple[etree._Element, bool, str, int]:
        """The piece holding letter `offset`, and that letter's index in the piece's raw text."""
        k = bisect_right(self.starts, offset) - 1
        node, tail, raw = self.pieces[k]
        want = offset - self.starts[k]
        for index, char in enumerate(raw):
            if want < len(_fold(char)):
                return node, tail, raw, index
            want -= len(_fold(char))
        return node, tail, raw, len(raw)


def footnotes(root: etree._Element) -> list[etree._Element]:
    """The notes the editions set apart from the text (at the page foot, in a pop-up): the editors',
    and the author's that stand at a marker inside a block."""
    return root.xpath("//t:text//t:note[@type='editorial' or (@place='foot' and not(parent::t:div or "
                      "parent::t:body or parent::t:back or parent::t:front))]", namespaces=tei.NS)


def reading_streams(root: etree._Element) -> list[Stream]:
    """The reading text as the editions set it outside the notes and the title page; and apart,
    each of the editors' own sections (a preface), which the editions may set elsewhere."""
    prefaces = root.xpath("//t:text//t:div[@resp='#editors']", namespaces=tei.NS)
    skip = set(footnotes(root)) | set(prefaces) | set(root.xpath(
        "//t:text//t:titlePage | //t:text//t:sic"
        " | //t:text//t:div[@type='notes'][not(*[not(self::t:head or self::t:anchor)])]", namespaces=tei.NS))
    streams = []
    for top in [root.find(tei.T + "text"), *prefaces]:
        stream = Stream()
        _walk(top, skip - {top}, stream)
        streams.append(stream.done())
    return streams


def note_stream(note: etree._Element) -> Stream:
    """A footnote's text as the editions set it: without the author's label or a nested note."""
    skip = set(note.xpath(".//t:label | .//t:sic | .//t:note[@type='editorial' or @place='foot']", namespaces=tei.NS))
    stream = Stream()
    stream.add(note, False, note.text if note.find(tei.T + "label") is None else None)
    for child in note:
        if isinstance(child.tag, str):
            _walk(child, skip, stream)
        stream.add(child, True, child.tail)
    return stream.done()


def _walk(node: etree._Element, skip: set, stream: Stream) -> None:
    if node in skip:
        return
    stream.add(node, False, node.text)
    for child in node:
        if isinstance(child.tag, str):
            _walk(child, skip, stream)
        stream.add(child, True, child.tail)


# --- what is there: the laid-out PDF, the EPUB ----------------------------------------------------

def _classes(element) -> list[str]:
    return (element.get("class") or "").split() if element is not None else []


def pdf_texts(document) -> tuple[str, dict[str, str]]:
    """The letters of a laid-out WeasyPrint document: the text outside the notes (without running
    heads and folios, paragraph numbers and note calls), and each footnote's by its id (its parts
    joined in page order). A box not wholly on its page is not counted: it is not printed."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, MarginBox, TextBox

    from .notesplit import MARK
    from .weasyprint70 import page_box

    def on_page(box, width: float, height: float) -> bool:
        return (box.position_x >= -0.5 and box.position_y >= -0.5 and box.position_x + box.width <= width + 0.5
                and box.position_y + box.height <= height + 0.5)

    def text_of(root, width, height) -> str:
        out = []
        for box in root.descendants():
            if not isinstance(box, TextBox) or box.element_tag.endswith(("::footnote-call", "::footnote-marker")):
                continue
            if ("pn" in _classes(box.element) or MARK in _classes(box.element)) or not on_page(box, width, height):
                continue
            out.append(box.text)
        return "".join(out)

    body: list[str] = []
    notes: dict[str, list[str]] = {}
    for page in document.pages:
        tree = page_box(page)
        for child in tree.children:
            if isinstance(child, MarginBox):
                continue
            if isinstance(child, FootnoteAreaBox):
                for note in child.children:
                    ident = re.sub(r"-part\d+$", "", (note.element.get("id") or "") if note.element is not None else "")
                    notes.setdefault(ident, []).append(text_of(note, page.width, page.height))
            else:
                body.append(text_of(child, page.width, page.height))
    return letters("".join(body)), {k: letters("".join(v)) for k, v in notes.items()}


XHTML = "{http://www.w3.org/1999/xhtml}"
OPS_TYPE = "{http://www.idpf.org/2007/ops}type"


def epub_texts(data: bytes) -> tuple[str, dict[str, str]]:
    """The letters of an EPUB's spine outside its notes (without the note references and paragraph
    numbers), and each note's (its aside without the back-link) by its id."""
    book = zipfile.ZipFile(io.BytesIO(data))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    container = etree.fromstring(book.read("META-INF/container.xml"), parser)
    opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    opf = etree.fromstring(book.read(opf_name), parser)
    hrefs = {item.get("id"): item.get("href") for item in opf.xpath("//*[local-name()='manifest']/*")}
    body: list[str] = []
    notes: dict[str, str] = {}
    for ref in opf.xpath("//*[local-name()='spine']/*/@idref"):
        name = posixpath.normpath(posixpath.join(posixpath.dirname(opf_name), hrefs[ref]))
        doc = etree.fromstring(book.read(name), parser)
        for el in list(doc.iter(XHTML + "a", XHTML + "span")):
            kind, classes = el.get(OPS_TYPE), _classes(el)
            if kind == "noteref" or el.get("role") == "doc-backlink" or "pn" in classes:
                _drop(el)
        for aside in doc.iter(XHTML + "aside"):
            if aside.get(OPS_TYPE) == "footnote":
                notes[aside.get("id") or ""] = letters("".join(aside.itertext()))
                aside.text = None
                for child in list(aside):
                    _drop(child)
        text = doc.find(XHTML + "body")
        body.append("".join(text.itertext()) if text is not None else "")
    return letters("".join(body)), notes


def _drop(el: etree._Element) -> None:
    """Empty an element, keeping the text after it (its tail)."""
    tail = el.tail
    el.clear()
    el.tail = tail


# --- the check ------------------------------------------------------------------------------------

def check_pdf(root: etree._Element, document) -> None:
    """Every word of the text and of each note on the laid-out pages, or a located InputError."""
    _compare(root, *pdf_texts(document), "the PDF's pages")


def check_epub(root: etree._Element, data: bytes) -> None:
    """Every word of the text and of each note in the EPUB, or a located InputError."""
    _compare(root, *epub_texts(data), "the EPUB")


def _compare(root: etree._Element, body: str, notes: dict[str, str], where: str) -> None:
    for stream in reading_streams(root):
        lost = first_loss(stream.text, body)
        if lost is not None:
            raise located(root, stream, lost, f"missing from {where} (lost in layout)")
    for note in footnotes(root):
        ident = note.get(tei.XML_ID) or ""
        stream = note_stream(note)
        if not stream.text:
            continue
        lost = first_loss(stream.text, notes.get(ident, ""))
        if lost is not None:
            what = "note" if note.get("type") == "editorial" else "the author's note"
            raise located(root, stream, lost, f"{what} {note.get('n') or ident}: missing from {where} (lost in layout)")


def located(root: etree._Element, stream: Stream, offset: int, problem: str) -> InputError:
    """An InputError at the place of letter `offset` of the stream: the source's line and column
    for a tree made from a .txt, the TEI file's line for one parsed from a file. The path is the
    text's, filled in by the build (`errors.about`)."""
    node, tail, raw, index = stream.piece_at(offset)
    while 0 < index < len(raw) and raw[index - 1].isalnum():  # from the start of its word
        index -= 1
    quoted = " ".join(raw[index:].split())
    following = stream.pieces[bisect_right(stream.starts, offset):]
    for _, _, more in following:
        if len(quoted) >= QUOTE:
            break
        quoted += " " + " ".join(more.split())
    quoted = quoted[:QUOTE].rstrip() + ("…" if len(quoted) > QUOTE else "")
    line, col = _place(root, node, tail, raw, index)
    return InputError(None, line, col, f'"{quoted}": {problem} — nothing was written; '
                                       "please report it with this text")


def _place(root: etree._Element, node: etree._Element, tail: bool, raw: str,
           index: int) -> tuple[int | None, int | None]:
    """Line and column of the character `index` of a piece of the TEI's text (see `located`)."""
    if root.sourceline is None:  # made from a .txt: where the text stands in the source
        source, places = tei.source_places(root)
        owners = list(node.iterancestors()) if tail else [node, *node.iterancestors()]
        left_out = [el for el in owners if _left_out(el)]
        if left_out:  # not the source's text (a correction, the editors' note): where it stands
            node, tail, index = left_out[-1], False, 0
        if node not in places:
            return None, None
        offset = places[node][1 if tail else 0] + index
        line = source.count("\n", 0, offset) + 1
        return line, offset - (source.rfind("\n", 0, offset) + 1) + 1
    while node.sourceline is None and node.getparent() is not None:  # an element added by the build
        node, tail = node.getparent(), False
    if node.sourceline is None:
        return None, None
    if not tail:
        return node.sourceline + raw[:index].count("\n"), None
    after = node.getnext()
    if after is not None and after.sourceline is not None:
        return after.sourceline - raw[index:].count("\n"), None
    return node.sourceline, None


def _left_out(el: etree._Element) -> bool:
    """An element whose text the source does not have (tei._source_text leaves it out)."""
    name = tei.local(el)
    return (name == "note" and el.get("type") == "editorial" or name == "div" and el.get("resp") == "#editors"
            or name == "corr")
