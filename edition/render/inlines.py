"""TEI inline elements → Pandoc inlines: the text of a paragraph, a heading, a note (DESIGN §9).

`Inlines` is the half of the TEI walk that reads mixed content: names (anchored as mentions for
the indexes), notes (one neutral `note` span at the call: the targets set it as a footnote or an
EPUB aside, render/targets.py), emendations (a `corr` span, recorded for the textual notes), gaps,
supplies, titles, emphasis, quotations. Every string of reading text goes through
`edition.typography.normalise` in its quote context (`prev`). `render/ast.py`'s `Book` is the
other half (blocks) and owns the state both read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml import etree

from .. import typography
from ..tei import DELIMITERS, XML_ID, XML_LANG, delimiters, local, rend_tokens
from .pandoc import Emph, LineBreak, SmallCaps, Space, Span, Str, attr, stringify, tidy_breaks, trim, words

NAME_KINDS = {"persName": "person", "placeName": "place", "orgName": "org"}


class UnknownElement(ValueError):
    """The TEI has an element (or text) where this transform does not expect one."""

    def __init__(self, element: etree._Element, where: str):
        line = getattr(element, "sourceline", None)
        super().__init__(
            f"TEI line {line}: <{local(element)}> is not handled {where}"
            " — extend edition/render/ast.py or inlines.py rather than dropping its text")


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



#: punctuation that a note call is set after: the full stop, comma …, and a closing quotation mark
#: (a quotation mark straight after a word closes: "the ‘bitch’⁴⁶", not "the ‘bitch⁴⁶’")
CALL_AFTER = re.compile(r"[.,;:!?)\]\"'\u2019\u201d\u00bb]+")


#: how the editions mark an author's footnote, apart from the editors' numbered notes
AUTHORS_NOTE = "[Author\u2019s note.]"

def shown_delimiters(el: etree._Element, hidden: tuple[str, ...] = ()) -> tuple[str, str]:
    """The delimiters of an element's `pre-*`/`post-*` tokens, except those the layout replaces
    (the underscores around an italic)."""
    pre, post = [], []
    for token in rend_tokens(el):
        kind, _, name = token.partition("-")
        if kind in ("pre", "post") and name in DELIMITERS and name not in hidden:
            (pre if kind == "pre" else post).append(DELIMITERS[name])
    return "".join(pre), "".join(post)





@dataclass
class Mention:
    """One tagged name in the text: its anchor, register entry and paragraph."""

    anchor: str
    ref: str
    kind: str
    para: str | None  # the @n of the paragraph-level unit, None in the front matter
    note: str | None = None  # the sign of the footnote the mention is in, None in the text itself
    form: str = ""  # the words of the text that name the entry ("Khrushchov", "the Bolsheviks")
    section: str | None = None  # the id of the section the mention is in, None before the first


@dataclass
class Correction:
    """One emendation: the corrected reading shown in the text, the source's reading."""

    anchor: str
    corr: list
    sic: str
    para: str | None



def textual_note_id(anchor: str) -> str:
    """The textual note of the emendation anchored `corr-K`: `textual-note-K`."""
    return "textual-note-" + anchor.removeprefix("corr-")



class Inlines:
    """The inline half of the TEI walk; `Book` (ast.py) sets up the state it reads."""

    lang: str
    mentions: list[Mention]
    corrections: list[Correction]
    _mention_count: dict[str, int]
    _prev: str  # the reading text just before the current point (for quotes)
    _para: str | None  # @n of the current paragraph-level unit
    _note: str | None  # the sign of the footnote being walked (its mentions are the note's)
    _anchoring: bool  # names are index mentions (not on the title page or in the back matter)
    _unit_notes: int  # notes called in the current unit
    _section: str | None  # the id of the section being walked

    def inline_table(self) -> dict:
        """The handler of each inline element, by local name."""
        return {
            "persName": self.name, "placeName": self.name, "orgName": self.name,
            "note": self.note_element, "gap": self.gap, "supplied": self.supplied,
            "bibl": self.inline_bibl, "title": self.title, "author": self.plain,
            "biblScope": self.plain, "choice": self.choice, "hi": self.hi,
            "foreign": self.foreign, "emph": self.emph, "lb": self.lb, "q": self.q,
            "quote": self.q, "date": self.plain, "num": self.plain, "name": self.plain,
            "rs": self.plain, "anchor": self.anchor, "label": self.plain,
        }

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
        self.mentions.append(Mention(anchor, ref, kind, self._para, self._note, stringify(inner).strip(),
                                     self._section))
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

    def anchor(self, el: etree._Element) -> list:
        """Where an authorial note stood in the source (it is printed at its marker): nothing."""
        if el.get("type") != "note-source":
            raise UnknownElement(el, f"with type={el.get('type')!r}")
        return []

    def note(self, el: etree._Element) -> list:
        """A footnote, at its call: one `note` span with the note's anchor, sign and text. Where it
        is set is the target's (render/targets.py): the foot of the page, or the chapter's end."""
        ident, n, classes = self.note_identity(el)
        return [Span(attr(ident, ["note"] + classes, n=n), self.note_content(el))]

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
