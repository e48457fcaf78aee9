"""Literal text stays literal in the TEI: markup, entities, CDATA ends, Markdown, TeX and template
syntax in the text or in the editors' notes are characters, never elements (issue 6 point 3, the
TEI side; the renderers' side is tested where they are)."""

from __future__ import annotations

import re

from pathlib import Path

import pytest
from lxml import etree

from edition import cli, tei
from edition.editorial import Editorial
from edition.read import read_text
from edition.source import decode

NS = {"t": tei.TEI_NS}
LITERALS = ["<script>alert(1)</script>", "&", "&amp;", "&#x41;", "<b>bold</b>", "]]>", "<![CDATA[x]]>",
            "<!-- c -->", "<?php echo 1; ?>", "$x^2$", "$$\\int$$", "*star*", "**strong**", "_under_",
            "# hash", "[x](http://example.com/)", "<http://example.com/>", "{{template}}", "{% raw %}",
            "`code`", "\\emph{x}", "---", "| a | b |", "&nbsp;", "\u202e", "\\"]
ALL = " ".join(LITERALS)

TEXT = f"""The <title> & {{{{Title}}}} $1$

"An epigraph with <i>tags</i> & ]]>." (Source <b>, 1917.)

Opening paragraph: {ALL}.

Heading <b>bold</b> & $x$ {{{{t}}}}

He wrote (i.e. <b>Lenin</b>, AW) to T[<i>] about [x](http://evil.example/) and said:

"{ALL} in a quotation." (Works <script>, p. 5.)

The three points were these:

First *point* & <b>.

Second _point_ ]]>.

Third {{{{point}}}}.

Stalin answered:

"Joseph,
"I write <script>alert(2)</script> & more.
J. Stalin."

The end, $$ and all.
"""
YAML = """title: "<script>alert('title')</script> & ]]>"
notes:
  - at: Opening paragraph
    text: "A note with <b>markup</b>, &amp; ]]> {{x}} $y$ [z](http://n.example/) and {i:<i>Title</i>}."
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, bytes]:
    folder = tmp_path_factory.mktemp("literal")
    (folder / "lit.txt").write_text(TEXT, encoding="utf-8")
    (folder / "lit.yaml").write_text(YAML, encoding="utf-8")
    assert cli.main(["build", str(folder / "lit.txt"), "--out", str(folder / "out"), "--format", "tei"]) == 0
    return folder / "out" / "lit.tei.xml", (folder / "lit.txt").read_bytes()


def test_no_literal_became_markup(built):
    path, _ = built
    data = path.read_bytes()
    for raw in (b"<script", b"<b>", b"<i>", b"]]>", b"<![CDATA[", b"<!--", b"<?php", b"&#x41;", b"&nbsp;"):
        assert raw not in data, raw
    root = etree.fromstring(data, tei.safe_parser())
    names = {etree.QName(n).localname for n in root.iter() if isinstance(n.tag, str)}
    assert not names & {"script", "b", "i", "a", "ref", "ptr", "formula", "code"}
    # the one markup a plain text may carry: the transcribers' _italics_, and nothing else in them
    italics = [tei.diplomatic(h) for h in root.iter(tei.T + "hi")]
    assert "_point_" in italics and all(re.fullmatch(r"_[a-z]+_", i) for i in italics), italics
    assert all(etree.QName(n).namespace == tei.TEI_NS for n in root.iter() if isinstance(n.tag, str))
    assert not [n for n in root.iter() if not isinstance(n.tag, str)], "a comment or PI appeared"


def test_every_literal_reads_back_as_written(built):
    path, source = built
    root = tei.parse_tei(path)
    tei.validate(root, path)
    assert tei.diplomatic(root).encode("utf-8") == source
    paragraph = next(p for p in root.iterfind("t:text//t:p", NS) if "Opening" in tei.diplomatic(p))
    assert tei.reading(paragraph) == f"Opening paragraph: {ALL}."
    quotation = root.find("t:text//t:cit[@type='block']", NS)
    assert tei.diplomatic(quotation.find("t:quote", NS)) == f'"{ALL} in a quotation."'
    assert quotation.find("t:bibl", NS).xpath("string()") == "Works <script>, p. 5."
    assert root.find("t:text//t:head", NS).text == "Heading <b>bold</b> & $x$ {{t}}"
    assert root.find("t:text//t:note[@type='authorial']", NS).xpath("string()") == "i.e. <b>Lenin</b>, AW"
    assert {s.text for s in root.iterfind("t:text//t:supplied", NS)} == {"<i>", "x"}  # T[<i>], [x](…)
    assert [tei.diplomatic(i) for i in root.iterfind("t:text//t:item", NS)] == \
        ["First *point* & <b>.", "Second _point_ ]]>.", "Third {{point}}."]
    assert "<script>alert(2)</script> & more." in tei.diplomatic(root.find("t:text//t:floatingText", NS))


def test_literals_in_the_editorial_layer(built):
    root = tei.parse_tei(built[0])
    assert root.findtext("t:teiHeader//t:titleStmt/t:title[@type='main']", namespaces=NS) == \
        "<script>alert('title')</script> & ]]>"
    note = root.find("t:text//t:note[@type='editorial']", NS)
    assert note.xpath("string()") == \
        "A note with <b>markup</b>, &amp; ]]> {{x}} $y$ [z](http://n.example/) and <i>Title</i>."
    assert [etree.QName(c).localname for c in note] == ["title"]


def test_valid_against_tei_all(built, tei_all):
    root = tei.parse_tei(built[0])
    assert tei_all.validate(root), tei_all.error_log


def test_text_command_prints_the_source(built, capsys):
    path, source = built
    capsys.readouterr()
    assert cli.main(["text", "--diplomatic", str(path)]) == 0
    assert capsys.readouterr().out.encode("utf-8") == source


@pytest.mark.parametrize("literal", LITERALS)
def test_each_literal_alone_in_a_paragraph(literal):
    text = f"Title\n\nBefore {literal} after.\n"
    text_el, _ = read_text(decode(Path("one.txt"), text.encode()), Editorial())
    p = text_el.find(".//t:body/t:p", NS)
    assert tei.diplomatic(p) == f"Before {literal} after."
    # the only elements a literal may give are the reader's own: `[x]` is supplied text, as in
    # T[rotsky], and `_under_` the transcribers' italics
    own = [("supplied", "x")] if "[x]" in literal else [("hi", "under")] if literal == "_under_" else []
    assert [(etree.QName(c).localname, c.text) for c in p] == own
