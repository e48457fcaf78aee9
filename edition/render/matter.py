"""The front and back matter of the book: half-title, title page, imprint, contents; textual notes,
works cited, the indexes of persons and of places and bodies (DESIGN §5)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lxml import etree

from .. import typography
from ..tei import NS, XML_ID, local
from .header import long_date, text_of
from .inlines import Correction, Mention, UnknownElement, textual_note_id
from .pandoc import BulletList, Div, Emph, Header, Link, Para, Plain, Space, Span, Str, attr, caps_class, \
    stringify, trim, words

#: an index entry named in more paragraphs than this (in more than one section) is divided by section
SUBDIVIDE_OVER = 12
#: the sub-entry of the mentions before the first section's heading
OPENING = "opening paragraphs"
#: words before a name that a reader does not look it up by
HONORIFICS = {"the", "a", "an", "mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "comrade", "citizen",
              "saint", "st", "president", "general", "professor", "prof", "rev", "reverend", "captain",
              "colonel", "king", "queen", "prince", "princess", "emperor", "tsar", "czar", "pope"}

#: the back matter's divisions, in order: (id, heading)
BACK_SECTIONS = (
    ("textual-notes", "Textual notes"),
    ("works-cited", "Works cited"),
    ("index-persons", "Index of persons"),
    ("index-places", "Index of places and bodies"),
)

@dataclass
class Entry:
    """One register entry (person, place or body)."""

    id: str
    kind: str
    index_form: str
    born: str | None = None
    died: str | None = None


@dataclass
class TitlePage:
    """The title page's lines as inlines: the title (line breaks kept), subtitles, bylines."""

    title: list
    subtitles: list[list]
    bylines: list[list]
    own_title: bool = False  # the title and subtitles are the source's title page's
    own_bylines: bool = False  # the bylines are the source's title page's (not the header's author)


def read_registers(root: etree._Element) -> dict[str, Entry]:
    """The standOff registers: id → Entry for persons, places and bodies."""
    out: dict[str, Entry] = {}
    for kind, path, name in (("person", "//t:standOff//t:person", "persName"),
                             ("place", "//t:standOff//t:place", "placeName"),
                             ("org", "//t:standOff//t:org", "orgName")):
        for el in root.xpath(path, namespaces=NS):
            names = el.xpath(f"t:{name}[@type='index']", namespaces=NS) or el.xpath(f"t:{name}", namespaces=NS)
            ident = el.get(XML_ID)
            form = text_of(names[0]) if names else ident
            born = el.xpath("string(t:birth/@when)", namespaces=NS) or None
            died = el.xpath("string(t:death/@when)", namespaces=NS) or None
            out[ident] = Entry(ident, kind, form, born, died)
    return out


def year(when: str | None) -> str | None:
    """The year of a TEI date (`1870`, `1870-04-22`, `-0044`)."""
    if not when:
        return None
    m = re.match(r"-?\d+", when)
    return m.group(0).lstrip("0") if m else None


class Matter:
    """The front and back matter of `Book` (ast.py): what the text walk found — sections, mentions,
    emendations — and the header and registers, set as title pages, contents, textual notes, works
    cited and indexes. Locators and page numbers are left neutral (see ast.py): the targets fill
    them, print with pages, EPUB with paragraphs."""

    # back matter

    def back(self) -> list:
        """Textual notes, works cited, the two indexes: each only when it has something to show
        (issue 14 point 7); `back_present` lists those made, for the contents."""
        self._anchoring = False
        sections = [
            ("textual-notes", self.textual_notes()),
            ("works-cited", self.works_cited()),
            ("index-persons", self.index(("person",))),
            ("index-places", self.index(("place", "org"))),
        ]
        self.back_present = [ident for ident, blocks in sections if blocks]
        return [self.back_section(ident, blocks) for ident, blocks in sections if blocks]

    def back_section(self, ident: str, blocks: list) -> dict:
        heading = dict(BACK_SECTIONS)[ident]
        return Div(attr("", ["back-section", ident]), [Header(2, attr(ident), words(heading))] + blocks)

    def textual_notes(self) -> list:
        """One line per emendation: where, the reading printed, the source's reading."""
        if not self.corrections:
            return []
        items = []
        for c in self.corrections:
            # the apparatus convention: lemma] variant, with the witness's name in italics
            line = self.correction_locator(c) + [Space()] + c.corr + [Str("]"), Space()] + \
                self.text_run(c.sic) + [Space(), Emph([Str("source")])]
            items.append([Plain([Span(attr(textual_note_id(c.anchor), ["textual-note"]), line)])])
        return [Div(attr("", ["apparatus"]), [BulletList(items)])]

    def works_cited(self) -> list:
        """The listBibl, alphabetically, each with its anchor."""
        bibls = self.root.xpath("//t:standOff//t:listBibl/t:bibl", namespaces=NS)
        entries = []
        for b in bibls:
            self._prev = " "
            self._para = None
            entries.append((text_of(b).casefold(), b.get(XML_ID) or "", self.bibliography_entry(b)))
        entries.sort(key=lambda e: e[0])
        if not entries:
            return []
        return [Div(attr("", ["bibliography"]), [
            Div(attr(ident, ["bibl-entry"]), [Para(inl)]) for _, ident, inl in entries])]

    def bibliography_entry(self, bibl: etree._Element) -> list:
        """Author. *Title*. Edition. Place: Publisher, date. Note. — from the parts of a listBibl entry."""
        parts = {local(k): k for k in bibl if isinstance(k.tag, str)}
        unknown = set(parts) - {"author", "editor", "title", "edition", "pubPlace", "publisher", "date",
                                "biblScope", "note"}
        if unknown:
            raise UnknownElement(parts[sorted(unknown)[0]], "in a works-cited entry")
        if not parts and (bibl.text or "").strip():
            return self.content(bibl)

        def run(key: str) -> list:
            return trim(self.inner(parts[key]))

        def sentence(inlines: list) -> list:
            """End a part with a full stop unless it ends in punctuation already."""
            last = stringify(inlines)[-1:] if inlines else ""
            return inlines + ([] if last in ".?!" else [Str(".")])

        out: list = []
        for key, prefix in (("author", ""), ("editor", "Edited by ")):
            if key in parts:
                out += [Space()] if out else []
                out += sentence(words(prefix) + ([Space()] if prefix else []) + run(key))
        if "title" in parts:
            out += ([Space()] if out else []) + sentence([Emph(run("title"))])
        if "edition" in parts:
            out += [Space()] + sentence(run("edition"))
        imprint = run("pubPlace") if "pubPlace" in parts else []
        if "publisher" in parts:
            imprint += ([Str(":"), Space()] if imprint else []) + run("publisher")
        if "date" in parts:
            imprint += ([Str(","), Space()] if imprint else []) + run("date")
        if imprint:
            out += [Space()] + sentence(imprint)
        if "biblScope" in parts:
            out += [Space()] + sentence(run("biblScope"))
        if "note" in parts:
            out += [Space()] + sentence(run("note"))
        return out

    def index(self, kinds: tuple[str, ...]) -> list:
        """An index: entries alphabetically, each with life dates and locators (divided by section
        when there are too many to use), and a cross-reference from each other form of the text
        that a reader may look up."""
        by_ref: dict[str, list[Mention]] = defaultdict(list)
        for m in self.mentions:
            if m.kind in kinds:
                by_ref[m.ref].append(m)
        rows: list[tuple[str, list]] = []
        see: dict[str, list[tuple[str, str]]] = defaultdict(list)  # a form → the entries it stands for
        for ref, mentions in by_ref.items():
            entry = self.registers.get(ref) or Entry(ref, mentions[0].kind, ref)
            form = typography.normalise(entry.index_form, lang=self.lang)
            rows.append((form.casefold(), self.index_entry(entry, form, mentions)))
            for variant in cross_references(form, mentions):
                see[variant].append((form, ref))
        headings = {key for key, _ in rows}
        for variant, targets in see.items():
            if variant.casefold() not in headings:
                rows.append((variant.casefold(), [Plain(self.cross_reference(variant, sorted(targets)))]))
        rows.sort(key=lambda r: r[0])
        if not rows:
            return []
        return [Div(attr("", ["index"]), [BulletList([blocks for _, blocks in rows])])]

    def index_entry(self, entry: Entry, form: str, mentions: list[Mention]) -> list:
        """One entry: its heading (anchored, for cross-references), life dates, and locators — or,
        for an entry named in more than SUBDIVIDE_OVER paragraphs of several sections, one
        sub-entry per section, so that "7–29" becomes where in the book each mention is."""
        head = [Span(attr(f"ix-{entry.id}", ["index-term"]), words(form))]
        dates = life_dates(entry)
        if dates:
            head += [Space(), Span(attr("", ["dates"]), [Str(dates)])]
        by_section: dict[str | None, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_section[m.section].append(m)
        if len({m.para for m in mentions}) <= SUBDIVIDE_OVER or len(by_section) < 2:
            return [Plain(head + [Str(","), Space()] + self.locators(mentions))]
        subs = [[Plain([Span(attr("", ["index-term"]), self.section_label(section)), Str(","), Space()]
                       + self.locators(ms))] for section, ms in by_section.items()]
        return [Plain(head), BulletList(subs)]

    def section_label(self, section: str | None) -> list:
        """A sub-entry's heading: the section's, on one line (small capitals where the source set it
        in capitals); the text before the first heading is the opening."""
        if section is None:
            return words(OPENING)
        heading = words(stringify(dict(self.sections)[section]))
        return [Span(attr("", ["caps"]), heading)] if caps_class(heading) else heading

    @staticmethod
    def cross_reference(variant: str, targets: list[tuple[str, str]]) -> list:
        """"Khrushchov, *see* Khrushchev, Nikita", the entry linked (more than one: "; ")."""
        out = [Span(attr("", ["index-term"]), words(variant)), Str(","), Space(), Emph([Str("see")]), Space()]
        for i, (form, ref) in enumerate(targets):
            out += ([Str(";"), Space()] if i else []) + [Link(words(form), f"#ix-{ref}", attr("", ["see"]))]
        return out

    # front matter

    def title_page(self) -> TitlePage:
        """What the title page shows of the text's title: the source's own title page where it has
        one of its own (its lines, subtitles, bylines), else the header's title and author.

        A source title page that only repeats the title on one line (the seed's) leaves the header's
        form, whose "Main: subtitle" is split in two."""
        norm = lambda s: words(typography.normalise(s, lang=self.lang))  # noqa: E731
        main, _, sub = self.header.title.partition(": ")
        out = TitlePage(norm(main), [norm(sub)] if sub else [],
                        [norm(" and ".join(self.header.authors))] if self.header.authors else [])
        found = self.root.xpath("t:text/t:front/t:titlePage", namespaces=NS)
        if not found:
            return out
        page = found[0]
        anchoring, self._anchoring = self._anchoring, False  # names on the title page are not mentions

        def lines(el: etree._Element) -> list:
            self._prev = " "
            return self.content(el)

        mains = page.xpath("t:docTitle/t:titlePart[@type='main']", namespaces=NS)
        subs = page.xpath("t:docTitle/t:titlePart[@type='sub']", namespaces=NS)
        if mains and (subs or mains[0].xpath("t:lb", namespaces=NS)):
            out.title, out.subtitles = lines(mains[0]), [lines(s) for s in subs]
            out.own_title = True
        bylines = page.xpath("t:byline", namespaces=NS)
        if bylines:
            out.bylines = [lines(b) for b in bylines]
            out.own_bylines = True
        self._anchoring = anchoring
        return out

    def front(self) -> list:
        """Half-title, title page, imprint, contents."""
        h = self.header
        main, _, sub = h.title.partition(": ")
        norm = lambda s: words(typography.normalise(s, lang=self.lang))  # noqa: E731
        half = Div(attr("half-title", ["half-title"]), [Para(norm(main))])
        page = self.title_page()
        title_blocks = [Header(1, attr("title", ["title"] + caps_class(page.title)), page.title)]
        for subtitle in page.subtitles:
            title_blocks.append(Div(attr("", ["subtitle"] + caps_class(subtitle)), [Para(subtitle)]))
        for byline in page.bylines:
            title_blocks.append(Div(attr("", ["author"]), [Para(byline)]))
        if h.subtitle:
            title_blocks.append(Div(attr("", ["edition-title"]), [Para(norm(h.subtitle))]))
        if h.editors:
            title_blocks.append(Div(attr("", ["editors"]), [Para(norm(f"edited by {' and '.join(h.editors)}"))]))
        if h.publisher:
            press = ", ".join(filter(None, (h.publisher, h.place)))
            title_blocks.append(Div(attr("", ["publisher"]), [Para(norm(press))]))
        title_page = Div(attr("title-page", ["title-page"]), title_blocks)
        return [half, title_page, self.imprint(), self.contents()]

    def imprint(self) -> dict:
        """The imprint page: source, edition statement, date, licence (and the typeface in print)."""
        h = self.header
        norm = lambda s: words(typography.normalise(s, lang=self.lang))  # noqa: E731
        lines = []
        if h.source:
            lines.append(norm(f"Source: {h.source}"))
        if h.date:
            lines.append(norm(f"The text is dated {long_date(h.date)}."))
        if h.edition:
            statement = h.edition + (f", edited by {' and '.join(h.editors)}" if h.editors else "")
            if h.published:
                statement += f", {long_date(h.published)}"
            lines.append(norm(statement + "."))
        if h.series:
            lines.append(norm(f"Series: {h.series}."))
        if h.publisher:
            lines.append(norm(f"Published by {', '.join(filter(None, (h.publisher, h.place)))}."))
        if h.isbn:
            lines.append(words(f"ISBN {h.isbn}"))  # as registered: its hyphens are no dashes
        if h.licence:
            licence = h.licence.rstrip(".")  # the sentence's own full stop follows
            lic = norm(f"Licence: {licence}.")
            if h.licence_url:
                lic = norm("Licence:") + [Space(), Link(norm(licence), h.licence_url), Str(".")]
            lines.append(lic)
        return Div(attr("imprint", ["imprint"]), [Para(line) for line in lines] + [
            Div(attr("", ["furniture"]), []), Div(attr("", ["numbers-note"]), [])])

    def contents(self) -> dict:
        """The table of contents: sections of the text, then the back matter."""
        entries = [(ident, heading) for ident, heading in self.sections]
        present = getattr(self, "back_present", [ident for ident, _ in BACK_SECTIONS])
        entries += [(ident, words(title)) for ident, title in BACK_SECTIONS if ident in present]
        items = [[Plain([Link(heading, f"#{ident}")] + self.contents_locator(ident))] for ident, heading in entries]
        return Div(attr("contents", ["contents"]), [
            Header(2, attr("contents-title"), words("Contents")), BulletList(items)])


    # what the targets fill in (render/targets.py)

    @staticmethod
    def locators(mentions: list[Mention]) -> list:
        """Where an index entry is mentioned: one `mention` link per mention."""
        return [Span(attr("", ["locators"]), [mention_link(m.anchor, m.para, m.note) for m in mentions])]

    @staticmethod
    def correction_locator(c: Correction) -> list:
        """Where an emendation stands: its `mention` link."""
        return [Span(attr("", ["locator"]), [mention_link(c.anchor, c.para)])]

    @staticmethod
    def contents_locator(ident: str) -> list:
        """A contents entry's page: empty, named by the section's id."""
        return [Span(attr("", ["page"], ref=ident), [])]


def mention_link(anchor: str, para: str | None, note: str | None = None) -> dict:
    """A link to one mention, with the number of its paragraph and the sign of its note (if any)."""
    kv = {k: v for k, v in (("para", para), ("note", note)) if v}
    return Link([], f"#{anchor}", attr("", ["mention"], **kv))


def cross_references(index_form: str, mentions: list[Mention]) -> list[str]:
    """The forms of the text a reader may look up and not find the entry by: a pseudonym (Starik), a
    spelling (Khrushchov), an acronym (CPSU), another name (Soviet Union). Not the index form's own
    words (a surname, a first name), plurals of them, initials and abbreviations, or the title or
    article before a name ("Comrade Kamenev", "the Bolsheviks")."""
    own = {w.casefold() for w in re.findall(r"\w+", index_form)}

    def known(word: str) -> bool:
        word = word.casefold().rstrip(".,;:").removesuffix("\u2019s").removesuffix("'s")
        return word in own or word.removesuffix("s") in own

    out = []
    for m in mentions:
        form = re.sub(r"[\[\]]", "", m.form)  # the editors' supply: "Kam[enev]"
        looked_up = [w for w in form.split() if w.casefold().rstrip(".") not in HONORIFICS
                     and not w.endswith(".")]  # initials and abbreviations: "V.", "Ia.", "Vlad."
        if looked_up and not known(looked_up[0]) and looked_up[0][:1].isupper():
            variant = " ".join(looked_up)
            if variant not in out:
                out.append(variant)
    return out


def life_dates(entry: Entry) -> str:
    """(1870–1924), (b. 1944), (d. 1924) or ''."""
    born, died = year(entry.born), year(entry.died)
    if born and died:
        return f"({born}\u2013{died})"
    if born:
        return f"(b.\u00a0{born})"
    if died:
        return f"(d.\u00a0{died})"
    return ""
