"""The apparatus: notes, emendations, names and citations applied to the TEI; its located errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from lxml import etree

from edition import tei
from edition.build import Text, text_to_tei
from edition.cli import main
from edition.errors import InputError

from conftest import SEED, SEEDS

NS = {"t": tei.TEI_NS}
NAME_TAGS = ("persName", "placeName", "orgName")


def mentions(root: etree._Element) -> list[tuple[str, str]]:
    """(ref, source form) of every name in the text, outside editorial notes, in document order."""
    found = []
    for node in root.find("t:text", NS).iter(*(tei.T + t for t in NAME_TAGS)):
        if node.xpath("ancestor::t:note[@type='editorial']", namespaces=NS):
            continue
        found.append((node.get("ref")[1:], tei.diplomatic(node)))
    return found


def independent_count(source: str, registers: list[dict]) -> list[tuple[str, str]]:
    """Every occurrence of every form, found with str.find (not the tagger's regex): word
    boundaries by hand, `not` phrases excluding, the longer of two overlapping forms kept."""
    hits = []
    for entry in registers:
        blocked = []
        for phrase in entry.get("not", []):
            at = source.find(phrase)
            while at >= 0:
                blocked.append((at, at + len(phrase)))
                at = source.find(phrase, at + 1)
        for form in entry.get("forms", []):
            at = source.find(form)
            while at >= 0:
                end = at + len(form)
                left_ok = not form[0].isalnum() or at == 0 or not source[at - 1].isalnum()
                right_ok = not form[-1].isalnum() or end == len(source) or not source[end].isalnum()
                if left_ok and right_ok and not any(s <= at and end <= e for s, e in blocked):
                    hits.append((at, end, entry["id"], form))
                at = source.find(form, at + 1)
    kept = [h for h in hits if not any(o is not h and o[0] <= h[0] and h[1] <= o[1] and o[1] - o[0] > h[1] - h[0]
                                       for o in hits)]
    return [(ident, form) for _, _, ident, form in sorted(kept)]


def test_every_registered_form_tagged_exactly_once(seed_root):
    registers = [e for name in ("persons.yaml", "places.yaml")
                 for e in yaml.safe_load((SEEDS / name).read_text(encoding="utf-8"))]
    expected = independent_count(SEED.read_text(encoding="utf-8"), registers)
    assert len(expected) > 300
    assert mentions(seed_root) == expected
    nested = seed_root.xpath("//t:text//*[self::t:persName or self::t:placeName or self::t:orgName]"
                             "[ancestor::t:persName or ancestor::t:placeName or ancestor::t:orgName]", namespaces=NS)
    assert nested == []


def test_special_forms_tagged(seed_root):
    found = set(mentions(seed_root))
    for ref, form in [("trotsky", "T[rotsky]"), ("kamenev", "L. Kam[enev]"), ("lenin", "St[arik]"),
                      ("lenin", "Vlad. Ilyich"), ("stalin", "Joseph"), ("kamenev", "Lev Borisych"),
                      ("zinoviev", "Grigorii")]:
        assert (ref, form) in found, form
    text = seed_root.find("t:text", NS)
    levy = [p for p in text.iter(tei.T + "p") if "Lenin Levy" in tei.diplomatic(p)][0]
    assert "Lenin Levy" in "".join(levy.itertext()) and \
        not any(n.tail and n.tail.startswith(" Levy") for n in levy.iter(tei.T + "persName"))
    volkogonov = [b for b in text.iter(tei.T + "bibl") if "Volkogonov" in tei.diplomatic(b)][0]
    assert [n.get("ref") for n in volkogonov.iter(tei.T + "persName")] == ["#volkogonov"]


def test_every_reference_resolves(seed_root):
    ids = set(seed_root.xpath("//t:standOff//@xml:id", namespaces=NS))
    refs = seed_root.xpath("//t:text//@ref | //t:text//@corresp", namespaces=NS)
    assert refs and all(r.startswith("#") and r[1:] in ids for r in refs)
    persons = seed_root.findall(".//t:listPerson/t:person", NS)
    assert len(persons) >= 25
    assert all(p.find("t:persName[@type='index']", NS) is not None for p in persons)
    lenin = seed_root.xpath("//t:person[@xml:id='lenin']", namespaces=NS)[0]
    assert lenin.find("t:birth", NS).get("when") == "1870" and lenin.find("t:death", NS).get("when") == "1924"


def test_every_citation_links_to_the_works_cited(seed_root):
    bibls = seed_root.findall("t:text//t:bibl", NS)
    assert len(bibls) >= 8
    works = set(seed_root.xpath("//t:listBibl/t:bibl/@xml:id", namespaces=NS))
    assert all(b.get("corresp", "")[1:] in works for b in bibls)


def test_notes_and_emendations_of_the_seed(seed_root):
    notes = seed_root.findall("t:text//t:note[@type='editorial']", NS)
    assert len(notes) >= 30
    assert [n.get("n") for n in notes] == [str(i) for i in range(1, len(notes) + 1)]
    choices = seed_root.findall("t:text//t:choice", NS)
    assert len(choices) >= 4
    sics = {tei.diplomatic(c.find("t:sic", NS)) for c in choices}
    for slip in ("fait d'accompli", "jealously", "basis ideas", "right wing trade leaders"):
        assert any(slip in s for s in sics), slip
    reading = tei.reading(seed_root)
    assert "fait accompli" in reading and "fait d'accompli" not in reading
    assert tei.diplomatic(seed_root).encode() == SEED.read_bytes()


def test_note_follows_its_lemma(seed_root):
    georgia = next(n for n in seed_root.iterfind("t:text//t:note[@type='editorial']", NS)
                   if "February 1921" in "".join(n.itertext()))
    before = (georgia.getprevious().tail if georgia.getprevious() is not None else georgia.getparent().text) or ""
    assert before.endswith("without consulting the leadership") or \
        "without consulting the leadership" in tei.diplomatic(georgia.getparent())


def test_red_army_invasion_of_georgia_dated_1921(seed_root):
    """The essay's 1920 is corrected in a note, not in the text."""
    notes = ["".join(n.itertext()) for n in seed_root.iterfind("t:text//t:note[@type='editorial']", NS)]
    assert any("February 1921" in n and "Georgia" in n for n in notes)


# --- errors -----------------------------------------------------------------------------------------

TEXT = "A Title\n\nLenin met Trotsky. Lenin spoke to T[rotsky] about the fait d'accompli.\n\nA second paragraph.\n"
PERSONS = """- id: lenin
  index: Lenin, Vladimir Ilyich
  forms: [Lenin]
- id: trotsky
  index: Trotsky, Leon
  forms: [Trotsky, "T[rotsky]"]
"""


def make(tmp_path: Path, yaml_text: str, persons: str = PERSONS) -> Path:
    (tmp_path / "essay.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "essay.yaml").write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    (tmp_path / "persons.yaml").write_text(persons, encoding="utf-8")
    return tmp_path / "essay.txt"


@pytest.mark.parametrize("yaml_text, line, message", [
    ("notes:\n  - at: Smolny men\n    text: x\n", 2, 'lemma "Smolny men" not found'),
    ("notes:\n  - at: Lenin\n    text: x\n", 2, 'lemma "Lenin" occurs 2 times'),
    ("notes:\n  - at: Lenin\n    occurrence: 3\n    text: x\n", 2, "occurrence 3 asked, but it occurs 2"),
    ("emendations:\n  - sic: rotsky] about\n    corr: x\n    reason: y\n", 2, "crosses the text's markup"),
    ("notes:\n  - at: second\n    text: See {ref:nobody:Nobody}.\n", 3, "unknown register id 'nobody'"),
    ("notes:\n  - at: second\n    txt: x\n", 3, "unknown key 'txt'"),
    ("notes:\n  - at: second\n    text: [a list]\n", 3, "'text' must be text"),
    ("preface:\n  heading: A note\n", 2, "preface lacks 'paragraphs'"),
    ("preface:\n  heading: A note\n  paragraphs:\n    - ''\n", 4, "a preface paragraph must be text"),
    ("foreign:\n  - {phrase: Smolny men, lang: ru}\n", 2, 'foreign phrase "Smolny men" not found'),
    ("foreign:\n  - {phrase: second, lang: 'not a tag'}\n", 2, "is not a language tag"),
    ("foreign:\n  - {phrase: second}\n", 2, "lang"),
])
def test_editorial_errors_are_located(tmp_path, yaml_text, line, message):
    source = make(tmp_path, yaml_text)
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(source))
    assert err.value.path.endswith("essay.yaml") and err.value.line == line
    assert message in err.value.message


@pytest.mark.parametrize("persons, line, message", [
    (PERSONS + "- id: lenin\n  index: Lenin again\n  forms: [Ilyich]\n", 7, "duplicate id 'lenin'"),
    ("- id: lenin\n  index: Lenin\n  forms: [Lenin, '']\n", 3, "is empty"),
    ("- id: Lenin\n  index: Lenin\n  forms: [Lenin]\n", 1, "lowercase"),
])
def test_register_errors_are_located(tmp_path, persons, line, message):
    source = make(tmp_path, "title: T\n", persons)
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(source))
    assert err.value.path.endswith("persons.yaml") and err.value.line == line
    assert message in err.value.message


def test_cli_error_is_one_line_exit_2_nothing_written(tmp_path, capsys):
    source = make(tmp_path, "notes:\n  - at: Smolny men\n    text: x\n")
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out), "--format", "tei"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f'{tmp_path / "essay.yaml"}:2: error: lemma "Smolny men" not found in the text — '
                   "copy the phrase exactly from the source"]
    assert not out.exists()


def test_small_text_apparatus(tmp_path):
    source = make(tmp_path, """\
        emendations:
          - sic: fait d'accompli
            corr: fait accompli
            reason: French idiom.
        notes:
          - at: T[rotsky]
            text: "{i:Pravda} and {ref:lenin:Lenin}."
        """)
    root = text_to_tei(Text.from_path(source))
    p = root.find(".//t:body/t:p", NS)
    assert [(n.get("ref"), tei.diplomatic(n)) for n in p.iter(tei.T + "persName")] == \
        [("#lenin", "Lenin"), ("#trotsky", "Trotsky"), ("#lenin", "Lenin"), ("#trotsky", "T[rotsky]"), ("#lenin", "Lenin")]
    note = p.find("t:note", NS)
    assert note.getprevious().tag == tei.T + "persName" and note.getprevious().get("ref") == "#trotsky"
    assert note.find("t:title", NS).text == "Pravda"
    assert tei.reading(root).count("fait accompli") == 1
    assert tei.diplomatic(root) == TEXT
    assert tei.project_schema().validate(root), tei.project_schema().error_log


def test_works_named_by_title_are_titles(seed_root):
    """A work mentioned by its title is a title[@ref] (italic in print and EPUB); a citation
    phrase that is not its title ('Volkogonov, Trotsky') is not."""
    titles = {(t.get("ref"), tei.diplomatic(t)) for t in seed_root.xpath("//t:text//t:title[@ref]", namespaces=NS)}
    assert ("#ten-days", "Ten Days that Shook the World") in titles
    assert ("#stalin-school-falsification", "The Stalin School of Falsification") in titles
    assert not any("Volkogonov" in text for _, text in titles)
    works = set(seed_root.xpath("//t:listBibl/t:bibl/@xml:id", namespaces=NS))
    assert all(ref[1:] in works for ref, _ in titles)


def test_check_reports_without_writing(tmp_path, capsys, monkeypatch):
    source = make(tmp_path, "notes:\n  - at: second\n    text: x\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", str(source)]) == 0
    assert capsys.readouterr().out.strip() == f"{source}: ok"
    (tmp_path / "essay.yaml").write_text("notes:\n  - at: Smolny men\n    text: x\n")
    assert main(["check", str(source)]) == 2
    assert 'essay.yaml:2: error: lemma "Smolny men" not found' in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["essay.txt", "essay.yaml", "persons.yaml"]


def test_the_editors_preface_is_front_matter_not_source(tmp_path):
    source = make(tmp_path, """\
        preface:
          heading: A note on this edition
          paragraphs:
            - "Dates follow {i:Pravda}; {ref:lenin:Lenin} is indexed."
            - The editors wrote this paragraph.
        """)
    root = text_to_tei(Text.from_path(source))
    preface = root.find("t:text/t:front/t:div[@type='preface']", NS)
    assert preface.get("resp") == "#editors" and preface.find("t:head", NS).text == "A note on this edition"
    paragraphs = preface.findall("t:p", NS)
    assert len(paragraphs) == 2 and paragraphs[0].find("t:title", NS).text == "Pravda"
    assert paragraphs[0].find("t:persName", NS).get("ref") == "#lenin"
    assert tei.diplomatic(root) == TEXT and "editors wrote" not in tei.reading(root)
    assert tei.project_schema().validate(root), tei.project_schema().error_log


def test_no_editorial_note_inside_an_inline_citation(seed_root):
    """The TEI Stylesheets merge a note inside a bibl into the citation: it stands after it."""
    inside = seed_root.xpath("//t:p//t:bibl//t:note[@type='editorial']", namespaces=NS)
    assert inside == []
    after = seed_root.xpath("//t:p//t:bibl/following-sibling::*[1][self::t:note[@type='editorial']]", namespaces=NS)
    assert after, "the seed's notes on citations stand right after them"


def note_ids(root: etree._Element) -> dict[str, str]:
    return {n.get(tei.XML_ID): n.get("n") for n in root.iterfind(".//t:note[@type='editorial']", NS)}


def test_note_and_emendation_ids_do_not_move_when_a_note_is_added(tmp_path):
    """Links into the edition (#n-…) keep working: an id comes from the note's own lemma."""
    two = """\
        emendations:
          - {sic: fait d'accompli, corr: fait accompli, reason: French idiom.}
        notes:
          - {at: spoke to, text: One.}
          - {at: second paragraph, text: Two.}
        """
    before = text_to_tei(Text.from_path(make(tmp_path, two)))
    assert note_ids(before) == {"n-spoke-to": "1", "n-second-paragraph": "2"}
    three = two.replace("        notes:\n", "        notes:\n          - {at: met Trotsky, text: New.}\n")
    after = text_to_tei(Text.from_path(make(tmp_path, three)))
    assert note_ids(after) == {"n-met-trotsky": "1", "n-spoke-to": "2", "n-second-paragraph": "3"}
    assert [c.get(tei.XML_ID) for c in after.iter(tei.T + "choice")] == ["e-fait-daccompli"]


def test_a_note_may_carry_its_own_id(tmp_path, capsys):
    root = text_to_tei(Text.from_path(make(tmp_path, "notes:\n  - {at: spoke to, id: talk, text: One.}\n")))
    assert list(note_ids(root)) == ["talk"]
    source = make(tmp_path, "notes:\n  - at: spoke to\n    id: p1\n    text: One.\n")
    with pytest.raises(InputError) as err:  # p1 is a paragraph's id
        text_to_tei(Text.from_path(source))
    assert err.value.line == 3 and "id 'p1'" in err.value.message


def test_registers_and_apparatus_are_exported_whole(tmp_path):
    """Variant forms, a body's dates, authority ids and each emendation's reason reach the TEI."""
    persons = PERSONS.replace("  forms: [Lenin]\n", "  forms: [Lenin]\n  idno: {wikidata: Q1394}\n")
    source = make(tmp_path, """\
        emendations:
          - {sic: fait d'accompli, corr: fait accompli, reason: French idiom.}
        """, persons)
    (tmp_path / "places.yaml").write_text("- id: party\n  type: org\n  index: The Party\n  forms: [second paragraph]\n"
                                          "  founded: 1898\n  dissolved: 1991\n", encoding="utf-8")
    root = text_to_tei(Text.from_path(source))
    trotsky = root.xpath(".//t:standOff//t:person[@xml:id='trotsky']", namespaces=NS)[0]
    assert [n.text for n in trotsky.findall("t:persName[@type='variant']", NS)] == ["Trotsky", "T[rotsky]"]
    assert root.xpath(".//t:person[@xml:id='lenin']/t:idno[@type='wikidata']", namespaces=NS)[0].text == "Q1394"
    party = root.xpath(".//t:standOff//t:org[@xml:id='party']", namespaces=NS)[0]
    assert [(e.get("type"), e.get("when")) for e in party.findall("t:event", NS)] == [("founded", "1898"),
                                                                                     ("dissolved", "1991")]
    reason = root.find(".//t:standOff/t:listAnnotation/t:note[@type='emendation']", NS)
    choice = root.find(".//t:choice", NS)
    assert reason.text == "French idiom." and reason.get("target") == "#" + choice.get(tei.XML_ID)
    assert tei.project_schema().validate(root), tei.project_schema().error_log


def test_an_authority_outside_the_list_is_refused_at_its_line(tmp_path):
    persons = PERSONS.replace("  forms: [Lenin]\n", "  forms: [Lenin]\n  idno: {myspace: 12}\n")
    source = make(tmp_path, "title: T\n", persons)
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(source))
    assert err.value.path.endswith("persons.yaml") and err.value.line == 4 and "idno" in err.value.message


def test_foreign_phrases_carry_their_language(tmp_path):
    """The YAML's foreign: list (issue 15 point 2): foreign[@xml:lang] in the text and the notes, around
    a name where the phrase is one; a whole title takes the language itself; the source is unchanged."""
    source = make(tmp_path, """\
        foreign:
          - {phrase: fait d'accompli, lang: fr}
          - {phrase: Pravda, lang: ru-Latn}
          - {phrase: praktik, lang: ru-Latn}
          - {phrase: Trotsky, lang: ru-Latn}
        notes:
          - at: second
            text: "{i:Pravda} called him a praktik."
        """)
    root = text_to_tei(Text.from_path(source))
    foreign = root.xpath("//t:text//t:foreign", namespaces=NS)
    assert [(f.get(tei.XML_LANG), tei.diplomatic(f)) for f in foreign] == [
        ("ru-Latn", "Trotsky"), ("fr", "fait d'accompli"), ("ru-Latn", "praktik")]
    assert foreign[0].find("t:persName", NS) is not None, "wrapped around the name, not inside it"
    assert root.xpath("//t:note/t:title/@xml:lang", namespaces=NS) == ["ru-Latn"]
    assert tei.diplomatic(root) == TEXT
    assert tei.project_schema().validate(root), tei.project_schema().error_log


def test_the_same_emendation_twice_is_refused_at_the_second(tmp_path):
    source = make(tmp_path, """\
        emendations:
          - {sic: fait d'accompli, corr: fait accompli, reason: French idiom.}
          - {sic: fait d'accompli, corr: fait accompli, reason: Again.}
        """)
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(source))
    assert err.value.line == 3 and "given twice (first at line 2)" in err.value.message


def test_an_unlinked_citation_is_reported_at_its_source_line(tmp_path, capsys):
    text = "A Title\n\nA first paragraph.\n\nHe wrote it down (Minutes, p. 4.) and left.\n"
    (tmp_path / "essay.txt").write_text(text, encoding="utf-8")
    (tmp_path / "works.yaml").write_text("- id: capital\n  title: Capital\n  match: [Capital]\n", encoding="utf-8")
    text_to_tei(Text.from_path(tmp_path / "essay.txt"))
    assert f"{tmp_path / 'essay.txt'}:5: warning: citation not linked to any work: 'Minutes, p. 4.'" in \
        capsys.readouterr().err


def test_a_lemma_never_ends_inside_a_letter_with_its_accent(tmp_path):
    text = "A Title\n\nJose\u0301 Marti wrote it. Jose wrote it too.\n"
    (tmp_path / "essay.txt").write_text(text, encoding="utf-8")
    (tmp_path / "essay.yaml").write_text("notes:\n  - {at: Jose, text: The second one.}\n", encoding="utf-8")
    root = text_to_tei(Text.from_path(tmp_path / "essay.txt"))  # one match, not two
    note = root.find(".//t:note[@type='editorial']", NS)
    assert note.getparent().text.endswith("Jose wrote it too.") is False and "Jose\u0301" in note.getparent().text


def test_register_forms_that_differ_only_by_spacing_are_refused(tmp_path):
    persons = PERSONS + "- id: other\n  index: Other\n  forms: ['Lenin  ']\n"
    source = make(tmp_path, "title: T\n", persons)
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(source))
    assert err.value.path.endswith("persons.yaml") and "also a form of 'lenin'" in err.value.message


def test_a_note_on_the_title_page_is_refused_at_its_line(tmp_path):
    """The title page is set from its lines: a note there would vanish and shift the numbering."""
    source = make(tmp_path, "notes:\n  - at: A Title\n    text: About the title.\n")
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(source))
    assert err.value.line == 2 and "is on the title page" in err.value.message


def test_a_conjecture_is_the_editors_supplied_words(tmp_path):
    source = make(tmp_path, """\
        emendations:
          - {sic: the fait, corr: "the so-called fait", reason: Conjecture., conjecture: true}
        """)
    root = text_to_tei(Text.from_path(source))
    supplied = root.find(".//t:corr/t:supplied[@resp='#editors']", NS)
    assert supplied.text == "so-called" and "the so-called fait" in tei.reading(root)
    assert tei.diplomatic(root) == TEXT
    bad = make(tmp_path, "emendations:\n  - {sic: the fait, corr: a fait, reason: x, conjecture: true}\n")
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(bad))
    assert err.value.line == 2 and "only adds words" in err.value.message


def test_a_note_on_a_heading_is_refused_at_its_line(tmp_path):
    """A call in a heading is repeated in the contents and nests a link in a link in the EPUB's nav."""
    (tmp_path / "essay.txt").write_text("Title\n\nIntro.\n\nThe First Part\n\nText of the first part.\n",
                                        encoding="utf-8")
    (tmp_path / "essay.yaml").write_text("notes:\n  - at: First Part\n    text: x\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        text_to_tei(Text.from_path(tmp_path / "essay.txt"))
    assert err.value.line == 2 and "is in a heading" in err.value.message
