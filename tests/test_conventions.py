"""The reader's conventions, one by one (docs/conventions.md), on a few lines written for each test.

Every test asserts on the TEI the reader makes (element paths, not XML strings) and, through
`read()`, that every character of the source is kept. Then: one test per `structure:` key of the
editorial YAML showing that it changes the reading; the bad input of issue 10 point 5; and the
catalogue itself — each of its examples read as it says, each warning it quotes printed, each of
its YAML examples loaded from a real file and changing the reading.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from edition import tei
from edition.editorial import Editorial, load_editorial
from edition.errors import InputError
from edition.read import read_text
from edition.source import decode

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "docs" / "conventions.md"
NS = {"t": tei.TEI_NS}

#: A paragraph of ordinary length (over 300 characters: a short one after a colon may be a list item).
PROSE = ("It is a truth too often forgotten in our day that the wealth of nations is made by hands "
         "which own none of it, and that the labourer who builds the mill is the last to be asked how "
         "it shall be governed, or for whom, or at what wage; and this, and nothing else, is the whole "
         "of the question which the present pamphlet lays before the reader.")
WRAPPED = """It is a truth too often forgotten in our day that the wealth of nations
is made by hands which own none of it, and that the labourer who builds
the mill is the last to be asked how it shall be governed or for whom.
"""
WRAPPED_2 = """The masters answer that wages are fixed by the market and that no law
of Parliament can raise them; but the market is made by men, and what
men have made, men may alter when they are resolved to do it together.
"""


def read(text: str, structure: dict | None = None, path: str = "essay.txt", **editorial) -> etree._Element:
    """The TEI root around the <text> the reader makes of `text`; checks that no character is lost."""
    data = dict(editorial)
    if structure is not None:
        data["structure"] = structure
    text_el, _ = read_text(decode(Path(path), text.encode("utf-8")), Editorial(Path("essay.yaml"), data))
    root = tei.el("TEI")
    root.append(text_el)
    assert tei.diplomatic(root) == text, "the reader lost or changed a character of the source"
    return root


def find(root: etree._Element, path: str) -> list[etree._Element]:
    """Elements at a path written without prefixes (`text/body/div/head`), relative to the root."""
    return root.xpath(prefixed(path), namespaces=NS)


def prefixed(path: str) -> str:
    """`text/body//p[@n]` → `t:text/t:body//t:p[@n]` (steps only; predicates hold attributes)."""
    return re.sub(r"(^|/)([A-Za-z][\w]*)", r"\1t:\2", path)


def one(root: etree._Element, path: str) -> etree._Element:
    found = find(root, path)
    assert len(found) == 1, f"{path}: {len(found)} elements"
    return found[0]


def said(el: etree._Element) -> str:
    """The source text of an element (its recorded delimiters restored)."""
    return tei.diplomatic(el)


def err(capsys) -> str:
    return capsys.readouterr().err


# --- the title page --------------------------------------------------------------------------------

def test_title_is_the_first_short_line():
    text = f"THE RIGHTS OF LABOUR\n\n{PROSE}\n"
    root = read(text)
    assert one(root, "text/front/titlePage/docTitle/titlePart[@type='main']").text == "THE RIGHTS OF LABOUR"
    assert len(find(root, "text/body/p")) == 1
    _, title = read_text(decode(Path("essay.txt"), text.encode()), Editorial())
    assert title == "THE RIGHTS OF LABOUR"


def test_a_long_first_paragraph_is_no_title():
    root = read(f"{PROSE}\n\n{PROSE}\n")
    assert find(root, "text/front") == [] and len(find(root, "text/body/p")) == 2


def test_subtitle_opens_with_or():
    root = read(f"THE RIGHTS OF LABOUR\nOR, THE CLAIMS OF THE MANY\n\nBy Thomas Weaver\n\n{PROSE}\n")
    assert one(root, "text/front/titlePage/docTitle/titlePart[@type='sub']").text == "OR, THE CLAIMS OF THE MANY"
    assert one(root, "text/front/titlePage/docTitle/titlePart[@type='main']").text == "THE RIGHTS OF LABOUR"


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["same-block", "own-block"])
def test_subtitle_without_a_byline(gap):
    root = read(f"THE RIGHTS OF LABOUR{gap}OR, THE CLAIMS OF THE MANY\n\n{PROSE}\n")
    assert one(root, "text/front/titlePage/docTitle/titlePart[@type='sub']").text == "OR, THE CLAIMS OF THE MANY"
    assert find(root, "//head") == [] and len(find(root, "text/body/p")) == 1


def test_byline_opens_with_by():
    root = read(f"The Rights of Labour\n\nBy Thomas Weaver\n\n{PROSE}\n")
    assert one(root, "text/front/titlePage/byline").text == "By Thomas Weaver"
    assert len(find(root, "text/body/p")) == 1


def test_contributor_line_is_a_byline():
    root = read(f"The Rights of Labour\n\nBy Thomas Weaver\n\nWith an Introduction by Mary Holt\n\n{PROSE}\n")
    assert [b.text for b in find(root, "text/front/titlePage/byline")] == \
        ["By Thomas Weaver", "With an Introduction by Mary Holt"]


def test_stacked_byline_is_one_byline_with_line_breaks():
    root = read(f"A Letter on Wages\n\nBy\nJOHN HOLT\nand\nMARY HOLT\n\n{PROSE}\n")
    byline = one(root, "text/front/titlePage/byline")
    assert len(find(byline, "lb")) == 3 and said(byline) == "By\nJOHN HOLT\nand\nMARY HOLT"


def test_title_over_two_blocks_before_a_byline():
    root = read(f"THE RIGHTS OF LABOUR\n\nAND THE DUTIES OF CAPITAL\n\nBy Thomas Weaver\n\n{PROSE}\n")
    part = one(root, "text/front/titlePage/docTitle/titlePart[@type='main']")
    assert len(find(part, "lb")) == 1 and said(part) == "THE RIGHTS OF LABOUR\n\nAND THE DUTIES OF CAPITAL"


def test_title_over_two_lines_of_one_block():
    root = read(f"THE RIGHTS OF LABOUR\nAND THE DUTIES OF CAPITAL\n\n{PROSE}\n")
    assert said(one(root, "text/front/titlePage/docTitle")) == "THE RIGHTS OF LABOUR\nAND THE DUTIES OF CAPITAL"
    assert len(find(root, "text/body/p")) == 1


# --- epigraphs -------------------------------------------------------------------------------------

def test_epigraph_with_its_source_on_the_next_line(capsys):
    root = read(f'On Liberty of the Press\n\n"The liberty of the press is essential to the security of the state."\n\n'
                f"--JEFFERSON\n\n{PROSE}\n")
    quote = one(root, "text/front/epigraph/cit/quote/p")  # in a p, as the TEI Stylesheets expect
    assert quote.get("rend") == "pre-quot post-quot" and quote.text.startswith("The liberty")
    assert one(root, "text/front/epigraph/cit/bibl").text == "--JEFFERSON"
    assert "essay.txt:3: warning: treated as an epigraph:" in err(capsys)


def test_epigraph_with_its_source_in_parentheses():
    root = read(f'On Liberty of the Press\n\n"The liberty of the press is essential to the state." (Jefferson)\n\n{PROSE}\n')
    bibl = one(root, "text/front/epigraph/cit/bibl")
    assert bibl.text == "Jefferson" and bibl.get("rend") == "pre-lpar post-rpar"


def test_epigraph_in_verse_under_a_heading():
    root = read(f"Essays on Trade\n\n{PROSE}\n\nCHAPTER I.\n\n"
                '"Ill fares the land, to hastening ills a prey,\nWhere wealth accumulates, and men decay."\n\n'
                f"--GOLDSMITH\n\n{PROSE}\n")
    lines = find(root, "text/body/div[@type='section']/epigraph/cit/quote/lg/l")
    assert [said(line) for line in lines] == ["Ill fares the land, to hastening ills a prey,",
                                              "Where wealth accumulates, and men decay."]
    assert one(root, "text/body/div/epigraph/cit/bibl").text == "--GOLDSMITH"


def test_verse_epigraph_with_its_source_in_parentheses():
    root = read(f"Essays on Trade\n\n{PROSE}\n\nCHAPTER I.\n\n"
                '"Ill fares the land, to hastening ills a prey,\nWhere wealth accumulates, and men decay." (Goldsmith)\n\n'
                f"{PROSE}\n")
    assert len(find(root, "text/body/div/epigraph/cit/quote/lg/l")) == 2
    assert one(root, "text/body/div/epigraph/cit/bibl").text == "Goldsmith"


# --- headings --------------------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["The Price of Bread", "INTRODUCTION.", "CHAPTER 1.", "Of the Corn Laws.",
                                  "What Is to Be Done?", "PART THE SECOND"])
def test_heading_shapes(line, capsys):
    root = read(f"An Essay on Trade\n\n{PROSE}\n\n{line}\n\n{PROSE}\n")
    assert one(root, "text/body/div[@type='section']/head").text == line
    assert len(find(root, "text/body/div/p")) == 1
    assert f"essay.txt:5: warning: treated as a heading: {line!r}" in err(capsys)


def test_heading_over_two_blocks_is_one_head():
    root = read(f"An Essay on Trade\n\n{PROSE}\n\nII.\n\nOF THE GUILDS AND THEIR FALL.\n\n{PROSE}\n")
    head = one(root, "text/body/div/head")
    assert len(find(head, "lb")) == 1 and said(head) == "II.\n\nOF THE GUILDS AND THEIR FALL."


def test_heading_over_lines_ending_in_commas():
    root = read(f"An Essay on Trade\n\n{PROSE}\n\nTO\n\nTHE RIGHT HONOURABLE EDMUND BURKE,\n\n"
                f"MEMBER OF PARLIAMENT.\n\n{PROSE}\n")
    assert said(one(root, "text/body/div/head")) == \
        "TO\n\nTHE RIGHT HONOURABLE EDMUND BURKE,\n\nMEMBER OF PARLIAMENT."


@pytest.mark.parametrize("line", ["The guilds fell in a single generation.", "Spitalfields, May 1, 1842.",
                                  "the price of bread"])
def test_not_headings(line):
    root = read(f"An Essay on Trade\n\n{PROSE}\n\n{line}\n\n{PROSE}\n")
    assert find(root, "//head") == []


def test_what_a_colon_introduces_is_no_heading():
    root = read(f"An Essay on Trade\n\n{PROSE}\n\nThe committee resolved as follows:\n\nThe Rights of Man\n\n{PROSE}\n")
    assert find(root, "//head") == []


def test_section_byline_under_a_heading():
    root = read(f"An Essay on Trade\n\n{PROSE}\n\nON THE CORN LAWS\n\nBY A MANUFACTURER.\n\n{PROSE}\n")
    assert one(root, "text/body/div/byline").text == "BY A MANUFACTURER."


# --- closing lines of a section ----------------------------------------------------------------------

def test_signature_and_dateline_close_the_text(capsys):
    root = read(f"An Essay on Trade\n\n{PROSE}\n\nTHOMAS WEAVER.\n\nSpitalfields, May 1, 1842.\n")
    closer = one(root, "text/body/closer")
    assert [(c.tag.split('}')[1], c.text) for c in closer] == \
        [("signed", "THOMAS WEAVER."), ("dateline", "Spitalfields, May 1, 1842.")]
    assert "essay.txt:5: warning: treated as the closing lines of a section: 'THOMAS WEAVER.'" in err(capsys)


def test_signature_closes_a_section_before_the_next_heading():
    root = read(f"An Essay on Trade\n\nPREFACE.\n\n{PROSE}\n\nT. W.\n\nCHAPTER I.\n\n{PROSE}\n")
    divs = find(root, "text/body/div")
    assert len(divs) == 2 and one(divs[0], "closer/signed").text == "T. W."


def test_postscript_after_a_signature():
    root = read(f"An Essay on Trade\n\n{PROSE}\n\nTHOMAS WEAVER.\n\nP.S. The meeting is put off until Monday.\n")
    assert one(root, "text/body/closer/signed").text == "THOMAS WEAVER."
    assert one(root, "text/body/postscript/p").text == "P.S. The meeting is put off until Monday."


# --- letters ---------------------------------------------------------------------------------------

LETTER = f"""Letters on the Poor Laws

{PROSE}

Bath, March 3, 1834.

My Dear Friend:

You asked me to set down what I saw in the workhouse at Frome, and I will do so plainly.

The children are fed twice a day and taught nothing at all.

I am, sir,

Yours faithfully,

J. HARDY.
"""


def test_letter_with_opener_and_closer(capsys):
    root = read(LETTER)
    letter = one(root, "text/body/floatingText[@type='letter']")
    assert letter.get("n") == "2"
    assert [(c.tag.split('}')[1], c.text) for c in one(letter, "body/opener")] == \
        [("dateline", "Bath, March 3, 1834."), ("salute", "My Dear Friend:")]
    assert len(find(letter, "body/p")) == 2 and all(p.get("n") is None for p in find(letter, "body/p"))
    assert [(c.tag.split('}')[1], c.text) for c in one(letter, "body/closer")] == \
        [("salute", "I am, sir,"), ("salute", "Yours faithfully,"), ("signed", "J. HARDY.")]
    assert "essay.txt:7: warning: treated as a letter's salutation: 'My Dear Friend:'" in err(capsys)


@pytest.mark.parametrize("salutation", ["Sir:--", "DEAR FRIEND:", "My dear Friends--", "Gentlemen,",
                                        "To the People of the State of New York:"])
def test_salutation_shapes(salutation):
    root = read(f"Letters\n\n{PROSE}\n\n{salutation}\n\nYou will forgive a plain man for writing plainly.\n\n"
                "PUBLIUS.\n")
    assert one(root, "text/body/floatingText/body/opener/salute").text == salutation
    assert one(root, "text/body/floatingText/body/closer/signed").text == "PUBLIUS."


def test_dateline_and_author_line_before_the_salutation():
    root = read(f"Letters\n\n{PROSE}\n\nFor the Weekly Register. Saturday, March 3, 1792\n\nCATO\n\n"
                "To the Freeholders of the County of Kent:\n\nYou are asked to vote for a man who has never "
                "once voted for you.\n\nCATO\n")
    assert [c.tag.split('}')[1] for c in one(root, "text/body/floatingText/body/opener")] == \
        ["dateline", "byline", "salute"]


def test_quoted_letter_with_its_source():
    root = read(f'Letters\n\nHe wrote to his brother at once:\n\n"Dear William,\n"The mill is closed and the men '
                f'are idle.\n\n"I shall come home in the spring.\n\n"Thomas."\n(Hardy papers, vol. 2, p. 14.)\n\n{PROSE}\n')
    letter = one(root, "text/body/floatingText[@type='letter']")
    assert one(letter, "body/opener/salute").get("rend") == "pre-quot"
    assert [p.get("rend") for p in find(letter, "body/p")] == ["pre-quot", "pre-quot"]
    assert one(letter, "body/closer/signed").get("rend") == "pre-quot post-quot"
    bibl = letter.getnext()
    assert bibl.tag == tei.T + "bibl" and bibl.text == "Hardy papers, vol. 2, p. 14."


def test_a_quotation_inside_a_letter_is_not_numbered():
    root = read(f'Letters\n\n{PROSE}\n\nDear Sir,\n\nYou quote the Act against us:\n\n"No person shall combine."\n\n'
                "Read it again.\n\nJOHN STILES.\n")
    cit = one(root, "text/body/floatingText/body/cit[@type='block']")
    assert cit.get("n") is None


# --- the author's footnotes ------------------------------------------------------------------------

@pytest.mark.parametrize("call, note, sign, rend, label", [
    ("generation.[1]", "[1] See Smith, book I.", "1", "pre-lsqb post-rsqb", "[1]"),
    ("generation(1)", "(1) See Smith, book I.", "1", "pre-lpar post-rpar", "(1)"),
    ("generation(a)", "(a) See Smith, book I.", "a", "pre-lpar post-rpar", "(a)"),
    ("generation*", "* See Smith, book I.", "*", None, "*"),
    ("generation\u2020", "\u2020 See Smith, book I.", "\u2020", None, "\u2020"),
    ("generation\u00b9", "\u00b9 See Smith, book I.", "\u00b9", None, "\u00b9"),
    ("generation.[1]", "[Footnote 1: See Smith, book I.]", "1", "pre-lsqb post-rsqb", "[Footnote 1:"),
    ("generation*", "(*Footnote. See Smith, book I.)", "*", None, "(*Footnote."),
    ("generation(1)", "1. See Smith, book I.", "1", "pre-lpar post-rpar", "1."),
])
def test_footnote_forms(call, note, sign, rend, label):
    root = read(f"On the Guilds\n\nThe guilds fell in a single {call} Nobody mourned them.\n\n{note}\n\n{PROSE}\n")
    fn = one(root, "text/body/p/note[@type='authorial'][@place='foot']")
    assert fn.get("n") == sign and fn.get("rend") == rend and fn.get("{http://www.w3.org/XML/1998/namespace}id") == "fn1"
    assert one(fn, "label").text == label and "See Smith, book I." in "".join(fn.itertext())
    assert one(root, "text/body/anchor[@type='note-source']").get("corresp") == "#fn1"
    assert len(find(root, "text/body/p")) == 2 and find(root, "//supplied") == []


def test_notes_under_a_footnotes_heading(capsys):
    root = read(f"On the Guilds\n\nThe Chartists[1] were not alone, and the Owenites[2] followed them.\n\n{PROSE}\n\n"
                "FOOTNOTES:\n\n[1] The party of the People's Charter.\n\n[2] The followers of Robert Owen.\n")
    assert [n.get("n") for n in find(root, "text/body/p/note[@place='foot']")] == ["1", "2"]
    assert one(root, "text/body/div[@type='notes']/head").text == "FOOTNOTES:"
    assert [a.get("corresp") for a in find(root, "text/body/div[@type='notes']/anchor")] == ["#fn1", "#fn2"]
    assert "essay.txt:7: warning: treated as the heading of the author's notes: 'FOOTNOTES:'" in err(capsys)


def test_note_numbers_restart_in_each_chapter():
    root = read("On the Guilds\n\nCHAPTER I.\n\nThe Chartists[1] were not alone.\n\n[1] The party of the Charter.\n\n"
                "CHAPTER II.\n\nThe Owenites[1] followed.\n\n[1] The followers of Robert Owen.\n")
    divs = find(root, "text/body/div[@type='section']")
    assert ["".join(one(d, "p/note").itertext()) for d in divs] == \
        ["[1] The party of the Charter.", "[1] The followers of Robert Owen."]


def test_footnote_over_two_paragraphs():
    root = read(f"On the Guilds\n\nThe Chartists[1] were not alone.\n\n[Footnote 1: The party of the Charter.\n\n"
                f"It met first in 1838.]\n\n{PROSE}\n")
    assert "".join(one(root, "text/body/p/note").itertext()) == \
        "[Footnote 1: The party of the Charter.\n\nIt met first in 1838.]"
    assert len(find(root, "text/body/p")) == 2


# --- block quotations ------------------------------------------------------------------------------

def test_quoted_paragraph_with_its_source_in_parentheses():
    root = read(f'On the Charter\n\n{PROSE}\n\nThe petition put it plainly:\n\n"We ask for nothing but the vote, '
                f'and we shall not rest until we have it." (National Petition, 1839, p. 4.)\n\n{PROSE}\n')
    cit = one(root, "text/body/cit[@type='block']")
    assert one(cit, "quote/p").get("rend") == "pre-quot post-quot"
    assert one(cit, "bibl").text == "National Petition, 1839, p. 4." and cit.get("n") == "3"


def test_source_on_the_line_under_the_quotation():
    root = read(f'On the Charter\n\nThe petition put it plainly:\n\n"We ask for nothing but the vote."\n'
                f"(National Petition, 1839.)\n\n{PROSE}\n")
    assert one(root, "text/body/cit[@type='block']/bibl").text == "National Petition, 1839."


def test_quotation_over_several_paragraphs():
    root = read(f'On the Charter\n\nThe petition put it plainly:\n\n"We ask for nothing but the vote.\n\n'
                f'"We shall not rest until we have it."\n\n{PROSE}\n')
    assert [p.get("rend") for p in find(root, "text/body/cit[@type='block']/quote/p")] == \
        ["pre-quot", "pre-quot post-quot"]


def test_run_on_citation_after_a_dash():
    root = read(f'On the Charter\n\nThe newspapers agreed:\n\n"The strike is over and the men have gone back."'
                f"--_The Northern Star_, May 4, 1842.\n\n{PROSE}\n")
    bibl = one(root, "text/body/cit[@type='block']/bibl")
    assert said(bibl) == "--_The Northern Star_, May 4, 1842." and one(bibl, "hi").text == "The Northern Star"


def test_interrupted_quotation_keeps_its_marks():
    root = read(f'On the Charter\n\n{PROSE}\n\n"Is liberty dangerous?" I asked him. "Only to those who fear it."\n\n{PROSE}\n')
    p = one(root, "text/body/cit[@type='block']/quote/p")
    assert p.get("rend") is None and p.text.startswith('"Is liberty')


def test_set_in_passage_of_a_wrapped_text():
    root = read(f"The Wages of Labour\n\n{WRAPPED}\n    The labour of a man is his only property, and the most sacred,\n"
                f"    since it is the original foundation of all other property.\n\n{WRAPPED_2}")
    p = one(root, "text/body/cit[@type='block']/quote/p")
    assert said(p).startswith("The labour of a man") and len(find(root, "text/body/p")) == 2


def test_set_in_verse_quotation():
    root = read(f"The Wages of Labour\n\n{WRAPPED}\n    Men of England, wherefore plough\n"
                f"    For the lords who lay ye low?\n\n{WRAPPED_2}")
    assert [said(line) for line in find(root, "text/body/cit[@type='block']/quote/lg/l")] == \
        ["Men of England, wherefore plough", "For the lords who lay ye low?"]


def test_quoted_verse():
    root = read(f'The Wages of Labour\n\nThe poet asked what every weaver asked:\n\n"Men of England, wherefore plough\n'
                f'For the lords who lay ye low?"\n\n{PROSE}\n')
    quote = one(root, "text/body/cit[@type='block']/quote")
    assert quote.get("rend") == "pre-quot post-quot" and len(find(quote, "lg/l")) == 2


# --- verse -----------------------------------------------------------------------------------------

def test_verse_standing_alone(capsys):
    root = read(f"The Wages of Labour\n\n{WRAPPED}\nMen of England, wherefore plough\nFor the lords who lay ye low?\n"
                f"Wherefore weave with toil and care\nThe rich robes your tyrants wear?\n\n{WRAPPED_2}")
    lg = one(root, "text/body/lg")
    assert lg.get("n") == "2" and len(find(lg, "l")) == 4
    assert "essay.txt:7: warning: treated as 4 lines of verse" in err(capsys)


# --- lists -----------------------------------------------------------------------------------------

def test_numbered_items_on_consecutive_lines(capsys):
    root = read(f"The Rules of the Society\n\n{PROSE}\n\n1. Temperance in all things.\n2. Punctuality at every meeting.\n"
                f"3. Secrecy towards the masters.\n\n{PROSE}\n")
    lst = one(root, "text/body/list[@type='ordered']")
    assert [said(i) for i in find(lst, "item")] == ["1. Temperance in all things.", "2. Punctuality at every meeting.",
                                                    "3. Secrecy towards the masters."]
    assert [i.get("n") for i in find(lst, "item")] == ["2", "3", "4"]
    assert "essay.txt:5: warning: treated as a list of 3 items" in err(capsys)


@pytest.mark.parametrize("labels", [("(a)", "(b)"), ("I.", "II."), ("a)", "b)"), ("1.", "2.")])
def test_labelled_items_in_paragraphs(labels):
    root = read(f"The Rules of the Society\n\n{PROSE}\n\n{labels[0]} That every member pay a penny a week.\n\n"
                f"{labels[1]} That no member work below the rate.\n\n{PROSE}\n")
    assert len(find(root, "text/body/list[@type='ordered']/item")) == 2


def test_a_line_under_an_item_goes_on_with_it():
    root = read(f"The Rules of the Society\n\n{PROSE}\n\n1. Temperance in all things,\nand sobriety at meetings.\n"
                f"2. Punctuality at every meeting.\n\n{PROSE}\n")
    assert [said(i) for i in find(root, "text/body/list/item")] == \
        ["1. Temperance in all things,\nand sobriety at meetings.", "2. Punctuality at every meeting."]


def test_items_after_a_colon_as_many_as_it_announces():
    root = read("The Rules of the Society\n\nThe society demands three things:\n\nA shorter day.\n\nA higher wage.\n\n"
                "A vote for every man.\n\nAnd these it will have.\n")
    lst = one(root, "text/body/list")
    assert lst.get("type") is None and [i.text for i in find(lst, "item")] == \
        ["A shorter day.", "A higher wage.", "A vote for every man."]
    assert one(root, "text/body/p[last()]").text == "And these it will have."


def test_items_after_a_colon_up_to_a_long_paragraph():
    root = read(f"The Rules of the Society\n\nThe society demands these things:\n\nA shorter day.\n\nA higher wage.\n\n{PROSE}\n")
    assert len(find(root, "text/body/list/item")) == 2 and len(find(root, "text/body/p")) == 2


# --- paragraphs ------------------------------------------------------------------------------------

def test_hard_wrapped_paragraphs_are_one_paragraph_each():
    root = read(f"The Wages of Labour\n\n{WRAPPED}\n{WRAPPED_2}")
    ps = find(root, "text/body/p")
    assert [said(p) for p in ps] == [WRAPPED.rstrip("\n"), WRAPPED_2.rstrip("\n")]


def test_paragraphs_are_numbered_in_order():
    root = read(f"An Essay\n\n{PROSE}\n\nThe Price of Bread\n\n{PROSE}\n\n{PROSE}\n")
    units = find(root, "text/body//p")
    assert [u.get("n") for u in units] == ["1", "2", "3"]
    assert [u.get("{http://www.w3.org/XML/1998/namespace}id") for u in units] == ["p1", "p2", "p3"]


# --- inline conventions ----------------------------------------------------------------------------

def test_italics():
    root = read(f"On the Press\n\nThe _Northern Star_ printed it, and the _un_stamped papers copied it.\n\n{PROSE}\n")
    his = find(root, "text/body/p/hi[@rend='italic pre-lowbar post-lowbar']")
    assert [h.text for h in his] == ["Northern Star", "un"]


def test_snake_case_and_lone_underscores_stay_text():
    root = read(f"On the Press\n\nThe file was named field_day and a blank _ was left.\n\n{PROSE}\n")
    assert find(root, "//hi") == []


def test_omissions_by_the_author():
    root = read(f"On the Press\n\nThe petition said [...] that the vote [\u2026] was theirs.\n\n{PROSE}\n",
                author={"name": "Thomas Weaver"})
    gaps = find(root, "text/body/p/gap[@reason='omitted']")
    assert [g.get("rend") for g in gaps] == ["src-dots", "src-hellip"] and {g.get("resp") for g in gaps} == {"#author"}


def test_supplied_letters():
    root = read(f"On the Press\n\nHe wrote to O['Connor] and to [the] editor of the Star.\n\n{PROSE}\n")
    assert [s.text for s in find(root, "text/body/p/supplied")] == ["'Connor", "the"]


def test_a_bracketed_number_is_never_supplied_text():
    root = read(f"On the Press\n\nSee clause [12] of the Act.\n\n{PROSE}\n")
    assert find(root, "//supplied") == []


def test_interpolation_signed_with_the_authors_initials():
    root = read(f"On the Press\n\nHe met the Lion (i.e. Feargus O'Connor, TW) at Leeds.\n\n{PROSE}\n",
                author={"name": "Thomas Weaver"})
    note = one(root, "text/body/p/note[@type='authorial'][@place='inline']")
    assert note.text == "i.e. Feargus O'Connor, TW" and note.get("resp") == "#author"
    assert note.get("rend") == "pre-lpar post-rpar"


def test_interpolation_with_initials_given_in_the_yaml():
    root = read(f"On the Press\n\nHe met the Lion (i.e. O'Connor, Ed.W) at Leeds.\n\n{PROSE}\n",
                author={"name": "Thomas Weaver", "initials": "Ed.W"})
    assert one(root, "text/body/p/note[@place='inline']").text == "i.e. O'Connor, Ed.W"


@pytest.mark.parametrize("sentence, cited", [
    ('They cried "no more" (Hansard).', "Hansard"),
    ("The Act was plain (Statutes, vol. 3, p. 41).", "Statutes, vol. 3, p. 41"),
    ("The Act was plain (see pp. 12-14).", "see pp. 12-14"),
])
def test_parenthesised_citations(sentence, cited):
    root = read(f"On the Press\n\n{sentence}\n\n{PROSE}\n")
    bibl = one(root, "text/body/p/bibl")
    assert bibl.text == cited and bibl.get("rend") == "pre-lpar post-rpar"


def test_a_parenthetical_remark_is_no_citation():
    root = read(f"On the Press\n\nThe Act (a poor thing at best) was passed.\n\n{PROSE}\n")
    assert find(root, "//bibl") == [] and find(root, "//note") == []


# --- the YAML overrides: each key changes the reading -------------------------------------------------

OVERRIDE_TEXT = f"""An Essay on Trade

{PROSE}

The Guilds in Their Decline

{PROSE}

Of the new masters.

{PROSE}
"""


def test_override_headings_by_text_and_number():
    assert [h.text for h in find(read(OVERRIDE_TEXT), "//head")] == ["The Guilds in Their Decline"]
    for entry in ("Of the new masters.", 9):
        heads = find(read(OVERRIDE_TEXT, {"headings": [entry]}), "//head")
        assert [h.text for h in heads] == ["The Guilds in Their Decline", "Of the new masters."]


def test_override_not_headings():
    root = read(OVERRIDE_TEXT, {"not-headings": ["The Guilds in Their Decline"]})
    assert find(root, "//head") == [] and len(find(root, "text/body/p")) == 5


def test_confirmed_heading_does_not_warn(capsys):
    read(OVERRIDE_TEXT, {"headings": ["The Guilds in Their Decline"]})
    assert "warning" not in err(capsys)


NEIGHBOURS = f"""Letters

{PROSE}

Worthy Neighbours,

We have borne the new tax for a year, and we can bear it no longer.

JOHN STILES.
"""


def test_override_salutations():
    assert find(read(NEIGHBOURS), "//floatingText") == []
    letter = one(read(NEIGHBOURS, {"salutations": ["Worthy Neighbours,"]}), "text/body/floatingText")
    assert one(letter, "body/opener/salute").text == "Worthy Neighbours,"
    assert one(letter, "body/closer/signed").text == "JOHN STILES."


def test_override_letters():
    letter = one(read(NEIGHBOURS, {"letters": [5]}), "text/body/floatingText")
    assert one(letter, "body/opener/salute").text == "Worthy Neighbours,"


DEAR_SIR = f"""Letters

{PROSE}

Dear Sir,

We have read your pamphlet and find nothing in it that we did not know.

THE COMMITTEE.
"""


@pytest.mark.parametrize("key", ["not-letters", "not-salutations"])
def test_override_not_letters(key):
    assert len(find(read(DEAR_SIR), "//floatingText")) == 1
    root = read(DEAR_SIR, {key: ["Dear Sir,"]})
    assert find(root, "//floatingText") == [] and one(root, "text/body/p[2]").text == "Dear Sir,"


def test_confirmed_letter_does_not_warn(capsys):
    read(DEAR_SIR, {"letters": ["Dear Sir,"]})
    assert "salutation" not in err(capsys)


def test_salutation_confirmed_under_salutations_does_not_warn(capsys):
    read(DEAR_SIR, {"salutations": ["Dear Sir,"]})
    assert "salutation" not in err(capsys)


def test_override_signatures():
    text = f"An Essay on Trade\n\n{PROSE}\n\nThe last word is the weavers' own.\n\nan old weaver\n"
    assert find(read(text), "//closer") == []
    assert one(read(text, {"signatures": ["an old weaver"]}), "text/body/closer/signed").text == "an old weaver"


def test_override_signatures_ends_a_letter():
    text = f"Letters\n\n{PROSE}\n\nDear Sir,\n\nWe have read your pamphlet.\n\nyour old friend\n\n{PROSE}\n"
    letter = one(read(text, {"signatures": ["your old friend"]}), "text/body/floatingText")
    assert one(letter, "body/closer/signed").text == "your old friend"


def test_override_not_signatures():
    text = f"An Essay on Trade\n\n{PROSE}\n\nTHOMAS WEAVER.\n"
    assert one(read(text), "text/body/closer/signed").text == "THOMAS WEAVER."
    root = read(text, {"not-signatures": ["THOMAS WEAVER."]})
    assert find(root, "//closer") == [] and one(root, "text/body/p[2]").text == "THOMAS WEAVER."


def test_override_datelines():
    text = f"An Essay on Trade\n\n{PROSE}\n\nTHOMAS WEAVER.\n\nWritten at Spitalfields in the hard winter\n"
    assert find(read(text), "//dateline") == []
    root = read(text, {"datelines": ["Written at Spitalfields in the hard winter"]})
    assert one(root, "text/body/closer/dateline").text == "Written at Spitalfields in the hard winter"


def test_override_not_datelines():
    text = f"An Essay on Trade\n\n{PROSE}\n\nTHOMAS WEAVER.\n\nSpitalfields, May 1, 1842.\n"
    assert len(find(read(text), "//dateline")) == 1
    root = read(text, {"not-datelines": ["Spitalfields, May 1, 1842."]})
    assert find(root, "//dateline") == [] and one(root, "text/body/p[last()]").text == "Spitalfields, May 1, 1842."


def test_override_bylines():
    text = f"An Essay on Trade\nA Weaver of Spitalfields\n\n{PROSE}\n"
    assert find(read(text), "//byline") == []
    root = read(text, {"bylines": ["A Weaver of Spitalfields"]})
    assert one(root, "text/front/titlePage/byline").text == "A Weaver of Spitalfields"


def test_override_not_bylines():
    text = f"Government\nBy Consent of the Governed\n\n{PROSE}\n"
    assert one(read(text), "text/front/titlePage/byline").text == "By Consent of the Governed"
    assert find(read(text, {"not-bylines": ["By Consent of the Governed"]}), "//byline") == []


def test_refused_byline_goes_on_with_the_title():
    root = read(f"Government\nBy Consent of the Governed\n\n{PROSE}\n", {"not-bylines": ["By Consent of the Governed"]})
    assert said(one(root, "text/front/titlePage/docTitle")) == "Government\nBy Consent of the Governed"


def test_override_epigraphs():
    text = f"On Liberty\n\nLiberty is the soul's right to breathe.\n\n{PROSE}\n"
    assert find(read(text), "//epigraph") == []
    root = read(text, {"epigraphs": ["Liberty is the soul's right to breathe."]})
    assert one(root, "text/front/epigraph/cit/quote/p").text == "Liberty is the soul's right to breathe."


EPIGRAPH = f'On Liberty\n\n"Liberty is the soul\'s right to breathe."\n\n--BEECHER\n\n{PROSE}\n'


@pytest.mark.parametrize("structure", [{"not-epigraphs": ['"Liberty is the soul\'s right to breathe."']},
                                       {"epigraph": False}], ids=["not-epigraphs", "epigraph-false"])
def test_override_not_epigraphs(structure):
    assert len(find(read(EPIGRAPH), "text/front/epigraph")) == 1
    root = read(EPIGRAPH, structure)
    assert find(root, "//epigraph") == [] and find(root, "text/body/cit[@type='block']")


def test_override_quotations():
    text = f"On Liberty\n\n{PROSE}\n\nLiberty is the soul's right to breathe, and when it cannot, laws are too tight.\n\n{PROSE}\n"
    assert find(read(text), "//cit") == []
    assert one(read(text, {"quotations": [5]}), "text/body/cit[@type='block']/quote/p").text.startswith("Liberty")


def test_override_not_quotations():
    text = f'On Liberty\n\n{PROSE}\n\n"Is liberty dangerous?" I asked him. "Only to those who fear it."\n\n{PROSE}\n'
    assert len(find(read(text), "//cit")) == 1
    root = read(text, {"not-quotations": ['"Is liberty dangerous?" I asked him. "Only to those who fear it."']})
    assert find(root, "//cit") == [] and len(find(root, "text/body/p")) == 3


def test_override_verse():
    text = f"On Liberty\n\n{PROSE}\n\nBread for the hungry,\nwork for the idle,\nand the vote for all.\n\n{PROSE}\n"
    assert find(read(text), "//lg") == []
    assert len(find(read(text, {"verse": ["Bread for the hungry,"]}), "text/body/lg/l")) == 3


def test_override_not_verse_on_a_couplet():
    text = f"On Liberty\n\n{PROSE}\n\nBread for the hungry.\nVotes for all.\n\n{PROSE}\n"
    assert len(find(read(text), "//lg")) == 1
    assert find(read(text, {"not-verse": ["Bread for the hungry."]}), "//lg") == []


def test_override_not_verse_refuses_the_whole_block():
    text = f"On Liberty\n\n{PROSE}\n\nBread for the hungry.\nWork for the idle.\nVotes for all.\n\n{PROSE}\n"
    assert len(find(read(text), "//lg/l")) == 3
    assert find(read(text, {"not-verse": ["Bread for the hungry."]}), "//lg") == []


def test_override_lists():
    text = f"On Liberty\n\n{PROSE}\n\nA shorter day.\n\nA higher wage.\n\n{PROSE}\n"
    assert find(read(text), "//list") == []
    assert [i.text for i in find(read(text, {"lists": ["A shorter day."]}), "text/body/list/item")] == \
        ["A shorter day.", "A higher wage."]


def test_override_not_lists():
    text = f"On Liberty\n\nThe minister replied:\n\nWe shall consider it.\n\nWe shall consider it again.\n\n{PROSE}\n"
    assert len(find(read(text), "//list/item")) == 2
    assert find(read(text, {"not-lists": ["We shall consider it."]}), "//list") == []


def test_override_footnotes(capsys):
    text = f"On Liberty\n\nThe Chartists were not alone.\n\nNote.--The party of the People's Charter.\n\n{PROSE}\n"
    assert find(read(text), "//note") == []
    root = read(text, {"footnotes": ["Note.--The party of the People's Charter."]})
    assert "".join(one(root, "text/body/note[@type='authorial'][@place='foot']").itertext()) == "Note.--The party of the People's Charter."
    assert "essay.txt:5: warning: a footnote" in err(capsys)


def test_override_not_footnotes():
    text = f"On Liberty\n\nThe Chartists were not alone.\n\n[1] The party of the People's Charter.\n\n{PROSE}\n"
    assert len(find(read(text), "//note")) == 1
    root = read(text, {"not-footnotes": [5]})
    assert find(root, "//note") == [] and one(root, "text/body/p[2]").text == "[1] The party of the People's Charter."


def test_override_title_line():
    text = f"The Chartists were not alone.\n\n{PROSE}\n"
    assert len(find(read(text), "text/front/titlePage")) == 1
    root = read(text, {"title-line": False})
    assert find(root, "//titlePage") == [] and one(root, "text/body/p[1]").text == "The Chartists were not alone."


def test_an_override_that_matches_no_line_is_a_located_error(tmp_path):
    yaml_path = tmp_path / "essay.yaml"
    yaml_path.write_text("structure:\n  headings:\n    - The Guilds In Decline\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_text(decode(Path("essay.txt"), OVERRIDE_TEXT.encode()), load_editorial(yaml_path))
    assert str(caught.value).startswith(f"{yaml_path}:3:") and "matches no line" in str(caught.value)


# --- bad input (issue 10, point 5): a located warning, every character kept, no crash ----------------

def test_marker_with_no_note_among_others(capsys):
    text = f"On the Guilds\n\nThe Chartists[1] were not alone, and the Owenites[2] followed.\n\n[1] The party of the Charter.\n\n{PROSE}\n"
    root = read(text, path="bad.txt")
    assert "[2]" in one(root, "text/body/p[1]").xpath("string()")
    assert "bad.txt:3: warning: [2] looks like a footnote marker but no note has that sign" in err(capsys)


def test_marker_with_no_note_at_all_keeps_its_text():
    root = read(f"On the Guilds\n\nThe Chartists[3] were not alone.\n\n{PROSE}\n", path="bad.txt")
    assert find(root, "//note") == [] and one(root, "text/body/p[1]").text == "The Chartists[3] were not alone."


@pytest.mark.parametrize("marker", ["[3]", "\u00b2"])
def test_marker_with_no_note_at_all_warns(marker, capsys):
    read(f"On the Guilds\n\nThe Chartists{marker} were not alone.\n\n{PROSE}\n", path="bad.txt")
    assert f"bad.txt:3: warning: {marker} looks like a footnote marker" in err(capsys)


def test_note_with_no_marker(capsys):
    root = read(f"On the Guilds\n\nThe Chartists were not alone.\n\n[4] The party of the Charter.\n\n{PROSE}\n", path="bad.txt")
    note = one(root, "text/body/note[@type='authorial'][@place='foot']")
    assert note.get("n") == "4" and one(note, "label").text == "[4]"
    assert "bad.txt:5: warning: a footnote '4' that no marker in the text calls" in err(capsys)


NO_SIGNATURE = f"""Letters on the Poor Laws

LETTER I.

My Dear Friend:

You asked me to set down what I saw in the workhouse at Frome, and I will do so plainly.

The children are fed twice a day and taught nothing at all.

LETTER II.

{PROSE}
"""


def test_letter_with_no_signature(capsys):
    root = read(NO_SIGNATURE, path="bad.txt")
    divs = find(root, "text/body/div[@type='section']")
    assert len(divs) == 2 and one(divs[1], "head").text == "LETTER II."
    letter = one(divs[0], "floatingText[@type='letter']")
    assert len(find(letter, "body/p")) == 2 and find(letter, "body/closer") == []
    assert "bad.txt:5: warning: a letter with no signature: it is taken to end at line 9" in err(capsys)


QUOTED_NO_SIGNATURE = f"""Letters on the Poor Laws

He wrote to his brother at once:

"Dear William,
"The mill is closed and the men are idle.

"I shall come home in the spring, if the roads allow it."

{PROSE}
"""


def test_quoted_letter_with_no_signature_warns_and_keeps_its_text(capsys):
    root = read(QUOTED_NO_SIGNATURE, path="bad.txt")
    assert len(find(root, "text/body/floatingText[@type='letter']")) == 1
    assert "bad.txt:5: warning: a letter with no signature" in err(capsys)


def test_quoted_letter_with_no_signature_keeps_its_paragraphs():
    letter = one(read(QUOTED_NO_SIGNATURE, path="bad.txt"), "text/body/floatingText[@type='letter']")
    assert find(letter, ".//lg") == [] and find(letter, ".//cit") == []
    assert [p.get("rend") for p in find(letter, "body/p")] == ["pre-quot", "pre-quot post-quot"]


UNCLOSED = f"""On the Charter

The petition ran:

"We ask for nothing but the vote.

"We shall not rest until we have it.

{PROSE}

{PROSE}
"""


def test_unclosed_quotation_keeps_every_character():
    root = read(UNCLOSED, path="bad.txt")
    assert len(find(root, "text/body//p")) + len(find(root, "text/body/cit")) >= 3


def test_unclosed_quotation_warns_at_its_first_line(capsys):
    read(UNCLOSED, path="bad.txt")
    assert re.search(r"^bad\.txt:5: warning: .*never closed", err(capsys), re.MULTILINE)


def test_unclosed_quotation_does_not_swallow_the_text_after_it():
    root = read(UNCLOSED, path="bad.txt")
    assert len(find(root, "text/body/p")) >= 2 and find(root, "text/body/p[last()]")[0].text == PROSE


# --- the catalogue: docs/conventions.md says what the reader does -----------------------------------

def catalogue_examples() -> list[dict]:
    """Each ```text block of the catalogue, with the TEI paths, warnings and YAML blocks after it."""
    if not CATALOGUE.exists():
        return []
    examples: list[dict] = []
    heading = ""
    lines = CATALOGUE.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("# ").strip()
        fence = re.match(r"^```(text|yaml)\s*$", line)
        if fence:
            j = lines.index("```", i + 1)
            block = "\n".join(lines[i + 1:j]) + "\n"
            if fence.group(1) == "text":
                examples.append({"id": f"{heading} #{sum(e['heading'] == heading for e in examples) + 1}",
                                 "heading": heading, "text": block, "tei": [], "warnings": [], "yaml": []})
            elif examples:
                examples[-1]["yaml"].append(block)
            i = j + 1
            continue
        if examples and line.startswith("**TEI:**"):
            examples[-1]["tei"] += re.findall(r"`([^`]+)`", line)
        if examples and line.startswith("**Warning:**"):
            examples[-1]["warnings"] += [w for w in re.findall(r"`([^`]+)`", line) if ": warning: " in w]
        i += 1
    return examples


EXAMPLES = catalogue_examples()


def test_the_catalogue_is_linked_and_covers_every_override_key():
    assert "docs/conventions.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "conventions.md" in (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")
    assert len(EXAMPLES) >= 20
    yaml_text = "".join(y for e in EXAMPLES for y in e["yaml"])
    from edition.editorial import STRUCTURE_KEYS
    for key in STRUCTURE_KEYS:
        assert re.search(rf"^\s*{re.escape(key)}:", yaml_text, re.MULTILINE), f"no YAML example for {key}"


def test_the_catalogues_overview_of_keys_is_valid_yaml():
    """The first YAML block of the catalogue (every key at once) loads and names only real keys."""
    import yaml
    from edition.editorial import STRUCTURE_KEYS
    text = CATALOGUE.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL).group(1)
    structure = yaml.safe_load(block)["structure"]
    assert set(structure) <= set(STRUCTURE_KEYS) and len(structure) >= 14
    assert all(isinstance(v, bool) if k in ("epigraph", "title-line") else isinstance(v, list)
               for k, v in structure.items())


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_catalogue_example_reads_as_it_says(example, capsys):
    root = read(example["text"])
    assert example["tei"] or example["yaml"], "an example says what TEI it becomes, or how to correct it"
    for path in example["tei"]:
        assert find(root, path), f"{path} not in the reading of the example"
    printed = err(capsys)
    for warning in example["warnings"]:
        assert warning in printed


YAML_EXAMPLES = [(e, y) for e in EXAMPLES for y in e["yaml"]]


@pytest.mark.parametrize("example, yaml_text", YAML_EXAMPLES,
                         ids=[f"{e['id']} yaml {k}" for k, (e, _) in enumerate(YAML_EXAMPLES, 1)])
def test_catalogue_yaml_changes_the_reading(example, yaml_text, tmp_path, capsys):
    """Each YAML example loads from a real file and changes the TEI of its example, or its warnings."""
    yaml_path = tmp_path / "essay.yaml"
    yaml_path.write_text(yaml_text, encoding="utf-8")
    source = decode(Path("essay.txt"), example["text"].encode("utf-8"))
    plain, _ = read_text(source, Editorial())
    plain_warnings = err(capsys)
    changed, _ = read_text(source, load_editorial(yaml_path))
    changed_warnings = err(capsys)
    root = tei.el("TEI")
    root.append(changed)
    assert tei.diplomatic(root) == example["text"]
    assert etree.tostring(plain) != etree.tostring(changed) or plain_warnings != changed_warnings


# --- conventions added after the catalogue's first draft -------------------------------------------

WRAPPED_INDENTED = """ON COMPROMISE

    The first paragraph of this essay is indented on its first line, as
many old printed books and some transcriptions are. It runs over several
lines of a hard-wrapped text, the way a download from an archive looks.

    A short paragraph.

    Another paragraph follows here, again with its first line set in
from the margin by four spaces, and the rest of it flush left as a
printer would have set it in a pamphlet of the time.
"""


def test_first_line_indents_are_paragraphs_not_quotations():
    root = read(WRAPPED_INDENTED)
    assert find(root, "text//cit") == []
    assert [tei.diplomatic(p).strip()[:17] for p in find(root, "text/body/p")] == \
        ["The first paragra", "A short paragraph", "Another paragraph"]


def test_a_set_in_line_in_a_flush_text_is_a_quotation():
    text = WRAPPED_INDENTED.replace("    The first", "The first").replace("    Another", "Another")
    assert len(find(read(text), "text/body/cit[@type='block']")) == 1


def test_bulleted_items_are_a_list_keeping_their_bullets():
    root = read("Title\n\nThe petition asked for these:\n\n- a vote for every man;\n- a secret ballot;\n"
                "- payment of members.\n\nThe end of the pamphlet.\n")
    items = find(root, "text/body/list[@type='bulleted']/item")
    assert [tei.diplomatic(i) for i in items] == ["- a vote for every man;", "- a secret ballot;",
                                                   "- payment of members."]


def test_a_salutation_run_into_the_first_paragraph():
    root = read("Letters\n\nLETTER I.\n\nMY DEAR FRIEND,--You asked me to write, and I will do so plainly now.\n\n"
                "The children are fed twice a day.\n\nYours truly,\n\nJ. HARDY.\n")
    letter = find(root, "text/body/div/floatingText[@type='letter']")[0]
    assert tei.diplomatic(letter.find("t:body/t:opener/t:salute", NS)) == "MY DEAR FRIEND,--"
    assert [tei.diplomatic(p)[:11] for p in letter.findall("t:body/t:p", NS)] == ["You asked m", "The childre"]
    assert tei.diplomatic(letter.find("t:body/t:closer/t:signed", NS)) == "J. HARDY."


def test_a_text_that_opens_with_its_first_part_has_no_title():
    root = read("PREFACE.\n\nThe following pages were written in haste and are printed without change.\n")
    assert find(root, "text/front") == [] and [h.text for h in find(root, "text/body/div/head")] == ["PREFACE."]


def test_an_unannounced_list_takes_only_short_one_sentence_items():
    root = read("Title\n\nHe said it himself:\n\nThe masters will not yield. They never have, and they never will "
                "while the men are divided.\n\nA second paragraph follows it here.\n")
    assert find(root, "text//list") == []


def test_a_transcribers_bracketed_note_is_not_supplied_text():
    root = read("Title\n\nThe mill stood by the river. [Illustration: The mill at Frome] It was closed in 1834.\n")
    assert find(root, "text//supplied") == []


def test_numbered_notes_called_by_superscript_figures():
    root = read("Title\n\nThe mill stood by the river\u00b9 and was closed.\u00b2\n\nNOTES\n\n"
                "1. It burnt down in 1851.\n\n2. By order of the owners.\n")
    notes = find(root, "text/body//p/note[@place='foot']")
    assert [n.get("n") for n in notes] == ["\u00b9", "\u00b2"]
    assert [tei.diplomatic(n.find("t:label", NS)) for n in notes] == ["1.", "2."]
