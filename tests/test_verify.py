"""The build's own read-back (edition/render/verify.py, issue 12 point 2): every word of the reading
text and every note is on the laid-out pages and in the EPUB, or the build stops with a located
error, exit 2, and writes nothing."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import weasyprint
from lxml import etree

from edition import cli, tei
from edition.errors import InputError
from edition.render import verify
from edition.render.verify import first_loss, letters

FIXTURES = Path(__file__).parent / "fixtures"

TEXT = """\
A Short Text

The first paragraph says where the text begins and what it is about.

The second paragraph holds words that the layout must keep: seventeen quick foxes.

The third paragraph ends the text.
"""
YAML = """\
title: A Short Text
language: en
notes:
  - at: quick foxes
    text: "A note on the foxes, whose every word must reach the foot of the page."
"""


# --- the comparison ----------------------------------------------------------------------------

def test_letters_fold_what_typography_and_layout_change():
    assert letters("Don't -- it's \u201cwell-known\u201d\u2026") == \
        letters("DON\u2019T \u2014 IT\u2019S \u2018WELL\u2010\nKNOWN\u2019")
    assert letters("caf\u00e9 \ufb01ne \u00bd") == letters("cafe\u0301 fine 1\u20442") == "cafefine12"
    assert letters("Stra\u00dfe") == letters("STRASSE")
    assert letters("\u00a0\u200b\u2028 [\u2026] \u00ad") == ""


def test_first_loss_finds_the_first_missing_letter():
    text = letters("It begins by calling things and the relations between things by their proper names.")
    assert first_loss(text, text) is None
    assert first_loss(text, letters("It begins by calling things and the relations between things by their")) == \
        text.index("proper")
    assert first_loss(text, letters("It begins by calling things and the between things by their proper names.")) \
        == text.index("relations")
    assert first_loss(text, "") == 0
    assert first_loss("", "anything") is None


def test_first_loss_skips_what_the_book_adds():
    text = letters("Fifty years ago today the world heard the news of the death of Stalin. In actual fact, "
                   "Stalin played a very secondary role in the history of the Bolshevik Party.")
    printed = letters("Contents A note 7 Stalin and the October revolution 10 "  # front matter
                      "1 Fifty years ago today2 the world heard the news of the death of Stalin. "  # ¶ number, call
                      "2 In actual fact, Stalin played a very sec\u2010\nondary role in the history of the "
                      "Stalin: 50 years after the death of a tyrant 12 "  # running head and folio
                      "Bolshevik Party. Index of persons Lenin 9, 12")
    assert first_loss(text, printed) is None
    lost = printed.replace(letters("in the history of the"), "")
    assert first_loss(text, lost) == text.index(letters("in the history"))


def test_first_missing_word_for_the_tests_read_back():
    words = ["In", "actual", "fact", "Stalin", "played", "a", "secondary", "role"]
    assert verify.first_missing_word(words, ["2", "In", "actual", "fact3", "Stalin", "played", "a", "sec",
                                             "ondary", "role", "12"]) is None
    assert verify.first_missing_word(words, ["In", "actual", "fact", "Stalin", "a", "secondary", "role"]) == 4


# --- the streams of the TEI --------------------------------------------------------------------

def test_streams_leave_out_what_is_not_printed_as_text():
    root = etree.fromstring(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><front><titlePage><docTitle><titlePart>Title words'
        '</titlePart></docTitle></titlePage></front><body><p>One <choice><sic>tow</sic><corr>two</corr></choice>'
        ' three<note type="editorial" xml:id="n1" n="1">An <hi>editorial</hi> note.</note> four'
        '<note type="authorial" place="foot" xml:id="fn1" n="1"><label>[1]</label> The author\'s.</note>'
        ' five.</p><div resp="#editors"><p>Preface words.</p></div></body></text></TEI>')
    text, preface = verify.reading_streams(root)
    assert text.text == "onetwothreefourfive" and preface.text == "prefacewords"
    notes = {n.get(tei.XML_ID): verify.note_stream(n).text for n in verify.footnotes(root)}
    assert notes == {"n1": "aneditorialnote", "fn1": "theauthors"}


# --- the PDF: the build fails with a located error and writes nothing ---------------------------

def with_css(monkeypatch, rules: str) -> None:
    """Every layout of the book gets these CSS rules too (as an editor's stylesheet would)."""
    render = weasyprint.HTML.render

    def patched(self, *args, stylesheets=None, **kwargs):
        return render(self, *args, stylesheets=[*(stylesheets or []), weasyprint.CSS(string=rules)], **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", patched)


def short_text(folder: Path, yaml: bool = False) -> Path:
    source = folder / "t.txt"
    source.write_text(TEXT, encoding="utf-8")
    if yaml:
        (folder / "t.yaml").write_text(YAML, encoding="utf-8")
    return source


def build_fails(source: Path, out: Path, capsys, formats: str = "pdf") -> str:
    status = cli.main(["build", str(source), "--out", str(out), "--format", formats])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2, err
    assert len(err) == 1
    assert not out.exists() or not [p for p in out.iterdir()]  # nothing written, no manifest
    return err[0]


def test_a_paragraph_hidden_by_css_stops_the_build_at_its_line(tmp_path, monkeypatch, capsys):
    source = short_text(tmp_path)
    with_css(monkeypatch, "#p2 { display: none }")
    message = build_fails(source, tmp_path / "out", capsys)
    assert message.startswith(f"{source}:5:1: error: \"The second paragraph holds words")
    assert "missing from the PDF's pages" in message


def test_a_word_set_beyond_the_page_edge_is_missing(tmp_path, monkeypatch, capsys):
    source = short_text(tmp_path)
    with_css(monkeypatch, "#p3 { margin-left: 160mm }")  # laid out, but off the A5 page
    message = build_fails(source, tmp_path / "out", capsys)
    assert message.startswith(f"{source}:7:1: error: \"The third paragraph ends the text.\"")


def test_a_note_lost_from_the_page_foot_stops_the_build_at_its_call(tmp_path, monkeypatch, capsys):
    source = short_text(tmp_path, yaml=True)
    with_css(monkeypatch, ".footnote { display: none }")
    message = build_fails(source, tmp_path / "out", capsys)
    line = 5
    col = TEXT.splitlines()[line - 1].index("quick foxes") + len("quick foxes") + 1  # where the note stands
    assert message.startswith(f"{source}:{line}:{col}: error: \"A note on the foxes")
    assert "note 1: missing from the PDF's pages" in message


def test_a_hand_edited_tei_names_its_own_line(tmp_path, monkeypatch, capsys):
    source = tmp_path / "sample.tei.xml"
    source.write_bytes((FIXTURES / "print-sample.tei.xml").read_bytes())
    root = etree.parse(str(source)).getroot()
    para = root.xpath("//t:body//t:p[@xml:id]", namespaces=tei.NS)[1]
    with_css(monkeypatch, f"#{para.get(tei.XML_ID)} {{ display: none }}")
    message = build_fails(source, tmp_path / "out", capsys)
    assert re.match(rf"{re.escape(str(source))}:{para.sourceline}: error: ", message), message


def test_the_check_passes_a_whole_book_and_names_a_missing_box(monkeypatch):
    """On the laid-out pages themselves: a text box taken off a page is found missing."""
    from edition.render import pdf as pdfmod
    from edition.render.weasyprint70 import page_box
    from weasyprint.formatting_structure.boxes import TextBox

    data = (FIXTURES / "print-sample.tei.xml").read_bytes()
    root = etree.fromstring(data)
    seen = []
    monkeypatch.setattr(verify, "check_pdf", lambda root, document: seen.append(document))
    pdfmod.render_pdfs(root, data, {"pdf"})
    monkeypatch.undo()
    document = seen[0]
    verify.check_pdf(root, document)  # the book as laid out: whole
    word = "committeeman"
    box = next(b for page in document.pages for b in page_box(page).descendants()
               if isinstance(b, TextBox) and word in b.text)
    box.text = box.text.replace(word, "")
    with pytest.raises(InputError) as caught:
        verify.check_pdf(root, document)
    assert caught.value.message.startswith(f'"{word}')
    holder = next(el for el in root.iter() if isinstance(el.tag, str) and word in (el.text or "") + (el.tail or ""))
    assert caught.value.line in (holder.sourceline, holder.getparent().sourceline)


# --- the EPUB ----------------------------------------------------------------------------------

def without(epub: bytes, words: str) -> bytes:
    """The EPUB with these words taken out of whichever document holds them."""
    source, out = zipfile.ZipFile(io.BytesIO(epub)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".xhtml"):
                content = content.replace(words.encode(), b"")
            target.writestr(info, content)
    return out.getvalue()


def test_a_paragraph_missing_from_the_epub_stops_the_build(tmp_path, monkeypatch, capsys):
    from edition import build

    source = short_text(tmp_path, yaml=True)
    render_epub = build.render_epub
    monkeypatch.setattr(build, "render_epub", lambda *args: without(render_epub(*args), "seventeen"))
    message = build_fails(source, tmp_path / "out", capsys, formats="epub")
    col = TEXT.splitlines()[4].index("seventeen") + 1
    assert message.startswith(f"{source}:5:{col}: error: \"seventeen quick foxes")
    assert "missing from the EPUB" in message


def test_a_note_missing_from_the_epub_stops_the_build(tmp_path, monkeypatch, capsys):
    from edition import build

    source = short_text(tmp_path, yaml=True)
    render_epub = build.render_epub
    monkeypatch.setattr(build, "render_epub", lambda *args: without(render_epub(*args), "whose every word"))
    message = build_fails(source, tmp_path / "out", capsys, formats="epub")
    assert "note 1: missing from the EPUB" in message and '"whose every word must reach' in message
