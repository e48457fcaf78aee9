"""Registers of persons, places, bodies and works; tagging their names in the TEI; candidates.

The registers are YAML files shared by every text in a folder (`persons.yaml`, `places.yaml`,
`works.yaml`). A form names its entity wherever it stands at word boundaries (a possessive 's
follows freely), unless one of the entity's `not` phrases covers it; the longest form wins.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import spans
from .editorial import GENERATED_ID, ID, Where, check_keys, load_yaml, where
from .tei import el, sub

#: `lines` and `draft` come from `edition names --draft` (edition/draft.py): where the forms occur, not yet checked
DRAFT_KEYS = {"lines": list, "draft": bool}
PERSON_KEYS = {"id": str, "index": str, "born": int, "died": int, "about": str, "forms": list, "not": list,
               "idno": dict, **DRAFT_KEYS}
PLACE_KEYS = {"id": str, "type": str, "index": str, "about": str, "forms": list, "not": list,
              "founded": int, "dissolved": int, "idno": dict, **DRAFT_KEYS}
#: Authority files an entry may name (`idno: {wikidata: Q1394}`), exported as TEI idno[@type].
AUTHORITIES = ("wikidata", "viaf", "gnd", "lc", "isni")
WORK_KEYS = {"id": str, "author": str, "editor": str, "title": str, "date": int, "place": str,
             "publisher": str, "edition": str, "note": str, "match": list}
#: Years a register gives (TEI @when, four digits): birth and death, founding, publication.
YEAR_KEYS = ("born", "died", "founded", "dissolved", "date")
TAG = {"person": "persName", "place": "placeName", "org": "orgName"}


@dataclass
class Entity:
    """One register entry: a person, a place, a body or a work."""
    id: str
    kind: str  # person | place | org | work
    data: dict
    where: Where
    forms: list[str] = field(default_factory=list)
    not_: list[str] = field(default_factory=list)


@dataclass
class Registers:
    entities: dict[str, Entity] = field(default_factory=dict)

    def named(self) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind != "work"]

    def works(self) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == "work"]


def _strings(path: Path, entry: dict, key: str, what: str) -> list[str]:
    values = entry.get(key) or []
    lines = getattr(values, "item_lines", [None] * len(values))
    for value, line in zip(values, lines):
        if not isinstance(value, str) or not value.strip():
            raise Where(path, line or where(path, entry, key).line).error(
                f"{what} '{entry.get('id')}': an entry of '{key}' is empty — write the form or remove the line")
    return list(values)


def load_registers(folder: Path) -> Registers:
    """persons.yaml, places.yaml, works.yaml of a folder (each optional), checked as one."""
    registers = Registers()
    for name, keys, kind in (("persons.yaml", PERSON_KEYS, "person"), ("places.yaml", PLACE_KEYS, None),
                             ("works.yaml", WORK_KEYS, "work")):
        path = folder / name
        if not path.exists():
            continue
        data = load_yaml(path) or []
        if not isinstance(data, list):
            raise Where(path, where(path, data).line or 1).error(
                f"{name} must be a list of entries (each starting with '- id:')")
        for i, entry in enumerate(data):
            check_keys(path, entry, keys, ("id",), what=f"an entry of {name}", line=data.item_lines[i])
            for key, value in (entry.get("idno") or {}).items():
                if key not in AUTHORITIES or not isinstance(value, (str, int)) or isinstance(value, bool):
                    raise where(path, entry, "idno").error(
                        f"idno: '{key}' must be one of {', '.join(AUTHORITIES)}, with the entry's id there as text")
            here = where(path, entry)
            ident = entry["id"]
            if not ID.match(ident):
                raise where(path, entry, "id").error(f"id '{ident}' must be lowercase letters, digits and hyphens")
            if GENERATED_ID.match(ident):
                raise where(path, entry, "id").error(f"id '{ident}' is one the build gives its own elements "
                                                     "(p1, s1, fn1, n-…, e-…, author, editors …) — choose another")
            for key in YEAR_KEYS:
                if key in entry and not 1 <= entry[key] <= 9999:
                    raise where(path, entry, key).error(f"'{key}' {entry[key]} is not a year from 1 to 9999")
            if ident in registers.entities:
                other = registers.entities[ident].where
                raise where(path, entry, "id").error(f"duplicate id '{ident}' (first at {other.path}:{other.line})")
            entity_kind = kind or entry.get("type", "place")
            if entity_kind not in ("person", "place", "org", "work"):
                raise where(path, entry, "type").error(f"type must be 'place' or 'org', not '{entity_kind}'")
            if kind != "work" and not entry.get("index"):
                raise here.error(f"entry '{ident}' lacks 'index' (the form the index prints)")
            forms = _strings(path, entry, "match" if kind == "work" else "forms", "entry")
            registers.entities[ident] = Entity(ident, entity_kind, entry, here, forms,
                                               _strings(path, entry, "not", "entry"))
    _check_forms_unique(registers)
    return registers


def _check_forms_unique(registers: Registers) -> None:
    owner: dict[str, Entity] = {}
    for entity in registers.named():
        for form in entity.forms:
            if form in owner and owner[form] is not entity:
                raise entity.where.error(f"form '{form}' names both '{owner[form].id}' and '{entity.id}' — "
                                         "give a longer form to one of them")
            owner[form] = entity


def phrase_pattern(phrase: str) -> str:
    """A regex for a phrase of the source: any run of whitespace where the phrase has a space,
    word boundaries where it begins or ends with a letter or digit."""
    first, *rest = [re.escape(part) for part in phrase.split()]
    # The left boundary is checked *after* the first word: a pattern that starts with a literal
    # lets the regex engine skip ahead to it, which is 25 times faster on a long text.
    before = rf"(?<!\w{first})" if phrase[:1].isalnum() else ""
    # never end before a combining mark: "José" written e + U+0301 is not "Jose"
    after = rf"(?![\w{COMBINING}])" if phrase[-1:].isalnum() else rf"(?![{COMBINING}])"
    return first + before + "".join(r"\s+" + part for part in rest) + after


#: Combining diacritical marks (they belong to the letter before them).
COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"


@dataclass
class Tagger:
    """Finds the names of the registers in a string: leftmost, longest, exclusions honoured."""
    registers: Registers
    pattern: re.Pattern = field(init=False)
    owner: dict[str, Entity] = field(init=False)
    exclusions: dict[str, re.Pattern] = field(init=False)

    def __post_init__(self) -> None:
        self.owner = {}
        for entity in self.registers.named():
            for form in entity.forms:
                other = self.owner.get(_key(form))
                if other is not None and other is not entity:  # "Old  Bolsheviks" is "Old Bolsheviks"
                    raise entity.where.error(f"form '{form}' is also a form of '{other.id}' "
                                             f"({other.where.path}:{other.where.line}) — a form names one entry")
                self.owner[_key(form)] = entity
        forms = sorted(self.owner, key=len, reverse=True)
        self.pattern = re.compile("|".join(f"(?:{phrase_pattern(f)})" for f in forms)) if forms else None
        self.exclusions = {e.id: re.compile("|".join(phrase_pattern(n) for n in e.not_))
                           for e in self.registers.named() if e.not_}

    def find(self, text: str) -> list[tuple[int, int, Entity]]:
        if self.pattern is None:
            return []
        found = []
        excluded: dict[str, list[tuple[int, int]]] = {}
        pos = 0
        while True:
            match = self.pattern.search(text, pos)
            if match is None:
                return found
            entity = self.owner[_key(match.group())]
            if entity.id in self.exclusions and entity.id not in excluded:
                excluded[entity.id] = [m.span() for m in self.exclusions[entity.id].finditer(text)]
            if any(s <= match.start() and match.end() <= e for s, e in excluded.get(entity.id, ())):
                pos = match.start() + 1  # a shorter form may still start here or later
                continue
            found.append((match.start(), match.end(), entity))
            pos = match.end()


def _key(form: str) -> str:
    return " ".join(form.split())


def tag_names(doc: spans.Concordance, tagger: Tagger) -> Counter:
    """Wrap every mention in persName/placeName/orgName[@ref]; count mentions by entity id."""
    counts: Counter = Counter()
    by_unit = defaultdict(list)
    for start, end, entity in tagger.find(doc.text):
        i = doc.locate(start)
        by_unit[i].append((start - doc.starts[i], end - doc.starts[i], entity))
    for i, found in by_unit.items():
        for start, end, entity in reversed(found):
            # right to left, so earlier offsets stay valid while the tree changes
            if spans.wrap(doc.view(i), start, end, el(TAG[entity.kind], ref=f"#{entity.id}")):
                counts[entity.id] += 1
            doc.edited(i)
    return counts


def register_entry(node: etree._Element, entity, kind: str) -> None:
    """A register entry whole: its index form, every form it is found by (variants), its dates
    (a body's founding and end as events), its authority ids and its note."""
    data = entity.data
    sub(node, TAG[kind], data["index"], type="index")
    for form in dict.fromkeys(data.get("forms") or []):
        sub(node, TAG[kind], form, type="variant")
    if kind == "person":
        if "born" in data:
            sub(node, "birth", when=f"{data['born']:04d}")
        if "died" in data:
            sub(node, "death", when=f"{data['died']:04d}")
    for key, value in sorted((data.get("idno") or {}).items()):
        sub(node, "idno", str(value), type=key)
    if kind == "org":
        for key in ("founded", "dissolved"):
            if key in data:
                sub(sub(node, "event", type=key, when=f"{data[key]:04d}"), "label", key)
    if data.get("about"):
        sub(node, "note", data["about"])


def standoff_entries(registers: Registers, used: set[str]) -> etree._Element:
    """standOff with the register entries this text uses (persons, places, bodies, works)."""
    stand_off = el("standOff")
    lists = {"person": ("listPerson", "person"), "place": ("listPlace", "place"), "org": ("listOrg", "org")}
    for kind, (list_tag, entry_tag) in lists.items():
        chosen = sorted((e for e in registers.named() if e.kind == kind and e.id in used),
                        key=lambda e: e.data["index"].casefold())
        if not chosen:
            continue
        container = sub(stand_off, list_tag)
        for entity in chosen:
            register_entry(sub(container, entry_tag, xml_id=entity.id), entity, kind)
    works = sorted((e for e in registers.works() if e.id in used),
                   key=lambda e: (e.data.get("author") or e.data.get("title") or e.id).casefold())
    if works:
        container = sub(stand_off, "listBibl")
        for work in works:
            node = sub(container, "bibl", xml_id=work.id)
            data = work.data
            for key, tag in (("author", "author"), ("editor", "editor")):
                if data.get(key):
                    sub(node, tag, data[key])
            sub(node, "title", data.get("title") or work.forms[0], level="m")
            for key, tag in (("edition", "edition"), ("place", "pubPlace"), ("publisher", "publisher")):
                if data.get(key):
                    sub(node, tag, data[key])
            if data.get("date"):
                sub(node, "date", str(data["date"]), when=f"{data['date']:04d}")
            if data.get("note"):
                sub(node, "note", data["note"])
    return stand_off


# --- candidates -----------------------------------------------------------------------------------

COMMON_CAPITALS = set("""A An And As At But By For From He Her His How I If In It Its Let No Not Now Of On Once Or
Our She So Such That The Their Then There These They This Those To Under Until We What When Where Which While Who
Why With Yet You Every Each All Both Many Most Some One Two Three Four Five Six Seven Eight Nine Ten Only Even Later
Already Although Because Despite During Finally However Like Moreover Contrary Again After Before Besides
Eventually Having Here Just More Nothing People Since Thus Whereas Yes January February March April May June July
August September October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split())
CAPITALISED = re.compile(r"(?<![\w\[])[A-Z][\w\u2019'\[\]-]*(?:\s+(?:of\s+|the\s+|de\s+|von\s+)*[A-Z][\w\u2019'\[\]-]*)*")
DERIVED = re.compile(r"(?:ism|ist|ists|ite|ites)$")


def candidates(text: str, registers: Registers) -> list[tuple[str, int, list[int]]]:
    """Capitalised words and runs of them that no register form covers: (name, count, lines).
    Leading sentence words (The, But, When …), months, and -isms of known names are left out."""
    tagger = Tagger(registers)
    covered = {s for s, _, _ in tagger.find(text)}
    known = {form for entity in registers.named() for form in entity.forms}
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found: dict[str, list[int]] = defaultdict(list)
    for match in CAPITALISED.finditer(text):
        words = [(m.start() + match.start(), m.group()) for m in re.finditer(r"\S+", match.group())]
        while words and (words[0][1] in COMMON_CAPITALS or words[0][1][0].islower()):
            words.pop(0)
        if not words or words[0][0] in covered:
            continue
        name = re.sub(r"(?:\u2019|')s$", "", " ".join(w for _, w in words))
        if any(name.startswith(k) and DERIVED.match(name[len(k):]) for k in known):
            continue
        line = bisect.bisect_right(line_starts, words[0][0])
        found[name].append(line)
    return sorted(((n, len(ls), sorted(set(ls))) for n, ls in found.items()), key=lambda x: (-x[1], x[0]))
