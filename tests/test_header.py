"""The one reader of the teiHeader (render/header.py) that print and EPUB share."""

from __future__ import annotations

import pytest
from lxml import etree

from edition.errors import InputError
from edition.render.header import read_header

T = "http://www.tei-c.org/ns/1.0"


def tei(title_stmt: str, text_attrs: str = 'xml:lang="de"') -> etree._Element:
    return etree.fromstring(f"""<TEI xmlns="{T}"><teiHeader><fileDesc><titleStmt>{title_stmt}</titleStmt>
      <publicationStmt><date when="2024-01-02"/><availability><p>Free to share.</p></availability>
      </publicationStmt><sourceDesc><bibl><author>An Author</author><title>A work</title>
      <date when="1848-02"/><ptr target="https://example.org/w"/></bibl></sourceDesc></fileDesc></teiHeader>
      <text {text_attrs}><body><p n="1">x</p></body></text></TEI>""")


def test_the_header_as_both_editions_read_it():
    info = read_header(tei('<title type="main">A  title</title><author>Ann Smith</author><author>Bo Li</author>'
                           '<editor>The editors</editor>'))
    assert (info.title, info.lang) == ("A title", "de")
    assert info.authors == ("Ann Smith", "Bo Li") and info.authors_file_as == ("Smith, Ann", "Li, Bo")
    assert info.editors == ("The editors",)
    assert (info.date, info.published) == ("1848-02", "2024-01-02")
    assert info.licence == "Free to share."  # no licence element: what availability says
    assert info.source == "An Author, A work, February 1848"
    assert info.citation.endswith("https://example.org/w")
    assert info.identifier.startswith("urn:uuid:")


@pytest.mark.parametrize("title_stmt, text_attrs, what", [
    ("<author>A</author>", 'xml:lang="en-GB"', "title"),
    ("<title>T</title>", "", "language"),  # print once guessed en-GB here, the EPUB refused it
])
def test_a_header_without_title_or_language_is_an_input_error(title_stmt, text_attrs, what):
    with pytest.raises(InputError, match=what):
        read_header(tei(title_stmt, text_attrs))
