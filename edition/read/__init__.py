"""Plain text → TEI `<text>`: the reader, as a package of conventions (docs/conventions.md).

    pieces.py      lines, blocks and pieces; is the text hard-wrapped?
    shapes.py      what a short line looks like (name, date line, salutation, heading …)
    titlepage.py   title, subtitle, bylines, epigraph
    notes.py       the author's footnotes and their markers
    letters.py     letters: opener, body, closer
    headings.py    headings over one or more lines
    closings.py    signatures, datelines and postscripts closing a section
    quotations.py  block quotations in prose and verse, and their citations
    lists.py       numbered, lettered and colon-introduced lists
    body.py        quotations, lists, verse and prose in a stretch of the text (a letter's body too)
    document.py    the order in which the conventions are read
    inline.py      […], T[rotsky], (i.e. …, AW), (Source), _italics_, note markers
    build.py       items → TEI, every character of the source kept
"""

from __future__ import annotations

from lxml import etree

from ..editorial import Editorial
from ..errors import InputError
from ..source import Source
from .build import Builder
from .context import Reading
from .document import read_items
from .overrides import Overrides
from .pieces import layout


def author_initials(editorial: Editorial) -> str | None:
    """The initials the author signs interpolations with (`AW`): given, or made from the name."""
    author = editorial.get("author") or {}
    if author.get("initials"):
        return author["initials"]
    if author.get("name"):
        return "".join(w[0] for w in author["name"].split() if w[:1].isupper())
    return None


def read_text(source: Source, editorial: Editorial) -> tuple[etree._Element, str | None]:
    """The `<text>` element for a source, and its title as the title page gives it (or None)."""
    r = Reading(source, layout(source.text), Overrides(editorial), author_initials(editorial))
    if not r.pieces:
        raise InputError(source.path, 1, None, "the file holds only blanks — nothing to edit")
    r.overrides.check_all_match(r.pieces)
    items = read_items(r)
    text_el = Builder(r, has_author=bool(editorial.get("author"))).build(items)
    title = next((" ".join(" ".join(p.text.split()) for p in item.pieces) for item in items if item.kind == "title"), None)
    return text_el, title
