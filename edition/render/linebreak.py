"""The print edition's line breaks, chosen for whole paragraphs before WeasyPrint lays them out
(issue 14 point 1).

WeasyPrint 70 breaks lines first-fit: each line takes as many words as fit, whatever that leaves
the next one, and a line that cannot be filled is stretched (a fifth of the seed's lines had word
spaces over 1.6 times the font's, a dozen over 2.5). Here every justified paragraph of the text
and every note is broken total-fit (render/knuthplass.py) and WeasyPrint is made to take those
breaks:

- measuring: the HTML is parsed and styled by WeasyPrint itself (the same cascade as the layout,
  with the stylesheets it will be laid out with), and each text is measured by Pango through
  WeasyPrint's text layer in the style it will have (font, size, features, letter and word
  spacing), one element's text at a time as WeasyPrint lays it out (no kerning from one to the
  next): the measure is the layout's, whatever the font. A block's width is its containing
  block's (page, margins, paddings), its first line less its text-indent; a note's is the
  footnote area's. Generated text (note calls, note numbers) is read from WeasyPrint's boxes; an
  inline-block of a set width (the margin paragraph number: 0) counts as that width;
- spaces: a word space may shrink to the space the CSS sets (`word-spacing`, negative on the
  text: WeasyPrint justifies by adding space, so the space it sets before justifying is the
  least a line has) and stretch; its ideal is the font's own space. A line whose spaces stretch
  beyond LOOSE times the font's is loose and costs more than any other choice: a paragraph has
  as few as its words allow (none, mostly), and none beyond VERY_LOOSE where it can;
- letter-spacing: a line whose spaces would stretch beyond TRACK_FROM of their range takes the
  rest in letter-spacing first, up to TRACKING em a letter (render/weasyprint70.py sets it when it
  justifies the line); a line with a ligature only to spare a loose line (letter-spacing undoes
  ligatures);
- lines: a paragraph is set in as few lines as it can be without a loose line more (the best
  breaks may run it a line long to spare one: a line that pushes what follows, and the notes it
  calls, to the next page), a note in as few as it can be without a very loose line (a line at
  the foot of the page is worth a loose line of small type);
- hyphenation: at the points of a proper dictionary (pyphen's en_US patterns for English, British
  or American: its en_GB patterns break bur-eaucracy, isol-ation, import-ant), where CSS `hyphens:
  auto` and `hyphenate-limit-chars` allow, only in the book's language, never in a word that has
  a hyphen or marks inside, nor in a paragraph's last word (no last line of a fragment, cor-/
  rect.); at most MAX_HYPHENS hyphenated line ends in a row; a name (class `name`, which the CSS
  keeps from WeasyPrint's own hyphenation) or a capitalised word only at a dictionary point that
  is also a syllable's edge (`syllable_break`: not Kuom-intang) leaving 3 letters or more on each
  side, at a higher cost, rather than leave a loose line; a word in capitals never;
- carrying it out: each chosen break becomes a newline in the block's text (in place of the space,
  or after the hyphen the line ends with, the `hyphenate-character` of its style as WeasyPrint
  would set it, or after a dash), every other white space of the block a plain space; the block
  gets class `lines-set`, `white-space: pre-line` in print.css, where a newline is a forced break.
  WeasyPrint justifies a line ended by a chosen break like any inner line and sets a set
  paragraph's last line with the font's own spaces (render/weasyprint70.py
  `justify_chosen_breaks`); no element is added (a `<br>` would make two empty structure elements
  in the tagged PDF).

Nothing is dropped or moved: only newlines and hyphens are added. A block this module cannot read
exactly (a `<br>` of its own, white-space other than normal, text-transform, an inline-block of
no set width, a block inside) is left to WeasyPrint's own line breaking, as is a paragraph that
no breaks can set (a word wider than the measure). `LineSetter.html` writes the body again with
some blocks held to a number of lines, or kept from a hyphen at a line, for the page make-up of
render/makeup.py.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from math import inf

from . import knuthplass as kp
from .linemeasure import (  # MEASURE, dictionary: also weasyprint70/justify.py's and the tests'
    MEASURE, NAME_CLASS, Atom, Measure, Reader, Unreadable, classes_of, css_length, dictionary, edge,
    hyphen_positions,
)

log = logging.getLogger("edition.pdf")

SET_CLASS = "lines-set"  # a block whose breaks were chosen here
LOOSE = 1.6  # word space over this many times the font's is loose (issue 14)
#: adjustment ratios tried in turn: up to 2.5 times the font's space (as few lines over 1.6 as can
#: be); then any
VERY_LOOSE = 2.5
#: the share of a text's justified lines that may be loose (issue 14: 2 % at most): the page
#: make-up may spend what the best breaks leave of it to keep a word whole at a recto's foot, or
#: to set a paragraph a line longer that fills a short page
LOOSE_SHARE = 0.02
TOLERANCES = ((VERY_LOOSE - 1) / (LOOSE - 1), 20.0)
#: letter-spacing: a line without ligatures may be spaced out by up to TRACKING em a letter, where
#: its word spaces would otherwise stretch beyond TRACK_FROM (of the way from the font's space to
#: LOOSE times it): a loose line is worse than letters a hundredth of an em apart
TRACKING = 0.02
TRACK_FROM = 0.9
#: letter-spacing undoes a line's ligatures (Pango sets f-i for fi): only where it saves a loose line
LIGATURE_TRACK_DEMERITS = 1e6
#: the adjustment ratio beyond which the breaker counts a line loose: a little short of the LOOSE
#: spaces, for what a line measured in the PDF gains on its plan (rounding, a space at a text's edge)
LOOSE_RATIO = 0.97
#: the attribute that numbers the blocks the line setter sets, in the HTML it returns
BLOCK_ATTR = "data-block"
SAFETY = 0.4  # px a line is kept short of its measure, for rounding between measuring and layout
MAX_HYPHENS = 2
HYPHEN_PENALTY = 100.0  # TeX has 50: with no loose line to spare, that hyphenated one line in six
NAME_HYPHEN_PENALTY = 400.0  # a name broken at a syllable: a last resort before a loose line
EXPLICIT_HYPHEN_PENALTY = 50.0  # after the hyphen of a compound (half-/hearted)
DASH_PENALTY = 50.0  # after an em or en dash
NAME_LIMITS = (6, 3, 3)  # a name: 6 letters or more, 3 or more on each side of the break
#: characters WeasyPrint collapses as white space (white-space: normal)
HYPHENS = "-\u2010"
DASHES = "\u2013\u2014"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}




# --- the atoms as Knuth–Plass items -------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    """How to carry out a break: before the space `atom` (kind "space"), or after `atom`, adding
    a hyphen (kind "hyphen") or not ("after": an explicit hyphen, a dash)."""

    kind: str
    atom: int


def _runs(atoms: list[Atom]):
    """Maximal runs of characters of one text (WeasyPrint lays out each text of an element as
    a box of its own: no kerning from one to the next), and fixed widths."""
    run: list[Atom] = []
    for a in atoms:
        if a.char is None:
            if run:
                yield run
                run = []
            yield [a]
        elif run and run[0].node != a.node:
            yield run
            run = [a]
        else:
            run.append(a)
    if run:
        yield run


def _measure(atoms: list[Atom], measure: Measure) -> tuple[float, bool, float]:
    """Width, whether there is a ligature, and how much wider letter-spacing by `TRACKING` em
    would make the atoms."""
    total, ligature, track = 0.0, False, 0.0
    for run in _runs(atoms):
        if run[0].char is None:
            total += run[0].width
        else:
            width, lig = measure.measure("".join(a.char for a in run), run[0].style)
            total += width
            ligature |= lig
            track += TRACKING * run[0].style["font_size"] * len(run)
    if atoms and atoms[-1].char is not None:
        # the last letter's spacing is seen as part of the space after it (see weasyprint70/justify.py, _track)
        track -= TRACKING * atoms[-1].style["font_size"]
    return total, ligature, max(track, 0.0)


def _primary(lang: str | None) -> str:
    return (lang or "").replace("_", "-").split("-")[0].lower()


def _hyphen_points(word: list[Atom], last_word: bool, language: str | None = None) -> list[tuple[int, float]]:
    """(index in the word after which it may break with a hyphen, penalty)."""
    if last_word or not all(a.wrap and a.origin is not None for a in word):
        return []
    chars = "".join(a.char or "\0" for a in word)
    if "\xad" in chars:  # the source's own soft hyphens, and only those
        return [(i, HYPHEN_PENALTY) for i, c in enumerate(chars) if c == "\xad" and 0 < i < len(chars) - 1]
    lead = len(chars) - len(chars.lstrip("“‘\"'([«"))
    core = chars[lead:].rstrip("”’\"'),.;:!?]»…")
    for suffix in ("’s", "'s"):
        if core.endswith(suffix):
            core = core[: -len(suffix)]
    if not core.isalpha() or core.isupper():
        return []
    letters = word[lead: lead + len(core)]
    name = any(a.name for a in letters)
    styles = {id(a.style): a.style for a in letters}
    if not name and any(s["hyphens"] != "auto" for s in styles.values()):
        return []
    if name and any(s["hyphens"] == "none" for s in styles.values()):
        return []
    style = letters[0].style
    total, left, right = (style["hyphenate_limit_chars"] if style["hyphenate_limit_chars"] != "auto"
                          else (5, 2, 2))
    total, left, right = (total if total != "auto" else 5, left if left != "auto" else 2,
                          right if right != "auto" else 2)
    cost = HYPHEN_PENALTY
    if name or core[0].isupper():
        total, left, right = (max(total, NAME_LIMITS[0]), max(left, NAME_LIMITS[1]), max(right, NAME_LIMITS[2]))
        cost = NAME_HYPHEN_PENALTY
    if len(core) < total:
        return []
    langs = {s["lang"] for s in styles.values()}
    if len(langs) != 1:
        return []
    lang = langs.pop()
    if language is not None and _primary(lang) != _primary(language):
        return []  # a word in another language than the book's (a title, a phrase): never broken
    dic = dictionary(lang)
    if dic is None:
        return []
    out = []
    proper = name or core[0].isupper()
    for pos in hyphen_positions(dic, core):
        if left <= pos <= len(core) - right and (not proper or syllable_break(core, pos)):
            out.append((lead + pos - 1, cost))
    return out


def _vowel(c: str) -> bool:
    return unicodedata.normalize("NFD", c)[0].lower() in "aeiouy"


def syllable_break(word: str, pos: int) -> bool:
    """A break before `word[pos]` that falls at a syllable's edge in most languages: between two
    consonants (Trot-sky, Com-mittee) or before a consonant that a vowel follows (Ka-me-nev).
    The dictionary's patterns are English: for a name from another language they may cut a
    syllable (Kuom-intang, Stalin-ists), which this refuses."""
    before, after = word[pos - 1], word[pos]
    if not _vowel(before) and not _vowel(after):
        return True
    return _vowel(before) and not _vowel(after) and pos + 1 < len(word) and _vowel(word[pos + 1])


def items_of(atoms: list[Atom], measure: Measure, language: str | None = None) -> list[kp.Item]:
    """The paragraph as boxes, glue and penalties, each break carrying its `Break`; words are
    hyphenated only in `language` (the book's), when given."""
    # trailing spaces are dropped (WeasyPrint removes them at a line's end)
    while atoms and atoms[-1].char == " ":
        atoms = atoms[:-1]
    items: list[kp.Item] = []
    words: list[tuple[int, int]] = []  # [start, end) of each word (no breakable space inside)
    i = 0
    n = len(atoms)
    while i < n:
        a = atoms[i]
        if a.char in (" ", "\xa0"):
            i += 1
            continue
        j = i
        while j < n and atoms[j].char not in (" ", "\xa0"):
            j += 1
        words.append((i, j))
        i = j
    pos = 0
    for w, (start, end) in enumerate(words):
        # the spaces before this word
        for k in range(pos, start):
            a = atoms[k]
            natural, least = measure.space(a.style, a.char)
            breakable = a.char == " " and a.wrap and items and items[-1].kind == kp.BOX
            items.append(kp.glue(natural, (LOOSE - 1) * natural, max(natural - least, 0.0),
                                 ref=Break("space", k), breakable=bool(breakable)))
        word = atoms[start:end]
        cuts: dict[int, tuple[str, float, bool]] = {}  # index in word after which → (kind, penalty, flagged)
        last_word = w == len(words) - 1
        if not last_word:
            for k in range(1, len(word) - 1):
                a, nxt = word[k], word[k + 1]
                if not (a.wrap and nxt.wrap and a.origin is not None):
                    continue
                if a.char in HYPHENS and (word[k - 1].char or "").isalpha() and (nxt.char or "").isalpha():
                    cuts[k] = ("after", EXPLICIT_HYPHEN_PENALTY, True)
                elif a.char in DASHES and (nxt.char or "").isalnum() or a.char == "\u200b":
                    cuts[k] = ("after", DASH_PENALTY if a.char != "\u200b" else 0.0, False)
            if not any(c[0] == "after" and c[2] for c in cuts.values()):
                for k, cost in _hyphen_points(word, last_word, language):
                    cuts.setdefault(k, ("hyphen", cost, True))
        prefix_width = prefix_track = 0.0
        whole, ligature, track = _measure(word, measure)
        for k in sorted(cuts):
            kind, cost, flagged = cuts[k]
            upto, _, upto_track = _measure(word[: k + 1], measure)
            items.append(kp.box(upto - prefix_width, track=upto_track - prefix_track, ligature=ligature))
            prefix_width, prefix_track = upto, upto_track
            extra = 0.0
            if kind == "hyphen":
                a = word[k]
                extra = measure.width(a.char + a.style["hyphenate_character"], a.style) - measure.width(a.char, a.style)
            items.append(kp.penalty(extra, cost, flagged, ref=Break(kind, start + k)))
        items.append(kp.box(whole - prefix_width, track=track - prefix_track, ligature=ligature))
        pos = end
    items.append(kp.penalty(0.0, inf))
    items.append(kp.glue(0.0, inf, 0.0, breakable=False))
    items.append(kp.penalty(0.0, -inf))
    return items


def _loose(lines: list[kp.Line]) -> int:
    return sum(line.ratio > LOOSE_RATIO for line in lines[:-1])


def _very_loose(lines: list[kp.Line]) -> bool:
    return any(line.ratio > TOLERANCES[0] for line in lines[:-1])


def fewest(items: list[kp.Item], first: float, rest: float, lines: list[kp.Line],
           looser: bool) -> list[kp.Line]:
    """The breaks in as few lines as the paragraph can have without a very loose line, and
    unless `looser`, without a loose line more. The best breaks may take a line more than the
    text needs, to spare a loose line: a line that pushes what follows, a note called from
    it, to the next page, and leaves a page short. In a note a line saved at the foot of the
    page is worth a loose line of small type (`looser`)."""
    while len(lines) > 1:
        fewer = choose(items, first, rest, len(lines) - 1, tolerances=TOLERANCES[:1])
        if fewer is None or len(fewer) != len(lines) - 1 or (not looser and _loose(fewer) > _loose(lines)):
            break
        lines = fewer
    return lines


def choose(items: list[kp.Item], first: float, rest: float, lines: int | None = None,
           no_hyphen: frozenset[int] = frozenset(), tolerances=TOLERANCES) -> list[kp.Line] | None:
    """The breaks at the first tolerance that finds any: with `lines`, exactly that many lines,
    and none of the lines in `no_hyphen` (0-based) ending with a hyphen."""
    widths = (first - SAFETY, rest - SAFETY)
    for tolerance in tolerances:
        params = kp.Params(tolerance=tolerance, max_hyphens=MAX_HYPHENS, looseness_lines=lines, loose_ratio=LOOSE_RATIO,
                           track_from=TRACK_FROM, ligature_track_demerits=LIGATURE_TRACK_DEMERITS,
                           no_hyphen_lines=no_hyphen)
        found = kp.breakpoints(items, lambda k: widths[0] if k == 0 else widths[1], params)
        if found is not None:
            return found
    return None


# --- carrying out the breaks in the tree ----------------------------------------------------

def normalise_space(block, style_for) -> None:
    """Every white space character of a block's text a plain space, where white space collapses
    (it collapses the same): the block is laid out `white-space: pre-line`, where a newline is
    a chosen break and nothing else."""
    def fix(text: str | None, style) -> str | None:
        if not text or (style is not None and style["white_space"] not in ("normal", "nowrap")):
            return text
        return re.sub(r"[\n\r\t\f]", " ", text)

    def walk(element) -> None:
        style = style_for(element)
        element.text = fix(element.text, style)
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            child.tail = fix(child.tail, style)

    walk(block)


def apply_breaks(atoms: list[Atom], breaks: list[Break]) -> None:
    """A newline at each break: in place of the space (kind "space"), or after the atom (kind
    "after"), with the hyphen its style sets before it (kind "hyphen"); from the last to the first,
    so that the offsets of earlier ones in the same string stay right."""
    for brk in sorted(breaks, key=lambda b: b.atom, reverse=True):
        atom = atoms[brk.atom]
        element, where, index = atom.origin
        raw = (element.text if where == "text" else element.tail) or ""
        if brk.kind == "space":
            raw = raw[:index] + "\n" + raw[index + 1:]
        else:
            hyphen = atom.style["hyphenate_character"] if brk.kind == "hyphen" else ""
            raw = raw[:index + 1] + hyphen + "\n" + raw[index + 1:]
        if where == "text":
            element.text = raw
        else:
            element.tail = raw


# --- the HTML in and out ------------------------------------------------------------------------

def serialise(root) -> str:
    """An ElementTree HTML document (as WeasyPrint's parser makes it) as HTML5."""
    out = ["<!DOCTYPE html>\n"]

    def attr(value: str) -> str:
        return value.replace("&", "&amp;").replace('"', "&quot;").replace("\xa0", "&nbsp;")

    def text(value: str) -> str:
        return html_lib.escape(value, quote=False).replace("\xa0", "&nbsp;")

    def write(el) -> None:
        if el.tag is ET.Comment:
            out.append(f"<!--{el.text or ''}-->")
        else:
            attrs = "".join(f' {k}="{attr(v)}"' for k, v in el.attrib.items())
            out.append(f"<{el.tag}{attrs}>")
            if el.tag not in VOID:
                if el.text:
                    out.append(el.text if el.tag in ("script", "style") else text(el.text))
                for child in el:
                    write(child)
                out.append(f"</{el.tag}>")
        if el.tail:
            out.append(text(el.tail))

    write(root)
    return "".join(out)


def page_content_width(html, style_for) -> float:
    """The width of the text block, the narrower of a left and a right page's."""
    from weasyprint.layout.page import PageType, set_page_type_computed_styles

    widths = []
    for side in ("left", "right"):
        page_type = PageType(side, False, "", 1, ())
        set_page_type_computed_styles(page_type, html, style_for)
        style = style_for(page_type)
        width = style["size"][0]
        widths.append(width - edge(style, "left", width) - edge(style, "right", width))
    return min(widths)


@dataclass
class Block:
    element: object
    style: object
    width: float
    footnote: bool = False


def blocks_and_pseudo(root_box, footnotes, page_width: float, footnote_width: float):
    """The blocks laying out inline content, with their content width; and the text of every
    generated pseudo-element, by (element, pseudo)."""
    from weasyprint.formatting_structure import boxes

    found: list[Block] = []
    pseudo: dict = {}

    def generated(box) -> None:
        tag = box.element_tag or ""
        if "::" in tag and box.element is not None:
            text = "".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox))
            pseudo[(box.element, tag.split("::", 1)[1])] = (text, box.style)

    def walk(box, width: float) -> None:
        generated(box)
        if not isinstance(box, boxes.BlockBox) or box.element is None or "::" in (box.element_tag or ""):
            for b in box.descendants():
                if b is not box:
                    generated(b)
            return
        style = box.style
        inner = width - edge(style, "left", width) - edge(style, "right", width)
        if style["width"] != "auto":
            inner = css_length(style["width"], width)
        kids = box.children
        if len(kids) == 1 and isinstance(kids[0], boxes.LineBox):
            found.append(Block(box.element, style, inner))
            for b in kids[0].descendants():
                generated(b)
            return
        for child in kids:
            walk(child, inner)

    walk(root_box, page_width)
    for note in footnotes:
        for b in note.descendants():
            generated(b)
        style = note.style
        inner = footnote_width - edge(style, "left", footnote_width) - edge(style, "right", footnote_width)
        found.append(Block(note.element, style, inner, footnote=True))
    return found, pseudo


@dataclass
class Plan:
    """What was set: the blocks broken here and the lines of each (for tests and the log)."""

    blocks: int = 0
    lines: int = 0
    left: int = 0  # blocks left to WeasyPrint
    loose: int = 0  # lines over LOOSE
    hyphens: int = 0
    tracked: int = 0  # lines letter-spaced
    counts: dict = field(default_factory=dict, repr=False)  # block key → its number of lines


def block_key(element) -> str:
    """A block known by its number in the HTML `LineSetter` sets (`BLOCK_ATTR`: two blocks of
    one text, a refrain or a repeated "Ibid.", are two blocks); a block of other HTML by its
    text, the same before and after its breaks are set: without white space, and without
    hyphens (a break sets a hyphenate-character before its newline, or a newline after a word's
    own hyphen: "non-\nvoting" is the text's "non-voting")."""
    number = element.get(BLOCK_ATTR)
    if number is not None:
        return "#" + number
    return re.sub(r"[\s\u00ad\u2010-]+", "", "".join(element.itertext()))


@dataclass
class _Block:
    """A block read and measured, with its best breaks."""

    element: object
    atoms: list
    items: list
    first: float  # measure of the first line
    rest: float  # of the others
    key: str
    free: list  # the best lines
    footnote: bool


class LineSetter:
    """The body's HTML parsed and styled by WeasyPrint, each justified block read, measured and
    broken once; `html` writes it out with its breaks, as often as asked (a block held to a
    number of lines, or kept from a hyphen at a line, for page make-up)."""

    def __init__(self, html: str, stylesheets: list, fonts, fetcher, base_url: str):
        from weasyprint import DEFAULT_OPTIONS, HTML
        from weasyprint.css.counters import CounterStyle
        from weasyprint.document import Document
        from weasyprint.formatting_structure.build import build_formatting_structure
        from weasyprint.layout.page import PageType

        self.document = document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        options = dict(DEFAULT_OPTIONS)
        options["stylesheets"] = stylesheets
        counters = CounterStyle()
        self.context = context = Document._build_layout_context(document, fonts, counters, {}, options)
        root_box = build_formatting_structure(
            document.etree_element, context.style_for, context.get_image_from_uri, document.base_url,
            context.target_collector, counters, context.footnotes)
        width = page_content_width(document, context.style_for)
        area = context.style_for(PageType("right", False, "", 1, ()), "@footnote")
        note_width = width - (edge(area, "left", width) + edge(area, "right", width) if area else 0.0)
        found, pseudo = blocks_and_pseudo(root_box, context.footnotes, width, note_width)
        self.language = document.etree_element.get("lang")
        self.blocks: list[_Block] = []
        self.left = 0  # blocks left to WeasyPrint
        self._other: dict[str, list[tuple[int, float, int]]] = {}
        for block in found:
            if block.style["text_align_all"] != "justify":
                continue
            block.element.set(BLOCK_ATTR, str(len(self.blocks)))  # its key in the HTML it sets
            read = self.read(block, pseudo)
            if read is not None:
                self.blocks.append(read)
            else:
                block.element.attrib.pop(BLOCK_ATTR)
        self._by_key = {block.key: block for block in self.blocks}
        # every text in the set blocks as it was, to start from again at each `html`
        self.original: dict[int, tuple] = {}
        for block in self.blocks:
            for element in block.element.iter():
                self.original[id(element)] = (element, element.text, element.tail, element.get("class"))
        self.done: dict[str, tuple[str, Plan]] = {}

    def read(self, block: Block, pseudo: dict) -> _Block | None:
        """A block's atoms, items and best breaks; None when it is left to WeasyPrint."""
        style = block.style
        try:
            reader = Reader(self.context.style_for, pseudo, block.width)
            if block.footnote:
                reader.generated(block.element, "footnote-marker", False)
                reader.inline(block.element, NAME_CLASS in classes_of(block.element))
            else:
                reader.inline(block.element, False)
            atoms = reader.atoms
            while atoms and atoms[-1].char == " ":
                atoms.pop()
            if not atoms:
                return None
            items = items_of(atoms, MEASURE, self.language)
            indent = css_length(style["text_indent"], block.width)
        except Unreadable as why:
            log.debug("line breaking: %s left to WeasyPrint: %s", block.element.get("id") or block.element.tag, why)
            self.left += 1
            return None
        first, rest = block.width - indent, block.width
        free = choose(items, first, rest)
        if free is None:
            self.left += 1
            return None
        free = fewest(items, first, rest, free, looser=block.footnote)
        return _Block(block.element, atoms, items, first, rest, block_key(block.element), free, block.footnote)

    def other_lengths(self, element) -> list[tuple[int, float, int]]:
        """The block of `element` (in a layout of this HTML) set a line longer and a line
        shorter than its best, as (1 or -1, demerits more, loose lines more); not the settings
        with a very loose line, or with more than one loose line more (a paragraph spread to a
        line more at the cost of several is a river; for the page make-up, render/galley.py
        `fill_pages`)."""
        if SET_CLASS not in classes_of(element):
            return []
        key = block_key(element)
        if key not in self._other:
            self._other[key] = []
            block = self._by_key.get(key)
            for delta in (1, -1) if block is not None else ():
                count = len(block.free) + delta
                other = choose(block.items, block.first, block.rest, count) if count >= 1 else None
                if other is None or len(other) != count or _very_loose(other):
                    continue
                more = _loose(other) - _loose(block.free)
                if more <= 1:
                    self._other[key].append((delta, other[-1].demerits - block.free[-1].demerits, more))
        return self._other[key]

    def loose_budget(self, share: float = LOOSE_SHARE) -> int:
        """How many loose lines the text's justified lines (notes aside) may gain and stay within
        `share` of them loose, set at their best."""
        body = [block.free for block in self.blocks if not block.footnote]
        justified = sum(len(lines) - 1 for lines in body)
        return max(0, int(share * justified) - sum(_loose(lines) for lines in body))

    def html(self, keep: dict[str, tuple[int | None, frozenset[int]]] | None = None,
             spare: int = 0) -> tuple[str, Plan]:
        """The HTML with every block set; `keep`: for a block (by `block_key`), the number of
        lines it must have (None: its best) and the lines (0-based) that may not end with a
        hyphen, honoured when that costs no loose line more, or no more than what is left of
        `spare` loose lines in all (`loose_budget`), and no very loose line."""
        memo = repr((sorted((keep or {}).items()), spare))
        if memo in self.done:
            return self.done[memo]
        for element, text, tail, cls in self.original.values():
            element.text, element.tail = text, tail
            if cls is None:
                element.attrib.pop("class", None)
            else:
                element.set("class", cls)
        plan = Plan(left=self.left)
        for block in self.blocks:
            lines = block.free
            count, no_hyphen = (keep or {}).get(block.key, (None, frozenset()))
            if count is not None or no_hyphen:
                held = choose(block.items, block.first, block.rest, count, no_hyphen) if count is not None else None
                held = held or choose(block.items, block.first, block.rest, None, no_hyphen)
                more = _loose(held) - _loose(block.free) if held is not None else None
                if more is not None and (more <= 0 or (more <= spare and not _very_loose(held))):
                    lines, spare = held, spare - max(more, 0)
            plan.counts[block.key] = len(lines)
            breaks = [block.items[line.end].ref for line in lines[:-1]]
            normalise_space(block.element, self.context.style_for)
            apply_breaks(block.atoms, breaks)
            block.element.set("class", " ".join(classes_of(block.element) + [SET_CLASS]))
            plan.blocks += 1
            plan.lines += len(lines)
            plan.loose += _loose(lines)
            plan.tracked += sum(line.tracking > 0 for line in lines[:-1])
            plan.hyphens += sum(b.kind == "hyphen" for b in breaks)
        self.done[memo] = found = (serialise(self.document.etree_element), plan)
        return found


def set_lines(html: str, stylesheets: list, fonts, fetcher, base_url: str,
              keep: dict[str, tuple[int | None, frozenset[int]]] | None = None) -> tuple[str, Plan]:
    """The HTML with every justified block of inline text broken total-fit (see the module's
    docstring), and what was done; `keep` as `LineSetter.html` takes it."""
    return LineSetter(html, stylesheets, fonts, fetcher, base_url).html(keep)
