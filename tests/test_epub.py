"""The EPUB edition, read back: EPUBCheck, the text in spine order, links, notes, indexes, metadata,
reproducibility. Expected values are computed from the TEI, never copied from an output."""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import uuid
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree
from PIL import Image

from edition import tei
from edition.errors import InputError
from edition.typography import normalise
from edition.render.cover import cover_alt
from edition.render.epub import ACE, ace, epubcheck, render_epub
from edition.render.header import BookInfo, book_identifier, read_header

from conftest import text_outside

FIXTURE = Path(__file__).parent / "fixtures" / "epub-sample.tei.xml"
T = "{http://www.tei-c.org/ns/1.0}"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
OPF = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
H = {"h": "http://www.w3.org/1999/xhtml", "e": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
WORD = re.compile(r"\w+")

#: literal text in the fixture's reading text and in its note n2: it must come out as written
LITERALS_TEXT = ["<script>alert(1)</script>", "&", "<b>bold</b>", "]]>", "$x^2$", "*stars*", "_under_",
                 "# hash", "[x](http://example.org)", "{{curly}}"]
LITERALS_NOTE = ["<i>", "&", "$a$", "*b*", "_c_", "#", "{{d}}", "[x](http://example.org)", "]]>"]


# --- reading an EPUB back --------------------------------------------------------------------------

def drop(el: etree._Element) -> None:
    """Remove an element from its tree, keeping the text after it."""
    previous, parent = el.getprevious(), el.getparent()
    if previous is not None:
        previous.tail = (previous.tail or "") + (el.tail or "")
    else:
        parent.text = (parent.text or "") + (el.tail or "")
    parent.remove(el)


class Book:
    """An EPUB opened for reading back: the package document, the spine, the XHTML documents."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        self.base = str(PurePosixPath(self.opf_name).parent)
        self.opf = etree.fromstring(self.zip.read(self.opf_name))
        self.items = {i.get("id"): i for i in self.opf.xpath("//o:manifest/o:item", namespaces=OPF)}

    def path(self, href: str, relative_to: str | None = None) -> str:
        folder = PurePosixPath(relative_to).parent if relative_to else PurePosixPath(self.base)
        parts: list[str] = []
        for part in (folder / href).parts:
            if part == "..":
                parts.pop()
            elif part != ".":
                parts.append(part)
        return "/".join(parts)

    @property
    def spine(self) -> list[str]:
        refs = self.opf.xpath("//o:spine/o:itemref/@idref", namespaces=OPF)
        return [self.path(self.items[r].get("href")) for r in refs]

    @property
    def documents(self) -> list[str]:
        return [self.path(i.get("href")) for i in self.items.values()
                if i.get("media-type") == "application/xhtml+xml"]

    def xhtml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def meta(self, prop: str) -> list[str]:
        return self.opf.xpath(f"//o:metadata/o:meta[@property='{prop}']/text()", namespaces=OPF)

    def dc(self, name: str) -> list[str]:
        return self.opf.xpath(f"//o:metadata/dc:{name}/text()", namespaces=OPF)


def words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text)]


def first_missing(needle: list[str], haystack: list[str]) -> int | None:
    """Index in `needle` of the first word not found, in order, in `haystack` (None: all found)."""
    at = 0
    for i, word in enumerate(needle):
        try:
            at = haystack.index(word, at) + 1
        except ValueError:
            return i
    return None


def resolve(book: Book, source: str, href: str) -> etree._Element | None | bool:
    """The element a link points at; True for a whole document; None when it does not exist."""
    split = urlsplit(href)
    target = book.path(unquote(split.path), relative_to=source) if split.path else source
    if target not in book.zip.namelist():
        return None
    if not split.fragment:
        return True
    found = book.xhtml(target).xpath(f"//*[@id='{split.fragment}']")
    return found[0] if found else None


def text_of(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


# --- fixtures --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def root() -> etree._Element:
    return etree.parse(str(FIXTURE)).getroot()


@pytest.fixture(scope="module")
def book(root) -> Book:
    return Book(render_epub(root))


@pytest.fixture(scope="module")
def seed_book(seed_epub) -> Book:
    return Book(seed_epub)


# --- validity --------------------------------------------------------------------------------------

def assert_epubcheck_clean(book: Book) -> None:
    report = epubcheck(book.data)
    counts = report["checker"]
    findings = [f"{m['severity']} {m['ID']}: {m['message']} {m['locations'][:1]}" for m in report["messages"]]
    assert (counts["nFatal"], counts["nError"], counts["nWarning"]) == (0, 0, 0), "\n".join(findings)
    assert counts["checkerVersion"].startswith("5."), counts["checkerVersion"]


@pytest.mark.slow  # EPUBCheck: a Java VM per book
def test_epubcheck_reports_nothing(book):
    assert_epubcheck_clean(book)


@pytest.mark.slow  # EPUBCheck: a Java VM per book
def test_seed_epubcheck_reports_nothing(seed_book):
    assert_epubcheck_clean(seed_book)


def assert_ace_passes(book: Book) -> None:
    if not ACE.exists() or not shutil.which("chromium"):
        pytest.fail("DAISY Ace is not installed: `make test` installs it (tools/setup-ace.sh)")
    report = ace(book.data)
    violations = [f"{doc['earl:testSubject']['url']}: {a['earl:test']['dct:title']} "
                  f"({a['earl:test']['earl:impact']}): {a['earl:result']['dct:description']}"
                  for doc in report["assertions"] for a in doc.get("assertions", [])]
    assert report["earl:result"]["earl:outcome"] == "pass" and not violations, "\n".join(violations)
    assert not report["a11y-metadata"]["empty"]
    for prop in ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard",
                 "schema:accessibilitySummary", "schema:accessModeSufficient", "dcterms:conformsTo"):
        assert prop in report["a11y-metadata"]["present"], prop


@pytest.mark.slow  # DAISY Ace: Node and a headless Chromium per book
def test_ace_finds_no_accessibility_violation(book):
    assert_ace_passes(book)


@pytest.mark.slow  # DAISY Ace: Node and a headless Chromium per book
def test_seed_ace_finds_no_accessibility_violation(seed_book):
    assert_ace_passes(seed_book)


# --- the text --------------------------------------------------------------------------------------

def reading_text(book: Book, name: str) -> str:
    """A document's text as a reader meets it, without the note calls (superscript apparatus)."""
    body = book.xhtml(name).find("h:body", H)
    for call in body.xpath(".//h:a[@e:type='noteref']", namespaces=H):
        drop(call)
    return text_of(body)


def assert_reading_text_in_spine_order(root: etree._Element, book: Book) -> None:
    expected = words(tei.reading(root))
    spine_text = " ".join(reading_text(book, name) for name in book.spine)
    read = words(spine_text)
    missing = first_missing(expected, read)
    assert missing is None, f"word {missing} {expected[missing]!r} not found in order; context: " \
                            f"{' '.join(expected[max(0, missing - 8):missing + 3])}"


def test_every_word_of_the_reading_text_in_spine_order(root, book):
    assert_reading_text_in_spine_order(root, book)


def test_seed_every_word_of_the_reading_text_in_spine_order(seed_root, seed_book):
    assert_reading_text_in_spine_order(seed_root, seed_book)


def test_the_read_back_catches_a_dropped_paragraph(root):
    """The word-order check above is not vacuous: drop a paragraph's text and it fails."""
    damaged = copy.deepcopy(root)
    p = damaged.xpath("//t:body//t:p[@n='4']", namespaces=NS)[0]
    for child in list(p):
        p.remove(child)
    p.text = "Gone"
    with pytest.raises(AssertionError, match="not found in order"):
        assert_reading_text_in_spine_order(root, Book(render_epub(damaged)))


def test_literal_text_comes_out_as_written(book):
    body_text = " ".join(text_of(book.xhtml(n)) for n in book.spine)
    for literal in LITERALS_TEXT:
        assert literal in body_text, literal
    note = next(text_of(a) for n in book.spine for a in book.xhtml(n).xpath("//h:aside[@id='n2']", namespaces=H))
    for literal in LITERALS_NOTE:
        assert literal in note, literal
    for name in book.documents:
        doc = book.xhtml(name)
        assert not doc.xpath("//h:script | //h:b | //h:i | //h:math", namespaces=H), name


def test_paragraph_numbers_match_the_tei(root, book):
    tei_numbers = root.xpath("//t:text//*[@n][self::t:p or self::t:cit or self::t:item or self::t:floatingText]/@n",
                             namespaces=NS)
    epub_numbers = [text_of(s) for n in book.spine
                    for s in book.xhtml(n).xpath("//h:span[@class='pn']", namespaces=H)]
    assert epub_numbers == tei_numbers
    for n in tei_numbers:  # each number is the anchor of its unit
        unit = next(book.xhtml(d).xpath(f"//*[@id='p{n}']", namespaces=H) for d in book.spine
                    if book.xhtml(d).xpath(f"//*[@id='p{n}']", namespaces=H))[0]
        assert text_of(unit.xpath(".//h:span[@class='pn']", namespaces=H)[0]) == n


# --- structure -------------------------------------------------------------------------------------

def test_chapters_split_at_sections_in_toc_order(root, book):
    heads = [text_of(h) for h in root.xpath("//t:body/t:div[@type='section']/t:head", namespaces=NS)]
    files_by_head = {}
    for name in book.spine:
        for h in book.xhtml(name).xpath("//h:h2", namespaces=H):
            files_by_head[text_of(h)] = name
    assert all(h in files_by_head for h in heads)
    assert len({files_by_head[h] for h in heads}) == len(heads), "one chapter file per section"
    nav_name = next(book.path(i.get("href")) for i in book.items.values() if "nav" in (i.get("properties") or ""))
    toc = book.xhtml(nav_name).xpath("//h:nav[@e:type='toc']//h:a", namespaces=H)
    toc_titles = [text_of(a) for a in toc]
    assert [t for t in toc_titles if t in heads] == heads
    for a in toc:
        assert resolve(book, nav_name, a.get("href")) is not None, a.get("href")


def test_front_matter_and_landmarks(book):
    cover, title_page, imprint = book.spine[:3]
    assert book.xhtml(title_page).xpath("//h:section[@e:type='titlepage']", namespaces=H)
    # the imprint in a file of its own: no reader shows it on the title page's screen
    assert not book.xhtml(title_page).xpath("//h:section[@e:type='imprint']", namespaces=H)
    assert book.xhtml(imprint).xpath("//h:section[@e:type='imprint']//h:p", namespaces=H)
    nav_name = next(book.path(i.get("href")) for i in book.items.values() if "nav" in (i.get("properties") or ""))
    links = book.xhtml(nav_name).xpath("//h:nav[@e:type='landmarks']//h:a", namespaces=H)
    kinds = [a.get(EPUB_TYPE) for a in links]
    for kind in ("cover", "titlepage", "toc", "bodymatter", "bibliography", "index"):
        assert kind in kinds, kind
    for a in links:
        target = resolve(book, nav_name, a.get("href"))
        assert target is not None, a.get("href")
    first_body = next(a for a in links if a.get(EPUB_TYPE) == "bodymatter")
    assert book.path(first_body.get("href"), nav_name) == next(
        n for n in book.spine if book.xhtml(n).find("h:body", H).get(EPUB_TYPE) == "bodymatter")


def test_quotations_letters_and_epigraph_are_marked_up(root, book):
    docs = [book.xhtml(n) for n in book.spine]
    epigraphs = [e for d in docs for e in d.xpath("//*[@e:type='epigraph']", namespaces=H)]
    assert len(epigraphs) == len(root.xpath("//t:front/t:epigraph", namespaces=NS))
    for cit in root.xpath("//t:cit[@type='block']", namespaces=NS):
        unit = [u for d in docs for u in d.xpath(f"//*[@id='{cit.get(f'{{{tei.XML_NS}}}id')}']", namespaces=H)]
        assert unit and unit[0].xpath("h:blockquote", namespaces=H)
    for letter in root.xpath("//t:floatingText[@type='letter']", namespaces=NS):
        ident = letter.get(f"{{{tei.XML_NS}}}id")
        found = [u for d in docs for u in d.xpath(f"//*[@id='{ident}']", namespaces=H)]
        assert found and found[0].get(EPUB_TYPE) == "z3998:letter"
        assert found[0].getparent().tag == f"{{{H['h']}}}blockquote"
        assert found[0].xpath(".//*[@e:type='z3998:salutation'] and .//*[@e:type='z3998:signature']",
                              namespaces=H)


# --- links, notes, indexes -------------------------------------------------------------------------

def assert_every_link_resolves(book: Book) -> None:
    for name in book.documents:
        for a in book.xhtml(name).xpath("//h:a[@href]", namespaces=H):
            href = a.get("href")
            if urlsplit(href).scheme:
                continue
            assert resolve(book, name, href) is not None, f"{name}: {href} leads nowhere"


def test_every_internal_link_resolves(book):
    assert_every_link_resolves(book)


def test_seed_every_internal_link_resolves(seed_book):
    assert_every_link_resolves(seed_book)


def test_notes_are_footnotes_with_a_way_back(root, book):
    notes = root.xpath("//t:note[@type='editorial']", namespaces=NS)
    refs = [(n, a) for n in book.spine for a in book.xhtml(n).xpath("//h:a[@e:type='noteref']", namespaces=H)]
    assert len(refs) == len(notes) > 0
    for (name, ref), note in zip(refs, notes):
        assert text_of(ref) == note.get("n")
        aside = resolve(book, name, ref.get("href"))
        assert aside is not None and aside.tag == f"{{{H['h']}}}aside" and aside.get(EPUB_TYPE) == "footnote"
        assert words(text_of(note)) == words(text_of(aside))[1:], "the note's words, after its number"
        back = aside.xpath(".//h:a[@role='doc-backlink']", namespaces=H)
        assert len(back) == 1
        call = resolve(book, name, back[0].get("href"))
        assert call is not None and call.get("id") == ref.get("id"), "the backlink returns to the call"


def assert_notes_and_back_links_pair(book: Book) -> None:
    """Notes as the reading systems follow them: every call a superscript noteref leading to an
    aside footnote, whose one back-link (typed `backlink`) leads back to that call; no note without
    its call; every corrected reading a link to its textual note, whose locator leads back to it."""
    asides, calls = {}, {}
    for name in book.spine:
        doc = book.xhtml(name)
        for aside in doc.xpath("//h:aside[@e:type='footnote']", namespaces=H):
            asides[(name, aside.get("id"))] = aside
        for ref in doc.xpath("//h:a[@e:type='noteref']", namespaces=H):
            assert ref.xpath("h:sup", namespaces=H) and text_of(ref), f"{name}: {ref.get('id')} not a <sup>"
            aside = resolve(book, name, ref.get("href"))
            assert aside is not None and aside.get(EPUB_TYPE) == "footnote", f"{name}: {ref.get('href')}"
            back = aside.xpath(".//h:a[@e:type='backlink']", namespaces=H)
            assert len(back) == 1 and back[0].get("role") == "doc-backlink", aside.get("id")
            call = resolve(book, name, back[0].get("href"))
            assert call is not None and call.get("id") == ref.get("id"), f"{aside.get('id')}: back-link misses its call"
            assert text_of(back[0]).rstrip(".") == text_of(ref), "the note's number is its call's"
            calls[(name, aside.get("id"))] = ref
        for pn in doc.xpath("//h:span[@class='pn']", namespaces=H):  # not read aloud with the calls
            assert pn.get("aria-hidden") == "true", f"{name}: paragraph number {text_of(pn)} is read aloud"
        for corr in doc.xpath("//h:a[contains(concat(' ', @class, ' '), ' corr ')]", namespaces=H):
            note = resolve(book, name, corr.get("href"))
            assert note is not None and "textual-note" in note.get("class"), corr.get("href")
            where = note.xpath(".//h:span[@class='locator']/h:a", namespaces=H)
            note_doc = next(n for n in book.spine if book.path(urlsplit(corr.get("href")).path, name) == n)
            assert resolve(book, note_doc, where[0].get("href")) is not None
            assert where[0].get("href").endswith(f"#{corr.get('id')}"), "the textual note links back"
    assert set(asides) == set(calls), "every note has its call"


def test_notes_and_back_links_pair(book):
    assert_notes_and_back_links_pair(book)


def test_seed_notes_and_back_links_pair(seed_root, seed_book):
    assert_notes_and_back_links_pair(seed_book)
    corrs = [a for n in seed_book.spine for a in seed_book.xhtml(n).xpath(
        "//h:a[contains(concat(' ', @class, ' '), ' corr ')]", namespaces=H)]
    assert len(corrs) == len(seed_root.xpath("//t:text//t:choice", namespaces=NS)) > 0


def test_no_rule_inside_a_note():
    """The rule above a chapter's notes is the notes' block's: a popped-up note shows none."""
    css = (Path(__file__).parent.parent / "edition" / "styles" / "epub.css").read_text()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    for selector, body in rules:
        if "border" in body:
            assert "aside" not in selector and "doc-footnote" not in selector, selector.strip()


REGISTERS = {"person": "persName", "place": "placeName", "org": "orgName"}


def expected_index(root: etree._Element, kinds: tuple[str, ...]) -> dict[str, set[str]]:
    """Index form → the paragraph numbers where the TEI mentions it (in the text or its notes)."""
    forms = {}
    for kind, tag in REGISTERS.items():
        for entry in root.xpath(f"//t:standOff//t:{kind}", namespaces=NS):
            forms[entry.get(f"{{{tei.XML_NS}}}id")] = normalise(text_of(entry.find(f"{T}{tag}[@type='index']")))
    out: dict[str, set[str]] = {}
    for kind in kinds:
        for name in root.xpath(f"//t:text//t:{REGISTERS[kind]}[@ref]", namespaces=NS):
            unit = name.xpath("ancestor::*[@n][self::t:p or self::t:cit or self::t:item or self::t:floatingText]"
                              "[1]/@n", namespaces=NS)
            if not unit and name.xpath("ancestor::t:head", namespaces=NS):  # cited by its section's first ¶
                unit = name.xpath("ancestor::t:div[1]//*[@n][self::t:p or self::t:cit or self::t:item or "
                                  "self::t:lg or self::t:floatingText][1]/@n", namespaces=NS)[:1]
            if not unit and name.xpath("ancestor::t:epigraph", namespaces=NS):
                unit = ["epigraph"]
            out.setdefault(forms[name.get("ref").lstrip("#")], set()).update(unit)
    return out


def mention_forms(root: etree._Element) -> dict[str, set[str]]:
    """Register id → every form the TEI names it by (its index form too): what a locator's target
    must read."""
    out: dict[str, set[str]] = {}
    for tag in REGISTERS.values():
        for name in root.xpath(f"//t:text//t:{tag}[@ref]", namespaces=NS):
            out.setdefault(name.get("ref").lstrip("#"), set()).add("".join(name.itertext()))
    return out


def assert_index_links_land_on_their_names(root: etree._Element, book: Book, section: str,
                                           kinds: tuple[str, ...]) -> None:
    """The index read as a reader uses it: each locator opens on the very name it indexes — an element
    whose text is a form of the entry's name, in the paragraph the locator gives — or on a note,
    and then the locator says so ("¶ 35 n. 37")."""
    forms = mention_forms(root)
    name = next(n for n in book.spine if book.xhtml(n).xpath(f"//h:section[@id='{section}']", namespaces=H))
    index = book.xhtml(name).xpath(f"//h:section[@id='{section}']", namespaces=H)[0]
    assert index.get(EPUB_TYPE) == "index"
    got: dict[str, set[str]] = {}
    for entry in index.xpath(".//h:li[@e:type='index-entry']", namespaces=H):
        assert entry.getparent().get(EPUB_TYPE) == "index-entry-list"
        assert len(entry.xpath("h:span[@e:type='index-term']", namespaces=H)) == 1
    for entry in index.xpath("h:div/h:ul/h:li", namespaces=H):  # the main entries: their sub-entries in them
        term = text_of(entry.xpath("h:span[@e:type='index-term']", namespaces=H)[0])
        see = entry.xpath("h:a[@e:type='index-xref-preferred']", namespaces=H)
        if see:  # a cross-reference ("Khrushchov, see Khrushchev"): it leads to its entry's heading
            target = resolve(book, name, see[0].get("href"))
            assert target is not None and target.get(EPUB_TYPE) == "index-term" and \
                text_of(target) == text_of(see[0]), term
            continue
        got[term] = set()
        refs: set[str] = set()
        for locator in entry.xpath(".//h:a[@e:type='index-locator']", namespaces=H):
            mention = resolve(book, name, locator.get("href"))
            assert mention is not None, locator.get("href")
            ref = mention.get("data-ref")
            shown = words(re.sub(r"[\[\]]", "", text_of(mention)))  # T[rotsky] is the TEI's Trotsky
            assert ref and shown in [words(f) for f in forms[ref]], \
                f"{term}: {text_of(locator)} opens on {text_of(mention)[:60]!r}, not on the name"
            refs.add(ref)
            if "".join(locator.itertext()) == "epigraph":  # a name in the epigraph, which has no number
                assert mention.xpath("ancestor::*[@e:type='epigraph']", namespaces=H)
                got[term].add("epigraph")
                continue
            label = re.fullmatch(r"¶\u00a0(\d+)(?:\u00a0n\.\u00a0(\S+))?", "".join(locator.itertext()))
            assert label, f"locator {text_of(locator)!r} should read ¶ n or ¶ n n. m (with no-break spaces)"
            unit = mention.xpath("ancestor-or-self::*[@data-n][1]/@data-n")
            if mention.xpath("ancestor::h:h2", namespaces=H):  # a heading: its section's first paragraph
                unit = mention.xpath("ancestor::h:h2/following::*[@data-n][1]/@data-n", namespaces=H)
            note = mention.xpath("ancestor::h:aside[@e:type='footnote']/@id", namespaces=H)
            assert bool(note) == bool(label[2]), f"{term}: {text_of(locator)} (in a note: {bool(note)})"
            if note:  # a mention in a note counts for the paragraph of the note's call, and says so
                call = resolve(book, name, locator.get("href").split("#")[0] + f"#{note[0]}-ref")
                unit = call.xpath("ancestor-or-self::*[@data-n][1]/@data-n")
                assert text_of(call) == label[2], f"{term}: {text_of(locator)} leads to note {text_of(call)}"
            assert unit == [label[1]], f"{term}: {text_of(locator)} leads to ¶ {unit}"
            got[term].add(label[1])
        assert len(refs) == 1, f"{term}: its locators lead to the names of {sorted(refs)}"
    assert got == expected_index(root, kinds)


@pytest.mark.parametrize("section, kinds", [("index-persons", ("person",)), ("index-places", ("place", "org"))])
def test_index_locators_read_as_paragraphs_and_lead_to_each_mention(root, book, section, kinds):
    assert_index_links_land_on_their_names(root, book, section, kinds)


@pytest.mark.parametrize("section, kinds", [("index-persons", ("person",)), ("index-places", ("place", "org"))])
def test_seed_index_links_land_on_their_names(seed_root, seed_book, section, kinds):
    assert_index_links_land_on_their_names(seed_root, seed_book, section, kinds)


# --- metadata --------------------------------------------------------------------------------------

def test_metadata_from_the_header(root, book):
    header = root.find(f"{T}teiHeader")
    assert book.dc("title") == [text_of(header.xpath(".//t:titleStmt/t:title[@type='main']", namespaces=NS)[0])]
    assert book.dc("language") == header.xpath(".//t:language/@ident", namespaces=NS)
    assert book.dc("creator") == [text_of(a) for a in header.xpath(".//t:titleStmt/t:author", namespaces=NS)]
    assert book.dc("contributor") == [text_of(e) for e in header.xpath(".//t:titleStmt/t:editor", namespaces=NS)]
    roles = {r.get("refines"): r.text for r in book.opf.xpath("//o:meta[@property='role']", namespaces=OPF)}
    assert sorted(roles.values()) == ["aut", "edt"]
    assert book.dc("publisher") == [text_of(header.xpath(".//t:publicationStmt/t:publisher", namespaces=NS)[0])]
    assert book.dc("date") == header.xpath(".//t:publicationStmt/t:date/@when", namespaces=NS)
    assert book.dc("rights") == [text_of(header.xpath(".//t:licence", namespaces=NS)[0])]
    assert book.dc("subject") == [text_of(t) for t in header.xpath(".//t:keywords/t:term", namespaces=NS)]
    source = book.dc("source")[0]
    for part in header.xpath(".//t:sourceDesc/t:bibl/t:title", namespaces=NS):
        assert text_of(part) in source
    assert header.xpath("string(.//t:sourceDesc//t:ptr/@target)", namespaces=NS) in source
    unique = book.opf.get("unique-identifier")
    assert book.opf.xpath(f"//dc:identifier[@id='{unique}']/text()", namespaces=OPF) == [book_identifier(root)]


def test_seed_foreign_phrases_carry_their_language(seed_book):
    """Every phrase of the editorial layer's foreign: list, wherever the text, its notes or the preface
    print it, stands in an element with its xml:lang (and lang), in italics (issue 15 point 2)."""
    import yaml

    from conftest import SEEDS
    items = yaml.safe_load((SEEDS / "stalin-50-years.yaml").read_text(encoding="utf-8"))["foreign"]
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    docs = [seed_book.xhtml(n) for n in seed_book.spine]
    docs = [d for d in docs if d.find("h:body", H).get(EPUB_TYPE) == "bodymatter"]
    for item in items:
        phrase = normalise(item["phrase"])
        printed = sum(text_of(d.find("h:body", H)).count(phrase) for d in docs)
        tagged = [el for d in docs for el in d.xpath(f"//h:body//*[@xml:lang='{item['lang']}']", namespaces=H)
                  if phrase in text_of(el)]
        assert printed > 0, phrase
        assert sum(text_of(el).count(phrase) for el in tagged) == printed, f"{phrase}: not every one tagged"
        for el in tagged:
            assert el.get("lang") == el.get(xml_lang) and el.xpath(".//h:em", namespaces=H), phrase


NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}


def assert_package_metadata_complete(book: Book) -> None:
    """What a catalogue and a reading system read from the package: a description, the title and
    each author sorted (`file-as`), no vocabulary declared and unused, an NCX with one title per
    entry and its real depth, contents entries that open a chapter without a fragment."""
    assert book.dc("description") and book.dc("publisher") and book.dc("subject")
    for el in book.opf.xpath("//o:metadata/dc:title[1] | //o:metadata/dc:creator", namespaces=OPF):
        assert book.opf.xpath(f"//o:meta[@refines='#{el.get('id')}'][@property='file-as']/text()",
                              namespaces=OPF), f"no file-as for {el.text}"
    for name in re.findall(r"(\S+):\s", book.opf.get("prefix") or ""):
        assert book.opf.xpath(f"//o:metadata/*[starts-with(@property, '{name}:')]", namespaces=OPF), name
    for name in book.documents:
        doc = book.xhtml(name)
        if doc.get("{http://www.idpf.org/2007/ops}prefix"):
            assert any("z3998:" in (el.get(EPUB_TYPE) or "") for el in doc.iter() if isinstance(el.tag, str)), \
                f"{name} declares z3998 and never uses it"
    ncx_name = book.path(book.opf.xpath("//o:item[@media-type='application/x-dtbncx+xml']/@href",
                                        namespaces=OPF)[0])
    ncx = etree.fromstring(book.zip.read(ncx_name))
    labels = ncx.xpath("//n:navPoint/n:navLabel/n:text/text()", namespaces=NCX)
    assert len(labels) == len(set(labels)), f"NCX titles repeat: {labels}"
    depth = max(len(p.xpath("ancestor-or-self::n:navPoint", namespaces=NCX))
                for p in ncx.xpath("//n:navPoint", namespaces=NCX))
    assert ncx.xpath("string(//n:meta[@name='dtb:depth']/@content)", namespaces=NCX) == str(depth)
    nav_name = next(book.path(i.get("href")) for i in book.items.values() if "nav" in (i.get("properties") or ""))
    links = [(nav_name, a.get("href")) for a in book.xhtml(nav_name).xpath("//h:nav[@e:type='toc']//h:a",
                                                                             namespaces=H)]
    links += [(ncx_name, c) for c in ncx.xpath("//n:content/@src", namespaces=NCX)]
    for source, href in links:
        target = resolve(book, source, href)
        assert target is not None, href
        if target is not True:  # a fragment: only where text of the file comes before it
            page = book.xhtml(book.path(href.split("#")[0], relative_to=source))
            before = page.find("h:body", H).xpath(f".//text()[following::*[@id='{target.get('id')}']]"
                                                  f"[not(ancestor::*[@id='{target.get('id')}'])]", namespaces=H)
            assert "".join(before).strip(), f"{source}: {href} opens its file, but with a fragment"


def test_package_metadata_complete(book):
    assert_package_metadata_complete(book)


def test_seed_package_metadata_complete(seed_book):
    assert_package_metadata_complete(seed_book)
    assert seed_book.opf.xpath("//o:meta[@property='file-as']/text()", namespaces=OPF)[1] == "Woods, Alan"


def test_accessibility_metadata(book):
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    features = book.meta("schema:accessibilityFeature")
    for feature in ("alternativeText", "tableOfContents", "index", "readingOrder", "structuralNavigation"):
        assert feature in features
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert len(book.meta("schema:accessibilitySummary")[0]) > 80
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert book.meta("a11y:certifiedBy")


def test_cover_image_with_alternative_text(root, book):
    cover_item = [i for i in book.items.values() if "cover-image" in (i.get("properties") or "").split()]
    assert len(cover_item) == 1
    png = book.zip.read(book.path(cover_item[0].get("href")))
    assert Image.open(io.BytesIO(png)).size == (1600, 2400)
    page = book.xhtml(book.spine[0])
    img = page.xpath("//h:img", namespaces=H)[0]
    assert book.path(img.get("src"), book.spine[0]) == book.path(cover_item[0].get("href"))
    info = read_header(root)
    assert img.get("alt") and info.authors[0] in img.get("alt")
    assert words(info.title) == words(img.get("alt"))[1:1 + len(words(info.title))]


def test_identifier_survives_a_correction_of_the_text(root):
    """A corrected book is the same book to stores and to readers' synced notes (issue 13): the
    identifier is the one edition.yaml gave (publicationStmt/idno), else derived from the slug, title
    and authors — never from the text."""
    changed_text = copy.deepcopy(root)
    changed_text.xpath("//t:body//t:p[@n='1']", namespaces=NS)[0].text = "Sixty years ago "
    ident = book_identifier(root)
    assert uuid.UUID(ident.removeprefix("urn:uuid:")).version == 5
    assert book_identifier(changed_text) == ident
    renamed = copy.deepcopy(root)
    renamed.xpath("//t:publicationStmt/t:idno[@type='slug']", namespaces=NS)[0].text = "another-book"
    assert book_identifier(renamed) != ident
    pub = renamed.xpath("//t:publicationStmt/t:idno[@type='slug']", namespaces=NS)[0]
    pub.addprevious(etree.Element(f"{T}idno", type="URI"))
    pub.getprevious().text = "urn:uuid:0b6b1f9e-4a57-4c57-9a4e-6f0f7d7a1c11"
    assert book_identifier(renamed) == "urn:uuid:0b6b1f9e-4a57-4c57-9a4e-6f0f7d7a1c11"


# --- reproducibility -------------------------------------------------------------------------------

def test_two_builds_are_byte_identical_across_processes(book, tmp_path):
    """A second build in a fresh interpreter (other hash seed) gives the same bytes."""
    out = tmp_path / "again.epub"
    script = ("import sys; from lxml import etree; from edition.render.epub import render_epub; "
              f"open(sys.argv[1], 'wb').write(render_epub(etree.parse({str(FIXTURE)!r}).getroot()))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, capture_output=True)
    assert out.read_bytes() == book.data


def test_source_date_epoch_sets_the_modification_date(root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1046822400")  # 2003-03-05T00:00:00Z
    first = render_epub(root)
    assert render_epub(root) == first
    again = Book(first)
    assert again.meta("dcterms:modified") == ["2003-03-05T00:00:00Z"]
    assert {info.date_time for info in again.zip.infolist()} == {(2003, 3, 5, 0, 0, 0)}
    assert again.zip.infolist()[0].filename == "mimetype"
    assert again.zip.infolist()[0].compress_type == zipfile.ZIP_STORED


def test_without_source_date_epoch_the_date_is_the_editions(book, root):
    assert book.meta("dcterms:modified") == [
        root.xpath("string(//t:publicationStmt/t:date/@when)", namespaces=NS) + "T00:00:00Z"]


# --- styles ----------------------------------------------------------------------------------------

def test_styles_leave_size_and_colour_to_the_reader(book):
    css_item = next(i for i in book.items.values() if i.get("media-type") == "text/css")
    css = book.zip.read(book.path(css_item.get("href"))).decode()
    css_rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert "!important" not in css_rules
    assert not re.search(r"font-size\s*:\s*[\d.]+(px|pt|pc|cm|mm|in)\b", css_rules), "fixed font size"
    assert not re.search(r"(?<![-\w])(color|background(-color)?)\s*:\s*+(?!inherit|transparent|currentColor)",
                         css_rules), "a colour that fights night mode"
    assert not re.search(r"\[epub\|", css_rules), "namespaced selectors void whole rules in some readers"
    fonts = re.findall(r"url\(\"?([^\")]+\.ttf)", css_rules)
    assert fonts and all(book.path(f, book.path(css_item.get("href"))) in book.zip.namelist() for f in fonts)
    assert re.search(r"font-family:\s*\"Source Serif 4\",\s*serif", css_rules), "a fallback for reader fonts"


# --- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize("xpath, what", [
    ("//t:titleStmt/t:title | //t:front//t:titlePart", "title"),
    ("//t:langUsage", "language"),
    ("//t:publicationStmt/t:date | //t:sourceDesc//t:date", "date"),
])
def test_header_without_what_the_epub_needs_is_an_input_error(root, xpath, what):
    damaged = copy.deepcopy(root)
    for el in damaged.xpath(xpath, namespaces=NS):
        el.getparent().remove(el)
    damaged.attrib.pop(f"{{{tei.XML_NS}}}lang", None)
    with pytest.raises(InputError, match=what):
        render_epub(damaged)  # refused before any work


def test_bad_source_date_epoch_is_an_input_error(root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        render_epub(root)


def test_cover_alt_says_what_the_cover_shows():
    info = BookInfo(title="T", lang="en", identifier="urn:uuid:x", published="2020", subtitle="A critical edition",
                    authors=("A. Author",), editors=("The Editors",))
    alt = cover_alt(info)
    for part in ("T", "A. Author", "A critical edition", "The Editors"):
        assert part in alt


# --- the forms of real essays (corpus-forms: title page, authorial notes, verse, letters …) ---------

FORMS = Path(__file__).parent / "fixtures" / "corpus-forms.tei.xml"
XML_ID = f"{{{tei.XML_NS}}}id"


@pytest.fixture(scope="module")
def forms_root() -> etree._Element:
    return etree.parse(str(FORMS)).getroot()


@pytest.fixture(scope="module")
def forms_book(forms_root) -> Book:
    return Book(render_epub(forms_root))


def forms_footnotes(root: etree._Element) -> list:
    """The notes the EPUB pops up: the editors', and the author's that stand at a marker in the text."""
    return root.xpath("//t:text//t:note[@place='foot'][@type='editorial' or not(parent::t:div or parent::t:body)]",
                      namespaces=NS)


def forms_note_words(note: etree._Element) -> list[str]:
    """A note's words as the editions print them: without the author's label."""
    kept = [note.text or ""] if note.find("t:label", NS) is None else []
    for child in note:
        if etree.QName(child).localname != "label":
            kept.append("".join(child.itertext()))
        kept.append(child.tail or "")
    return words(" ".join(kept))


def forms_text_words(root: etree._Element) -> list[str]:
    """The text's words outside its footnotes and title page (and the notes section left with only
    the anchors of where its notes stood)."""
    skip = set(forms_footnotes(root)) | set(root.xpath(
        "//t:titlePage | //t:div[@type='notes'][not(*[not(self::t:head or self::t:anchor)])]", namespaces=NS))
    return words(text_outside(root.find("t:text", NS), skip))


@pytest.mark.slow  # EPUBCheck: a Java VM per book
def test_forms_epubcheck_reports_nothing(forms_book):
    assert_epubcheck_clean(forms_book)


def test_forms_every_word_of_the_text_in_spine_order(forms_root, forms_book):
    expected = forms_text_words(forms_root)
    read = words(" ".join(reading_text(forms_book, name) for name in forms_book.spine[2:]))  # after the title page
    missing = first_missing(expected, read)
    assert missing is None, f"word {missing} {expected[missing]!r} not found in order"
    assert "footnotes" not in read


def test_forms_authorial_notes_pop_up_with_their_sign(forms_root, forms_book):
    notes = forms_footnotes(forms_root)
    refs = [(n, a) for n in forms_book.spine for a in forms_book.xhtml(n).xpath("//h:a[@e:type='noteref']", namespaces=H)]
    assert [a.get("href").lstrip("#") for _, a in refs] == [n.get(XML_ID) for n in notes]
    for (name, ref), note in zip(refs, notes):
        authorial = note.get("type") == "authorial"
        sign = unicodedata.normalize("NFKC", note.get("n"))
        assert text_of(ref) == sign
        aside = resolve(forms_book, name, ref.get("href"))
        assert aside is not None and aside.get(EPUB_TYPE) == "footnote"
        assert ("authorial" in (aside.get("class") or "")) == authorial
        back = aside.xpath(".//h:a[@role='doc-backlink']", namespaces=H)
        assert len(back) == 1 and text_of(back[0]) == f"{sign}."
        assert resolve(forms_book, name, back[0].get("href")).get("id") == ref.get("id")
        expected = forms_note_words(note) + (["author", "s", "note"] if authorial else [])
        assert words(text_of(aside))[len(words(sign)):] == expected, note.get(XML_ID)


def test_forms_title_page_contents_and_numbers(forms_root, forms_book):
    page = forms_book.xhtml(forms_book.spine[1])
    h1 = page.xpath("//h:section[@e:type='titlepage']/h:h1", namespaces=H)[0]
    assert h1.xpath("h:br", namespaces=H) and text_of(h1) == "MANIFESTO OF THE"
    assert [text_of(p) for p in page.xpath("//h:p[@e:type='subtitle']", namespaces=H)][:1] == ["COMMUNIST PARTY"]
    bylines = page.xpath("//h:section[@e:type='titlepage']/h:p[@class='author']", namespaces=H)
    assert [len(b.xpath("h:br", namespaces=H)) for b in bylines] == [3, 1]
    nav_name = next(forms_book.path(i.get("href")) for i in forms_book.items.values()
                    if "nav" in (i.get("properties") or ""))
    toc = forms_book.xhtml(nav_name).xpath("//h:nav[@e:type='toc']", namespaces=H)[0]
    assert not toc.xpath(".//h:br", namespaces=H)
    assert "I. BOURGEOIS AND PROLETARIANS." in [text_of(a) for a in toc.xpath(".//h:a", namespaces=H)]
    units = forms_root.xpath("//t:text//*[@n][not(self::t:note)]/@n", namespaces=NS)
    numbers = [text_of(s) for n in forms_book.spine for s in forms_book.xhtml(n).xpath("//h:span[@class='pn']", namespaces=H)]
    assert numbers == units == [str(i) for i in range(1, 19)]
    verse = [v for n in forms_book.spine for v in forms_book.xhtml(n).xpath("//*[@e:type='z3998:verse']", namespaces=H)]
    assert len(verse) == len(forms_root.xpath("//t:lg", namespaces=NS))
