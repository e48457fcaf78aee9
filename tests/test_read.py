"""The reader: plain text → TEI structure, lossless, on the seed and on texts written for the test."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lxml import etree

from edition import tei
from edition.build import Text, text_to_tei
from edition.editorial import Editorial
from edition.read import read_text
from edition.read.pieces import split_blocks
from edition.source import decode

from conftest import FIXTURE_TEXTS, SEED, SHARED

NS = {"t": tei.TEI_NS}
SEED_SHA256 = "26c2d758b194af294ab94aa22b7826fc976db7dd48a01aee72f7137b904acb48"


def read(text: str, path: str = "t.txt") -> etree._Element:
    """The <text> element the reader makes of a string, wrapped in a TEI root."""
    text_el, _ = read_text(decode(Path(path), text.encode("utf-8")), Editorial())
    root = tei.el("TEI")
    root.append(text_el)
    return root


def test_seed_copy_is_byte_identical():
    data = SEED.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    shared = SHARED / "seeds" / "000_6c405a320dc6a6e3.txt"
    if shared.exists():
        assert shared.read_bytes() == data


@pytest.mark.parametrize("path", [SEED, *FIXTURE_TEXTS], ids=lambda p: p.name)
def test_diplomatic_round_trip(path):
    root = text_to_tei(Text.from_path(path))
    reparsed = etree.fromstring(tei.serialise(root))
    assert tei.diplomatic(reparsed).encode("utf-8") == path.read_bytes()


def test_at_least_four_varied_test_texts():
    raw = {p.name: p.read_bytes() for p in FIXTURE_TEXTS}
    assert len(raw) >= 4
    assert any(b"\r\n" in r for r in raw.values()), "a CRLF text"
    assert any(r.startswith(b"\xef\xbb\xbf") for r in raw.values()), "a text with a BOM"
    assert any("\u00a0".encode() in r for r in raw.values()), "non-breaking spaces"
    assert any(max(len(line) for line in r.split(b"\n")) < 80 and r.count(b"\n") > 20 for r in raw.values()), \
        "a hard-wrapped text"


def test_seed_structure(seed_root):
    text = seed_root.find("t:text", NS)
    assert text.find("t:front/t:epigraph/t:cit/t:quote/t:p[@rend='pre-quot post-quot']", NS) is not None
    assert tei.diplomatic(text.find("t:front/t:epigraph/t:cit/t:bibl", NS)).startswith("(Trotsky, The Stalin School")
    heads = [tei.diplomatic(h) for h in text.iterfind("t:body/t:div[@type='section']/t:head", NS)]
    source_lines = SEED.read_text(encoding="utf-8").split("\n")
    assert len(heads) == 8
    assert [source_lines.index(h) for h in heads] == sorted(source_lines.index(h) for h in heads)
    lists = text.findall(".//t:list", NS)
    assert len(lists) == 1 and len(lists[0].findall("t:item", NS)) == 4
    letters = text.findall(".//t:floatingText[@type='letter']", NS)
    assert len(letters) == 3
    for letter in letters:
        assert letter.find("t:body/t:opener/t:salute", NS) is not None
        assert letter.find("t:body/t:closer/t:signed", NS) is not None
    assert [tei.diplomatic(s) for s in text.iterfind(".//t:signed", NS)] == ['"L. Kam[enev]"', 'J. Stalin."', 'N. Krupskaya"']


def test_seed_block_quotations_keep_their_citations(seed_root):
    """A quotation whose source ends in a parenthesised citation has it as its bibl."""
    blocks = seed_root.findall(".//t:cit[@type='block']", NS)
    assert len(blocks) >= 3
    source = SEED.read_text(encoding="utf-8")
    for cit in blocks:
        first_words = tei.diplomatic(cit.find("t:quote/t:p", NS))[:40]
        start = source.index(first_words)
        end = source.find("\n\n", start)
        cited = source[start:end].rstrip().endswith(")")
        assert (cit.find("t:bibl", NS) is not None) == cited, first_words


def test_units_numbered_continuously_with_ids(seed_root):
    units = seed_root.xpath("//t:text//*[@n][not(self::t:note)]", namespaces=NS)
    assert [int(u.get("n")) for u in units] == list(range(1, len(units) + 1))
    assert all(u.get(tei.XML_ID) == f"p{u.get('n')}" for u in units)


def test_inline_conventions():
    root = read('Title\n\nHe wrote to T[rotsky] and St[arik] (i.e. Lenin, XY) about "the plan [...] and [\u2026] more" '
                '(Pravda, April 21 (8) 1917.) and "rest". (See Works, vol. 1, pp. 5-7.)\n')
    p = root.find(".//t:p", NS)
    assert [s.text for s in p.iterfind("t:supplied", NS)] == ["rotsky", "arik"]
    assert [g.get("rend") for g in p.iterfind("t:gap", NS)] == ["src-dots", "src-hellip"]
    note = p.find("t:note[@type='authorial']", NS)
    assert note.text == "i.e. Lenin, XY" and note.get("place") == "inline"
    assert [b.text for b in p.iterfind("t:bibl", NS)] == ["Pravda, April 21 (8) 1917.", "See Works, vol. 1, pp. 5-7."]


def test_parenthetical_remarks_stay_text():
    root = read("Title\n\nA statement (actually quite meaningless) and a cross-reference (see below) stay text.\n")
    assert root.find(".//t:bibl", NS) is None and root.find(".//t:note", NS) is None


def test_heading_detection():
    root = read("T\n\nIntro.\n\nA Heading\n\nText.\n\nIs This a Heading?\n\nMore text.\n\n"
                "Is this a question?\n\nnot a heading\n\nEnd.\n")
    assert [h.text for h in root.iterfind(".//t:head", NS)] == ["A Heading", "Is This a Heading?"]


def test_warns_on_guesses(capsys):
    read("T\n\nIntro.\n\nWhat Now?\n\nText.\n", path="guess.txt")
    assert "guess.txt:5: warning: treated as a heading: 'What Now?'" in capsys.readouterr().err


def test_yaml_overrides_headings():
    path = next(p for p in FIXTURE_TEXTS if p.name == "overrides.txt")
    root = text_to_tei(Text.from_path(path))
    assert [h.text for h in root.iterfind(".//t:head", NS)] == ["Part one ends with a full stop."]


def test_list_length_from_the_number_in_its_introduction():
    root = read("T\n\nThere are two rules:\n\nOne.\n\nTwo.\n\nA short paragraph after the list.\n")
    assert [i.text for i in root.iterfind(".//t:item", NS)] == ["One.", "Two."]


def test_blocks_are_runs_of_lines_with_text():
    blocks = split_blocks("\n\nA\nb\n\n \u00a0\nC\n\n")
    assert [[line.text for line in b] for b in blocks] == [["A", "b"], ["C"]]
    assert [[line.number for line in b] for b in blocks] == [[3, 4], [7]]


def test_valid_against_tei_all(tei_all, seed_root):
    assert tei_all.validate(seed_root), tei_all.error_log


@pytest.mark.parametrize("path", FIXTURE_TEXTS, ids=lambda p: p.name)
def test_test_texts_valid_against_both_schemas(tei_all, path):
    root = etree.fromstring(tei.serialise(text_to_tei(Text.from_path(path))))
    assert tei_all.validate(root), tei_all.error_log
    assert tei.project_schema().validate(root), tei.project_schema().error_log


def test_project_schema_is_narrower_than_tei_all(tei_all, seed_root):
    """An element tei_all allows but the profile does not emit is refused by the profile."""
    assert tei.project_schema().validate(seed_root)
    p = seed_root.find(".//t:body//t:p", NS)
    hi = etree.SubElement(p, tei.T + "hi", rend="bold")
    hi.text = "x"
    try:
        assert tei_all.validate(seed_root)
        assert not tei.project_schema().validate(seed_root)
    finally:
        p.remove(hi)


def test_confirmed_letter_does_not_warn(capsys):
    text = 'T\n\nHe wrote:\n\n"Dear Sir,\n"I write.\n\n"J. Smith"\n'
    source = decode(Path("l.txt"), text.encode())
    read_text(source, Editorial())
    assert "l.txt:5: warning: treated as a letter's salutation" in capsys.readouterr().err
    read_text(source, Editorial(Path("l.yaml"), {"structure": {"letters": ['"Dear Sir,']}}))
    assert capsys.readouterr().err == ""


def test_an_interrupted_quotation_keeps_its_marks():
    root = read('T\n\nHe wrote:\n\n"The struggle is one of forces," he wrote, "not of arguments." (Works, p. 86.)\n')
    p = root.find(".//t:cit[@type='block']/t:quote/t:p", NS)
    assert p.get("rend") is None and p.text.startswith('"The struggle')
    plain = read('T\n\nHe wrote:\n\n"The struggle is one of forces, not of arguments." (Works, p. 86.)\n')
    p = plain.find(".//t:cit[@type='block']/t:quote/t:p", NS)
    assert p.get("rend") == "pre-quot post-quot" and p.text.startswith("The struggle")


def test_interpolation_points_at_the_author_only_when_there_is_one():
    text = "T\n\nHe met St[arik] (i.e. Lenin, AW) there.\n"
    anonymous = read(text).find(".//t:note", NS)
    assert anonymous.get("type") == "authorial" and anonymous.get("resp") is None
    source = decode(Path("t.txt"), text.encode())
    known, _ = read_text(source, Editorial(Path("t.yaml"), {"author": {"name": "Alan Woods"}}))
    assert known.find(".//t:note", NS).get("resp") == "#author"
