"""The print edition's line breaks chosen before layout (edition/render/linebreak.py, issue 14
point 1): measured as WeasyPrint lays out, every break taken, no text lost or moved, the limits
held (hyphens in a row, fragments, names, the last word), lines justified."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from edition.render import linebreak, makeup, typeset, weasyprint70
from edition.render.ast import neutral_ast

FIXTURES = Path(__file__).parent / "fixtures"


def body_html(fixture: str) -> tuple[typeset.Typesetter, str]:
    """A fixture's Typesetter and its body's HTML, as the layout is given it."""
    root = etree.fromstring((FIXTURES / fixture).read_bytes())
    setter = typeset.Typesetter(root)
    setter.book = neutral_ast(root)
    return setter, setter.print_html("text")


@pytest.fixture(scope="module")
def laid():
    """long-sample's body: its HTML, the same with its lines set, and the layout of that from
    folio 7; and its Typesetter (tests/test_galley.py lays it out again)."""
    setter, html = body_html("long-sample.tei.xml")
    with weasyprint70.layout_scope():
        set_html = setter.set_lines(html, 7)
        doc = setter.render(set_html, 7)
    return {"html": html, "set": set_html, "doc": doc, "plan": setter.line_plan, "setter": setter}


def blocks(html: str) -> dict[str, str]:
    """The text of every set block (by its key), from HTML."""
    from weasyprint import HTML

    tree = HTML(string=html).etree_element
    return {linebreak.block_key(el): "".join(el.itertext()) for el in tree.iter()
            if linebreak.SET_CLASS in (el.get("class") or "").split()}


def test_dictionary_is_a_proper_one():
    en = linebreak.dictionary("en-GB")

    def breaks(word):  # with 3 letters or more each side, as print.css's hyphenate-limit-chars
        return [word[:p] + "-" + word[p:] for p in en.positions(word) if 3 <= p <= len(word) - 3]

    assert breaks("bureaucracy") == ["bureau-cracy"]  # en_GB's patterns: bur-eaucracy
    assert breaks("important") == ["impor-tant"]  # en_GB's: import-ant
    assert breaks("permanent") == ["per-manent", "perma-nent"]  # en_GB's: perman-ent
    assert linebreak.dictionary("ru-Latn") is None  # Russian patterns are for Cyrillic
    assert linebreak.dictionary(None) is None


def test_most_blocks_are_set_and_text_is_neither_lost_nor_moved(laid):
    plan = laid["plan"]
    assert plan.blocks > 50 and plan.left <= plan.blocks // 20
    import html as html_lib

    original = re.sub(r"\s+", "", html_lib.unescape(re.sub(r"<[^>]+>", "", laid["html"])))
    after = html_lib.unescape(re.sub(r"<[^>]+>", "", laid["set"]))
    assert re.sub(r"\s+", "", re.sub("\u2010\n", "", after)) == original


def test_every_chosen_break_is_taken_and_its_line_justified(laid):
    from weasyprint.formatting_structure import boxes

    doc = laid["doc"]
    assert makeup.unchosen_breaks(doc) == []
    chosen = 0
    for page in doc.pages:
        for line in weasyprint70.page_box(page).descendants():
            if isinstance(line, boxes.LineBox) and getattr(line, "_chosen_break", False):
                chosen += 1
                texts = [t for t in line.descendants() if isinstance(t, boxes.TextBox)]
                right = max(t.position_x + t.width for t in texts)
                assert right == pytest.approx(line.position_x + line.width, abs=0.01)
    assert chosen > 200


def lines_of(doc):
    """The text of each line of each set block, by block."""
    from weasyprint.formatting_structure import boxes

    out: dict[int, list[str]] = {}
    for page in doc.pages:
        for line in weasyprint70.page_box(page).descendants():
            if isinstance(line, boxes.LineBox) and line.element is not None and \
                    linebreak.SET_CLASS in (line.element.get("class") or "").split():
                text = "".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox))
                out.setdefault(id(line.element), []).append(text)
    return out


def test_hyphens_two_in_a_row_at_most_and_no_last_line_of_a_fragment(laid):
    for lines in lines_of(laid["doc"]).values():
        ends = [bool(re.search(r"\w[\u2010-]$", line.rstrip())) for line in lines]
        run = 0
        for end in ends:
            run = run + 1 if end else 0
            assert run <= linebreak.MAX_HYPHENS, lines
        if len(lines) > 1 and lines[-2].rstrip().endswith("\u2010"):
            assert " " in lines[-1].strip(), lines[-2:]  # not "cor-" / "rect."


def test_a_word_is_broken_as_print_css_allows(laid):
    """hyphenate-limit-chars: 6 2 3 — a word of six letters or more, two before the break (in-,
    re-), three after it."""
    lines = [l for ls in lines_of(laid["doc"]).values() for l in ls]
    broken = 0
    for line, following in zip(lines, lines[1:]):
        if line.rstrip().endswith("\u2010"):
            before = re.search(r"(\w+)\u2010$", line.rstrip()).group(1)
            after = re.match(r"\W*(\w+)", following).group(1)
            assert len(before) >= 2 and len(after) >= 3 and len(before + after) >= 6, (line, following)
            broken += 1
    assert broken > 10


def test_a_name_or_capitals_break_as_a_typesetter_would(laid):
    """The names of long-sample (persName etc., class "name") break only at a syllable, with 3
    letters on each side; a word in capitals never."""
    assert linebreak.syllable_break("Trotsky", 4) and linebreak.syllable_break("Kamenev", 4)
    assert not linebreak.syllable_break("Kuomintang", 4)  # the English patterns' Kuom-intang
    from weasyprint import HTML

    tree = HTML(string=laid["set"]).etree_element
    for el in tree.iter():
        if "name" in (el.get("class") or "").split():
            for piece in re.findall(r"(\w+)\u2010\n(\w+)", "".join(el.itertext())):
                assert len(piece[0]) >= 3 and len(piece[1]) >= 3
                assert linebreak.dictionary("en").inserted("".join(piece)).startswith(piece[0] + "-") or \
                    "-" + piece[1] in linebreak.dictionary("en").inserted("".join(piece))
    assert not re.search(r"\b[A-Z]{2,}\u2010\n", laid["set"])


def test_a_block_it_cannot_read_is_left_to_weasyprint():
    """A paragraph with a line break of its own is not set; the others are."""
    setter, html = body_html("print-sample.tei.xml")
    first = html.index("<p>", html.index('<div id="p1"'))
    html = html[:first] + "<p>One line<br>and another, set by WeasyPrint.</p>" + html[first:]
    with weasyprint70.layout_scope():
        out = setter.set_lines(html, 7)
    assert "<p>One line<br>and another, set by WeasyPrint.</p>" in out
    assert setter.line_plan.left >= 1 and setter.line_plan.blocks >= 1


def test_serialise_keeps_what_it_was_given():
    from weasyprint import HTML

    source = ('<html lang="en"><head><meta charset="utf-8"><title>T &amp; U</title></head><body>'
              '<p class="a" data-x="&quot;q&quot;">One&nbsp;two <em>three</em> &lt;four&gt;<br>'
              'five</p><!-- a comment --></body></html>')
    out = linebreak.serialise(HTML(string=source).etree_element)
    again = linebreak.serialise(HTML(string=out).etree_element)
    assert out == again
    assert '<p class="a" data-x="&quot;q&quot;">One&nbsp;two <em>three</em> &lt;four&gt;<br>five</p>' in out
    assert "<!-- a comment -->" in out


def test_a_block_is_known_by_the_same_key_before_and_after_its_breaks_are_set():
    """A break after a word's own hyphen ("non-\\nvoting") and a hyphenated break ("im‐\\nportant")
    leave the block's key as it was: the page make-up finds the block it names (before, a
    paragraph with a compound word broken at its hyphen was unknown to it)."""
    from xml.etree import ElementTree as ET

    before = ET.fromstring("<p>a non-voting <em>important</em> mandate</p>")
    after = ET.fromstring("<p>a non-\nvoting <em>im\u2010\nportant</em>\nmandate</p>")
    assert linebreak.block_key(before) == linebreak.block_key(after)


def test_two_paragraphs_of_one_text_are_two_blocks():
    """A block is known by its number in the HTML the line setter returns, not by its text: a
    paragraph repeated word for word (a refrain; the long book's copies) set a line longer is
    that paragraph alone. Known by text, the change went to every copy, and a note cut at the
    second was anchored in the first."""
    from weasyprint import HTML

    setter, html = body_html("print-sample.tei.xml")
    start = html.rindex("<p", 0, html.index("Tonight I received"))  # one line, two at one loose line
    paragraph = html[start:html.index("</p>", start) + 4]
    html = html[:start] + paragraph + html[start:]
    text = re.sub(r"[\s\u00ad\u2010-]+", "", "".join(HTML(string=paragraph).etree_element.iter("p").__next__().itertext()))
    with weasyprint70.layout_scope():
        out = setter.set_lines(html, 7)
        plan, lines = setter.line_plan, setter._line_setter[1]
        copies = [el for el in HTML(string=out).etree_element.iter("p")
                  if re.sub(r"[\s\u00ad\u2010-]+", "", "".join(el.itertext())) == text]
        first, second = (linebreak.block_key(el) for el in copies)
        assert first != second and plan.counts[first] == plan.counts[second]
        again, changed = lines.html({first: (plan.counts[first] + 1, frozenset())}, spare=99)
    assert changed.counts[first] == plan.counts[first] + 1 and changed.counts[second] == plan.counts[second]
