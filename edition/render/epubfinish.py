"""Finishing the EPUB that pandoc wrote (render/epub.py), on the zip itself.

A sandboxed pandoc cannot do everything: here the cover and its page are added, the OPF completed
(accessibility conformance, file-as, modification date, licence link, no unused prefixes), the
imprint given a file of its own, the navigation document's contents and landmarks put right,
each page titled and its language declared, the index typed for reading systems, and the zip
written again with fixed timestamps, so that the same TEI always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

from lxml import etree

from edition import typography
from edition.errors import InputError
from edition.render import STYLES
from edition.render.cover import cover_alt
from edition.render.header import BookInfo
from edition.source import source_date_epoch

OPF_NS = "http://www.idpf.org/2007/opf"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
DC_NS = "http://purl.org/dc/elements/1.1/"
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


def modified_time(info: BookInfo) -> dt.datetime:
    """dcterms:modified: SOURCE_DATE_EPOCH when set, else the edition's date at midnight UTC."""
    epoch = source_date_epoch()
    if epoch:
        return epoch
    year, month, day = (list(map(int, edition_date(info).split("-"))) + [1, 1])[:3]
    return dt.datetime(year, month, day, tzinfo=dt.timezone.utc)


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

    In a section typed `index`: each list (sub-entries too) is an index-entry-list, each item an
    index-entry whose heading is its index-term, its links the index-locators of its
    index-locator-list, or (a cross-reference) the index-xref-preferred to the entry it stands for.
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
                for term in li.xpath("h:span[contains(concat(' ', @class, ' '), ' index-term ')]", namespaces=ns):
                    term.set(epub_type, "index-term")  # the entry's heading, sub-entry's or cross-reference's
                for locators in li.xpath("h:span[contains(concat(' ', @class, ' '), ' locators ')]",
                                         namespaces=ns):
                    locators.set(epub_type, "index-locator-list")
                    for link in locators.xpath("h:a", namespaces=ns):
                        link.set(epub_type, "index-locator")
                for see in li.xpath("h:a[contains(concat(' ', @class, ' '), ' see ')]", namespaces=ns):
                    see.set(epub_type, "index-xref-preferred")
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


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
