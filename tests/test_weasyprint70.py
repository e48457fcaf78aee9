"""render/weasyprint70/: every patch to WeasyPrint 70 and pydyf is in effect, and no other
WeasyPrint is accepted (a patch that silently stopped applying would only show as a worse book);
a layout's scope changes the garbage collector for its time only, and shows WeasyPrint's warnings."""

from __future__ import annotations

import gc
import io
import logging
import re

import pikepdf
import pydyf
import pytest
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import FootnoteAreaBox
from weasyprint.layout import block
from weasyprint.text.fonts import FontConfiguration

from edition import errors
from edition.render import weasyprint70


@pytest.fixture(scope="module", autouse=True)
def applied():
    weasyprint70.apply()


# --- notes kept with their calls -----------------------------------------------------------------

#: a page of 10 lines of 20 px; a note of one line; the paragraph `last` starts on the page's last
#: line but one once the note is placed, so that its second line overflows (orphans: 2, widows: 2)
NOTES_CSS = """
@page { size: 300px 200px; margin: 0; @footnote { margin: 0; padding: 0; border: 0 } }
body { margin: 0; font: 10px/20px serif; orphans: 2; widows: 2 }
p { margin: 0 }
.fn { float: footnote; font: 10px/20px serif }
::footnote-call, ::footnote-marker { content: none }
"""


def note_pages(note_class: str, last_lines: int) -> dict[str, set[int]]:
    """The pages (from 0) of the paragraph calling the note, of the note, and of `last`."""
    html = (f'<p id="call">Call<span class="{note_class}" id="note">Note.</span></p>'
            f'<p>{"<br>".join("x" * 6)}</p><p id="last">{"<br>".join("abcd"[:last_lines])}</p>')
    doc = HTML(string=html).render(stylesheets=[CSS(string=NOTES_CSS)])
    pages: dict[str, set[int]] = {}
    for number, page in enumerate(doc.pages):
        for box in weasyprint70.page_box(page).descendants():
            if isinstance(box, FootnoteAreaBox):
                if any(b.element is not None and b.element.get("id") == "note" for b in box.descendants()):
                    pages.setdefault("note", set()).add(number)
            elif box.element is not None and box.element.get("id") in ("call", "last"):
                pages.setdefault(box.element.get("id"), set()).add(number)
    return pages


def test_the_line_layout_is_the_edition_s():
    assert weasyprint70.keep_notes_with_calls() is True
    assert block._linebox_layout is weasyprint70._linebox_layout


@pytest.mark.parametrize("note_class, last_lines, expected", [
    # WeasyPrint 70 moves the note overleaf to keep `last`'s first two lines together: its call
    # stays behind. Patched, `last` goes overleaf whole and the note stays with its call.
    ("fn", 4, {"call": {0}, "note": {0}, "last": {1}}),
    # a continued note's later part may still move to make room for the line (WeasyPrint too)
    ("fn note-cont", 4, {"call": {0}, "note": {1}, "last": {0, 1}}),
    # and also for a paragraph's last line (WeasyPrint sends the paragraph overleaf)
    ("fn note-cont", 2, {"call": {0}, "note": {1}, "last": {0, 1}}),
    ("fn", 2, {"call": {0}, "note": {0}, "last": {1}}),
])
def test_notes_stay_with_their_calls(note_class, last_lines, expected):
    assert note_pages(note_class, last_lines) == expected


def test_chosen_breaks_justified_last_line_natural():
    """A newline in a `lines-set` block (a break render/linebreak.py chose) ends a justified line,
    letter-spaced where its spaces would be loose and it has no ligature; the block's last line
    keeps the font's own spaces (its word-spacing given back); a newline elsewhere ends a ragged
    line, as CSS has it."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    assert weasyprint70.justify_chosen_breaks() is True
    css = ("p { width: 290px; font: 16px serif; text-align: justify; word-spacing: -0.05em; "
           "white-space: pre-line; margin: 0 }")
    html = ('<p class="lines-set">Lorem ipsum dolor sit\namet consectetur adipiscing elit do\nsed do eiusmod.</p>'
            '<p>Lorem ipsum dolor sit\namet.</p>')
    with weasyprint70.layout_scope():
        doc = HTML(string=html).render(stylesheets=[CSS(string=css)])
    lines = [b for b in weasyprint70.page_box(doc.pages[0]).descendants() if isinstance(b, LineBox)]
    widths = [round(line.width, 2) for line in lines]
    assert widths[0] == widths[1] == 290  # justified, the first letter-spaced too (few words)
    first = [t for t in lines[0].descendants() if isinstance(t, TextBox)][0]
    assert first.style["letter_spacing"] not in (0, "normal")
    second = [t for t in lines[1].descendants() if isinstance(t, TextBox)][0]
    assert second.style["letter_spacing"] == "normal"  # spaces enough
    last = [t for t in lines[2].descendants() if isinstance(t, TextBox)][0]
    assert widths[2] < 290 and last.justification_spacing == pytest.approx(0.8)  # 0.05em back
    assert len(lines) == 5 and widths[3] < 290  # not set here: a newline ends a ragged line


def test_a_different_text_align_is_refused(monkeypatch):
    from weasyprint.layout import inline

    monkeypatch.setattr(inline, "text_align", inline.justify_line)
    with pytest.raises(RuntimeError, match="justify_chosen_breaks was written for"):
        weasyprint70.justify_chosen_breaks.__wrapped__()


def test_a_different_line_layout_is_refused(monkeypatch):
    """The copy is installed only over the function it was copied from."""
    monkeypatch.setattr(block, "_linebox_layout", block._break_line)
    with pytest.raises(RuntimeError, match="not the one .*_linebox_layout was copied from"):
        weasyprint70.keep_notes_with_calls.__wrapped__()


# --- tagged PDFs written in linear time ----------------------------------------------------------

def test_page_references_are_built_once_per_page_count():
    assert weasyprint70.page_references_once() is True
    assert pydyf.PDF.page_references.fget.__module__ == weasyprint70.__name__
    pdf = pydyf.PDF()
    first = pdf.page_references
    assert pdf.page_references is first  # the same tuple, not a new one per use


def test_a_pydyf_without_the_property_is_refused(monkeypatch):
    monkeypatch.setattr(pydyf.PDF, "page_references", None)
    with pytest.raises(RuntimeError, match="pydyf's PDF.page_references is not the property"):
        weasyprint70.page_references_once.__wrapped__()


# --- a structure tree that a PDF/UA-1 checker accepts --------------------------------------------

UA_HTML = """<html lang="en"><head><title>A page</title></head><body>
<p>A <a href="#end">link with <span>a name</span> in it</a><span id="call"></span>.</p>
<ul><li><div>An item.</div></li></ul>
<p id="end">The end.</p></body></html>"""
UA_CSS = """@page { size: 400px 300px; margin: 40px;
  @top-center { content: "A running head" } @bottom-center { content: counter(page) } }
body { font: 10px/14px serif }"""


@pytest.fixture(scope="module")
def ua_pdf():
    with weasyprint70.layout_scope():
        data = HTML(string=UA_HTML).write_pdf(stylesheets=[CSS(string=UA_CSS)], pdf_variant="pdf/ua-1")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        yield pdf


def structure(pdf) -> list:
    """Every structure element of the tree, parents before children."""
    out, todo = [], [pdf.Root.StructTreeRoot.K[0]]
    while todo:
        element = todo.pop(0)
        out.append(element)
        todo += [k for k in element.K if isinstance(k, pikepdf.Dictionary) and "/S" in k]
    return out


def test_the_ua_fixes_are_in_effect():
    from weasyprint import anchors, draw, pdf as weasy_pdf
    from weasyprint.pdf import tags

    assert weasyprint70.one_annotation_per_link() and weasyprint70.furniture_as_artifacts()
    assert weasyprint70.structure_tree_for_ua() and weasyprint70.links_printable_in_ua()
    for wrapped in (anchors.gather_anchors, draw.draw_stacking_context, tags._build_box_tree,
                    weasy_pdf.VARIANTS["pdf/ua-1"][0]):
        assert wrapped.edition_wraps is not None


def test_a_link_has_one_annotation_in_its_link_element(ua_pdf):
    """WeasyPrint gave the span inside the link an annotation of its own, in a /Span."""
    annots = [a for page in ua_pdf.pages for a in page.get("/Annots", [])]
    assert len(annots) == 1 and annots[0].F == 4  # printable, as PDF/UA checkers want it
    owners = [e for e in structure(ua_pdf) for k in e.K
              if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
    assert [str(e.S) for e in owners] == ["/Link"] and owners[0].K[0].Obj.objgen == annots[0].objgen


def test_running_heads_and_folios_are_pagination_artifacts(ua_pdf):
    content = ua_pdf.pages[0].Contents.read_bytes()
    for where in (b"Header", b"Footer"):
        start = re.search(rb"/Artifact\s*<</Type /Pagination/Subtype /" + where + rb">>\s*BDC", content).end()
        furniture = content[start:content.index(b"EMC", start)]  # nothing marked inside: the first EMC
        assert b"TJ" in furniture and b"MCID" not in furniture and b"BDC" not in furniture
    # nothing but the page's text is in the tree: every element is reached from the root
    elements = [o for o in ua_pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"]
    assert len(elements) == len(structure(ua_pdf))


def test_no_empty_structure_element(ua_pdf):
    """The empty span (a note call's anchor) is a destination, not an element."""
    assert [str(e.S) for e in structure(ua_pdf) if len(e.K) == 0] == []


def test_a_list_item_has_its_label_and_its_body(ua_pdf):
    items = [e for e in structure(ua_pdf) if e.S == "/LI"]
    assert [[str(k.S) for k in item.K] for item in items] == [["/Lbl", "/LBody"]]
    body = items[0].K[1]
    assert [str(k.S) for k in body.K] == ["/Div"] and body.K[0].P.objgen == body.objgen


@pytest.mark.parametrize("module, name, other, fix", [
    ("weasyprint.anchors", "gather_anchors", "make_page_bookmark_tree", "one_annotation_per_link"),
    ("weasyprint.draw", "draw_stacking_context", "draw_page", "furniture_as_artifacts"),
    ("weasyprint.pdf.tags", "_build_box_tree", "add_tags", "structure_tree_for_ua"),
    ("weasyprint.draw.text", "draw_first_line", "draw_emojis", "small_caps_copy_as_text"),
])
def test_a_different_weasyprint_function_is_not_wrapped(monkeypatch, module, name, other, fix):
    import importlib

    owner = importlib.import_module(module)
    monkeypatch.setattr(owner, name, getattr(owner, other))
    with pytest.raises(RuntimeError, match=f"WeasyPrint's .*{name}.* is not the one"):
        getattr(weasyprint70, fix).__wrapped__()


def test_a_different_ua_variant_is_not_wrapped(monkeypatch):
    from weasyprint import pdf as weasy_pdf

    monkeypatch.setitem(weasy_pdf.VARIANTS, "pdf/ua-1", weasy_pdf.VARIANTS["pdf/ua-2"])
    with pytest.raises(RuntimeError, match="pdf/ua-1 variant is not"):
        weasyprint70.links_printable_in_ua.__wrapped__()


# --- small capitals that copy out as the text they set -------------------------------------------

def mapped_otherwise_than_cmap(pdf) -> list:
    """(glyph, its ToUnicode text, its characters) for each glyph that a font's cmap gives
    characters and its ToUnicode map another text."""
    from fontTools.ttLib import TTFont

    wrong = []
    for font in pdf.pages[0].Resources.Font.values():
        data = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
        embedded = TTFont(io.BytesIO(data))
        chars: dict[int, set] = {}
        for code, name in embedded.getBestCmap().items():
            chars.setdefault(embedded.getGlyphID(name), set()).add(chr(code))
        for glyph, text in re.findall(rb"<([0-9a-f]{4})> <([0-9a-f]+)>", font.ToUnicode.read_bytes()):
            glyph, text = int(glyph, 16), bytes.fromhex(text.decode()).decode("utf-16-be")
            if glyph in chars and text not in chars[glyph]:
                wrong.append((glyph, text, chars[glyph]))
    return wrong


def test_small_capitals_are_marked_with_their_text():
    """Only text in small capitals is marked with its /ActualText, set by font-variant-caps or by
    font-feature-settings; a glyph the font's cmap gives a character keeps its mapping (the system
    serif, DejaVu Serif, has no small capitals: Pango fakes them with capitals)."""
    from weasyprint.draw import text

    assert weasyprint70.small_caps_copy_as_text() and text.draw_first_line.edition_wraps is not None
    html = ('<p>Plain <span style="font-variant-caps: all-small-caps">STALIN</span> '
            '<span style="font-feature-settings: \'smcp\'">Alan Woods</span> Sass</p>')
    with weasyprint70.layout_scope():
        data = HTML(string=html).write_pdf(stylesheets=[CSS(string="body { font: 12px serif }")])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        content = pdf.pages[0].Contents.read_bytes()
        assert re.findall(rb"/ActualText \((.*?)\)", content) == [b"STALIN", b"Alan Woods"]
        assert content.count(b"BDC") == content.count(b"EMC") == 2
        assert mapped_otherwise_than_cmap(pdf) == []


# --- the scope of a layout -----------------------------------------------------------------------

def weasyprint_logging() -> tuple:
    return (tuple(weasyprint70.LOGGER.handlers), weasyprint70.LOGGER.level, weasyprint70.PROGRESS.level)


def test_the_collector_runs_less_often_during_a_layout_only():
    before, logging_before = gc.get_threshold(), weasyprint_logging()
    assert before[0] != 50_000
    with weasyprint70.layout_scope():
        assert gc.get_threshold()[0] == 50_000
        with weasyprint70.layout_scope():  # a write inside the build's scope
            assert gc.get_threshold()[0] == 50_000
        assert gc.get_threshold()[0] == 50_000
    assert gc.get_threshold() == before
    assert weasyprint_logging() == logging_before
    with pytest.raises(ValueError), weasyprint70.layout_scope():
        raise ValueError("a layout that fails")
    assert gc.get_threshold() == before
    assert weasyprint_logging() == logging_before


def test_a_css_mistake_is_shown_with_its_place(capsys):
    with weasyprint70.layout_scope():
        CSS(string="p { color: red }\np { colr: red; margin: wide }\n")
    err = capsys.readouterr().err.splitlines()
    assert err == ["<CSS string>:2: warning: WeasyPrint: Ignored `colr: red` at 2:5, unknown property.",
                   "<CSS string>:2: warning: WeasyPrint: Ignored `margin: wide ` at 2:16, invalid value."]


def test_a_mistake_in_a_stylesheet_file_names_the_file(tmp_path, capsys):
    sheet = tmp_path / "print.css"
    sheet.write_text("p { margin: 0 }\n\n.text { hyphens: sometimes; }\n")
    with weasyprint70.layout_scope():
        CSS(filename=str(sheet))
    err = capsys.readouterr().err
    assert err.startswith(f"{sheet}:3: warning: WeasyPrint: Ignored `hyphens: sometimes` at 3:9, invalid value.")


def test_a_layout_warning_is_shown_as_weasyprint_s(capsys):
    with weasyprint70.layout_scope():
        HTML(string="<p>x</p>").render(stylesheets=[CSS(string="p { string-set: s string(t) }")])
    assert capsys.readouterr().err == 'WeasyPrint: warning: "string(t first)" is only allowed in page margins\n'


def test_under_strict_a_css_mistake_is_an_error(monkeypatch):
    monkeypatch.setattr(errors.REPORTER, "strict", True)
    with pytest.raises(errors.InputError, match=r"<CSS string>:1: error: WeasyPrint: Ignored `colr: red ?` at 1:5") \
            as refused:
        with weasyprint70.layout_scope():
            CSS(string="p { colr: red }")
    assert str(refused.value).endswith("(--strict: correct the stylesheet)")  # not "… in the YAML"


def test_print_css_gives_weasyprint_nothing_to_warn_about(capsys):
    from edition.render import typeset

    fonts = FontConfiguration()
    fetcher = typeset._fetcher_class()()
    with weasyprint70.layout_scope():
        css = CSS(filename=str(typeset.CSS_PATH), font_config=fonts, url_fetcher=fetcher)
        html = "<html lang='en-GB'><body><div class='text'><p>A text.</p></div></body></html>"
        HTML(string=html, base_url=str(typeset.STYLES) + "/", url_fetcher=fetcher).render(
            font_config=fonts, stylesheets=[css])
    assert capsys.readouterr().err == ""


def test_outside_a_layout_weasyprint_s_log_is_untouched():
    assert weasyprint70._reported not in weasyprint70.LOGGER.handlers
    assert weasyprint70.LOGGER.level == logging.NOTSET


# --- the version ---------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["69.0", "71.0", "7.0"])
def test_any_other_major_version_is_refused(version):
    with pytest.raises(RuntimeError, match=f"WeasyPrint 70.x, found {version}"):
        weasyprint70.check_version(version)
    weasyprint70.check_version("70.2")
