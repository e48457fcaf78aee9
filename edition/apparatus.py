"""The editors' work applied to the TEI: emendations, names, works cited, editorial notes.

Order matters and is fixed: emendations first (a name inside a corrected phrase is then tagged in
the `sic`), then names, then citations, then notes (a note's lemma may span names; the note goes
right after it). Every lemma is an exact phrase of the source text, found in one unit.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from lxml import etree

from . import spans
from .editorial import Editorial, Where
from .errors import warn
from .names import Registers, Tagger, phrase_pattern, standoff_entries, tag_names
from .tei import T, XML_ID, XML_LANG, diplomatic, el, local, sub

MARKUP = re.compile(r"\{(i|ref):([^{}]*)\}")


def find_lemma(doc: spans.Concordance, lemma: str, occurrence: int | None, where, what: str):
    """(unit index, start, end) of the chosen occurrence of a lemma; located errors otherwise."""
    hits = doc.find(re.compile(phrase_pattern(lemma)))
    if not hits:
        raise where.error(f'{what} "{lemma}" not found in the text — copy the phrase exactly from the source')
    if occurrence is None and len(hits) > 1:
        raise where.error(f'{what} "{lemma}" occurs {len(hits)} times — add occurrence: 1 … {len(hits)}')
    index = (occurrence or 1) - 1
    if not 0 <= index < len(hits):
        raise where.error(f'{what} "{lemma}": occurrence {occurrence} asked, but it occurs {len(hits)} time(s)')
    return hits[index]


NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


class StableIds:
    """Ids for the editors' notes and emendations that depend on their own lemma, not on their
    place in the list: `n-military-revolutionary-centre`, `e-fait-daccompli`, or the YAML's `id:`.
    Adding a note changes no other id, so links into the edition keep working."""

    def __init__(self, root: etree._Element):
        self.taken = {n.get(XML_ID) for n in root.iter() if isinstance(n.tag, str) and n.get(XML_ID)}

    def make(self, prefix: str, item, lemma_key: str, where) -> str:
        given = item.get("id")
        if given is not None:
            if not NCNAME.match(given) or given in self.taken:
                raise where.error(f"id '{given}' must be one word (letters, digits, - . _) used nowhere else")
            self.taken.add(given)
            return given
        ascii_words = unicodedata.normalize("NFKD", item[lemma_key]).encode("ascii", "ignore").decode()
        slug = ""
        for word in re.findall(r"[a-z0-9]+", ascii_words.lower().replace("'", "").replace("\u2019", "")):
            if slug and len(slug) + 1 + len(word) > 40:
                break  # whole words, up to 40 characters
            slug = f"{slug}-{word}" if slug else word[:40]
        slug = slug or hashlib.sha256(item[lemma_key].encode()).hexdigest()[:8]
        base = f"{prefix}-{slug}" + (f"-{item['occurrence']}" if item.get("occurrence") else "")
        ident, k = base, 1
        while ident in self.taken:
            k += 1
            ident = f"{base}-{k}"
        self.taken.add(ident)
        return ident


def apply_emendations(doc: spans.Concordance, editorial: Editorial, ids: StableIds) -> list[tuple[str, str]]:
    """choice/(sic, corr) for each emendation; the reading text takes corr. Returns (id, reason)
    of each, for the apparatus in standOff."""
    reasons = []
    done: dict[tuple, int] = {}
    for item in editorial.get("emendations") or []:
        where = editorial.where(item, "sic")
        i, start, end = find_lemma(doc, item["sic"], item.get("occurrence"), where, "emendation")
        if (i, start, end) in done:  # a second choice would nest inside the first
            raise where.error(f'emendation "{item["sic"]}" is given twice (first at line {done[i, start, end]}) — '
                              "keep one")
        done[i, start, end] = where.line
        choice = el("choice", xml_id=ids.make("e", item, "sic", where))
        reasons.append((choice.get(XML_ID), " ".join(item["reason"].split())))
        sic = el("sic")
        if not spans.wrap(doc.view(i), start, end, sic):
            raise where.error(f'emendation "{item["sic"]}" crosses the text\'s markup (a bracket, an interpolation '
                              "or a citation) — choose a phrase inside or outside it")
        doc.edited(i)
        choice.tail, sic.tail = sic.tail, None
        sic.addprevious(choice)
        choice.append(sic)
        corr = sub(choice, "corr", item["corr"], resp="#editors")
        if item.get("conjecture"):
            supply(corr, item["sic"], item["corr"], where)
    return reasons


def supply(corr: etree._Element, sic: str, text: str, where) -> None:
    """A conjecture adds words the source lacks: `corr` holds them as the editors' `supplied`."""
    head = len(os.path.commonprefix([sic, text]))
    tail = len(os.path.commonprefix([sic[head:][::-1], text[head:][::-1]]))
    added = text[head:len(text) - tail]
    if sic[head:len(sic) - tail] or not added.strip():
        raise where.error("a conjecture only adds words: write corr as sic with the supplied words put in")
    word = added.strip()  # the words themselves; the spaces around them stay the reading's
    start = head + added.index(word)
    corr.text = text[:start]
    sub(corr, "supplied", word, resp="#editors").tail = text[start + len(word):]


def emendation_reasons(stand_off: etree._Element, reasons: list[tuple[str, str]]) -> None:
    """Each emendation's reason, pointing at its choice: the editors' apparatus, exported whole."""
    if reasons:
        annotations = sub(stand_off, "listAnnotation", type="emendations")
        for ident, reason in reasons:
            sub(annotations, "note", reason, type="emendation", target=f"#{ident}", resp="#editors")


def link_citations(text_el: etree._Element, registers: Registers, source: Path | None) -> set[str]:
    """bibl[@corresp] for every citation whose text contains one of a work's `match` phrases; a
    citation that matches none is reported at its line of the source (when there are works to match)."""
    works = [(w, re.compile("|".join(phrase_pattern(m) for m in w.forms))) for w in registers.works() if w.forms]
    used = set()
    lines = SourceLines(text_el)
    for bibl in text_el.iter(T + "bibl"):
        text = spans.View(bibl).text
        best = max(((m.end() - m.start(), w) for w, p in works for m in [p.search(text)] if m),
                   key=lambda x: x[0], default=None)
        if best is None:
            if works:
                warn(source, lines.of(bibl), f"citation not linked to any work: {text!r} — add a 'match' in works.yaml")
            continue
        bibl.set("corresp", f"#{best[1].id}")
        used.add(best[1].id)
    return used


class SourceLines:
    """The source line where an element of the text begins: the diplomatic text is the source, so
    an element's own diplomatic text is found there, in document order."""

    def __init__(self, text_el: etree._Element):
        self.text = diplomatic(text_el).replace("\r\n", "\n").lstrip("\ufeff")
        self.pos = 0

    def of(self, node: etree._Element) -> int | None:
        found = self.text.find(diplomatic(node), self.pos)
        if found < 0:
            return None
        self.pos = found
        return self.text.count("\n", 0, found) + 1


def tag_titles(doc: spans.Concordance, registers: Registers) -> set[str]:
    """title[@ref] around every mention of a work by (part of) its title, so that it is set in
    italics; a `match` that is not part of the title ("Volkogonov, Trotsky") is not a title."""
    used = set()
    for work in registers.works():
        title = (work.data.get("title") or "").casefold()
        phrases = [m for m in work.forms if m.casefold() in title]
        if not phrases:
            continue
        pattern = re.compile("|".join(phrase_pattern(m) for m in sorted(phrases, key=len, reverse=True)))
        for i, start, end in reversed(doc.find(pattern)):
            if spans.wrap(doc.view(i), start, end, el("title", ref=f"#{work.id}")):
                used.add(work.id)
            doc.edited(i)
    return used


def tag_foreign(text_el: etree._Element, editorial: Editorial) -> None:
    """foreign[@xml:lang] around every occurrence of a phrase of the YAML's `foreign:` list — in the
    text, the editors' notes and their preface — so that the editions set it in italics and tell a
    screen reader its language. A phrase that is a whole title ({i:Die Neue Zeit}) gives the title
    its language instead of a second italic inside it. A phrase found nowhere is an error."""
    items = editorial.get("foreign") or []
    if not items:
        return
    places = [unit for unit in spans.units(text_el) if not _plain_heading(unit)] + \
        [n for n in text_el.iter(T + "note") if n.get("type") == "editorial"]
    for item in items:
        pattern = re.compile(phrase_pattern(item["phrase"]))
        found = 0
        for place in places:
            for match in reversed(list(pattern.finditer(spans.View(place).text))):
                view = spans.View(place)  # fresh: each edit makes the last one stale
                pair = view.common(match.start(), match.end())
                if pair and any(local(e) == "foreign" for e in (pair[0].parent, *pair[0].parent.iterancestors())):
                    found += 1  # marked already: the phrase given twice, or inside a longer one
                elif pair and local(pair[0].parent) == "title" and pair[0].index == pair[1].index \
                        and (_whole_text(pair[0], match)):
                    pair[0].parent.set(XML_LANG, item["lang"])
                    found += 1
                elif spans.wrap(view, match.start(), match.end(), el("foreign", xml_lang=item["lang"])) or \
                        spans.wrap(view, match.start(), match.end(), el("foreign", xml_lang=item["lang"]),
                                   deepest=False):  # around a name: "in the pages of Pravda"
                    found += 1
        if not found:
            raise editorial.where(item, "phrase").error(
                f'foreign phrase "{item["phrase"]}" not found in the text, the notes or the preface '
                "— copy it exactly as written there")


def _plain_heading(unit: etree._Element) -> bool:
    """The preface's heading, which holds text only (like the note markup, it is set as written)."""
    parent = unit.getparent()
    return local(unit) == "head" and parent is not None and parent.get("resp") == "#editors"


def _whole_text(run: spans.Run, match: re.Match) -> bool:
    """Whether a match is the whole text of the element its run belongs to (a title, say)."""
    parent = run.parent
    return not run.is_tail and match.start() == run.start and match.end() == run.start + run.length \
        and len(parent) == 0


def note_content(node: etree._Element, text: str, registers: Registers, where) -> set[str]:
    """Fill a note from the editors' small markup: {i:Title} and {ref:id:shown text}."""
    used = set()
    last = None
    pos = 0
    for match in MARKUP.finditer(text):
        chunk = text[pos:match.start()]
        if last is None:
            node.text = (node.text or "") + chunk
        else:
            last.tail = (last.tail or "") + chunk
        kind, body = match.groups()
        if kind == "i":
            last = sub(node, "title", body)
        else:
            ident, _, shown = body.partition(":")
            entity = registers.entities.get(ident)
            if entity is None or entity.kind == "work":
                raise where.error(f"note refers to unknown register id '{ident}' in '{match.group()}'")
            last = sub(node, {"person": "persName", "place": "placeName", "org": "orgName"}[entity.kind],
                       shown or entity.data["index"], ref=f"#{ident}")
            used.add(ident)
        pos = match.end()
    if last is None:
        node.text = (node.text or "") + text[pos:]
    else:
        last.tail = (last.tail or "") + text[pos:]
    return used


def apply_notes(doc: spans.Concordance, editorial: Editorial, registers: Registers, ids: StableIds) -> set[str]:
    """note[@type='editorial'] right after each lemma; numbered in document order."""
    used = set()
    for item in editorial.get("notes") or []:
        where = editorial.where(item, "at")
        i, start, end = find_lemma(doc, item["at"], item.get("occurrence"), where, "lemma")
        if any(a.tag == T + "titlePage" for a in doc.units[i].iterancestors()):
            raise where.error(f'lemma "{item["at"]}" is on the title page, where no note can be called — '
                              "say it in the preface, or choose the phrase where the text repeats it")
        if doc.units[i].tag == T + "head" or any(a.tag == T + "head" for a in doc.units[i].iterancestors()):
            # the heading is also the contents' entry and the EPUB's navigation: a call there is a link in a link
            raise where.error(f'lemma "{item["at"]}" is in a heading, where a note call would also stand in the '
                              "contents — choose a phrase of the section's text")
        note = el("note", type="editorial", place="foot", resp="#editors",
                  xml_id=ids.make("n", item, "at", editorial.where(item, "id") if "id" in item else where))
        used |= note_content(note, " ".join(item["text"].split()), registers, editorial.where(item, "text"))
        if not spans.insert_after(doc.view(i), end, note, start):
            raise where.error(f'lemma "{item["at"]}" ends inside square brackets or a name\'s markup — '
                              "end the lemma after the closing bracket")
        doc.edited(i)
    return used


def notes_after_citations(text_el: etree._Element) -> None:
    """An editors' note whose lemma ends inside an inline citation is set right after the citation:
    the TEI Stylesheets (DOCX, LaTeX) merge a note inside a bibl into the citation's text."""
    for note in list(text_el.iter(T + "note")):
        if note.get("type") != "editorial":
            continue
        outer, inline = None, False
        for ancestor in note.iterancestors():
            if ancestor.tag == T + "bibl":
                outer = ancestor
            if ancestor.tag in (T + "p", T + "item", T + "l", T + "head", T + "salute", T + "signed"):
                inline = True  # a citation inside a paragraph (a block's own source line is not moved)
                break
        if outer is None or not inline:
            continue
        parent, previous = note.getparent(), note.getprevious()
        if note.tail:  # the text after the note stays where it is
            if previous is not None:
                previous.tail = (previous.tail or "") + note.tail
            else:
                parent.text = (parent.text or "") + note.tail
        parent.remove(note)
        note.tail, outer.tail = outer.tail, None
        outer.addnext(note)


def number_notes(text_el: etree._Element) -> None:
    """The editors' notes are numbered in the order of the text (their ids do not change)."""
    for number, note in enumerate(text_el.iterfind(f".//{T}note[@type='editorial']"), start=1):
        note.set("n", str(number))


def add_preface(text_el: etree._Element, editorial: Editorial, registers: Registers) -> set[str]:
    """The editors' preface in the front matter: `div[@type='preface'][@resp='#editors']`, after
    the title page and epigraphs. It is the editors' text, not the source's: the diplomatic and
    reading texts leave it out."""
    preface = editorial.get("preface")
    if not preface:
        return set()
    front = text_el.find(T + "front")
    if front is None:
        front = el("front")
        text_el.insert(0, front)
    div = sub(front, "div", type="preface", resp="#editors", xml_id="preface")
    sub(div, "head", " ".join(preface["heading"].split()))
    used = set()
    for i, paragraph in enumerate(preface["paragraphs"]):
        where = Where(editorial.path, preface["paragraphs"].item_lines[i]) if hasattr(
            preface["paragraphs"], "item_lines") else editorial.where(preface, "paragraphs")
        used |= note_content(sub(div, "p"), " ".join(paragraph.split()), registers, where)
    return used


def author_entry(root: etree._Element, editorial: Editorial, registers: Registers) -> set[str]:
    """The header names the author by the register id the YAML gives: the entry goes into standOff
    with the others, or, if the registers have none, the pointer goes (it would point at nothing)."""
    author_id = (editorial.get("author") or {}).get("id")
    if not author_id:
        return set()
    if any(entity.id == author_id for entity in registers.named()):
        return {author_id}
    for name in root.iterfind(f"{T}teiHeader//{T}titleStmt/{T}author[@ref='#{author_id}']"):
        del name.attrib["ref"]
    return set()


def apply(root: etree._Element, editorial: Editorial, registers: Registers, source: Path | None = None) -> None:
    """All of the editors' work, in order; adds standOff with the register entries used."""
    text_el = root.find(T + "text")
    doc = spans.Concordance(text_el)
    ids = StableIds(root)
    ids.taken |= {*registers.entities, "preface"}  # what standOff and the preface will be called
    reasons = apply_emendations(doc, editorial, ids)
    used = set(tag_names(doc, Tagger(registers)))
    used |= tag_titles(doc, registers)
    used |= link_citations(text_el, registers, source)
    used |= apply_notes(doc, editorial, registers, ids)
    notes_after_citations(text_el)
    number_notes(text_el)
    used |= add_preface(text_el, editorial, registers)
    tag_foreign(text_el, editorial)
    used |= author_entry(root, editorial, registers)
    stand_off = standoff_entries(registers, used)
    emendation_reasons(stand_off, reasons)
    if len(stand_off):
        root.find(T + "teiHeader").addnext(stand_off)
