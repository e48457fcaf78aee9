"""The one reader of the teiHeader that the print and the EPUB editions share (DESIGN §2).

Both editions print the same facts about the book (title, author, editors, dates, licence, source);
read twice, they drifted apart (a missing language was en-GB in print and an error in the EPUB, a
second author shown in one and not the other). Each edition decides only what it does with them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from lxml import etree

from ..errors import InputError
from ..tei import NS, XML_LANG, local

#: the namespace of the books' derived urn:uuid identifiers (uuid5 of the slug, title and authors)
IDENTIFIER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:edition:epub-identifier")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class BookInfo:
    """What the teiHeader says about the book; a missing text is "", a missing list ()."""

    title: str
    lang: str
    identifier: str = ""           # the ISBN's urn, the edition's own URI, else derived (`book_identifier`)
    subtitle: str = ""             # the edition's own subtitle (title[@type='sub'])
    authors: tuple[str, ...] = ()
    authors_file_as: tuple[str, ...] = ()  # each author as a catalogue sorts them ("Woods, Alan")
    editors: tuple[str, ...] = ()
    date: str = ""                 # ISO date of the source text (sourceDesc/bibl/date/@when)
    published: str = ""            # ISO date of this edition (publicationStmt/date/@when, else edition/date's)
    edition: str = ""
    publisher: str = ""
    place: str = ""                # of publication (publicationStmt/pubPlace)
    series: str = ""               # seriesStmt/title
    isbn: str = ""                 # as the edition wrote it (publicationStmt/idno[@type='ISBN'])
    licence: str = ""              # the licence, else what availability says
    licence_url: str = ""
    source: str = ""               # the source for a reader: author, title, publisher, date
    citation: str = ""             # the source for a catalogue: every part of the bibl, its address too
    keywords: tuple[str, ...] = ()
    line: int | None = None        # the teiHeader's line in the TEI file, for errors


def text_of(el: etree._Element) -> str:
    """All text under an element, whitespace collapsed."""
    return " ".join("".join(el.itertext()).split())


def long_date(iso: str) -> str:
    """`2003-03-05` → `5 March 2003` (a year or year-month stays as short as it is)."""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", iso or "")
    if not m:
        return iso
    y, mo, d = m.groups()
    if not mo:
        return y
    return " ".join(p for p in (str(int(d)) if d else "", MONTHS[int(mo) - 1], y) if p)


def read_header(root: etree._Element) -> BookInfo:
    """The book's metadata from the teiHeader. A TEI without a title or a language is bad input:
    guessing a language would hyphenate and quote the text by the wrong rules."""
    header = _first(root, "t:teiHeader")
    line = header.sourceline if header is not None else None

    def text(*paths: str) -> str:
        found = _first(root, *paths)
        return text_of(found) if found is not None else ""

    def texts(path: str) -> list[etree._Element]:
        return [el for el in root.xpath(path, namespaces=NS) if text_of(el)]

    title = text("t:teiHeader//t:titleStmt/t:title[@type='main']", "t:teiHeader//t:titleStmt/t:title",
                 "t:text/t:front//t:titlePart")
    if not title:
        raise InputError(None, line, None, "the TEI has no title (teiHeader//titleStmt/title) — add the main title")
    lang = (root.xpath("string(t:text/@xml:lang)", namespaces=NS)
            or root.xpath("string(t:teiHeader//t:langUsage/t:language/@ident)", namespaces=NS)
            or root.get(XML_LANG))
    if not lang:
        raise InputError(None, line, None,
                         "the TEI has no language (text/@xml:lang or teiHeader//langUsage/language/@ident)")
    authors = texts("t:teiHeader//t:titleStmt/t:author")
    editors = (texts("t:teiHeader//t:titleStmt/t:respStmt[@xml:id='editors']/*[self::t:name or self::t:persName"
                     " or self::t:orgName]") or texts("t:teiHeader//t:titleStmt/t:editor"))
    licence = _first(root, "t:teiHeader//t:publicationStmt//t:licence")
    bibl = _first(root, "t:teiHeader//t:sourceDesc/t:bibl")
    return BookInfo(
        title=title,
        lang=lang,
        identifier=book_identifier(root),
        subtitle=text("t:teiHeader//t:titleStmt/t:title[@type='sub']"),
        authors=tuple(text_of(a) for a in authors),
        authors_file_as=tuple(author_file_as(root, a) for a in authors),
        editors=tuple(text_of(e) for e in editors),
        date=root.xpath("string(t:teiHeader//t:sourceDesc/t:bibl/t:date/@when)", namespaces=NS),
        published=(root.xpath("string(t:teiHeader//t:publicationStmt/t:date/@when)", namespaces=NS)
                   or root.xpath("string(t:teiHeader//t:editionStmt/t:edition/t:date/@when)", namespaces=NS)),
        edition=" ".join("".join(root.xpath("t:teiHeader//t:editionStmt/t:edition[1]/node()[not(self::t:date)]"
                                            "/descendant-or-self::text()", namespaces=NS)).split()).rstrip(" ,"),
        publisher=text("t:teiHeader//t:publicationStmt/t:publisher"),
        place=text("t:teiHeader//t:publicationStmt/t:pubPlace"),
        series=text("t:teiHeader//t:seriesStmt/t:title"),
        isbn=text("t:teiHeader//t:publicationStmt/t:idno[@type='ISBN']"),
        licence=text("t:teiHeader//t:publicationStmt//t:licence", "t:teiHeader//t:publicationStmt/t:availability"),
        licence_url=(licence.get("target") or "") if licence is not None else "",
        source=source_line(bibl) if bibl is not None else text("t:teiHeader//t:sourceDesc/*"),
        citation=source_citation(bibl) if bibl is not None else "",
        keywords=tuple(text_of(k) for k in texts("t:teiHeader//t:textClass/t:keywords/t:term")),
        line=line,
    )


def _first(root: etree._Element, *paths: str) -> etree._Element | None:
    for path in paths:
        found = root.xpath(path, namespaces=NS)
        if found:
            return found[0]
    return None


def book_identifier(root: etree._Element) -> str:
    """The book's identifier, the same in every build and after every correction: the ISBN, else the
    identifier the edition gave it (edition.yaml → publicationStmt/idno), else a urn:uuid derived from
    the slug, the title and the authors — never from the text, or a corrected book would be a new one
    to stores and to readers' synced notes."""
    def idno(kind: str) -> str:
        return " ".join(root.xpath(f"string(t:teiHeader//t:publicationStmt/t:idno[@type='{kind}'])",
                                   namespaces=NS).split())
    if idno("ISBN"):
        return "urn:isbn:" + re.sub(r"[^0-9X]", "", idno("ISBN").upper())
    if idno("URI"):
        return idno("URI")
    names = [idno("slug")] + [text_of(e) for e in root.xpath(
        "t:teiHeader//t:titleStmt/t:title[@type='main'] | t:teiHeader//t:titleStmt/t:author", namespaces=NS)]
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, chr(10).join(names))}"


def author_file_as(root: etree._Element, author: etree._Element) -> str:
    """How a catalogue sorts an author: the register's index form when the header points at an entry
    ("Lenin, Vladimir Ilyich"), else the name inverted at its last word ("Alan Woods" → "Woods, Alan")."""
    for ref in author.xpath("@ref | .//@ref", namespaces=NS):
        entry = root.xpath(f"//t:standOff//*[@xml:id='{ref.lstrip('#')}']/t:persName[@type='index']",
                           namespaces=NS)
        if entry:
            return text_of(entry[0])
    name = text_of(author)
    if "," in name or " " not in name:
        return name
    first, last = name.rsplit(" ", 1)
    return f"{last}, {first}"


def source_line(bibl: etree._Element) -> str:
    """The source as one line for a reader: author, title, publisher, date (its notes left out)."""
    parts = [text_of(c) if local(c) != "date" else long_date(c.get("when") or text_of(c))
             for c in bibl if local(c) in ("author", "title", "publisher", "pubPlace", "date")]
    return ", ".join(p for p in parts if p) or text_of(bibl)


def source_citation(bibl: etree._Element) -> str:
    """sourceDesc/bibl as one line for a catalogue: mixed content as written, element-only content
    joined by commas, its address (ptr/@target) last; its notes and the source file's sha256 left out."""
    parts = [child for child in bibl if isinstance(child.tag, str) and local(child) not in ("note", "idno")]
    url = next((p.get("target") for p in parts if local(p) == "ptr"), None)
    mixed = any(re.sub(r"[\s,]", "", chunk or "") for chunk in [bibl.text] + [p.tail for p in parts])
    if mixed:
        text = (bibl.text or "") + "".join(
            ("" if local(p) == "ptr" else "".join(p.itertext())) + (p.tail or "") for p in parts)
        text = " ".join(text.split()).strip(" ,")
    else:
        text = ", ".join(t for t in (text_of(p) for p in parts if local(p) != "ptr") if t)
    if url and url not in text:
        text = f"{text}, {url}" if text else url
    return text
