"""TEI → the neutral Pandoc AST (ast.py, inlines.py, matter.py), then the print and EPUB editions of it
(targets.py). The AST is compared by its readable outline (`pandoc.outline`): each expected outline
below was read and checked against the TEI it comes from."""

import re
from pathlib import Path

import pytest
from lxml import etree

from edition.render.ast import neutral_ast
from edition.render.inlines import UnknownElement
from edition.render.matter import Entry, life_dates, read_registers
from edition.render.pandoc import api_version, divisions, outline, run_pandoc, stringify
from edition.render.targets import division, for_epub, for_print, note_units, ranges, tei_to_ast

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


def block(blocks: list, ident: str) -> str:
    """The outline of the block (at any depth) whose id is `ident`."""
    for node in walk(blocks):
        if node.get("t") in ("Div", "Header") and (node["c"][0] if node["t"] == "Div" else node["c"][1])[0] == ident:
            return outline([node])
    raise KeyError(ident)


def entry(blocks: list, start: str) -> str:
    """The outline line of an index or contents entry that starts with `start`."""
    return next(line.strip() for line in outline(blocks).splitlines() if line.strip().startswith(start))


@pytest.fixture(scope="module")
def sample():
    return etree.parse(str(FIXTURE)).getroot()


@pytest.fixture(scope="module")
def neutral(sample):
    return neutral_ast(sample)


def test_api_version_is_asked_of_pandoc():
    version = api_version()
    assert isinstance(version, list) and version[:2] >= [1, 22]
    assert neutral_ast(tei('<p n="1">x</p>'))["pandoc-api-version"] == version


def test_book_has_front_text_back(neutral):
    """The neutral book and the print book have the three divisions; the e-book is cut into
    chapters: the title heads the text before the first section, each back division is one."""
    assert [b["c"][0][0] for b in neutral["blocks"]] == ["front", "text", "back"]
    assert [b["c"][0][0] for b in for_print(neutral)["blocks"]] == ["front", "text", "back"]
    epub = for_epub(neutral)["blocks"]
    assert outline(epub[:1]) == "H1#text-title.text-title: Stalin: 50 years after the death of a tyrant"
    assert [b["c"][1][0]["c"][1][0] for b in epub if b["t"] == "Div" and "back-section" in b["c"][0][1]] == \
        ["textual-notes", "works-cited", "index-persons", "index-places"]


def test_unknown_element_is_an_error_not_dropped_text():
    with pytest.raises(UnknownElement, match="<frobnicate>"):
        neutral_ast(tei('<p n="1">a <frobnicate>lost</frobnicate></p>'))
    with pytest.raises(UnknownElement, match="<table>"):
        neutral_ast(tei('<table/>'))
    with pytest.raises(UnknownElement, match="text"):
        neutral_ast(tei('stray text<p n="1">x</p>'))


def test_unknown_target():
    with pytest.raises(ValueError):
        tei_to_ast(tei('<p n="1">x</p>'), "docx")


def test_paragraph_has_anchor_and_number():
    doc = neutral_ast(tei('<p n="7" xml:id="p7">Some text.</p>'))
    assert outline(division(doc, "text")) == "Div#p7.para n=7\n  Para: [.pn: 7]Some text."
    # EPUB: the number hidden from screen readers, a space after it for copying
    assert block(for_epub(doc)["blocks"], "p7") == "Div#p7.para n=7\n  Para: [.pn aria-hidden=true: 7] Some text."


def test_literal_text_prints_as_written():
    """Through pandoc's HTML writer: text that looks like markup stays text, in both editions."""
    literal = "&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;b&lt;/b&gt; $a$ *b* [x](http://e.org) {{c}}"
    for target in ("print", "epub"):
        out = html(tei(f'<p n="1">{literal}<note type="editorial" place="foot" xml:id="n1" n="1">'
                       f'{literal}</note></p>'), target)
        assert out.count("&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;b&lt;/b&gt; $a$ *b*") == 2
        assert out.count("[x](http://e.org) {{c}}") == 2
        assert "<script>" not in out and "<b>" not in out and "<em>b</em>" not in out


def test_typography_applied_with_quote_context():
    doc = neutral_ast(tei('<p n="1">He said "the <persName ref="#l">Lenin</persName> of today" - no.</p>'))
    paras = [stringify(n["c"]) for n in walk(text_blocks(doc)) if n.get("t") == "Para"]
    assert paras == ["1He said “the Lenin of today”\u00a0– no."]


def test_names_get_stable_anchors_counted_per_entry(neutral):
    ids = [n["c"][0][0] for n in walk(divisions(neutral, "text")) if n.get("t") == "Span" and "name" in n["c"][0][1]]
    assert ids[:5] == ["stalin-1", "stalin-2", "lenin-1", "bolsheviks-1", "lenin-2"]
    assert len(ids) == len(set(ids))
    for edition in (for_print(neutral)["blocks"], for_epub(neutral)["blocks"]):  # both keep them
        assert [n["c"][0][0] for n in walk(edition) if n.get("t") == "Span" and "name" in n["c"][0][1]
                and n["c"][0][0]] == ids


NOTE_TEI = ('<div xml:id="s1"><head>One</head><p n="1" xml:id="p1">In 1907<note type="editorial" place="foot" '
            'xml:id="n1" n="1">The <persName ref="#l">note</persName>.</note>, he <choice><sic>sayd</sic>'
            '<corr>said</corr></choice> nothing.</p><p n="2" xml:id="p2">Then.</p></div>')


def test_a_note_is_one_neutral_span_at_its_call():
    """The call follows the comma that ends the lemma, as in a book; the note's text is at the call,
    its mentions are the note's, the unit is marked as calling notes."""
    doc = neutral_ast(tei(NOTE_TEI))
    assert block(doc["blocks"], "p1") == (
        "Div#p1.para.has-notes n=1\n"
        "  Para: [.pn: 1]In 1907,[#n1.note n=1: The [#l-1.name.person ref=l: note].] he [#corr-1.corr: said] nothing.")
    assert note_units(division(doc, "text")) == {"n1": "p1"}


def test_a_note_call_follows_a_closing_quotation_mark():
    """“bitch”⁴⁶, not “bitch⁴⁶” (issue 14 point 4); an opening mark after a note stays after it."""
    doc = neutral_ast(tei('<p n="1" xml:id="p1">a "bitch<note type="editorial" place="foot" xml:id="n1" n="1">'
                          'N.</note>". And<note type="editorial" place="foot" xml:id="n2" n="2">M.</note> "so".</p>'))
    assert block(doc["blocks"], "p1").splitlines()[1] == \
        "  Para: [.pn: 1]a “bitch”.[#n1.note n=1: N.] And[#n2.note n=2: M.] “so”."


def test_print_note_is_a_call_and_a_footnote_span():
    doc = for_print(neutral_ast(tei(NOTE_TEI)))
    assert block(doc["blocks"], "p1").splitlines()[1] == (
        "  Para: [.pn: 1]In 1907,[#n1-call.note-call: ][#n1.footnote n=1: The [#l-1.name.person ref=l: note].]"
        " he [#corr-1.corr: said] nothing.")


def test_epub_note_is_a_noteref_and_an_aside_at_the_chapters_end():
    doc = for_epub(neutral_ast(tei(NOTE_TEI)))
    chapter = next(b for b in doc["blocks"] if b["t"] == "Div" and "division" in b["c"][0][1])
    assert outline([chapter]) == "\n".join([
        "Div.division.div",
        "  H2#s1: One",
        "  Div#p1.para.has-notes n=1",
        '    Para: [.pn aria-hidden=true: 1] In 1907,{html: <a epub:type="noteref" role="doc-noteref" id="n1-ref" '
        'href="#n1"><sup>1</sup></a>} he <#textual-note-1 #corr-1.corr: said> nothing.',
        "  Div#p2.para n=2",
        "    Para: [.pn aria-hidden=true: 2] Then.",
        "  Div.footnotes",
        '    {html: <aside epub:type="footnote" role="doc-footnote" id="n1">}',
        '    Para: {html: <a href="#n1-ref" epub:type="backlink" role="doc-backlink">1.</a>} The '
        "[#l-1.name.person ref=l: note].",
        "    {html: </aside>}",
    ])


def test_emendation_shows_correction_and_textual_note(neutral):
    assert "[#corr-1.corr: fait accompli]" in block(neutral["blocks"], "p3")
    neutral_note = "Plain: [#textual-note-1.textual-note: [.locator: <#corr-1 .mention para=3: >] fait accompli] " \
                   "fait d’accompli *source*]"
    assert entry(division(neutral, "back"), "Plain: [#textual-note-1") == neutral_note
    printed = for_print(neutral, {"corr-1": 9})
    assert entry(division(printed, "back"), "Plain: [#textual-note-1") == \
        "Plain: [#textual-note-1.textual-note: [.locator: <#corr-1: 9> ¶\u00a03] fait accompli] fait d’accompli *source*]"
    # EPUB, two ways: the corrected words link to their textual note, which links back to them
    epub = for_epub(neutral)["blocks"]
    assert "<#textual-note-1 #corr-1.corr: fait accompli>" in block(epub, "p3")
    assert entry(epub, "Plain: [#textual-note-1") == \
        "Plain: [#textual-note-1.textual-note: [.locator: <#corr-1: ¶\u00a03>] fait accompli] fait d’accompli *source*]"


def test_block_quotation_letters_list_epigraph(neutral):
    blocks = neutral["blocks"]
    assert block(blocks, "p5") == "\n".join([
        "Div#p5.blockquote n=5",
        "  BlockQuote",
        "    Para: [.pn: 5]But one of the Smolny men, puny and insignificant […] all bore his [.supplied: "
        "[Stalin’s]] signature. Inviting them to a ‘friendly’ drink, he would get to know in detail how a "
        "particular organization functioned.",
        "  Div.source",  # the citation after a block quotation loses its parentheses
        "    Para: Maria Joffe, *One Long Night*, pp.\u00a069–70.",
    ])
    assert block(blocks, "letters-1") == "\n".join([
        "Div#letters-1.letters",
        "  Div#p11.letter n=11",
        "    Div.opener",
        "      Div.salute",
        "        Para: [.pn: 11]Joseph,",
        "    Para: Tonight I received your letter of the 5th. I am sorry for what I said.",
        "    Div.closer",
        "      Div.signed",
        "        Para: L.\u00a0Kam[.supplied: [enev]]",
    ])
    assert block(blocks, "p7") == "Div#p7.item n=7\n  Plain: [.pn: 7]Free and democratic elections with right " \
                                  "of recall for all Soviet officials."
    assert block(blocks, "epigraph").splitlines()[0] == "Div#epigraph.epigraph"
    # an inline citation keeps its parentheses
    assert "([.bibl corresp=pravda-1917: Pravda, April 21 (8) 1917])" in block(blocks, "p3")


def test_epub_marks_epigraph_and_letters_for_reading_systems(neutral):
    epub = for_epub(neutral)["blocks"]
    assert block(epub, "epigraph").splitlines()[0] == "Div#epigraph.epigraph epub:type=epigraph role=doc-epigraph"
    assert block(epub, "letters-1").splitlines()[:4] == [
        "Div#letters-1.letters", "  BlockQuote", "    Div#p11.letter n=11 epub:type=z3998:letter",
        "      Div.opener"]


#: a letter that is a section's whole text (an essay in letter form: its heading, the letter, and
#: where the author's note stood), a letter quoted between the author's paragraphs, and one quoted
#: with its source after it
LETTER_FORMS = """
<div type="section" xml:id="s1"><head>FEDERALIST No. 9</head>
<floatingText type="letter" n="1" xml:id="p1"><body><opener><dateline>For the Independent Journal.</dateline>
<byline>HAMILTON</byline><salute>To the People of the State of New York:</salute></opener>
<p>A FIRM Union will be of the utmost moment.</p><p>From the disorders of those republics.</p>
<closer><signed>PUBLIUS</signed></closer></body></floatingText>
<anchor type="note-source" corresp="#fn1"/></div>
<div type="section" xml:id="s2"><head>The quarrel</head>
<p n="2" xml:id="p2">Kamenev wrote to Stalin:</p>
<floatingText type="letter" n="3" xml:id="p3"><body><opener><salute>Joseph,</salute></opener>
<p>I am sorry for what I said.</p><closer><signed>L. Kamenev</signed></closer></body></floatingText>
<p n="4" xml:id="p4">Stalin answered at once.</p></div>
<div type="section" xml:id="s3"><head>A document</head>
<floatingText type="letter" n="5" xml:id="p5"><body><opener><salute>Comrade Kamenev!</salute></opener>
<p>I received your note.</p></body></floatingText><bibl>Izvestiya, 1989.</bibl></div>"""


def test_a_letter_that_is_the_text_is_marked_so_a_quoted_letter_is_not():
    """A section whose text is one letter (nothing of it outside the letter but its heading) is
    the text itself, which the editions set as the body (`text-letter`); a letter between the
    author's paragraphs, or with its source line, is quoted, set as a quotation. The EPUB quotes
    the quoted ones only (a blockquote), and both keep the letter's semantics."""
    blocks = text_blocks(neutral_ast(tei(LETTER_FORMS)))
    assert block(blocks, "letters-1").splitlines()[:3] == [
        "Div#letters-1.letters.text-letter", "  Div#p1.letter n=1", "    Div.opener"]
    assert block(blocks, "letters-2").splitlines()[0] == "Div#letters-2.letters"
    assert block(blocks, "letters-3").splitlines()[0] == "Div#letters-3.letters"
    epub = for_epub(neutral_ast(tei(LETTER_FORMS)))["blocks"]
    assert block(epub, "letters-1").splitlines()[:2] == [
        "Div#letters-1.letters.text-letter", "  Div#p1.letter n=1 epub:type=z3998:letter"]
    assert block(epub, "letters-2").splitlines()[:2] == ["Div#letters-2.letters", "  BlockQuote"]
    assert block(epub, "letters-3").splitlines()[:2] == ["Div#letters-3.letters", "  BlockQuote"]


def test_a_text_written_as_one_letter_is_the_text():
    """A whole text (no sections) that is a letter: a dedication, an open letter."""
    letter = ('<floatingText type="letter" n="1" xml:id="p1"><body><opener><salute>Sir,</salute></opener>'
              '<p>Having read with great pleasure a pamphlet.</p></body></floatingText>')
    assert block(text_blocks(neutral_ast(tei(letter))), "letters-1").splitlines()[0] == \
        "Div#letters-1.letters.text-letter"
    quoted = '<p n="1" xml:id="p1">He wrote:</p>' + letter.replace('n="1" xml:id="p1"', 'n="2" xml:id="p2"')
    assert block(text_blocks(neutral_ast(tei(quoted))), "letters-1").splitlines()[0] == "Div#letters-1.letters"


def test_index_locators_are_mentions_in_the_neutral_book(neutral):
    assert entry(division(neutral, "back"), "Plain: [#ix-lenin") == (
        "Plain: [#ix-lenin.index-term: Lenin, Vladimir Ilyich] [.dates: (1870–1924)], [.locators: <#lenin-1 .mention para=1: >"
        "<#lenin-2 .mention para=1: ><#lenin-3 .mention para=2 note=1: ><#lenin-4 .mention para=6: >"
        "<#lenin-5 .mention para=13: >]")


def test_print_index_locators_are_pages_ascending_unique_ranged(neutral):
    pages = {"lenin-1": 7, "lenin-2": 7, "lenin-3": 8, "lenin-4": 8, "lenin-5": 9, "stalin-1": 7}
    assert entry(division(for_print(neutral, pages), "back"), "Plain: [#ix-lenin") == (
        "Plain: [#ix-lenin.index-term: Lenin, Vladimir Ilyich] [.dates: (1870–1924)], [.locators: "
        "[.range: <#lenin-1: 7>–<#lenin-5: 9>]]")


def test_print_index_marks_a_page_that_names_the_entry_only_in_a_note(neutral):
    """Lenin is named on p. 8 only in note 1 (lenin-3): "8n", which stands apart from the runs."""
    pages = {"lenin-1": 7, "lenin-2": 7, "lenin-3": 8, "lenin-4": 9, "lenin-5": 12}
    assert entry(division(for_print(neutral, pages), "back"), "Plain: [#ix-lenin").endswith(
        "[.locators: <#lenin-1: 7>, <#lenin-3: 8n>, <#lenin-4: 9>, <#lenin-5: 12>]")
    pages["lenin-4"] = 8  # named in the text of p. 8 too: a plain 8, in the run
    assert entry(division(for_print(neutral, pages), "back"), "Plain: [#ix-lenin").endswith(
        "[.locators: [.range: <#lenin-1: 7>–<#lenin-4: 8>], <#lenin-5: 12>]")  # p. 8's link: the text's


def section_text(ident: str, head: str, first: int, count: int, name: str = "Xavier") -> str:
    paras = "".join(f'<p n="{n}" xml:id="p{n}"><persName ref="#x">{name}</persName> {n}.</p>'
                    for n in range(first, first + count))
    return f'<div type="section" xml:id="{ident}"><head>{head}</head>{paras}</div>'


X_REGISTER = '<listPerson><person xml:id="x"><persName type="index">Xavier, Ann</persName></person></listPerson>'


def test_an_entry_named_in_many_paragraphs_is_divided_by_section():
    """Thirteen paragraphs name Xavier, in three parts of the text: one sub-entry per part, in text order;
    a heading in capitals set in small capitals, the text before the first heading the opening."""
    body = '<p n="1" xml:id="p1"><persName ref="#x">Xavier</persName> opens.</p>' + \
        section_text("s1", "First part", 2, 6) + section_text("s2", "THE SECOND", 8, 6)
    doc = neutral_ast(tei(body, standoff=X_REGISTER))
    index = outline(division(doc, "back")[0]["c"][1][1:])
    assert index.splitlines()[:4] == [
        "Div.index",
        "  - item",
        "    Plain: [#ix-x.index-term: Xavier, Ann]",
        "    - item"]
    assert [line.strip() for line in index.splitlines() if "[.index-term" in line] == [
        "Plain: [.index-term: opening paragraphs], [.locators: <#x-1 .mention para=1: >]",
        "Plain: [.index-term: First part], [.locators: " + "".join(
            f"<#x-{n} .mention para={n}: >" for n in range(2, 8)) + "]",
        "Plain: [.index-term: [.caps: THE SECOND]], [.locators: " + "".join(
            f"<#x-{n} .mention para={n}: >" for n in range(8, 14)) + "]"]
    few = neutral_ast(tei(section_text("s1", "One", 1, 6) + section_text("s2", "Two", 7, 6), standoff=X_REGISTER))
    assert "[.locators: <#x-1" in entry(division(few, "back"), "Plain: [#ix-x")  # 12 paragraphs: one line


def test_cross_references_from_the_other_forms_of_the_text():
    """A form of the text that is not the index form's own words gets "see"; a first name, a title
    before the name, initials, a plural do not."""
    body = section_text("s1", "One", 1, 1, "Xavier") + section_text("s2", "Two", 2, 1, "Comrade Xavier") + \
        section_text("s3", "Three", 3, 1, "Ann") + section_text("s4", "Four", 4, 1, "A. Xavier") + \
        section_text("s5", "Five", 5, 1, "Xaviers") + section_text("s6", "Six", 6, 1, "the Red Ann") + \
        section_text("s7", "Seven", 7, 1, "Saverio")
    doc = neutral_ast(tei(body, standoff=X_REGISTER))
    lines = [line.strip() for line in outline(division(doc, "back")).splitlines() if "index-term" in line]
    assert lines == [
        "Plain: [.index-term: Red Ann], *see* <#ix-x .see: Xavier, Ann>",
        "Plain: [.index-term: Saverio], *see* <#ix-x .see: Xavier, Ann>",
        "Plain: [#ix-x.index-term: Xavier, Ann], [.locators: " + "".join(
            f"<#x-{n} .mention para={n}: >" for n in range(1, 8)) + "]"]
    epub = for_epub(doc)["blocks"]
    assert entry(epub, "Plain: [.index-term: Saverio]") == \
        "Plain: [.index-term: Saverio], *see* <#ix-x .see: Xavier, Ann>"


def test_epub_index_locators_are_paragraph_links(neutral):
    # ¶ 2 names Lenin only in note 1: the locator opens the note and says so
    assert entry(for_epub(neutral)["blocks"], "Plain: [#ix-lenin") == (
        "Plain: [#ix-lenin.index-term: Lenin, Vladimir Ilyich] [.dates: (1870–1924)], [.locators: <#lenin-1: ¶\u00a01>, "
        "<#lenin-3 .in-note: ¶\u00a02\u00a0n.\u00a01>, <#lenin-4: ¶\u00a06>, <#lenin-5: ¶\u00a013>]")


def test_indexes_split_persons_from_places_and_bodies(neutral):
    back = division(neutral, "back")
    persons, places = (outline(b["c"][1]) for b in back if {"index-persons", "index-places"} & set(b["c"][0][1]))
    assert "Stalin, Joseph" in persons and "London" not in persons
    assert "London" in places and "Bolshevik Party" in places and "Stalin" not in places
    assert "Woods" not in persons  # in the register, never mentioned


def test_contents_lists_sections_and_back_matter_with_pages(neutral):
    assert entry(division(neutral, "front"), "Plain: <#s1") == \
        "Plain: <#s1: Stalin and the October revolution>[.page ref=s1: ]"
    front = division(for_print(neutral, {"s1": 8, "s2": 10, "index-persons": 14}), "front")
    contents = block(front, "contents")
    assert "Plain: <#s1: Stalin and the October revolution>[.page: 8]" in contents
    assert "Plain: <#index-persons: Index of persons>[.page: 14]" in contents
    assert [re.search(r"<#([\w-]+)", line).group(1) for line in contents.splitlines() if "Plain" in line] == \
        ["s1", "s2", "textual-notes", "works-cited", "index-persons", "index-places"]


def test_front_matter_from_the_header(neutral):
    front = division(neutral, "front")
    assert block(front, "half-title") == "Div#half-title.half-title\n  Para: Stalin"
    assert "Para: 50 years after the death of a tyrant" in block(front, "title-page")
    assert "Para: Alan Woods" in block(front, "title-page")
    assert block(front, "imprint") == "\n".join([
        "Div#imprint.imprint",
        "  Para: Source: Alan Woods, Stalin: 50 years after the death of a tyrant, 5 March 2003",
        "  Para: The text is dated 5 March 2003.",
        "  Para: First critical edition, edited by The Editors, 5 March 2003.",
        "  Para: Published by edition.",
        "  Para: Licence: CC BY-SA 4.0.",
        "  Div.furniture",  # print: the typeface; EPUB: nothing
        "  Div.numbers-note",  # where the paragraph numbers are, in each edition
    ])
    printed = block(division(for_print(neutral), "front"), "imprint").splitlines()
    assert printed[-2:] == [
        "  Para: Set in Source Serif 4. Typeset with Pandoc and WeasyPrint.",
        "  Para: The paragraph numbers in the margin are those of the TEI text and the e-book, so that every "
        "edition can be cited by the same numbers."]
    assert division(for_print(neutral), "front")[-1] == {"t": "Div", "c": [["", ["front-end"], []], []]}
    imprint = outline(for_epub(neutral)["meta"]["imprint"]["c"])
    assert "Source Serif" not in imprint and imprint.endswith("The small number that begins each paragraph is "
                                                               "the one the TEI text and the print edition give "
                                                               "it, so that every edition can be cited by the "
                                                               "same numbers.")


def test_imprint_dates_the_text_only_by_its_source():
    """Without a date in sourceDesc, the imprint does not give the edition's date as the text's."""
    doc = neutral_ast(tei('<p n="1" xml:id="p1">Text.</p>'))
    assert "is dated" not in block(doc["blocks"], "imprint")
    assert doc["meta"]["date"]["c"] == "2003-03-05"


def test_meta(neutral):
    meta = neutral["meta"]
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


def test_title_page_of_one_line_keeps_the_header_title(neutral):
    assert "title-page-title" not in neutral["meta"] and "title-page-bylines" not in neutral["meta"]
    page = by_id(divisions(neutral, "front"), "title-page")
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
    text = forms_epub["blocks"]
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
        marks = [stringify(n["c"][1]) for n in walk(ast["blocks"]) if n.get("t") == "Span" and "pn" in n["c"][0][1]]
        assert marks == units
        for n in units:
            assert dict(by_id(ast, f"p{n}")["c"][0][2])["n"] == n


def test_index_locators_reach_names_in_every_new_form(forms_print, forms_epub):
    mentions = [n["c"][0][0] for n in walk(divisions(forms_print, "text")) if n.get("t") == "Span" and "name" in n["c"][0][1]]
    assert mentions == ["league-1", "london-1", "league-2", "london-2", "lassalle-1", "lassalle-2", "marx-1",
                        "engels-1", "london-3", "engels-2", "hamilton-1", "talleyrand-1", "paris-1", "hamilton-2",
                        "london-4", "marx-2"]
    pages = {m: 7 + i // 3 for i, m in enumerate(mentions)}
    printed = tei_to_ast(etree.parse(str(FORMS)).getroot(), "print", pages=pages)
    assert entry(division(printed, "back"), "Plain: [#ix-hamilton") == \
        "Plain: [#ix-hamilton.index-term: Hamilton, Alexander] [.dates: (1755–1804)], [.locators: [.range: <#hamilton-1: 10>–<#hamilton-2: 11>]]"
    assert entry(forms_epub["blocks"], "Plain: [#ix-hamilton") == \
        "Plain: [#ix-hamilton.index-term: Hamilton, Alexander] [.dates: (1755–1804)], [.locators: <#hamilton-1: ¶\u00a014>, <#hamilton-2: ¶\u00a015>]"
    assert entry(forms_epub["blocks"], "Plain: [#ix-engels").endswith("<#engels-1: ¶\u00a03>, <#engels-2: ¶\u00a012>]")


def test_label_closer_and_note_sign():
    from edition.render.inlines import label_closer, note_sign
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
    assert entry(for_epub(neutral_ast(root))["blocks"], "Plain: [#ix-stalin") == \
        "Plain: [#ix-stalin.index-term: Stalin], [.locators: <#stalin-1: ¶\u00a05>]"
