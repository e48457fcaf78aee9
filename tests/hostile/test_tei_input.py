"""A hand-edited `.tei.xml` builds like a `.txt`, and the TEI path cannot be made to reach out or
blow up: no DTD, no entities, no network, no XInclude, bounded size and depth (issue 6 point 2)."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from lxml import etree

from edition import cli, editorial, tei
from edition.errors import InputError

NS = {"t": tei.TEI_NS}
TEXT = ("A Title\n\nLenin met Trotsky in the spring (Pravda, p. 3). Lenin spoke first.\n\n"
        "A Heading\n\nA second paragraph with T[rotsky] and [\u2026] a gap.\n")
PERSONS = ("- id: lenin\n  index: Lenin, Vladimir Ilyich\n  forms: [Lenin]\n"
           "- id: trotsky\n  index: Trotsky, Leon\n  forms: [Trotsky, \"T[rotsky]\"]\n")
YAML = "title: A Title\nnotes:\n  - at: a second paragraph\n    text: \"{ref:lenin:Lenin} in {i:Pravda}.\"\n"


def built_tei(tmp_path: Path) -> Path:
    """The pipeline's own TEI of a small text with names, a note, a citation, a gap and supplied text."""
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "t.yaml").write_text(YAML.replace("a second", "A second"), encoding="utf-8")
    (tmp_path / "persons.yaml").write_text(PERSONS, encoding="utf-8")
    assert cli.main(["build", str(tmp_path / "t.txt"), "--out", str(tmp_path / "first"), "--format", "tei"]) == 0
    return tmp_path / "first" / "t.tei.xml"


def test_hand_edited_tei_builds_and_keeps_the_edit(tmp_path, capsys):
    first = built_tei(tmp_path)
    edited = tmp_path / "edited" / "t.tei.xml"
    edited.parent.mkdir()
    data = first.read_bytes()
    assert data.count(b"in the spring") == 1
    # an editor corrects a word and leaves a comment; the TEI is the master from now on
    data = data.replace(b"in the spring", b"in the autumn<!-- corrected against the print -->")
    edited.write_bytes(data)
    assert cli.main(["build", str(edited), "--out", str(tmp_path / "second"), "--format", "tei"]) == 0
    rebuilt = tmp_path / "second" / "t.tei.xml"
    capsys.readouterr()
    assert cli.main(["text", "--diplomatic", str(rebuilt)]) == 0
    assert capsys.readouterr().out == TEXT.replace("in the spring", "in the autumn")
    root = tei.parse_tei(rebuilt)
    tei.validate(root, rebuilt)
    assert root.find(".//t:note[@type='editorial']/t:title", NS).text == "Pravda"
    assert [p.get("ref") for p in root.iterfind("t:text//t:persName", NS)][:2] == ["#lenin", "#trotsky"]


def test_entity_bomb_refused_in_under_a_second(tmp_path):
    """Billion laughs, UTF-8 and UTF-16 (where a byte search for '<!ENTITY' cannot see it)."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    body = f'<!DOCTYPE TEI [{entities}]>\n<TEI xmlns="{tei.TEI_NS}"><text><body><p>&j;</p></body></text></TEI>'
    for data in (('<?xml version="1.0"?>\n' + body).encode(),
                 ('<?xml version="1.0" encoding="UTF-16"?>\n' + body).encode("utf-16")):
        start = time.perf_counter()
        with pytest.raises(InputError) as err:
            tei.parse_tei(tmp_path / "bomb.tei.xml", data)
        assert time.perf_counter() - start < 1.0
        assert err.value.line == 2, err.value.located()


def test_no_file_is_read_and_no_connection_made(tmp_path):
    """External entities, an external DTD and an XInclude pointing at a local file and at a port we
    listen on: nothing is read, nobody connects."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.3)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
    try:
        attempts = [
            f'<!DOCTYPE TEI [<!ENTITY s SYSTEM "{secret.as_uri()}"><!ENTITY n SYSTEM "{url}">]>'
            f'<TEI xmlns="{tei.TEI_NS}"><text><body><p>&s;&n;</p></body></text></TEI>',
            f'<!--{"x" * 5000}-->\n<!DOCTYPE TEI SYSTEM "{url}.dtd">\n<TEI xmlns="{tei.TEI_NS}"><text/></TEI>',
            f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "{url}.ent"> %p;]>\n<TEI xmlns="{tei.TEI_NS}"/>',
        ]
        for document in attempts:
            for data in (document.encode(), document.encode("utf-16")):
                with pytest.raises(InputError, match="DOCTYPE"):
                    tei.parse_tei(tmp_path / "x.tei.xml", data)
        xinclude = (f'<TEI xmlns="{tei.TEI_NS}" xmlns:xi="http://www.w3.org/2001/XInclude"><text><body><p>'
                    f'<xi:include href="{secret.as_uri()}" parse="text"/><xi:include href="{url}" parse="text"/>'
                    '</p></body></text></TEI>').encode()
        root = tei.parse_tei(tmp_path / "x.tei.xml", xinclude)
        assert "TOP-SECRET" not in etree.tostring(root).decode()
        with pytest.raises(InputError, match="not valid"):
            tei.validate(root, tmp_path / "x.tei.xml")
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()


def test_depth_bomb_is_a_located_error_not_a_crash(tmp_path):
    data = f'<TEI xmlns="{tei.TEI_NS}">'.encode() + b"<p>" * 100_000 + b"</p>" * 100_000 + b"</TEI>"
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        tei.parse_tei(tmp_path / "deep.tei.xml", data)
    assert time.perf_counter() - start < 1.0
    assert err.value.line == 1 and "ill-formed" in err.value.message


def test_yaml_size_limit(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(editorial, "MAX_YAML_BYTES", 100)
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "t.yaml").write_text("title: " + "x" * 200 + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "t.txt", "--out", "out", "--format", "tei"]) == 2
    assert re.fullmatch(r"t\.yaml: error: file is \d+ bytes; the limit is 100\n", capsys.readouterr().err)
    assert not (tmp_path / "out").exists()


def test_mistyped_reference_in_a_hand_edited_tei_is_located(tmp_path, capsys):
    """Valid against the schema, but a name points at no register entry: refused at its line."""
    data = built_tei(tmp_path).read_text(encoding="utf-8")
    at = data.index('<persName ref="#lenin">', data.index("<text"))
    edited = tmp_path / "typo.tei.xml"
    edited.write_text(data[:at] + '<persName ref="#lenni">' + data[at + len('<persName ref="#lenin">'):],
                      encoding="utf-8")
    out = tmp_path / "out"
    capsys.readouterr()
    assert cli.main(["build", str(edited), "--out", str(out), "--format", "tei"]) == 2
    line = data[:at].count("\n") + 1
    assert capsys.readouterr().err == (f'{edited}:{line}: error: ref="#lenni" on <persName> points at no xml:id '
                                       "in this file — correct it or add the entry to standOff\n")
    assert not out.exists()
