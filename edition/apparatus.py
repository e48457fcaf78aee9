"""The editors' work applied to the TEI: emendations, names, works cited, editorial notes.

Order matters and is fixed: emendations first (a name inside a corrected phrase is then tagged in
the `sic`), then names, then citations, then notes (a note's lemma may span names; the note goes
right after it). Every lemma is an exact phrase of the source text, found in one unit.
"""

from __future__ import annotations

import re

from lxml import etree

from . import spans
from .editorial import Editorial
from .errors import warn
from .names import Registers, Tagger, phrase_pattern, standoff_entries, tag_names
from .tei import T, XML_ID, el, sub

MARKUP = re.compile(r"\{(i|ref):([^{}]*)\}")


def find_lemma(units: list[etree._Element], lemma: str, occurrence: int | None, where, what: str):
    """The unit and span of the chosen occurrence of a lemma; located errors otherwise."""
    pattern = re.compile(phrase_pattern(lemma))
    hits = []
    for unit in units:
        view = spans.View(unit)
        hits.extend((unit, m.start(), m.end()) for m in pattern.finditer(view.text))
    if not hits:
        raise where.error(f'{what} "{lemma}" not found in the text — copy the phrase exactly from the source')
    if occurrence is None and len(hits) > 1:
        raise where.error(f'{what} "{lemma}" occurs {len(hits)} times — add occurrence: 1 … {len(hits)}')
    index = (occurrence or 1) - 1
    if not 0 <= index < len(hits):
        raise where.error(f'{what} "{lemma}": occurrence {occurrence} asked, but it occurs {len(hits)} time(s)')
    return hits[index]


def apply_emendations(text_el: etree._Element, editorial: Editorial) -> int:
    """choice/(sic, corr) for each emendation; the reading text takes corr."""
    for item in editorial.get("emendations") or []:
        where = editorial.where(item, "sic")
        unit, start, end = find_lemma(spans.units(text_el), item["sic"], item.get("occurrence"), where, "emendation")
        choice = el("choice")
        sic = el("sic")
        if not spans.wrap(spans.View(unit), start, end, sic):
            raise where.error(f'emendation "{item["sic"]}" crosses an element boundary — choose a shorter phrase')
        choice.tail, sic.tail = sic.tail, None
        sic.addprevious(choice)
        choice.append(sic)
        sub(choice, "corr", item["corr"], resp="#editors")
    return len(editorial.get("emendations") or [])


def link_citations(text_el: etree._Element, registers: Registers, path) -> set[str]:
    """bibl[@corresp] for every citation whose text contains one of a work's `match` phrases."""
    works = [(w, re.compile("|".join(phrase_pattern(m) for m in w.forms))) for w in registers.works() if w.forms]
    used = set()
    for bibl in text_el.iter(T + "bibl"):
        text = spans.View(bibl).text
        best = max(((m.end() - m.start(), w) for w, p in works for m in [p.search(text)] if m),
                   key=lambda x: x[0], default=None)
        if best is None:
            warn(path, bibl.sourceline, f"citation not linked to any work: ({text}) — add a 'match' in works.yaml")
            continue
        bibl.set("corresp", f"#{best[1].id}")
        used.add(best[1].id)
    return used


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


def apply_notes(text_el: etree._Element, editorial: Editorial, registers: Registers) -> set[str]:
    """note[@type='editorial'] right after each lemma; numbered in document order."""
    used = set()
    for item in editorial.get("notes") or []:
        where = editorial.where(item, "at")
        unit, start, end = find_lemma(spans.units(text_el), item["at"], item.get("occurrence"), where, "lemma")
        note = el("note", type="editorial", place="foot", resp="#editors")
        used |= note_content(note, " ".join(item["text"].split()), registers, editorial.where(item, "text"))
        if not spans.insert_after(spans.View(unit), end, note, start):
            raise where.error(f'lemma "{item["at"]}" ends inside markup the note cannot follow')
    editorial_notes = [n for n in text_el.iter(T + "note") if n.get("type") == "editorial"]
    for number, note in enumerate(editorial_notes, start=1):
        note.set("n", str(number))
        note.set(XML_ID, f"n{number}")
    return used


def apply(root: etree._Element, editorial: Editorial, registers: Registers) -> None:
    """All of the editors' work, in order; adds standOff with the register entries used."""
    text_el = root.find(T + "text")
    apply_emendations(text_el, editorial)
    used = set(tag_names(text_el, Tagger(registers)))
    used |= link_citations(text_el, registers, editorial.path)
    used |= apply_notes(text_el, editorial, registers)
    stand_off = standoff_entries(registers, used)
    if len(stand_off):
        root.find(T + "teiHeader").addnext(stand_off)
