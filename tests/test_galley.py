"""Page make-up with notes cut in two (edition/render/galley.py, notesplit.cut_notes; issue 14
point 2): the galley read from a layout breaks into that layout's pages; a page that the next
line's note would leave short gets the lines of that note that fit, the rest opens the next page's
notes; the cut is laid out where it was planned, and no word of the note is lost."""

from __future__ import annotations

import sys
from pathlib import Path

from edition.render import galley, makeup, notesplit, verify, weasyprint70
from edition.render.typeset import anchor_folios

sys.path.insert(0, str(Path(__file__).parent))
from test_linebreak import laid  # noqa: E402,F401  (the fixture: long-sample's body laid out)


def test_the_galley_breaks_into_the_pages_it_was_read_from(laid):
    measured = galley.measure(laid["doc"])
    assert len(measured.starts) == len(laid["doc"].pages)
    assert len(measured.lines) > 400
    assert galley.check(measured)
    assert galley.make_up(measured, cut=False)[0] == measured.starts


def test_a_note_cut_fills_its_page_and_goes_on_overleaf_whole(laid):
    """long-sample's page 16 (0-based 15) stops short: the next line's note n14 does not fit.
    Other short pages take the lines that come next where the space above their notes shrinks.
    What is planned on paper is laid out where it was planned: n14's first lines with its call,
    the rest at the head of the next page's notes, the pages no longer short, every note whole."""
    doc, setter = laid["doc"], laid["setter"]
    measured = galley.measure(doc)
    short = makeup.short_pages(doc)
    _, cuts, squeezes = galley.make_up(measured)
    assert 15 in short and [(c.page, c.note) for c in cuts] == [(15, "n14")] and squeezes
    before = verify.pdf_texts(doc)[1]
    html = notesplit.cut_notes(laid["set"], notesplit.note_lines(doc), measured, cuts)
    assert html.count('id="n14-part2"') == 1
    html = html.replace("</head>", f"<style>{galley.foot_rules(measured, squeezes)}</style></head>")
    with weasyprint70.layout_scope():
        new = setter.render(html, 7)
    pages = anchor_folios(new, 0)
    assert pages["n14-call"] == pages["n14"] == 15 and pages["n14-part2"] == 16
    assert not ({15} | set(squeezes)) & set(makeup.short_pages(new))
    assert verify.pdf_texts(new)[1] == before


# --- on paper: galleys made by hand --------------------------------------------------------------

def paper(lines: list[tuple[str, int, list[str]]], notes: dict[str, int], height: float = 100.0) -> galley.Galley:
    """A galley of 10-high lines (block name, index in its block, calls) and notes of 8-high lines."""
    blocks: dict[str, object] = {}
    out = []
    for name, index, calls in lines:
        element = blocks.setdefault(name, type("E", (), {"tag": "p", "get": lambda self, k, d=None: d})())
        out.append(galley.Line(10.0, 0.0, 0.0, element, index, calls))
    counts = {name: sum(1 for n, _, _ in lines if n == name) for name in blocks}
    for line, (name, index, _) in zip(out, lines):
        line.allowed = not (0 < index and (index < 2 or counts[name] - index < 2))
    return galley.Galley(out, {k: galley.Note([8.0] * n, 0.0) for k, n in notes.items()}, height, 5.0)


def test_a_short_page_gets_the_lines_of_the_note_that_fit():
    # nine lines (90) and the tenth's 5-line note: 100 + 5 + 40 > 100, and 10 left is no short
    # page: nothing cut. On a page of 130, 40 are left: the tenth line (100), the notes' area (5)
    # and three lines of the note (24) fit; its last two lines open the next page's notes, where
    # 130 - 5 - 16 leaves room for ten lines.
    lines = [("a", i, []) for i in range(9)] + [("b", 0, ["n1"])] + [("c", 0, [])] + [("d", i, []) for i in range(12)]
    starts, cuts = galley.make_up(paper(lines, {"n1": 5}, height=100.0))[:2]
    assert cuts == [] and starts[1] == 9
    starts, cuts = galley.make_up(paper(lines, {"n1": 5}, height=130.0))[:2]
    assert cuts == [galley.Cut(0, "n1", 3, 10)]
    assert starts[:3] == [0, 10, 20]


def test_a_page_runs_its_own_last_note_over_to_take_the_lines_that_must_travel_together():
    # five lines (50), the third calling a 3-line note (5 + 24): 21 left, and the next three
    # lines (a paragraph too short to break) need 30. They call no note; the page's own note
    # keeps one line (5 + 8) and runs two over, and the three lines come up (50 + 30 + 13 = 93).
    lines = [("a", i, ["n1"] if i == 2 else []) for i in range(5)] + [("b", i, []) for i in range(3)] + \
        [("c", i, []) for i in range(10)]
    starts, cuts = galley.make_up(paper(lines, {"n1": 3}))[:2]
    assert cuts == [galley.Cut(0, "n1", 1, 8)]
    assert starts[:2] == [0, 8]
    assert galley.make_up(paper(lines, {"n1": 3}), cut=False)[0][1] == 5


def test_no_cut_where_widows_and_orphans_keep_the_lines_off_or_the_note_is_one_line():
    # the next line opens a paragraph of two lines: both must come, 20 + 5 + 8 > 30 left
    lines = [("a", i, []) for i in range(10)] + [("b", 0, ["n1"]), ("b", 1, [])] + [("c", i, []) for i in range(8)]
    assert galley.make_up(paper(lines, {"n1": 4}, height=130.0))[1] == []
    # a one-line note is never cut
    lines = [("a", i, []) for i in range(11)] + [("b", 0, ["n1"])] + [("c", i, []) for i in range(8)]
    assert galley.make_up(paper(lines, {"n1": 1}, height=128.0))[1] == []


def test_the_rest_of_a_note_is_anchored_at_the_start_of_a_line():
    from xml.etree import ElementTree as ET

    block = ET.fromstring('<p>one two\nthree <span class="footnote">a\nb</span>four\nfive</p>')
    assert notesplit._mark_line(block, 2, "#")
    assert ET.tostring(block, encoding="unicode") == \
        '<p>one two\nthree <span class="footnote">a\nb</span>four\n#five</p>'
    assert not notesplit._mark_line(ET.fromstring("<p>one\ntwo</p>"), 2, "#")


# --- paragraphs set a line longer or shorter, on paper -------------------------------------------

def blocks(galley_: galley.Galley) -> dict[str, object]:
    return {line.element.name: line.element for line in galley_.lines}


def named(lines: list[tuple[str, int, list[str]]], notes: dict[str, int] | None = None,
          height: float = 100.0) -> galley.Galley:
    made = paper(lines, notes or {}, height)
    for line, (name, _, _) in zip(made.lines, lines):
        line.element.name = name
    return made


def test_a_block_relined_keeps_its_calls_widows_and_orphans():
    made = named([("a", i, ["n1"] if i == 3 else []) for i in range(4)] + [("b", 0, [])], {"n1": 1})
    a = blocks(made)["a"]
    shorter = galley.relined(made, 0, -1)
    assert [(l.index, l.calls, l.allowed) for l in shorter.lines if l.element is a] == \
        [(0, [], True), (1, [], False), (2, ["n1"], False)]
    longer = galley.relined(made, 0, 1)
    assert [(l.index, l.calls, l.allowed) for l in longer.lines if l.element is a] == \
        [(0, [], True), (1, [], False), (2, [], True), (3, ["n1"], True), (4, [], False)]
    assert len(made.lines) == 5  # the galley it was made from is as it was
    assert galley.relined(made, 4, -1) is None  # b's one line


def kept_together(made: galley.Galley, name: str) -> None:
    for line in made.lines:
        if line.element.name == name and line.index:
            line.allowed = line.free = False


def test_a_short_page_is_filled_by_the_cheapest_block_set_a_line_longer_or_shorter():
    # eight lines, then three that must go together: 80 + 30 > 100, the page stops 20 short.
    # Set a line shorter, the first block lets them up (70 + 30); a line longer, it fills the
    # page (90). The cheaper is taken; a setting with a loose line more only within the budget.
    made = named([("a", i, []) for i in range(8)] + [("b", i, []) for i in range(3)] + [("c", i, []) for i in range(20)])
    assert galley._short(made, list(galley._pages(made))) == [0]
    a = blocks(made)["a"]
    both = {id(a): [(1, 5.0, 0), (-1, 3.0, 0)]}
    assert galley.fill_pages(made, lambda el: both.get(id(el), []), 0) == {a: -1}
    loose = {id(a): [(1, 5.0, 1)]}
    assert galley.fill_pages(made, lambda el: loose.get(id(el), []), 0) == {}
    assert galley.fill_pages(made, lambda el: loose.get(id(el), []), 1) == {a: 1}


def test_a_note_set_a_line_longer_fills_its_page():
    # six lines (60), the third calling a two-line note (5 + 16): 19 left, and the next three
    # lines must go together (30). The note a line longer leaves 11: the page is full.
    made = named([("a", i, ["n1"] if i == 2 else []) for i in range(6)] + [("b", i, []) for i in range(3)] +
                 [("c", i, []) for i in range(20)], {"n1": 2})
    kept_together(made, "b")
    note = made.notes["n1"].element = type("N", (), {})()
    assert galley._short(made, list(galley._pages(made))) == [0]
    assert galley.fill_pages(made, lambda el: [(1, 1.0, 0)] if el is note else [], 0) == {note: 1}
    assert galley.renoted(made, "n1", 1).notes["n1"].lines == [8.0, 8.0, 8.0]
    assert made.notes["n1"].lines == [8.0, 8.0]


def test_two_blocks_are_set_a_line_longer_where_one_is_not_enough():
    # 3 + 4 lines, then four that must go together: the page stops 30 short; one line more
    # leaves it 20 short, two fill it
    made = named([("a", i, []) for i in range(3)] + [("c", i, []) for i in range(4)] +
                 [("b", i, []) for i in range(4)] + [("d", i, []) for i in range(20)])
    kept_together(made, "b")
    longer = lambda el: [(1, 1.0, 0)] if el.name in "ac" else []  # noqa: E731
    found = galley.fill_pages(made, longer, 0)
    assert {el.name: delta for el, delta in found.items()} == {"a": 1, "c": 1}


def test_a_page_ended_by_a_forced_break_is_no_short_page():
    made = named([("a", i, []) for i in range(3)] + [("b", i, []) for i in range(12)])
    made.lines[3].forced = True
    pages = list(galley._pages(made))
    assert pages[0].room == 70.0 and galley._short(made, pages) == []


def test_a_list_items_marker_is_no_line_of_its_own():
    """WeasyPrint sets an outside marker as a line box beside the item's first line: read as a
    line, the galley allowed a page to end between the marker and its text, which WeasyPrint
    does not (the seed's p. 14 list), and no longer broke as its layout did."""
    from weasyprint import HTML

    doc = HTML(string="<p>One.</p><ul><li><div>Two.</div></li></ul>").render()
    found = galley.text_lines(weasyprint70.page_box(doc.pages[0]))
    assert [line.element_tag for line, _ in found] == ["p", "div"]


# --- the space above the notes shrunk --------------------------------------------------------------

def test_the_space_above_the_notes_shrinks_a_little_to_take_the_lines_that_must_go_together():
    # seven lines (70), the third calling a one-line note (5 + 8): 19 left of 102, and the last
    # two lines of a paragraph need 20. The space above the notes shrinks by the pixel missing
    # (and half a pixel more, `SQUEEZE_SAFETY`); without a note on the page there is none to shrink.
    lines = [("a", i, ["n1"] if i == 2 else []) for i in range(7)] + [("b", i, []) for i in range(2)] + \
        [("c", i, []) for i in range(12)]
    made = named(lines, {"n1": 1}, height=102.0)
    kept_together(made, "b")
    starts, cuts, squeezes = galley.make_up(made)
    assert starts[:2] == [0, 9] and cuts == [] and squeezes == {0: 1.0 + galley.SQUEEZE_SAFETY}
    assert galley.make_up(made, cut=False)[0][1] == 7
    made = named([(name, i, []) for name, i, _ in lines], {}, height=89.0)
    kept_together(made, "b")
    assert galley.make_up(made)[0][1] == 7  # 90 > 89, and no notes: no space above them to shrink
    # one pixel more than FOOT_SQUEEZE allows: none either
    made = named(lines, {"n1": 1}, height=103.0 - galley.FOOT_SQUEEZE + galley.SQUEEZE_SAFETY - 1.0)
    kept_together(made, "b")
    assert galley.make_up(made)[2] == {}


def test_pages_are_counted_as_laid_out_with_a_blank_page_before_a_recto_that_must_open_a_section():
    made = paper([("a", i, []) for i in range(3)] + [("b", i, []) for i in range(25)], {})
    made.lines[3].forced, made.lines[3].side = True, "right"
    assert [p.index for p in galley._pages(made)] == [0, 2, 3, 4]


def test_the_shrunk_space_is_laid_out_on_its_page():
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    made = paper([("a", 0, [])], {})
    made.area_margin = 10.0
    rules = galley.foot_rules(made, {1: 1.5})
    assert rules == "@page :nth(2) { @footnote { margin-top: 8.50px; } }\n"
    html = ("<style>@page { size: 200px 160px; margin: 10px; @footnote { margin-top: 10px; } }"
            f".f {{ float: footnote }}\n{rules}</style>" +
            "".join(f"<p>Line {i}<span class=f>Note {i}</span></p>" for i in range(12)))
    doc = HTML(string=html).render()
    margins = [area.margin_top for page in doc.pages[:3] for area in weasyprint70.page_box(page).children
               if isinstance(area, boxes.FootnoteAreaBox)]
    assert margins == [10.0, 8.5, 10.0]
