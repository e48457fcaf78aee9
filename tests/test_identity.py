"""The edition's identity (edition.yaml, issue 13 point 4): editors, publisher, place, series, licence and
each text's identifier go into the TEI header, and from there into the title page, the imprint, the PDF's
and the EPUB's metadata; a bad value is a located error; without the file nothing is made up."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from edition import cli, tei
from edition.build import Text, make_tei, text_to_tei
from edition.errors import InputError
from edition.render.targets import tei_to_ast
from edition.render.header import read_header

NS = {"t": tei.TEI_NS}
TEXT = "A Short Title\n\nThe first paragraph of the essay, written in 1849.\n\nThe second paragraph.\n"
IDENTITY = """\
editors:
  - person: Ann Smith
  - person: Bo Li
  - body: The Reading Group
publisher: Fixture Press
place: Leeds
series: Essays Reread
licence:
  text: "The editorial matter is licensed under CC BY 4.0."
  url: https://creativecommons.org/licenses/by/4.0/
texts:
  essay:
    isbn: 978-0-306-40615-7
    identifier: urn:uuid:0b6b1f9e-4a57-4c57-9a4e-6f0f7d7a1c11
"""
#: stand-ins the header once printed where nothing had been stated (issue 13)
PLACEHOLDERS = ("The editors of this edition", "The edition project", "No licence has been stated")


def folder_with(tmp_path: Path, identity: str | None = IDENTITY, text: str = TEXT, yaml: str | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "essay.txt").write_text(text, encoding="utf-8")
    if identity is not None:
        (tmp_path / "edition.yaml").write_text(identity, encoding="utf-8")
    if yaml is not None:
        (tmp_path / "essay.yaml").write_text(yaml, encoding="utf-8")
    return tmp_path / "essay.txt"


def header_text(root: etree._Element, path: str) -> list[str]:
    return [" ".join("".join(e.itertext()).split()) for e in root.xpath(f"t:teiHeader/{path}", namespaces=NS)]


def test_the_header_is_the_identity_file(tmp_path, tei_all):
    root = make_tei(Text.from_path(folder_with(tmp_path)))  # validated against the project's schema
    assert tei_all.validate(root), tei_all.error_log
    assert header_text(root, "t:fileDesc/t:titleStmt/t:editor") == ["Ann Smith", "Bo Li", "The Reading Group"]
    resp = root.find("t:teiHeader/t:fileDesc/t:titleStmt/t:respStmt", NS)
    assert resp.get(tei.XML_ID) == "editors"  # what resp="#editors" points at
    assert [(tei.local(e), e.text) for e in resp[1:]] == [
        ("persName", "Ann Smith"), ("persName", "Bo Li"), ("orgName", "The Reading Group")]
    pub = "t:fileDesc/t:publicationStmt/"
    assert header_text(root, pub + "t:publisher") == ["Fixture Press"]
    assert header_text(root, pub + "t:pubPlace") == ["Leeds"]
    assert header_text(root, "t:fileDesc/t:seriesStmt/t:title[@level='s']") == ["Essays Reread"]
    # the ISBN first: the TEI Stylesheets take publicationStmt/idno[1] as their EPUB's identifier
    assert [(i.get("type"), i.text) for i in root.xpath(f"t:teiHeader/{pub}t:idno", namespaces=NS)] == [
        ("ISBN", "978-0-306-40615-7"), ("URI", "urn:uuid:0b6b1f9e-4a57-4c57-9a4e-6f0f7d7a1c11"), ("slug", "essay")]
    licence = root.find(f"t:teiHeader/{pub}t:availability/t:licence", NS)
    assert (licence.text, licence.get("target")) == ("The editorial matter is licensed under CC BY 4.0.",
                                                     "https://creativecommons.org/licenses/by/4.0/")
    info = read_header(root)
    assert info.editors == ("Ann Smith", "Bo Li", "The Reading Group")
    assert (info.publisher, info.place, info.series, info.isbn) == ("Fixture Press", "Leeds", "Essays Reread",
                                                                    "978-0-306-40615-7")
    assert info.licence_url == "https://creativecommons.org/licenses/by/4.0/"
    assert info.identifier == "urn:isbn:9780306406157"


def test_title_page_imprint_and_pdf_metadata_come_from_it(tmp_path):
    root = make_tei(Text.from_path(folder_with(tmp_path)))
    ast = tei_to_ast(root, "print")
    front = etree.fromstring(run_html(ast))
    title_page = " ".join("".join(front.xpath("//*[@id='title-page']//text()")).split())
    assert "edited by Ann Smith and Bo Li and The Reading Group" in title_page
    assert "Fixture Press, Leeds" in title_page
    imprint = " ".join("".join(front.xpath("//*[@id='imprint']//text()")).split())
    for line in ("Series: Essays Reread.", "Published by Fixture Press, Leeds.", "ISBN 978-0-306-40615-7",
                 "Licence: The editorial matter is licensed under CC BY 4.0."):
        assert line in imprint, imprint
    assert front.xpath("//*[@id='imprint']//a/@href") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert "edited by Ann Smith and Bo Li and The Reading Group" in ast["meta"]["description"]["c"]  # the PDF's


def run_html(ast: dict) -> str:
    from edition.render.pandoc import run_pandoc
    html = run_pandoc(ast, "html5", ["--wrap=none"]).decode()
    return "<div>" + html.replace("&nbsp;", "\u00a0") + "</div>"


@pytest.mark.slow  # EPUBCheck: a Java VM
def test_the_epub_package_carries_it(tmp_path):
    from edition.render.epub import epubcheck, render_epub
    from test_epub import Book

    book = Book(render_epub(make_tei(Text.from_path(folder_with(tmp_path)))))
    assert book.opf.xpath(f"//dc:identifier[@id='{book.opf.get('unique-identifier')}']/text()",
                          namespaces=OPF) == ["urn:isbn:9780306406157"]
    assert book.dc("contributor") == ["Ann Smith", "Bo Li", "The Reading Group"]
    assert book.dc("publisher") == ["Fixture Press"]
    assert book.dc("rights") == ["The editorial matter is licensed under CC BY 4.0."]
    assert book.opf.xpath("//o:link[@rel='dcterms:license']/@href", namespaces=OPF) == [
        "https://creativecommons.org/licenses/by/4.0/"]
    assert book.meta("a11y:certifiedBy") == ["Fixture Press"]
    assert book.meta("belongs-to-collection") == ["Essays Reread"]
    report = epubcheck(book.data)
    assert (report["checker"]["nError"], report["checker"]["nWarning"]) == (0, 0), report["messages"][:3]


OPF = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def test_without_the_file_nothing_is_made_up(tmp_path, tei_all):
    """No editor, publisher or licence is invented; the build's date is the edition's, never the text's."""
    root = make_tei(Text.from_path(folder_with(tmp_path, identity=None)))
    assert tei_all.validate(root), tei_all.error_log
    serialised = tei.serialise(root).decode()
    for stand_in in PLACEHOLDERS:
        assert stand_in not in serialised
    assert not root.xpath("t:teiHeader//t:titleStmt/t:editor", namespaces=NS)
    assert root.xpath("t:teiHeader//t:respStmt[@xml:id='editors']", namespaces=NS)  # #editors still resolves
    statement = header_text(root, "t:fileDesc/t:publicationStmt/*")
    assert len(statement) == 1 and statement[0].startswith("Not published: no publisher, licence or identifier")
    assert not root.xpath("t:teiHeader//t:sourceDesc//t:date", namespaces=NS)
    info = read_header(root)
    assert (info.editors, info.publisher, info.licence, info.date) == ((), "", "", "")
    # the edition's date is the day it was made (editionStmt/edition/date), never given as the text's
    edition_date = root.xpath("t:teiHeader//t:editionStmt/t:edition/t:date/@when", namespaces=NS)
    assert [info.published] == edition_date and info.edition == "Critical edition"
    html = run_html(tei_to_ast(root, "print"))
    for absent in ("edited by", "Licence", "Published by", "is dated"):
        assert absent not in html


@pytest.mark.slow  # EPUBCheck: a Java VM
def test_without_the_file_the_epub_names_no_one_and_is_valid(tmp_path):
    from edition.render.epub import epubcheck, render_epub
    from test_epub import Book

    root = make_tei(Text.from_path(folder_with(tmp_path, identity=None)))
    book = Book(render_epub(root))
    assert (book.dc("publisher"), book.dc("contributor"), book.dc("rights")) == ([], [], [])
    assert book.meta("a11y:certifiedBy") == []
    assert book.dc("date") == [read_header(root).published]
    opf = etree.tostring(book.opf, encoding=str)
    for stand_in in PLACEHOLDERS + ("the editors",):
        assert stand_in not in opf
    report = epubcheck(book.data)
    assert (report["checker"]["nError"], report["checker"]["nWarning"]) == (0, 0), report["messages"][:3]


def test_without_the_file_the_identifier_survives_a_correction(tmp_path):
    """Derived from the slug, title and author, not from the text: a corrected book is the same book."""
    first = read_header(text_to_tei(Text.from_path(folder_with(tmp_path / "a", identity=None))))
    corrected = read_header(text_to_tei(Text.from_path(
        folder_with(tmp_path / "b", identity=None, text=TEXT.replace("second", "next")))))
    assert first.identifier == corrected.identifier and first.identifier.startswith("urn:uuid:")


@pytest.mark.parametrize("identity, line, message", [
    (IDENTITY + "imprint: x\n", 15, "unknown key 'imprint' in edition.yaml"),
    (IDENTITY.replace("publisher: Fixture Press\n", ""), 1, "edition.yaml lacks 'publisher'"),
    (IDENTITY.replace("  text: \"The editorial matter is licensed under CC BY 4.0.\"\n", ""), 9,
     "licence lacks 'text'"),
    (IDENTITY.replace("https://creativecommons.org/licenses/by/4.0/", "creativecommons.org/by"), 10,
     "'url' 'creativecommons.org/by' is not a web address"),
    (IDENTITY.replace("https://creativecommons.org/licenses/by/4.0/", "https://creative commons.org/"), 10,
     "is not a web address"),
    (IDENTITY.replace("  - person: Bo Li\n", "  - person: Bo Li\n    body: Li Group\n"), 3,
     "either a 'person' or a 'body'"),
    (IDENTITY.replace("person: Bo Li", "persn: Bo Li"), 3, "unknown key 'persn' in an editor"),
    (IDENTITY.replace("person: Bo Li", "person: ' '"), 3, "'person' is empty"),
    (IDENTITY.replace("  - person: Ann Smith\n  - person: Bo Li\n  - body: The Reading Group\n", "  []\n")
     .replace("editors:\n  []", "editors: []"), 1, "'editors' lists no one"),
    (IDENTITY.replace("  - person: Bo Li\n", "  - Bo Li\n"), 3, "an editor is 'person: Name'"),
    (IDENTITY.replace("  essay:", "  other:"), 12, "no entry for the text 'essay' under 'texts:'"),
    (IDENTITY.replace("978-0-306-40615-7", "978-0-306-40615-8"), 13, "is not an ISBN"),
    (IDENTITY.replace("urn:uuid:0b6b1f9e-4a57-4c57-9a4e-6f0f7d7a1c11", "not a uri"), 14, "is not a URI"),
    (IDENTITY.replace("urn:uuid:0b6b1f9e-4a57-4c57-9a4e-6f0f7d7a1c11", "urn:uuid:1234"), 14, "is not a UUID"),
    (IDENTITY.replace("    isbn: 978-0-306-40615-7\n    identifier: urn:uuid:0b6b1f9e-4a57-4c57-9a4e-6f0f7d7a1c11\n",
                      "    {}\n"), 13, "needs an 'identifier' or an 'isbn'"),
    ("", 1, "edition.yaml is empty"),
])
def test_a_bad_identity_is_a_located_error(tmp_path, identity, line, message):
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(folder_with(tmp_path, identity=identity)))
    assert (Path(err.value.path).name, err.value.line) == ("edition.yaml", line), err.value.located()
    assert message in err.value.message, err.value.message


@pytest.mark.parametrize("yaml, line, message", [
    ("title: T\neditors: Ann Smith\n", 2, "'editors' belongs to the edition's identity: write it once in edition.yaml"),
    ("licence: CC BY\n", 1, "'licence' belongs to the edition's identity"),
    ("source:\n  title: T\n  url: www.example.org/essay\n", 3, "'url' 'www.example.org/essay' is not a web address"),
])
def test_the_texts_yaml_refuses_identity_and_bad_urls(tmp_path, yaml, line, message):
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(folder_with(tmp_path, yaml=yaml)))
    assert (Path(err.value.path).name, err.value.line) == ("essay.yaml", line), err.value.located()
    assert message in err.value.message


def test_the_command_reports_it_and_writes_nothing(tmp_path, capsys):
    source = folder_with(tmp_path, identity=IDENTITY.replace("https://creativecommons.org/licenses/by/4.0/",
                                                             "ftp://x.org/l"))
    assert cli.main(["build", str(source), "--out", str(tmp_path / "out"), "--format", "tei"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"{tmp_path / 'edition.yaml'}:10: error: 'url' 'ftp://x.org/l' is not a web address")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_seed_names_no_one_it_cannot_and_keeps_its_identifier(seed_root):
    """The seed's editors are the project, named as a body, not persons; its book keeps the identifier it
    had before edition.yaml (a uuid derived from its text then), so it stays the same book."""
    resp, = seed_root.xpath("t:teiHeader/t:fileDesc/t:titleStmt/t:respStmt[@xml:id='editors']", namespaces=NS)
    assert [tei.local(e) for e in resp[1:]] == ["orgName"]
    info = read_header(seed_root)
    assert info.identifier == "urn:uuid:fda5e26a-a00d-5d86-b969-c49d7ed4152c"
    assert info.licence_url == "https://creativecommons.org/licenses/by/4.0/"
