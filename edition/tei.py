"""TEI namespaces, element construction, the header, serialisation, validation, and the two texts.

`diplomatic()` and `reading()` walk the text nodes of `<text>` in document order: the encoding keeps
the source's characters there and records what it dropped in `@rend` tokens (docs/encoding.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path

from lxml import etree

from .errors import InputError, warn
from .identity import Identity
from .source import check_size, read_bytes

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
T = "{%s}" % TEI_NS
XML_ID = "{%s}id" % XML_NS
XML_LANG = "{%s}lang" % XML_NS
NSMAP = {None: TEI_NS}
NS = {"t": TEI_NS}

SCHEMA_DIR = Path(__file__).parent / "schema"

#: `@rend` delimiter names and the characters they stand for.
DELIMITERS = {
    "quot": '"', "apos": "'", "ldquo": "\u201c", "rdquo": "\u201d", "lsquo": "\u2018",
    "rsquo": "\u2019", "laquo": "\u00ab", "raquo": "\u00bb", "bdquo": "\u201e", "lpar": "(", "rpar": ")",
    "lsqb": "[", "rsqb": "]", "lowbar": "_",
}
DELIMITER_NAMES = {char: name for name, char in DELIMITERS.items()}
GAP_FORMS = {"src-hellip": "[\u2026]", "src-dots": "[...]"}


def el(tag: str, text: str | None = None, /, **attrs: str) -> etree._Element:
    """A TEI element; `xml_id` and `xml_lang` keyword arguments become xml:id / xml:lang."""
    node = etree.Element(T + tag, nsmap=NSMAP)
    for key, value in attrs.items():
        if value is None:
            continue
        key = {"xml_id": XML_ID, "xml_lang": XML_LANG}.get(key, key)
        node.set(key, str(value))
    if text is not None:
        node.text = text
    return node


def sub(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str) -> etree._Element:
    node = el(tag, text, **attrs)
    parent.append(node)
    return node


def local(node: etree._Element) -> str:
    """The element's name without its namespace; '' for comments and processing instructions."""
    tag = node.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def rend_tokens(node: etree._Element) -> list[str]:
    return (node.get("rend") or "").split()


def delimiters(node: etree._Element) -> tuple[str, str]:
    """The source characters an element's `pre-*`/`post-*` tokens stand for."""
    pre, post = [], []
    for token in rend_tokens(node):
        kind, _, name = token.partition("-")
        if name in DELIMITERS and kind in ("pre", "post"):
            (pre if kind == "pre" else post).append(DELIMITERS[name])
    return "".join(pre), "".join(post)


# --- the two texts ------------------------------------------------------------------------------

def _source_text(root: etree._Element, keep: str, places: dict | None = None) -> str:
    """Concatenate the text of `<text>`; `keep` is 'sic' (diplomatic) or 'corr' (reading).

    An author's footnote stands at its marker: there it gives back the marker (`@n` and the
    brackets in its @rend), and its text is given back at the anchor where the source had it.
    `places`, when given, receives for each element walked the offsets (newlines as LF, no BOM)
    where its text and its tail start; an element left out (a correction, the editors' note) gets
    the offset where it stands."""
    text_el = root.find(T + "text") if local(root) == "TEI" else root
    moved = {a.get("corresp", "")[1:] for a in text_el.iter(T + "anchor") if a.get("type") == "note-source"}
    notes = {n.get(XML_ID): n for n in text_el.iter(T + "note") if n.get(XML_ID) in moved}
    out: list[str] = []
    length = 0

    def emit(text: str) -> None:
        nonlocal length
        out.append(text)
        length += len(text)

    def place(node: etree._Element, which: int) -> None:
        if places is not None:
            places.setdefault(node, [length, length])[which] = length

    def content(node: etree._Element) -> None:
        place(node, 0)
        emit(node.text or "")
        for child in node:
            walk(child)
            place(child, 1)
            emit(child.tail or "")

    def walk(node: etree._Element) -> None:
        name = local(node)
        if not name:  # comment or processing instruction
            return
        if name == "note" and node.get("type") == "editorial" or name == "div" and node.get("resp") == "#editors":
            place(node, 0)
            return  # the editors' notes and preface are not the source's text
        if name in ("sic", "corr") and name != keep:
            place(node, 0)
            return
        if name == "gap":
            emit(GAP_FORMS.get(node.get("rend", ""), "[\u2026]"))
            return
        pre, post = delimiters(node)
        if name == "note" and node.get(XML_ID) in moved:
            emit(pre + (node.get("n") or "") + post)  # the marker
            return
        if name == "anchor" and node.get("type") == "note-source":
            note = notes.get(node.get("corresp", "")[1:])
            if note is not None:
                content(note)  # the note's text, where the source had it
            return
        if name == "supplied" and node.get("resp") != "#editors":  # the author's brackets
            pre, post = pre + "[", "]" + post
        emit(pre)
        content(node)
        emit(post)

    walk(text_el)
    result = "".join(out)
    tokens = rend_tokens(text_el)
    if "source-crlf" in tokens:
        result = result.replace("\n", "\r\n")
    if "source-bom" in tokens:
        result = "\ufeff" + result
    return result


def diplomatic(root: etree._Element) -> str:
    """The source exactly as it was: sic readings, every dropped delimiter restored."""
    return _source_text(root, "sic")


def reading(root: etree._Element) -> str:
    """The source with the editors' corrections applied (the text the editions present)."""
    return _source_text(root, "corr")


def source_places(root: etree._Element) -> tuple[str, dict]:
    """The source's text (newlines as LF, no BOM) and where each element of `<text>` stands in
    it: element → [offset of its text, offset of its tail] (see `_source_text`), so that a place
    in a tree built from a .txt can be named by the source's line and column."""
    places: dict = {}
    text = _source_text(root, "sic", places).removeprefix("\ufeff").replace("\r\n", "\n")
    return text, places


# --- the header -----------------------------------------------------------------------------------

EDITORIAL_DECL = {
    "normalization": "The source text is kept character for character, including its mixture of "
                     "straight and curly quotation marks and its spellings. Typographic normalisation "
                     "(curly quotes, dashes, ellipses, non-breaking spaces) is applied only when the "
                     "editions are rendered, never in this file.",
    "quotation": "Quotation marks that enclose a block quotation, a letter's paragraphs or an epigraph "
                 "are replaced by the encoding (cit, quote, floatingText) and recorded in @rend "
                 "(pre-quot, post-quot …), as are the parentheses of citations and of the author's "
                 "interpolations. Quotation marks within running text are kept as characters.",
    "hyphenation": "Hyphens are kept as written; no end-of-line dehyphenation is applied. Line breaks "
                   "of hard-wrapped paragraphs are kept as whitespace.",
    "segmentation": "The text is divided into paragraph-level units numbered continuously (@n): "
                    "paragraphs, block quotations, list items and letters. Sections follow the "
                    "author's headings.",
    "correction": "Evident slips are emended with choice/sic/corr, each with the editors' reason; "
                  "the reading text follows corr, the diplomatic text sic. Omissions marked by the "
                  "author ([…], [...]) are encoded as gap; letters the author supplied in square "
                  "brackets as supplied.",
    "interpretation": "Persons, places and bodies are tagged against the registers in standOff; "
                      "source citations are linked to the list of works cited; editorial notes are "
                      "the editors'. The author's own interpolations are notes of type 'authorial'.",
}


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def build_header(meta: dict, slug: str, title: str, today: dt.date,
                 identity: Identity | None = None) -> etree._Element:
    """A complete teiHeader from the editorial metadata and the edition's identity (edition.yaml,
    identity.Identity): what neither states is left empty, never filled with a stand-in name
    (DESIGN §3, issue 2 point 8, issue 13 point 4). `today` is the edition's date, not the text's."""
    identity = identity or Identity()
    author = meta.get("author") or {}
    source = meta.get("source") or {}
    lang = meta.get("language") or "en"
    header = el("teiHeader")
    file_desc = sub(header, "fileDesc")
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", title, type="main")
    sub(title_stmt, "title", "A critical edition", type="sub")
    if author.get("name"):
        sub(title_stmt, "author", author["name"], xml_id="author",
            ref=f"#{author['id']}" if author.get("id") else None)
    for editor in identity.editors:
        sub(title_stmt, "editor", editor.name)
    # `#editors` (resp on notes and emendations, who on changes) points here
    resp_stmt = sub(title_stmt, "respStmt", xml_id="editors")
    resp = "Encoding, editorial notes, emendations and registers"
    sub(resp_stmt, "resp", resp if identity.editors else resp + " (the editors are not named)")
    for editor in identity.editors:
        sub(resp_stmt, "orgName" if editor.body else "persName", editor.name)
    if not identity.editors:
        sub(resp_stmt, "name")
    edition_stmt = sub(file_desc, "editionStmt")
    edition = sub(edition_stmt, "edition", meta.get("edition") or "Critical edition")
    pub = sub(file_desc, "publicationStmt")
    if not identity.publisher:  # no edition.yaml: say so, in the form TEI has for it, rather than name a stand-in
        sub(pub, "p", "Not published: no publisher, licence or identifier has been stated for this edition.")
        edition.text += ", "  # the edition's date, then, is the day it was made
        sub(edition, "date", today.isoformat(), when=today.isoformat())
    else:
        sub(pub, "publisher", identity.publisher)
        if identity.place:
            sub(pub, "pubPlace", identity.place)
        sub(pub, "date", today.isoformat(), when=today.isoformat())
        if identity.isbn:  # first: the TEI Stylesheets take publicationStmt/idno[1] as their EPUB's identifier
            sub(pub, "idno", identity.isbn, type="ISBN")
        if identity.identifier:
            sub(pub, "idno", identity.identifier, type="URI")
        sub(pub, "idno", slug, type="slug")
        sub(sub(pub, "availability"), "licence", identity.licence, target=identity.licence_url or None)
    if identity.series:
        sub(sub(file_desc, "seriesStmt"), "title", identity.series, level="s")
    source_desc = sub(file_desc, "sourceDesc")
    bibl = sub(source_desc, "bibl")
    if author.get("name"):
        sub(bibl, "author", author["name"])
    sub(bibl, "title", source.get("title") or title)
    if source.get("publisher"):
        sub(bibl, "publisher", source["publisher"])
    date = _iso(source.get("date") or meta.get("date"))
    if date:
        sub(bibl, "date", date, when=date)
    if source.get("url"):
        sub(bibl, "ptr", target=source["url"])
    if source.get("note"):
        sub(bibl, "note", source["note"])
    if author.get("evidence"):
        sub(bibl, "note", author["evidence"], type="attribution")
    sub(bibl, "note", f"Transcribed from the plain-text file {slug}.txt.", type="transcription")
    encoding = sub(header, "encodingDesc")
    project = sub(encoding, "projectDesc")
    sub(project, "p", "A critical edition produced with the edition pipeline: the TEI is the master "
                      "from which the print, PDF/A and EPUB editions are rendered.")
    decl = sub(encoding, "editorialDecl")
    for tag, text in EDITORIAL_DECL.items():
        sub(sub(decl, tag), "p", text)
    profile = sub(header, "profileDesc")
    lang_usage = sub(profile, "langUsage")
    sub(lang_usage, "language", lang, ident=lang)
    if meta.get("keywords"):
        keywords = sub(sub(profile, "textClass"), "keywords")
        for word in meta["keywords"]:
            sub(keywords, "term", str(word))
    revision = sub(header, "revisionDesc")
    change = sub(revision, "change", when=today.isoformat(), who="#editors")
    change.text = "Edition generated from the source text and the editorial layer."
    return header


def source_digest(source) -> str:
    """sha256 of the source file's bytes, as decoding found them (BOM and CR LF put back)."""
    text = source.text.replace("\n", "\r\n") if source.crlf else source.text
    return hashlib.sha256((("\ufeff" if source.bom else "") + text).encode("utf-8")).hexdigest()


def recording_tokens() -> dict[str, str]:
    """Every @rend token that records what the encoding replaced, with what it means."""
    tokens = {
        "source-bom": "The source file began with a byte-order mark (U+FEFF).",
        "source-crlf": "The source file's lines ended with CR LF; in this file they end with LF.",
        "src-hellip": "The omission was written [\u2026] in the source.",
        "src-dots": "The omission was written [...] in the source.",
    }
    for name, char in DELIMITERS.items():
        shown = f"{char} (U+{ord(char):04X})"
        tokens[f"pre-{name}"] = f"The character {shown} stood before this element's content in the source."
        tokens[f"post-{name}"] = f"The character {shown} stood after this element's content in the source."
    return tokens


def declare_recording(header: etree._Element, text: etree._Element, digest: str | None) -> None:
    """Make the file say how to get its source back: the source's sha256 in sourceDesc, and each
    recording token it uses declared in encodingDesc/tagsDecl (DESIGN §3)."""
    if digest:
        bibl = header.find(f"{T}fileDesc/{T}sourceDesc/{T}bibl")
        notes = bibl.findall(T + "note")
        idno = el("idno", digest, type="sha256")
        if notes:
            notes[0].addprevious(idno)
        else:
            bibl.append(idno)
    known = recording_tokens()
    used = sorted({token for node in text.iter() if isinstance(node.tag, str)
                   for token in rend_tokens(node) if token in known})
    if used:
        tags = el("tagsDecl")
        for token in used:
            # a CSS comment: the TEI Stylesheets copy every rendition into the HTML's CSS, whatever its scheme
            sub(tags, "rendition", f"/* {known[token]} */", scheme="free", xml_id=f"rend-{token}")
        header.find(T + "encodingDesc").append(tags)


def assemble(header: etree._Element, text: etree._Element, lang: str, digest: str | None = None) -> etree._Element:
    declare_recording(header, text, digest)
    root = el("TEI", xml_lang=lang)
    root.append(header)
    root.append(text)
    return root


def _digest_mismatch(root: etree._Element) -> tuple[etree._Element, str] | None:
    """(the idno recording the source's sha256, the sha256 of the text the file now gives back),
    when the two differ; None when they agree or the file records none."""
    idno = root.find(f"{T}teiHeader/{T}fileDesc/{T}sourceDesc/{T}bibl/{T}idno[@type='sha256']")
    if idno is None:
        return None
    recovered = hashlib.sha256(diplomatic(root).encode("utf-8")).hexdigest()
    return None if recovered == (idno.text or "").strip() else (idno, recovered)


def adopt_edits(root: etree._Element, path: Path, today: dt.date) -> None:
    """A TEI master edited by hand is built into a new edition: if its text no longer matches the
    source it records, say so (a deliberate edit, or an XML tool that changed its whitespace) and
    record the text as it now is, with a dated change, so the new file describes itself truly."""
    mismatch = _digest_mismatch(root)
    if mismatch is None:
        return
    idno, recovered = mismatch
    warn(path, idno.sourceline, "the text of this TEI differs from the source it records (edited by hand, or "
                                "its whitespace changed by an XML tool): the new edition records it as it now is")
    idno.text = recovered
    revision = root.find(f"{T}teiHeader/{T}revisionDesc")
    if revision is not None:
        sub(revision, "change", "The text was edited in the TEI: the source's sha256 now records the edited text.",
            when=today.isoformat(), who="#editors")


def check_recovered(root: etree._Element, path: Path) -> None:
    """Refuse a TEI whose diplomatic text no longer matches the source's sha256 it records (an XML
    formatter changed its whitespace, or a hand edit its text): its editions would not be the source's."""
    mismatch = _digest_mismatch(root)
    if mismatch is not None:
        raise InputError(path, mismatch[0].sourceline, None,
                         "the text recovered from this TEI does not match the source's sha256 recorded here "
                         "(an XML tool has changed its whitespace or text) — rebuild it from the source")


# --- serialisation and parsing --------------------------------------------------------------------

def serialise(root: etree._Element) -> bytes:
    """UTF-8 XML; the header and standOff are indented, `<text>` is left exactly as encoded."""
    for child in root:
        if local(child) in ("teiHeader", "standOff"):
            etree.indent(child, space=" ", level=1)
            child.tail = "\n"
    root.text = "\n"
    body = etree.tostring(root, encoding="UTF-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + XML_MODEL + b"\n" + body + b"\n"


#: The schema a TEI-aware editor (oXygen, Emacs nXML, VS Code) should check the file against.
XML_MODEL = (b'<?xml-model href="https://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng" '
             b'type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>')

MAX_TEI_BYTES = 64 * 1024 * 1024


def safe_parser() -> etree.XMLParser:
    """No DTD, no entities, no network: a TEI file from anywhere cannot reach out or blow up."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=False, remove_pis=False)


def parse_tei(path: Path, data: bytes | None = None) -> etree._Element:
    """Parse a `.tei.xml` file safely; ill-formed XML is a located InputError."""
    path = Path(path)
    if data is None:
        data = read_bytes(path, MAX_TEI_BYTES)
    check_size(path, data, MAX_TEI_BYTES)
    # UTF-16 is searched as text: its bytes never contain b"<!ENTITY"
    head = data.decode("utf-16", "replace").encode() if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data
    if b"<!DOCTYPE" in head[:4096] or b"<!ENTITY" in head:
        line = head[: max(head.find(b"<!DOCTYPE"), head.find(b"<!ENTITY"))].count(b"\n") + 1
        raise InputError(path, line, None, "a DOCTYPE or entity declaration is not accepted in a TEI file")
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        message = exc.msg.split(", line ")[0] if exc.msg else "not well-formed"
        raise InputError(path, line, col, f"ill-formed XML: {message}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # past the first 4 KB, or not UTF-8
        text = data.decode(docinfo.encoding or "utf-8", errors="replace")
        line = text[: text.find("<!DOCTYPE")].count("\n") + 1 if "<!DOCTYPE" in text else None
        raise InputError(path, line, None, "a DOCTYPE or entity declaration is not accepted in a TEI file")
    if root.tag != T + "TEI":
        raise InputError(path, root.sourceline, None, "the root element must be TEI in the TEI namespace")
    return root


@functools.cache
def project_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "edition.rng")))


def validate(root: etree._Element, path: Path | None = None, generated: bool = False) -> None:
    """Against the project's profile; the first violation is a located InputError. For a tree
    built from a .txt, the place named is the element's unit (its @n) rather than a TEI line."""
    schema = project_schema()
    if schema.validate(root):
        check_references(root, path, generated)
        return
    error = schema.error_log[0]
    if not generated:
        raise InputError(path, error.line, None, f"not valid against edition/schema/edition.rng: {error.message}")
    raise InputError(path, None, None, f"the edition would not be valid TEI ({error.message}, at {error.path}) — "
                                       "nothing was written; check the editorial YAML for this text")


def check_references(root: etree._Element, path: Path | None = None, generated: bool = False) -> None:
    """Every name and citation in the text points at an entry of this file: a mistyped `ref` in a
    hand-edited TEI would otherwise drop the mention from the index without a word."""
    ids = {node.get(XML_ID) for node in root.iter() if isinstance(node.tag, str) and node.get(XML_ID)}
    for node in root.iter():  # the header's and the registers' pointers too
        for attr in ("ref", "corresp", "who", "resp", "target"):
            target = node.get(attr) if isinstance(node.tag, str) else None
            if target and target.startswith("#") and target[1:] not in ids:
                raise InputError(path, None if generated else node.sourceline, None,
                                 f'{attr}="{target}" on <{local(node)}> points at no xml:id in this file — '
                                 "correct it or add the entry to standOff")
