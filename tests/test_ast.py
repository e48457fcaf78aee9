"""TEI → Pandoc AST: each element on a few lines of TEI, both targets, literal text kept literal."""

from pathlib import Path

import pytest
from lxml import etree

from edition.render.ast import (
    UnknownElement, divisions, life_dates, ranges, read_registers, stringify, tei_to_ast, Entry,
)
from edition.render.pandoc import api_version, run_pandoc

FIXTURE = Path(__file__).parent / "fixtures" / "print-sample.tei.xml"
T = "http://www.tei-c.org/ns/1.0"


def tei(body: str, front: str = "", standoff: str = "") -> etree._Element:
    """A minimal TEI document around a body."""
    return etree.fromstring(f"""<TEI xmlns="{T}"><teiHeader><fileDesc><titleStmt>
      <title type="main">A title: with a subtitle</title><author>An Author</author></titleStmt>
      <publicationStmt><date when="2003-03-05">5 March 2003</date></publicationStmt>
      <sourceDesc><bibl>a source</bibl></sourceDesc></fileDesc></teiHeader>
      <text xml:lang="en-GB"><front>{front}</front><body>{body}</body></text>
      <standOff>{standoff}</standOff></TEI>""")


def walk(node):
    """Every dict node of an AST, depth first."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def html(root, target="print", **kw) -> str:
    return run_pandoc(tei_to_ast(root, target, **kw), "html5", ["--wrap=none"]).decode()


def text_blocks(ast):
    return divisions(ast, "text")["blocks"]


@pytest.fixture(scope="module")
def sample():
    return etree.parse(str(FIXTURE)).getroot()


def test_api_version_is_asked_of_pandoc():
    version = api_version()
    assert isinstance(version, list) and version[:2] >= [1, 22]
    assert tei_to_ast(tei('<p n="1">x</p>'), "epub")["pandoc-api-version"] == version


def test_book_has_front_text_back(sample):
    for target in ("print", "epub"):
        ast = tei_to_ast(sample, target)
        assert [b["c"][0][0] for b in ast["blocks"]] == ["front", "text", "back"]


def test_unknown_element_is_an_error_not_dropped_text():
    with pytest.raises(UnknownElement, match="<frobnicate>"):
        tei_to_ast(tei('<p n="1">a <frobnicate>lost</frobnicate></p>'), "print")
    with pytest.raises(UnknownElement, match="<table>"):
        tei_to_ast(tei('<table/>'), "epub")
    with pytest.raises(UnknownElement, match="text"):
        tei_to_ast(tei('stray text<p n="1">x</p>'), "print")


def test_unknown_target():
    with pytest.raises(ValueError):
        tei_to_ast(tei('<p n="1">x</p>'), "docx")


def test_paragraph_has_anchor_and_number():
    out = html(tei('<p n="7" xml:id="p7">Some text.</p>'))
    assert 'id="p7"' in out and '<span class="pn">7</span>' in out


def test_literal_text_prints_as_written():
    literal = "&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;b&lt;/b&gt; $a$ *b* [x](http://e.org) {{c}}"
    for target in ("print", "epub"):
        out = html(tei(f'<p n="1">{literal}<note type="editorial" place="foot" xml:id="n1" n="1">'
                       f'{literal}</note></p>'), target)
        assert out.count("&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;b&lt;/b&gt; $a$ *b*") == 2
        assert out.count("[x](http://e.org) {{c}}") == 2
        assert "<script>" not in out and "<b>" not in out and "<em>b</em>" not in out


def test_typography_applied_with_quote_context():
    ast = tei_to_ast(tei('<p n="1">He said "the <persName ref="#l">Lenin</persName> of today" - no.</p>'), "print")
    paras = [stringify(n["c"]) for n in walk(text_blocks(ast)) if n.get("t") == "Para"]
    assert paras == ["1He said “the Lenin of today”\u00a0– no."]


def test_names_get_stable_anchors_counted_per_entry(sample):
    ast = tei_to_ast(sample, "print")
    ids = [n["c"][0][0] for n in walk(divisions(ast, "text")) if n.get("t") == "Span" and "name" in n["c"][0][1]]
    assert ids[:5] == ["stalin-1", "stalin-2", "lenin-1", "bolsheviks-1", "lenin-2"]
    assert len(ids) == len(set(ids))
    # the epub target names the same mentions the same way
    epub = tei_to_ast(sample, "epub")
    ids2 = [n["c"][0][0] for n in walk(divisions(epub, "text")) if n.get("t") == "Span" and "name" in n["c"][0][1]]
    assert ids == ids2


def test_print_note_is_an_inline_footnote_span_at_its_call(sample):
    out = html(sample, "print")
    # the call follows the comma that ends the lemma, as in a book
    assert '1907,<span id="n1-call" class="note-call"></span><span id="n1" class="footnote" data-n="1">The' in out.replace("\n", " ")
    assert "<aside" not in out


def test_epub_note_is_noteref_and_aside_with_backlink(sample):
    out = html(sample, "epub").replace("\n", " ")
    assert '<a epub:type="noteref" role="doc-noteref" id="n1-ref" href="#n1">1</a>' in out
    assert '<aside epub:type="footnote" role="doc-footnote" id="n1">' in out
    assert '<a href="#n1-ref" role="doc-backlink">1.</a>' in out
    assert 'class="footnote"' not in out


def test_emendation_shows_correction_and_textual_note(sample):
    out = html(sample, "print", pages={"corr-1": 9})
    assert '<span id="corr-1" class="corr">fait accompli</span>' in out
    tn = out[out.index('id="textual-notes"'):out.index('id="works-cited"')].replace("\n", " ")
    assert '<a href="#corr-1">9</a> ¶\u00a03</span> fait accompli] fait d’accompli <em>source</em>' in tn
    epub = html(sample, "epub").replace("\n", " ")
    assert '<a href="#corr-1">¶\u00a03</a></span> fait accompli]' in epub


def test_block_quotation_letters_list_epigraph(sample):
    out = html(sample, "print")
    assert '<div id="p5" class="blockquote" data-n="5">\n<blockquote>' in out
    assert "“" not in out[out.index('id="p5"'):out.index('id="p6"')].split("<blockquote>")[1][:40]
    assert '<div id="p11" class="letter" data-n="11">' in out and '<div class="salute">' in out
    assert '<div class="signed">\n<p>L.\u00a0Kam<span class="supplied">[enev]</span></p>' in out
    assert '<li><div id="p7" class="item" data-n="7">' in out
    assert '<div id="epigraph" class="epigraph">' in out
    # citations after block quotations lose their parentheses; inline ones keep them
    assert "<p>Maria Joffe, <em>One Long Night</em>, pp.\u00a069–70.</p>" in out
    assert "(<span class=\"bibl\" data-corresp=\"pravda-1917\">Pravda, April 21 (8) 1917</span>)" in out


def test_print_index_locators_are_pages_ascending_unique_ranged(sample):
    pages = {"lenin-1": 7, "lenin-2": 7, "lenin-3": 8, "lenin-4": 9, "lenin-5": 12, "stalin-1": 7}
    out = html(sample, "print", pages=pages).replace("\n", " ")
    entry = out[out.index("Lenin, Vladimir Ilyich"):]
    entry = entry[:entry.index("</li>")]
    assert '(1870–1924)</span>, <span class="locators"><span class="range"><a href="#lenin-1">7</a>–<a href="#lenin-4">9</a></span>, <a href="#lenin-5">12</a></span>' in entry


def test_epub_index_locators_are_paragraph_links(sample):
    out = html(sample, "epub").replace("\n", " ")
    entry = out[out.index("Lenin, Vladimir Ilyich"):]
    entry = entry[:entry.index("</li>")]
    assert '<a href="#lenin-1">¶\u00a01</a>, <a href="#lenin-3">¶\u00a02</a>, <a href="#lenin-4">¶\u00a06</a>, <a href="#lenin-5">¶\u00a013</a>' in entry


def test_indexes_split_persons_from_places_and_bodies(sample):
    out = html(sample, "epub")
    persons = out[out.index('id="index-persons"'):out.index('id="index-places"')]
    places = out[out.index('id="index-places"'):]
    assert "Stalin, Joseph" in persons and "London" not in persons
    assert "London" in places and "Bolshevik Party" in places and "Stalin" not in places
    assert "Woods" not in persons  # in the register, never mentioned


def test_contents_lists_sections_and_back_matter_with_pages(sample):
    out = html(sample, "print", pages={"s1": 8, "s2": 10, "index-persons": 14})
    toc = out[out.index('id="contents"'):out.index('id="text"')].replace("\n", " ")
    assert '<a href="#s1">Stalin and the October revolution</a><span class="page">8</span>' in toc
    assert '<a href="#index-persons">Index of persons</a><span class="page">14</span>' in toc
    assert toc.index("#s2") < toc.index("#textual-notes") < toc.index("#works-cited") < toc.index("#index-places")


def test_front_matter_from_the_header(sample):
    out = html(sample, "print")
    front = out[:out.index('id="text"')]
    assert '<div id="half-title" class="half-title">' in front
    assert "50 years after the death of a tyrant" in front and "Alan Woods" in front
    imprint = front[front.index('id="imprint"'):front.index('id="contents"')]
    for part in ("Source:", "First critical edition", "5 March 2003", "CC", "Source Serif Pro"):
        assert part in imprint
    assert "Source Serif Pro" not in html(sample, "epub")


def test_meta(sample):
    meta = tei_to_ast(sample, "epub")["meta"]
    assert meta["lang"]["c"] == "en-GB"
    assert stringify(meta["title"]["c"]) == "Stalin: 50 years after the death of a tyrant"
    assert [stringify(k["c"]) for k in meta["keywords"]["c"]][:1] == ["Stalin"]
    assert meta["date"]["c"] == "2003-03-05"


def test_ranges_and_life_dates():
    assert ranges([12, 14, 13, 3, 3, 20]) == [(3, 3), (12, 14), (20, 20)]
    assert life_dates(Entry("x", "person", "X", "1870", "1924")) == "(1870–1924)"
    assert life_dates(Entry("x", "person", "X", "1944-01-02", None)) == "(b.\u00a01944)"
    assert life_dates(Entry("x", "place", "X")) == ""


def test_registers():
    root = tei('<p n="1">x</p>', standoff='<listPerson><person xml:id="a"><persName>A B</persName>'
               '<persName type="index">B, A</persName><death when="1900"/></person></listPerson>')
    assert read_registers(root)["a"].index_form == "B, A"
