"""The print and EPUB editions of the neutral book AST (ast.py): the only place where the two differ.

- notes: print sets each at its call (a `note-call` anchor, then the `footnote` span the CSS floats
  to the foot of the page); EPUB sets a noteref at the call and the note as an `<aside>`, with a
  backlink, at the end of its chapter — where reading systems that pop notes up hide it, and the
  others show it after the text;
- locators (indexes, textual notes): print gives page numbers, from the folio of each anchor in
  the laid-out book (`pages`); EPUB gives "¶ 12" links to the mentions;
- page furniture: print fills the contents' page numbers, the imprint's typeface line, and ends the
  front matter on a verso; EPUB hides the paragraph numbers from screen readers, links each
  emendation to its textual note, and cuts the book into chapters typed for reading systems.
"""

from __future__ import annotations

import html
from typing import Iterable, Mapping

from lxml import etree

from .. import typography
from . import fonts
from .ast import TEXT_LETTER, neutral_ast
from .inlines import textual_note_id
from .pandoc import Div, Header, Link, Para, RawBlock, RawInline, Space, Span, Str, attr, classes, \
    document, rewrite, with_children, words

TARGETS = ("print", "epub")

PRINT_FURNITURE = f"Set in {fonts.FAMILY}. Typeset with Pandoc and WeasyPrint."
#: the imprint's sentence on where the paragraph numbers are and what they are for
NUMBERS_NOTE = {
    "print": ("The paragraph numbers in the margin are those of the TEI text and the "
              "e-book, so that every edition can be cited by the same numbers."),
    "epub": ("The small number that begins each paragraph is the one the TEI text and the print "
             "edition give it, so that every edition can be cited by the same numbers."),
}


def tei_to_ast(tei_root: etree._Element, target: str, pages: Mapping[str, int] | None = None) -> dict:
    """The Pandoc JSON AST of the whole book for `target` ("print" or "epub").

    `pages` (print only) maps anchor ids to folios, from the laid-out body; without
    it the contents and the locators are left without page numbers.
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}, not {target!r}")
    neutral = neutral_ast(tei_root)
    return for_print(neutral, pages) if target == "print" else for_epub(neutral)


# --- reading the neutral AST ------------------------------------------------------------------

def key_values(node: dict) -> dict[str, str]:
    """The attributes (key=value pairs) of a Div, Span or Link."""
    return dict(node["c"][0][2])


def mentions_of(locator: dict) -> list[tuple[str, str | None, str | None]]:
    """(anchor, paragraph, note) of each `mention` link in a locator span."""
    out = []
    for link in locator["c"][1]:
        kv = key_values(link)
        out.append((link["c"][2][0].removeprefix("#"), kv.get("para"), kv.get("note")))
    return out


def child_lists(node: dict) -> list[list]:
    """The lists of child nodes (blocks or inlines) a node holds."""
    found: list[list] = []
    with_children(node, lambda kids: found.append(kids) or kids)
    return found


def note_units(blocks: list, unit: str | None = None) -> dict[str, str]:
    """Note id → id of the paragraph-level unit (a node numbered by `n`) that calls it: the unit
    that the print layout repairs when WeasyPrint puts the note on another page than its call."""
    out: dict[str, str] = {}
    for node in blocks:
        if node["t"] in ("Div", "Span"):
            ident, cls, kv = node["c"][0]
            if cls[:1] == ["note"]:
                if unit:
                    out[ident] = unit
                continue
            if ident and any(k == "n" for k, _ in kv):
                unit_here = ident
            else:
                unit_here = unit
        else:
            unit_here = unit
        for kids in child_lists(node):
            out.update(note_units(kids, unit_here))
    return out


def division(doc: dict, ident: str) -> list:
    """The blocks of a top-level division (front, text, back)."""
    for block in doc["blocks"]:
        if block["t"] == "Div" and block["c"][0][0] == ident:
            return block["c"][1]
    raise ValueError(f"the AST has no top-level division #{ident}")


def numbers_note(target: str, lang: str) -> dict:
    return Para(words(typography.normalise(NUMBERS_NOTE[target], lang=lang)))


# --- print -----------------------------------------------------------------------------------

def ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, deduplicated numbers as (first, last) runs of consecutive values."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(a, b) for a, b in runs]


def page_links(pages: Mapping[str, int], mentions: list[tuple[str, bool]]) -> list:
    """Page numbers of mentions (anchor, in a note?): ascending, each page once, consecutive pages
    as ranges; a page that has the name only in its notes marked so ("24n") and never in a range."""
    in_text: dict[int, str] = {}
    in_note: dict[int, str] = {}
    for anchor, noted in mentions:
        if anchor in pages:
            (in_note if noted else in_text).setdefault(pages[anchor], anchor)
    runs = [(a, b, "") for a, b in ranges(in_text)]
    runs += [(page, page, "n") for page in in_note if page not in in_text]
    out: list = []
    for i, (a, b, mark) in enumerate(sorted(runs)):
        first = (in_note if mark else in_text)[a]
        if i:
            out += [Str(","), Space()]
        if b == a:
            out.append(Link([Str(f"{a}{mark}")], f"#{first}"))
        else:  # a range never breaks across lines
            out.append(Span(attr("", ["range"]), [
                Link([Str(str(a))], f"#{first}"), Str("\u2013"), Link([Str(str(b))], f"#{in_text[b]}")]))
    return out


def for_print(doc: dict, pages: Mapping[str, int] | None = None) -> dict:
    """The print book: footnotes at their calls, page-number locators and contents, the typeface
    in the imprint, the front matter ending on a verso (so that the text opens on a recto)."""
    pages = dict(pages or {})
    lang = doc["meta"]["lang"]["c"]

    def step(node: dict) -> list:
        t, cls = node["t"], classes(node)
        if t == "Span" and cls[:1] == ["note"]:
            (ident, _, kv), body = node["c"]
            return [Span(attr(f"{ident}-call", ["note-call"]), []),
                    {"t": "Span", "c": [[ident, ["footnote"] + cls[1:], kv], body]}]
        if t == "Span" and cls == ["locators"]:
            found = [(anchor, note is not None) for anchor, _, note in mentions_of(node)]
            return [Span(attr("", ["locators"]), page_links(pages, found))]
        if t == "Span" and cls == ["locator"]:
            (anchor, para, _), = mentions_of(node)
            where = page_links(pages, [(anchor, False)])
            number = [Str(f"¶\u00a0{para}")] if para else []
            return [Span(attr("", ["locator"]), where + ([Space()] if where and number else []) + number)]
        if t == "Span" and cls == ["page"]:
            page = pages.get(key_values(node)["ref"])
            return [Span(attr("", ["page"]), [Str(str(page))] if page is not None else [])]
        if t == "Div" and cls == ["furniture"]:
            return [Para(words(PRINT_FURNITURE))]
        if t == "Div" and cls == ["numbers-note"]:
            return [numbers_note("print", lang)]
        if t == "Div" and node["c"][0][0] == "front":
            return [{"t": "Div", "c": [node["c"][0], node["c"][1] + [Div(attr("", ["front-end"]), [])]]}]
        return [node]

    return {**doc, "blocks": rewrite(doc["blocks"], step)}


# --- EPUB ------------------------------------------------------------------------------------

#: epub:type (and ARIA role) of the blocks the neutral AST marks with a class, by class
SEMANTICS = {"epigraph": ("epigraph", "doc-epigraph"), "letter": ("z3998:letter", None),
             "salute": ("z3998:salutation", None), "signed": ("z3998:signature", None),
             "verse": ("z3998:verse", None)}
#: epub:type and ARIA role of each back-matter division (matter.BACK_SECTIONS ids); pandoc puts a
#: heading's attributes on its section and marks the page's body backmatter.
BACK_TYPES = {"textual-notes": ("appendix", "doc-appendix"),
              "works-cited": ("bibliography", "doc-bibliography"),
              "index-persons": ("index", "doc-index"), "index-places": ("index", "doc-index")}


def para_links(mentions: list[tuple[str, str | None, str | None]]) -> list:
    """"¶ 12" links, one per paragraph, in text order, each to the first mention in the text of
    that paragraph. A paragraph that names the entry only in a footnote links to the note and says
    so ("¶ 35 n. 37"): a reader whose system hides notes (Apple Books) would otherwise land on
    hidden text, and every reader would look in the paragraph for a name that is not there."""
    in_text: dict[str | None, str] = {}
    in_note: dict[str | None, tuple[str, str]] = {}
    order: list[str | None] = []
    for anchor, para, note in mentions:
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


def note_aside(ident: str, n: str, body: list, note_classes: list[str]) -> list:
    """The note itself: `<aside epub:type="footnote">`, its number a back-link to the call, typed
    `backlink` so that reading systems (and Standard Ebooks' readers) know it for one."""
    cls = f' class="{" ".join(note_classes)}"' if note_classes else ""
    return [
        RawBlock(f'<aside epub:type="footnote" role="doc-footnote" id="{ident}"{cls}>'),
        Para([RawInline(f'<a href="#{ident}-ref" epub:type="backlink" role="doc-backlink">'
                        f'{html.escape(n)}.</a>'), Space()] + body),
        RawBlock("</aside>"),
    ]


class EpubStep:
    """The EPUB's rewriting of one stretch of the neutral AST; the notes called in it are kept in
    `notes` (asides, in the order of their calls) for the caller to set after the stretch."""

    def __init__(self, lang: str):
        self.lang = lang
        self.notes: list = []

    def __call__(self, node: dict) -> list:
        t, cls = node["t"], classes(node)
        if t == "Span" and cls[:1] == ["note"]:
            (ident, _, kv), body = node["c"]
            n = dict(kv)["n"]
            self.notes += note_aside(ident, n, body, cls[1:])
            return [RawInline(f'<a epub:type="noteref" role="doc-noteref" id="{ident}-ref" href="#{ident}">'
                              f'<sup>{html.escape(n)}</sup></a>')]
        if t == "Span" and cls == ["pn"]:
            # the paragraph number, hidden from screen readers: read aloud before the first words it
            # ran into the note calls' numbers; a space after it, so that copied it does not run
            # into the text. The unit's anchor and data-n still carry it.
            return [Span(attr("", ["pn"], aria_hidden="true"), node["c"][1]), Space()]
        if t == "Span" and cls == ["corr"]:
            return self.correction(node)
        if t == "Span" and cls in (["locators"], ["locator"]):
            return [Span(attr("", cls), para_links(mentions_of(node)))]
        if (t == "Span" and cls == ["page"]) or (t == "Div" and cls == ["furniture"]):
            return []
        if t == "Div" and cls == ["numbers-note"]:
            return [numbers_note("epub", self.lang)]
        return [node]

    @staticmethod
    def correction(node: dict) -> list:
        """The corrected reading, marked and linked to its textual note (whose locator links back):
        the reader sees that the words are the editors' and can read what the source has."""
        (anchor, cls, _), shown = node["c"]
        if any(n["t"] in ("Link", "RawInline") for n in shown):  # a link may not hold a link
            return [node]
        return [Link(shown, f"#{textual_note_id(anchor)}", attr(anchor, cls))]


def with_notes_at_end(blocks: list, lang: str) -> list:
    """A chapter's blocks for the EPUB, its footnotes gathered after the text."""
    step = EpubStep(lang)
    kept = rewrite(blocks, step)
    if step.notes:
        kept.append(Div(attr("", ["footnotes"]), step.notes))
    return kept


def semantic(blocks: list) -> list:
    """Blocks with epub:type (and role) on epigraphs and letters; quoted letters inside a blockquote
    (letters that are the text, `text-letter`, are not quoted: they stand as the body does)."""
    out = []
    for block in blocks:
        if block["t"] == "BlockQuote":  # verse quoted, a letter's quotation
            out.append({"t": "BlockQuote", "c": semantic(block["c"])})
            continue
        if block["t"] != "Div":
            out.append(block)
            continue
        (ident, cls, kv), inner = block["c"]
        inner = semantic(inner)
        for c in cls:
            if c in SEMANTICS:
                kind, role = SEMANTICS[c]
                kv = kv + [["epub:type", kind]] + ([["role", role]] if role else [])
        if "letters" in cls and TEXT_LETTER not in cls:
            letters = [b for b in inner if "letter" in classes(b)]
            rest = [b for b in inner if "letter" not in classes(b)]
            inner = [{"t": "BlockQuote", "c": letters}] + rest
        out.append({"t": "Div", "c": [[ident, cls, kv], inner]})
    return out


def for_epub(doc: dict) -> dict:
    """The e-book, cut for pandoc's EPUB writer, which splits chapters at headings:

    - front: pandoc's title page (our template) stands for the half-title and title page, the
      navigation document for the contents; the imprint (metadata `imprint`) goes to the title
      page's file;
    - text: headed by the title (level 1) so that the epigraph and the opening paragraphs are a
      chapter of their own, the sections (level 2) each a chapter, notes at each chapter's end;
    - back: each division a level-1 chapter typed for reading systems (bibliography, index …).
    """
    lang = doc["meta"]["lang"]["c"]
    imprint = next(b["c"][1] for b in division(doc, "front") if b["t"] == "Div" and b["c"][0][0] == "imprint")
    text = semantic(division(doc, "text"))
    first_section = next((i for i, b in enumerate(text) if "division" in classes(b)), len(text))
    chapters = [Header(1, attr("text-title", ["text-title"]), doc["meta"]["title"]["c"])]
    chapters += with_notes_at_end(text[:first_section], lang)
    for block in text[first_section:]:
        if "division" in classes(block):
            chapters.append({"t": "Div", "c": [block["c"][0], with_notes_at_end(block["c"][1], lang)]})
        else:  # after the last section (a closer): its notes follow it, at the end of the last chapter
            chapters += with_notes_at_end([block], lang)
    back = []
    for section in rewrite(division(doc, "back"), EpubStep(lang)):
        blocks = section["c"][1]
        if blocks and blocks[0]["t"] == "Header":
            level, (ident, cls, kv), inlines = blocks[0]["c"]
            if ident in BACK_TYPES:
                kind, role = BACK_TYPES[ident]
                kv = kv + [["epub:type", kind], ["role", role]]
            blocks = [Header(1, [ident, cls, kv], inlines)] + blocks[1:]
        back.append({"t": "Div", "c": [section["c"][0], blocks]})
    meta = {**doc["meta"], "imprint": {"t": "MetaBlocks", "c": rewrite(imprint, EpubStep(lang))}}
    return document(meta, chapters + back)
