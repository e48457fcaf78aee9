"""Total-fit line breaking on its own (edition/render/knuthplass.py): items in, lines out."""

from __future__ import annotations

from math import inf

import pytest

from edition.render import knuthplass as kp

SPACE, STRETCH, SHRINK = 3.0, 1.8, 0.9


def paragraph(words: list[str], hyphen: float = 0.0) -> list[kp.Item]:
    """Each letter 5 wide, one space between words; a word with "-" in it may break there with a
    hyphen `hyphen` wide (a hyphenation point), the "-" itself taking no room."""
    items: list[kp.Item] = []
    for i, word in enumerate(words):
        if i:
            items.append(kp.glue(SPACE, STRETCH, SHRINK))
        parts = word.split("-")
        for j, part in enumerate(parts):
            if j:
                items.append(kp.penalty(hyphen, 50, flagged=True))
            items.append(kp.box(5.0 * len(part)))
    items += [kp.penalty(0, inf), kp.glue(0, inf, 0, breakable=False), kp.penalty(0, -inf)]
    return items


def natural(items, line: kp.Line) -> float:
    width = sum(it.width for it in items[line.start:line.end] if it.kind != kp.PENALTY)
    return width + (items[line.end].width if items[line.end].kind == kp.PENALTY else 0)


def test_lines_fill_the_measure_within_their_spaces():
    words = ("the quick brown fox jumps over the lazy dog and then runs far away into the deep dark "
             "woods where nobody ever finds it again").split()
    items = paragraph(words)
    lines = kp.breakpoints(items, lambda k: 100.0, kp.Params(tolerance=20))
    assert lines is not None and len(lines) > 3
    assert lines[-1].end == len(items) - 1
    for line in lines[:-1]:
        glues = sum(1 for it in items[line.start:line.end] if it.kind == kp.GLUE)
        assert natural(items, line) - glues * SHRINK <= 100.0 + 1e-9  # fits at the least spaces
        assert -1 <= line.ratio <= 20
        assert line.natural == pytest.approx(natural(items, line))


def first_fit(words: list[str], width: float) -> list[float]:
    """The adjustment ratios of the lines first-fit sets (as WeasyPrint does), all but the last."""
    ratios, line = [], []
    for word in words + [None]:
        if word is not None:
            trial = line + [word]
            if sum(5 * len(w) for w in trial) + SPACE * (len(trial) - 1) - SHRINK * (len(trial) - 1) <= width:
                line = trial
                continue
        if word is None:
            break
        gaps = len(line) - 1
        ratios.append((width - sum(5 * len(w) for w in line) - SPACE * gaps) / (STRETCH * gaps))
        line = [word]
    return ratios


def test_total_fit_beats_first_fit():
    """First fit fills a line and leaves the next one loose; total fit evens them out."""
    words = ("it was the best of times it was the worst of times it was the age of wisdom it was "
             "the age of foolishness it was the epoch of belief it was the epoch of incredulity").split()
    greedy = first_fit(words, 110.0)
    lines = kp.breakpoints(paragraph(words), lambda k: 110.0, kp.Params(tolerance=20))
    assert max(line.ratio for line in lines[:-1]) < max(greedy)


def test_no_more_hyphens_in_a_row_than_allowed():
    words = ["ab-cd", "ef-gh", "ij-kl", "mn-op", "qr-st", "uv-wx"] * 3
    items = paragraph(words, hyphen=2.0)
    for allowed in (1, 2):
        lines = kp.breakpoints(items, lambda k: 37.0, kp.Params(tolerance=20, max_hyphens=allowed))
        assert lines is not None
        run = longest = 0
        for line in lines[:-1]:
            run = run + 1 if items[line.end].flagged else 0
            longest = max(longest, run)
        assert longest <= allowed


def test_a_paragraph_held_to_its_number_of_lines_and_a_line_without_hyphen():
    words = ("lorem ipsum dolor sit amet consec-te-tur adi-pis-cing elit sed do eius-mod tem-por "
             "inci-di-dunt ut la-bo-re et do-lo-re magna ali-qua").split()
    items = paragraph(words, hyphen=2.0)
    free = kp.breakpoints(items, lambda k: 80.0, kp.Params(tolerance=20))
    hyphenated = [k for k, line in enumerate(free[:-1]) if items[line.end].flagged]
    assert hyphenated, "the case needs a hyphenated line"
    held = kp.breakpoints(items, lambda k: 80.0, kp.Params(tolerance=20, looseness_lines=len(free),
                                                           no_hyphen_lines=frozenset(hyphenated[:1])))
    assert len(held) == len(free)
    assert not items[held[hyphenated[0]].end].flagged
    shorter = kp.breakpoints(items, lambda k: 80.0, kp.Params(tolerance=20, looseness_lines=len(free) - 1))
    assert shorter is None or len(shorter) == len(free) - 1


def test_letter_spacing_takes_what_the_spaces_cannot_except_with_a_ligature():
    items = [kp.box(40, track=6.0), kp.glue(SPACE, STRETCH, SHRINK), kp.box(40, track=6.0),
             kp.penalty(0, inf), kp.glue(0, inf, 0, breakable=False), kp.penalty(0, -inf)]
    # one line of 83: 10 short of 93, the space can give 0.9 × 1.8 before tracking
    params = kp.Params(tolerance=20, track_from=0.9)
    line, = kp.breakpoints(items + [], lambda k: 93.0, params)
    assert line.ratio == 0  # the last line: its fill takes the rest
    two = [kp.box(40, track=6.0), kp.glue(SPACE, STRETCH, SHRINK), kp.box(40, track=6.0),
           kp.glue(SPACE, STRETCH, SHRINK), kp.box(200)] + items[3:]
    first, _ = kp.breakpoints(two, lambda k: 93.0 if k == 0 else 200.0, params)
    assert first.tracking == pytest.approx(10 - 0.9 * STRETCH)
    assert first.ratio == pytest.approx(0.9)
    two[0].ligature = True
    first, _ = kp.breakpoints(two, lambda k: 93.0 if k == 0 else 200.0, params)
    assert first.tracking == 0 and first.ratio == pytest.approx(10 / STRETCH)


def test_a_loose_line_costs_more_than_any_other_choice():
    words = "aaaaaaa bb ccccccc dd eeeeeee ff ggggggg hh iiiiiii jj".split()
    items = paragraph(words)
    plain = kp.breakpoints(items, lambda k: 60.0, kp.Params(tolerance=20))
    counted = kp.breakpoints(items, lambda k: 60.0, kp.Params(tolerance=20, loose_ratio=1.0))
    assert sum(l.ratio > 1 for l in counted[:-1]) <= sum(l.ratio > 1 for l in plain[:-1])


def test_nothing_fits_gives_none():
    items = paragraph(["a" * 40])  # 200 wide
    assert kp.breakpoints(items, lambda k: 100.0, kp.Params(tolerance=20)) is None
