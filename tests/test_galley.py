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
    """long-sample's page 16 (0-based 15) stops short: the next line's note n14 does not fit;
    other short pages run their own last note over to take the lines that come next. The cuts
    planned on paper are laid out where they were planned: each note's first lines with its
    call, the rest at the head of the next page's notes, the pages no longer short, every note
    whole."""
    doc, setter = laid["doc"], laid["setter"]
    measured = galley.measure(doc)
    short = makeup.short_pages(doc)  # a cut moves later breaks: a page after may need one too
    cuts = galley.make_up(measured)[1]
    assert (15, "n14") in [(c.page, c.note) for c in cuts] and len(cuts) > 1
    assert 15 in short
    before = verify.pdf_texts(doc)[1]
    html = notesplit.cut_notes(laid["set"], notesplit.note_lines(doc), measured, cuts)
    assert all(html.count(f'id="{c.note}-part2"') == 1 for c in cuts)
    with weasyprint70.layout_scope():
        new = setter.render(html, 7)
    pages = anchor_folios(new, 0)
    for cut in cuts:
        assert pages[f"{cut.note}-call"] == pages[cut.note] == cut.page
        assert pages[f"{cut.note}-part2"] == cut.page + 1
    assert not {c.page for c in cuts} & set(makeup.short_pages(new))
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
    starts, cuts = galley.make_up(paper(lines, {"n1": 5}, height=100.0))
    assert cuts == [] and starts[1] == 9
    starts, cuts = galley.make_up(paper(lines, {"n1": 5}, height=130.0))
    assert cuts == [galley.Cut(0, "n1", 3, 10)]
    assert starts[:3] == [0, 10, 20]


def test_a_page_runs_its_own_last_note_over_to_take_the_lines_that_must_travel_together():
    # five lines (50), the third calling a 3-line note (5 + 24): 21 left, and the next three
    # lines (a paragraph too short to break) need 30. They call no note; the page's own note
    # keeps one line (5 + 8) and runs two over, and the three lines come up (50 + 30 + 13 = 93).
    lines = [("a", i, ["n1"] if i == 2 else []) for i in range(5)] + [("b", i, []) for i in range(3)] + \
        [("c", i, []) for i in range(10)]
    starts, cuts = galley.make_up(paper(lines, {"n1": 3}))
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
