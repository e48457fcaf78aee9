"""The TEI document: header completeness, serialisation, safe parsing, validation before writing."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from edition import tei
from edition.errors import InputError

NS = {"t": tei.TEI_NS}

HEADER_PATHS = [
    "t:fileDesc/t:titleStmt/t:title[@type='main']", "t:fileDesc/t:titleStmt/t:author",
    "t:fileDesc/t:titleStmt/t:editor", "t:fileDesc/t:titleStmt/t:respStmt",
    "t:fileDesc/t:editionStmt/t:edition", "t:fileDesc/t:publicationStmt/t:publisher",
    "t:fileDesc/t:publicationStmt/t:date[@when]", "t:fileDesc/t:publicationStmt/t:availability/t:licence",
    "t:fileDesc/t:sourceDesc/t:bibl/t:title", "t:fileDesc/t:sourceDesc/t:bibl/t:date[@when]",
    "t:fileDesc/t:sourceDesc/t:bibl/t:note[@type='attribution']",
    "t:encodingDesc/t:editorialDecl/t:normalization", "t:encodingDesc/t:editorialDecl/t:quotation",
    "t:encodingDesc/t:editorialDecl/t:hyphenation", "t:encodingDesc/t:editorialDecl/t:segmentation",
    "t:encodingDesc/t:editorialDecl/t:correction", "t:encodingDesc/t:editorialDecl/t:interpretation",
    "t:profileDesc/t:langUsage/t:language[@ident]", "t:revisionDesc/t:change[@when]",
]


@pytest.mark.parametrize("path", HEADER_PATHS)
def test_header_is_complete(seed_root, path):
    node = seed_root.find("t:teiHeader/" + path, NS)
    assert node is not None and (node.xpath("string()").strip() or len(node)), path


def test_header_takes_the_editorial_metadata(seed_root):
    header = seed_root.find("t:teiHeader", NS)
    assert header.findtext("t:fileDesc/t:titleStmt/t:title[@type='main']", namespaces=NS) == \
        "Stalin: 50 years after the death of a tyrant"
    assert header.findtext("t:fileDesc/t:titleStmt/t:author", namespaces=NS) == "Alan Woods"
    assert header.find("t:fileDesc/t:sourceDesc/t:bibl/t:date", NS).get("when") == "2003-03-05"
    assert header.find("t:profileDesc/t:langUsage/t:language", NS).get("ident") == "en-GB"
    assert seed_root.get(tei.XML_LANG) == "en-GB"


def test_text_is_not_reindented_by_serialisation(seed_root):
    again = etree.fromstring(tei.serialise(seed_root))
    assert tei.diplomatic(again) == tei.diplomatic(seed_root)


def test_reading_text_applies_corrections_diplomatic_keeps_sic():
    root = etree.fromstring(
        f'<TEI xmlns="{tei.TEI_NS}"><text><body><p>a <choice><sic>basis</sic><corr resp="#editors">basic</corr>'
        f'</choice> idea<note type="editorial" place="foot" resp="#editors" n="1" xml:id="n1">Note.</note></p>'
        f'</body></text></TEI>')
    assert tei.diplomatic(root) == "a basis idea"
    assert tei.reading(root) == "a basic idea"


def test_parse_refuses_entities_and_doctype(tmp_path):
    bomb = tmp_path / "x.tei.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY a "aaaa">]>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">&a;</TEI>')
    with pytest.raises(InputError) as err:
        tei.parse_tei(bomb)
    assert err.value.line == 2


def test_parse_reports_ill_formed_xml_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.tei.xml"
    bad.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<text><body><p>open</body></text></TEI>\n')
    with pytest.raises(InputError) as err:
        tei.parse_tei(bad)
    assert err.value.line == 2 and err.value.col and "ill-formed" in err.value.message


FIXTURE_TEIS = sorted((Path(__file__).parent / "fixtures").glob("*.tei.xml"))


@pytest.mark.parametrize("path", FIXTURE_TEIS, ids=lambda p: p.name)
def test_fixture_tei_is_what_the_pipeline_could_emit(path, tei_all):
    """The renderers' tests read these files directly; `edition build` would refuse one the profile
    does not admit, so a fixture outside it would test input the pipeline never sees."""
    root = tei.parse_tei(path)
    tei.validate(root, path)  # the profile, and every ref/corresp pointing at an entry
    assert tei_all.validate(root), [(e.line, e.message) for e in tei_all.error_log][:5]


CORPUS_FORMS = Path(__file__).parent / "fixtures" / "corpus-forms.tei.xml"


def test_corpus_forms_fixture_has_every_form_of_the_profile():
    """The fixture the renderers are tested on holds every form docs/encoding.md ("Structure") lists."""
    root = tei.parse_tei(CORPUS_FORMS)
    for path in ("//t:titlePage/t:docTitle/t:titlePart[@type='main']/t:lb",
                 "//t:titlePage/t:docTitle/t:titlePart[@type='sub']", "//t:titlePage/t:byline/t:lb",
                 "//t:front/t:epigraph/t:cit/t:bibl", "//t:div/t:head/t:lb", "//t:div/t:byline",
                 "//t:div/t:epigraph/t:cit/t:quote/t:lg/t:l",
                 "//t:p/t:note[@type='authorial'][@place='foot'][@n][@xml:id]/t:label",
                 "//t:note[@type='authorial'][@place='foot'][starts-with(t:label, '(*')]",
                 "//t:p/t:note[@type='editorial']", "//t:anchor[@type='note-source']",
                 "//t:div[@type='notes']", "//t:div/t:note[@type='authorial'][@place='foot']",
                 "//t:cit[@type='block'][@n]/t:quote/t:lg/t:l", "//t:cit[@type='block']/t:quote/t:p",
                 "//t:cit[@type='block']/t:bibl/t:hi", "//t:list[@type='ordered']/t:item[@n]",
                 "//t:div/t:lg[@n]/t:l", "//t:div/t:closer/t:signed", "//t:div/t:closer/t:dateline",
                 "//t:div/t:postscript/t:p[@n]", "//t:div/t:floatingText[@type='letter'][@n]",
                 "//t:floatingText/t:body/t:opener/t:dateline", "//t:floatingText/t:body/t:opener/t:byline",
                 "//t:floatingText/t:body/t:opener/t:salute", "//t:floatingText/t:body/t:cit[@type='block'][not(@n)]",
                 "//t:floatingText/t:body/t:lg", "//t:floatingText/t:body/t:closer[count(t:salute) > 1]/t:signed",
                 "//t:div/t:floatingText/following-sibling::*[1][self::t:bibl]",
                 "//t:hi[@rend='italic pre-lowbar post-lowbar']"):
        assert root.xpath(path, namespaces={"t": tei.TEI_NS}), path


@pytest.mark.parametrize("change, why", [
    ("<hi rend=\"italic pre-lowbar post-lowbar\">constant", "<hi rend=\"bold\">constant"),
    ("rend=\"pre-lpar post-rpar\"><label>(a)", "rend=\"pre-lpar post-brace\"><label>(a)"),
    ("<p n=\"17\" xml:id=\"p17\">The letters", "<p n=\"17\" xml:id=\"p17\">The<lb/> letters"),
    ("<l>Men of England, wherefore plough</l>", "<l>Men of England, <frob>wherefore</frob> plough</l>"),
    ("<anchor type=\"note-source\" corresp=\"#fn2\"/>", "<anchor type=\"other\" corresp=\"#fn2\"/>"),
    ("<cit type=\"block\"><quote><p rend=\"pre-quot post-quot\">The subject",
     "<cit type=\"block\" n=\"99\" xml:id=\"p99\"><quote><p rend=\"pre-quot post-quot\">The subject"),
], ids=["hi-bold", "unknown-delimiter", "lb-in-paragraph", "unknown-element", "anchor-type", "numbered-in-letter"])
def test_profile_stays_strict(change, why):
    """What the profile does not list is refused: the renderers would not know it."""
    text = CORPUS_FORMS.read_text(encoding="utf-8")
    assert text.count(change) == 1, change
    root = etree.fromstring(text.replace(change, why).encode())
    with pytest.raises(InputError, match="edition.rng"):
        tei.validate(root, CORPUS_FORMS)


# --- a file that explains itself (issue 13) ---------------------------------------------------------

def test_the_header_records_the_sources_sha256(seed_root):
    import hashlib
    from conftest import SEED
    idno = seed_root.find("t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl/t:idno[@type='sha256']", NS)
    assert idno.text == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_every_recording_token_is_declared_in_the_header(seed_root):
    declared = {r.get(tei.XML_ID).removeprefix("rend-"): r.text
                for r in seed_root.iterfind("t:teiHeader/t:encodingDesc/t:tagsDecl/t:rendition", NS)}
    used = {token for node in seed_root.find("t:text", NS).iter() if isinstance(node.tag, str)
            for token in tei.rend_tokens(node) if token in tei.recording_tokens()}
    assert used and used == set(declared), "declared exactly the tokens the text uses"
    assert declared["pre-quot"].startswith("/* ") and '" (U+0022) stood before' in declared["pre-quot"]


def test_a_reformatted_tei_is_refused_with_a_located_error(seed_root, tmp_path, capsys):
    """An XML formatter re-indents element-only content: the source no longer comes back."""
    from edition import cli
    formatted = etree.fromstring(tei.serialise(seed_root))
    etree.indent(formatted, space="  ")
    path = tmp_path / "formatted.tei.xml"
    path.write_bytes(etree.tostring(formatted, xml_declaration=True, encoding="UTF-8"))
    assert cli.main(["text", "--diplomatic", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = next(n for n, text in enumerate(path.read_text().split("\n"), 1) if 'type="sha256"' in text)
    assert captured.err.startswith(f"{path}:{line}: error: the text recovered from this TEI does not match")


def test_every_pointer_in_the_file_resolves(seed_root):
    ids = {n.get(tei.XML_ID) for n in seed_root.iter() if isinstance(n.tag, str) and n.get(tei.XML_ID)}
    pointers = [(n, a, n.get(a)) for n in seed_root.iter() if isinstance(n.tag, str)
                for a in ("ref", "corresp", "who", "resp", "target") if (n.get(a) or "").startswith("#")]
    assert pointers and all(v[1:] in ids for _, _, v in pointers), \
        [(tei.local(n), a, v) for n, a, v in pointers if v[1:] not in ids]
    assert seed_root.find("t:teiHeader//t:author", NS) is not None  # the header's pointers are checked too
