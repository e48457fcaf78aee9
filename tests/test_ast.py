"""TEI → Pandoc AST: each element on a few lines of TEI, both targets, literal text kept literal."""

import re
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
    assert '<a epub:type="noteref" role="doc-noteref" id="n1-ref" href="#n1"><sup>1</sup></a>' in out
    assert '<aside epub:type="footnote" role="doc-footnote" id="n1">' in out
    assert '<a href="#n1-ref" epub:type="backlink" role="doc-backlink">1.</a>' in out
    assert 'class="footnote"' not in out


def test_emendation_shows_correction_and_textual_note(sample):
    out = html(sample, "print", pages={"corr-1": 9})
    assert '<span id="corr-1" class="corr">fait accompli</span>' in out
    tn = out[out.index('id="textual-notes"'):out.index('id="works-cited"')].replace("\n", " ")
    assert '<a href="#corr-1">9</a> ¶\u00a03</span> fait accompli] fait d’accompli <em>source</em>' in tn
    epub = html(sample, "epub").replace("\n", " ")
    assert '<a href="#corr-1">¶\u00a03</a></span> fait accompli]' in epub
    # two ways: the corrected words link to their textual note, which links back to them
    assert '<a href="#textual-note-1" id="corr-1" class="corr">fait accompli</a>' in epub
    assert '<span id="textual-note-1" class="textual-note">' in epub


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
    # ¶ 2 names Lenin only in note 1: the locator opens the note and says so
    assert ('<a href="#lenin-1">¶\u00a01</a>, <a href="#lenin-3" class="in-note">¶\u00a02\u00a0n.\u00a01</a>, '
            '<a href="#lenin-4">¶\u00a06</a>, <a href="#lenin-5">¶\u00a013</a>') in entry


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


def test_imprint_dates_the_text_only_by_its_source():
    """Without a date in sourceDesc, the imprint does not give the edition's date as the text's."""
    out = html(tei('<p n="1" xml:id="p1">Text.</p>'), "print")
    assert "is dated" not in out[out.index('id="imprint"'):out.index('id="contents"')]
    assert tei_to_ast(tei('<p n="1" xml:id="p1">Text.</p>'), "epub")["meta"]["date"]["c"] == "2003-03-05"


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


# --- the forms of real essays (tests/fixtures/corpus-forms.tei.xml), on the AST itself -------------

FORMS = Path(__file__).parent / "fixtures" / "corpus-forms.tei.xml"


@pytest.fixture(scope="module")
def forms():
    return etree.parse(str(FORMS)).getroot()


@pytest.fixture(scope="module")
def forms_print(forms):
    return tei_to_ast(forms, "print")


@pytest.fixture(scope="module")
def forms_epub(forms):
    return tei_to_ast(forms, "epub")


def by_id(ast, ident):
    """The node (Div, Span, Header) with this id."""
    found = [n for n in walk(ast) if n.get("t") in ("Div", "Span", "Header") and attr_of(n)[0] == ident]
    assert len(found) == 1, (ident, len(found))
    return found[0]


def attr_of(node):
    return node["c"][1] if node["t"] == "Header" else node["c"][0]


def classes_of(node):
    return attr_of(node)[1]


def with_class(ast, cls):
    return [n for n in walk(ast) if n.get("t") in ("Div", "Span", "Header") and cls in classes_of(n)]


def kinds(inlines):
    return [n["t"] for n in inlines]


def test_title_page_from_the_source_title_page(forms_print, forms_epub):
    page = by_id(divisions(forms_print, "front"), "title-page")
    title = by_id(page, "title")
    assert stringify(title["c"][2]) == "MANIFESTO OF THE" and kinds(title["c"][2]) == ["Str", "LineBreak", "Str", "Space", "Str"]
    assert [stringify(d["c"][1][0]["c"]) for d in with_class(page, "subtitle")] == ["COMMUNIST PARTY"]
    bylines = [d["c"][1][0]["c"] for d in with_class(page, "author")]
    assert [stringify(b) for b in bylines] == [
        "By KARL MARX and FREDERICK ENGELS", "Authorized English Translation Edited and Annotated by Frederick Engels"]
    assert kinds(bylines[0]).count("LineBreak") == 3 and "Space" not in kinds(bylines[0])[:2]
    meta = forms_epub["meta"]  # the EPUB's title page is made from metadata
    assert "LineBreak" in kinds(meta["title-page-title"]["c"])
    assert [stringify(s["c"]) for s in meta["title-page-subtitles"]["c"]] == ["COMMUNIST PARTY"]
    assert len(meta["title-page-bylines"]["c"]) == 2
    assert stringify(meta["title"]["c"]) == "Manifesto of the Communist Party"  # metadata: the header's


def test_title_page_of_one_line_keeps_the_header_title(sample):
    ast = tei_to_ast(sample, "epub")
    assert "title-page-title" not in ast["meta"] and "title-page-bylines" not in ast["meta"]
    page = by_id(divisions(ast, "front"), "title-page")
    assert stringify(by_id(page, "title")["c"][2]) == "Stalin"
    assert [stringify(d["c"][1][0]["c"]) for d in with_class(page, "author")] == ["Alan Woods"]


def test_heading_lines_break_in_the_text_and_join_in_the_contents(forms_print):
    head = by_id(divisions(forms_print, "text"), "s1")
    assert head["t"] == "Header" and kinds(head["c"][2])[:3] == ["Str", "LineBreak", "Str"]
    assert "caps" in classes_of(head)
    contents = by_id(divisions(forms_print, "front"), "contents")
    entries = [stringify(n["c"][1]) for n in walk(contents) if n.get("t") == "Link"]
    assert entries[:2] == ["I. BOURGEOIS AND PROLETARIANS.", "TO M.\u00a0TALLEYRAND PERIGORD,"]
    assert not [n for n in walk(contents) if n.get("t") == "LineBreak"]


def test_authorial_footnotes_in_print(forms_print):
    text = divisions(forms_print, "text")
    notes = {classes_of(s) and s["c"][0][0]: s for s in with_class(text, "footnote")}
    assert list(notes) == ["n1", "fn1", "fn2", "fn3"]  # at their calls, in text order
    signs = {k: dict(s["c"][0][2])["n"] for k, s in notes.items()}
    assert signs == {"n1": "1", "fn1": "1", "fn2": "a", "fn3": "*"}  # ¹ is 1; the editors' keep 1, 2, …
    assert "authorial" not in classes_of(notes["n1"]) and all("authorial" in classes_of(notes[k]) for k in ("fn1", "fn2", "fn3"))
    for ident in notes:
        by_id(text, f"{ident}-call")  # the call, for the read-back of the page
    fn3 = stringify(notes["fn3"]["c"][1])
    assert fn3 == "By bourgeoisie is meant the class of modern capitalists, owners of the means of social " \
                  "production and employers of wage labour. [Author’s note.]"  # no label, no ")"
    assert stringify(notes["fn2"]["c"][1]).startswith("Lassalle personally")  # label "(a)" dropped
    assert [s for s in with_class(notes["fn2"], "note-owner")]
    assert not with_class(notes["n1"], "note-owner")
    # the author's marker stays where the author put it: no call moved after punctuation
    para = by_id(text, "p2")["c"][1][0]["c"]
    i = next(i for i, n in enumerate(para) if n["t"] == "Span" and n["c"][0][0] == "fn2-call")
    assert para[i - 1] == {"t": "Str", "c": "learned"}


def test_authorial_footnotes_in_the_epub(forms_epub):
    text = divisions(forms_epub, "text")
    refs = [n["c"][1] for n in walk(text) if n.get("t") == "RawInline" and "noteref" in n["c"][1]]
    assert [re.search(r'href="#([^"]+)"><sup>([^<]+)<', r).groups() for r in refs] == [
        ("n1", "1"), ("fn1", "1"), ("fn2", "a"), ("fn3", "*")]
    asides = [n["c"][1] for n in walk(text) if n.get("t") == "RawBlock" and n["c"][1].startswith("<aside")]
    assert 'id="fn3" class="authorial"' in asides[-1] and 'class=' not in asides[0]
    backlinks = [n["c"][1] for n in walk(text) if n.get("t") == "RawInline" and "doc-backlink" in n["c"][1]]
    assert '<a href="#fn3-ref" epub:type="backlink" role="doc-backlink">*.</a>' in backlinks


def test_note_sources_and_notes_section_print_nothing(forms_print, forms):
    text = divisions(forms_print, "text")
    assert not [n for n in walk(text) if n.get("t") == "Header" and n["c"][1][0] == "s3"]
    assert "FOOTNOTES" not in str(forms_print)
    # a notes section still holding a note is printed
    root = tei('<div type="notes" xml:id="s9"><head>NOTES</head><anchor type="note-source" corresp="#x"/>'
               '<note type="authorial" place="foot" n="c"><label>(c)</label> Left here.</note></div>')
    ast = tei_to_ast(root, "print")
    assert stringify(by_id(ast, "s9")["c"][2]) == "NOTES"
    assert stringify(with_class(ast, "authorial-note-block")[0]["c"][1][0]["c"]) == "(c) Left here."


def test_note_without_a_marker_is_a_small_paragraph_in_place(forms_print):
    text = divisions(forms_print, "text")
    block = by_id(text, "fn4")
    assert "authorial-note-block" in classes_of(block)
    assert stringify(block["c"][1][0]["c"]) == "(b) This note stood here in the source; no marker calls it."
    section = [n for n in walk(text) if n.get("t") == "Div" and "division" in classes_of(n)][1]
    ids = [b["c"][0][0] for b in section["c"][1] if b["t"] == "Div"]
    assert ids.index("p17") < ids.index("fn4") < ids.index("p18")


def test_verse_standing_quoted_and_as_epigraph(forms_print):
    text = divisions(forms_print, "text")
    lg = by_id(text, "p11")
    assert classes_of(lg)[:2] == ["verse", "short"] and dict(lg["c"][0][2]) == {"n": "11"}
    lines = [stringify(l["c"][1][0]["c"]) for l in lg["c"][1]]
    assert lines == ["11Men of England, wherefore plough", "For the lords who lay ye low?",
                     "Wherefore weave with toil and care", "The rich robes your tyrants wear?"]
    assert all("l" in classes_of(l) for l in lg["c"][1])
    quoted = by_id(text, "p5")["c"][1][0]
    assert quoted["t"] == "BlockQuote" and "verse" in classes_of(quoted["c"][0])
    assert stringify(quoted["c"][0]["c"][1][3]["c"][1][0]["c"]) == "O’er the grave where our hero we buried."
    epigraph = by_id(text, "epigraph-2")
    assert [n for n in walk(epigraph) if n.get("t") == "Div" and "verse" in classes_of(n)]


def test_section_byline_and_epigraph_follow_the_heading(forms_print):
    section = [n for n in walk(divisions(forms_print, "text")) if n.get("t") == "Div" and "division" in classes_of(n)][0]
    blocks = section["c"][1]
    assert blocks[0]["t"] == "Header"
    assert "byline" in classes_of(blocks[1]) and stringify(blocks[1]["c"][1][0]["c"]) == "BY KARL MARX AND FREDERICK ENGELS."
    assert "epigraph" in classes_of(blocks[2])
    assert [stringify(p["c"]) for n in walk(blocks[2]) if n.get("t") == "Div" and "source" in classes_of(n)
            for p in n["c"][1]] == ["LOWELL."]


def test_closer_and_postscript_outside_letters(forms_print):
    text = divisions(forms_print, "text")
    closers = [c for c in with_class(text, "closer") if not any(
        c is x for l in with_class(text, "letter") for x in walk(l))]
    assert len(closers) == 1
    lines = [(classes_of(d)[0], stringify(d["c"][1][0]["c"])) for d in closers[0]["c"][1]]
    assert lines == [("signed", "FREDERICK ENGELS."), ("dateline", "London, January 30, 1888.")]
    ps = with_class(text, "postscript")[0]
    assert [b["c"][0][0] for b in ps["c"][1]] == ["p12", "p13"]
    assert stringify(ps["c"][1][0]["c"][1][0]["c"]).startswith("12P.S.\u00a0The translation")


def test_letter_in_the_div_with_its_source(forms_print):
    text = divisions(forms_print, "text")
    group = by_id(text, "letters-1")
    letter, source = group["c"][1]
    assert letter["c"][0][0] == "p15" and "letter" in classes_of(letter)
    opener, *middle, closer = letter["c"][1]
    assert [classes_of(d)[0] for d in opener["c"][1]] == ["dateline", "byline", "salute"]
    assert stringify(opener["c"][1][0]["c"][1][0]["c"]).startswith("15For the Independent Journal")
    assert [classes_of(d)[0] for d in closer["c"][1]] == ["salute", "salute", "signed"]
    quote = [b for b in middle if b["t"] == "Div" and "blockquote" in classes_of(b)]
    assert len(quote) == 1 and quote[0]["c"][0][0] == "" and "pn" not in str(quote[0])  # not numbered
    assert "source" in classes_of(source) and stringify(source["c"][1][0]["c"]) == "Izvestiya Ts. Kom. KPSS, 1989, p.\u00a0191."
    assert str(text).count("Izvestiya") == 1  # the bibl is set once, with its letter
    second = by_id(text, "letters-2")["c"][1]
    assert len(second) == 1 and [n for n in walk(second) if n.get("t") == "Div" and "verse" in classes_of(n)]


def test_italic_without_its_underscores_and_source_without_its_dashes(forms_print):
    text = divisions(forms_print, "text")
    assert "_" not in json_text(text)
    emph = [stringify(n["c"]) for n in walk(text) if n.get("t") == "Emph"]
    assert "constant opposition" in emph and "Manifesto" in emph and "New York Commercial" in emph
    source = [d for d in with_class(by_id(text, "p6"), "source")][0]
    first = source["c"][1][0]["c"][0]
    assert first["t"] == "Emph" and stringify(source["c"][1][0]["c"]) == "New York Commercial, January 11, 1905."


def json_text(node) -> str:
    return " ".join(n["c"] for n in walk(node) if n.get("t") == "Str")


def test_ordered_list_has_no_bullets_items_keep_labels(forms_print):
    lst = with_class(divisions(forms_print, "text"), "ordered")[0]
    assert classes_of(lst) == ["list", "ordered"]
    items = [stringify(i[0]["c"][1][0]["c"]) for i in lst["c"][1][0]["c"]]
    assert items[1] == "92. A heavy progressive or graduated income tax."


def test_paragraph_numbers_are_continuous_in_both_targets(forms, forms_print, forms_epub):
    units = forms.xpath("//t:text//*[@n][not(self::t:note)]/@n", namespaces={"t": T})
    assert units == [str(i) for i in range(1, 19)]
    for ast in (forms_print, forms_epub):
        marks = [stringify(n["c"][1]) for n in walk(divisions(ast, "text")) if n.get("t") == "Span" and "pn" in n["c"][0][1]]
        assert marks == units
        for n in units:
            assert dict(by_id(ast, f"p{n}")["c"][0][2])["n"] == n


def test_index_locators_reach_names_in_every_new_form(forms_print, forms_epub):
    mentions = [n["c"][0][0] for n in walk(divisions(forms_print, "text")) if n.get("t") == "Span" and "name" in n["c"][0][1]]
    assert mentions == ["league-1", "london-1", "league-2", "london-2", "lassalle-1", "lassalle-2", "marx-1",
                        "engels-1", "london-3", "engels-2", "hamilton-1", "talleyrand-1", "paris-1", "hamilton-2",
                        "london-4", "marx-2"]
    pages = {m: 7 + i // 3 for i, m in enumerate(mentions)}
    out = html(etree.parse(str(FORMS)).getroot(), "print", pages=pages).replace("\n", " ")
    entry = out[out.index("Hamilton, Alexander"):]
    assert '<a href="#hamilton-1">10</a>, <a href="#hamilton-2">11</a>' not in entry
    assert '<a href="#hamilton-1">10</a>–<a href="#hamilton-2">11</a>' in entry[:entry.index("</li>")]
    back = divisions(forms_epub, "back")
    hamilton = next(i for n in walk(back) if n.get("t") == "BulletList" for i in n["c"]
                    if stringify(i[0]["c"]).startswith("Hamilton"))
    assert stringify(hamilton[0]["c"]).endswith("¶\u00a014, ¶\u00a015")
    engels = next(i for n in walk(back) if n.get("t") == "BulletList" for i in n["c"]
                  if stringify(i[0]["c"]).startswith("Engels"))
    assert stringify(engels[0]["c"]).endswith("¶\u00a03, ¶\u00a012")


def test_label_closer_and_note_sign():
    from edition.render.ast import label_closer, note_sign
    T_ = f"{{{T}}}"
    def label(text):
        el = etree.Element(T_ + "label")
        el.text = text
        return el
    assert label_closer(label("(*Footnote.")) == ")" and label_closer(label("[Footnote 1:")) == "]"
    assert label_closer(label("(a)")) == "" and label_closer(label("[1]")) == "" and label_closer(None) == ""
    note = etree.Element(T_ + "note", n="\u00b9")
    assert note_sign(note) == "1"


def test_a_name_in_a_heading_is_cited_by_its_sections_first_paragraph():
    """Not by the paragraph before the heading (issue 15: "Stalin ¶ 4" for a heading above ¶ 5)."""
    root = tei('<p n="4" xml:id="p4">Before.</p><div type="section" xml:id="s1"><head>'
               '<persName ref="#stalin">Stalin</persName> in 1917</head><p n="5" xml:id="p5">After.</p></div>',
               standoff='<listPerson><person xml:id="stalin"><persName type="index">Stalin</persName>'
                        '</person></listPerson>')
    out = html(root, "epub").replace("\n", " ")
    assert '<a href="#stalin-1">¶\u00a05</a>' in out
