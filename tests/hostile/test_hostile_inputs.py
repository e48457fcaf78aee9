"""Hostile input: every bad text, YAML or TEI file gives one located line, exit 2, and writes nothing.

Each case is a small folder written for the test. The build runs in that folder (relative paths,
so the expected `path:line` is exact); an earlier output sits in the output folder and must
survive byte for byte, with no temporary file left beside it (DESIGN §6, issue 6 point 1).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from edition import cli, tei
from edition.build import Text, text_to_tei

TEXT = "A Title\n\nLenin met Trotsky in the spring. Lenin spoke first.\n\nA second paragraph.\n"
PERSONS = "- id: lenin\n  index: Lenin, Vladimir Ilyich\n  forms: [Lenin]\n"
EARLIER = b"an earlier build's output: must survive a failed build\n"


def yaml_case(yaml_text: str, persons: str | None = None) -> dict[str, bytes]:
    files = {"t.txt": TEXT.encode(), "t.yaml": textwrap.dedent(yaml_text).encode()}
    if persons is not None:
        files["persons.yaml"] = persons.encode()
    return files


def valid_tei_bytes(tmp: Path) -> bytes:
    """A TEI document the pipeline itself made, to be broken by hand in a case."""
    (tmp / "v.txt").write_text(TEXT, encoding="utf-8")
    return tei.serialise(text_to_tei(Text.from_path(tmp / "v.txt")))


BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE TEI [\n <!ENTITY a "aaaaaaaaaa">\n'
        + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
        + ']>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&j;</p></body></text></TEI>\n')
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
       '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&x;</p></body></text></TEI>\n')

# id, files of the case, the source given to `edition build`, expected place (regex), words of the message
CASES = [
    # --- the text ---
    ("empty", {"t.txt": b""}, "t.txt", r"t\.txt:1", "empty"),
    ("blank-lines-only", {"t.txt": b"\n \n\t\n"}, "t.txt", r"t\.txt:1", "empty"),
    ("bom-only", {"t.txt": b"\xef\xbb\xbf\n"}, "t.txt", r"t\.txt:1", "empty"),
    ("binary", {"t.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00"}, "t.txt", r"t\.txt:3", "binary"),
    ("latin-1", {"t.txt": "Title\n\nDas Café ist zu.\n".encode("latin-1")}, "t.txt", r"t\.txt:3:8", "not UTF-8"),
    ("utf-16", {"t.txt": "Title\n\nText.\n".encode("utf-16")}, "t.txt", r"t\.txt:1(:1)?", "UTF-16"),
    ("utf-32", {"t.txt": "Title\n\nText.\n".encode("utf-32")}, "t.txt", r"t\.txt:1(:1)?", "is UTF-32"),
    ("truncated-utf-8", {"t.txt": "Title\n\nna\u00efve".encode()[:-3]}, "t.txt", r"t\.txt:3:3", "not UTF-8"),
    ("control-char", {"t.txt": b"Title\n\nA bell \x07 here.\n"}, "t.txt", r"t\.txt:3:8", "U+0007"),
    ("mixed-newlines", {"t.txt": b"Title\r\n\r\nOne.\nTwo.\r\n"}, "t.txt", r"t\.txt:\d+", "line endings"),
    ("cr-only", {"t.txt": b"Title\r\rOne.\r"}, "t.txt", r"t\.txt:1", "line endings"),
    ("missing-file", {}, "nowhere.txt", r"nowhere\.txt", "cannot read"),
    # --- the editorial YAML ---
    ("yaml-tab-indent", yaml_case("title: x\nauthor:\n\tname: y\n"), "t.txt", r"t\.yaml:3:1", "tab"),
    ("yaml-syntax", yaml_case('title: "unclosed\nlanguage: en\n'), "t.txt", r"t\.yaml:\d+:\d+", "YAML"),
    ("yaml-bad-indent", yaml_case("title: x\n  language: en\n"), "t.txt", r"t\.yaml:2:\d+", "YAML"),
    ("yaml-unknown-key", yaml_case("title: x\ntitel: y\n"), "t.txt", r"t\.yaml:2", "unknown key 'titel'"),
    ("yaml-unknown-nested-key", yaml_case("author:\n  name: A\n  mail: a@b\n"), "t.txt", r"t\.yaml:3",
     "unknown key 'mail'"),
    ("yaml-wrong-type", yaml_case("keywords: Stalin\n"), "t.txt", r"t\.yaml:1", "'keywords' must be a list"),
    ("yaml-wrong-type-bool", yaml_case("title: yes\n"), "t.txt", r"t\.yaml:1", "'title' must be text"),
    ("yaml-duplicate-key", yaml_case("title: a\ntitle: b\n"), "t.txt", r"t\.yaml:2:1", "twice"),
    ("yaml-not-a-mapping", yaml_case("- a\n- b\n"), "t.txt", r"t\.yaml:1", "mapping"),
    ("yaml-python-tag", yaml_case("title: !!python/object/apply:os.system [echo pwned]\n"), "t.txt",
     r"t\.yaml:1:\d+", "YAML"),
    ("yaml-non-utf-8", {"t.txt": TEXT.encode(), "t.yaml": "title: Café\n".encode("latin-1")}, "t.txt",
     r"t\.yaml:1(:\d+)?", "UTF-8"),
    ("yaml-raw-control-char", yaml_case("title: a\x01b\n"), "t.txt", r"t\.yaml:1:\d+", "U+0001"),
    ("yaml-escaped-control-char", yaml_case('language: en\ntitle: "a\\x01b"\n'), "t.txt", r"t\.yaml:2",
     "U+0001"),
    ("yaml-impossible-date", yaml_case("date: 2003-13-45\n"), "t.txt", r"t\.yaml:1", "date"),
    ("yaml-bad-language", yaml_case("language: en GB\n"), "t.txt", r"t\.yaml:1", "language"),
    ("yaml-keyword-not-text", yaml_case("keywords: [Stalin, [a, b]]\n"), "t.txt", r"t\.yaml:1", "keywords"),
    ("yaml-alias-bomb", yaml_case("keywords:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                                  + "".join(f"  - &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
                                            for i in range(8))),
     "t.txt", r"t\.yaml:3:\d+", "alias"),
    ("yaml-nested-deep", yaml_case("title: x\nkeywords: " + "[" * 5000 + "]" * 5000 + "\n"), "t.txt",
     r"t\.yaml:2:\d+", "nested"),
    ("yaml-nested-deep-block", yaml_case("structure:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400))),
     "t.txt", r"t\.yaml:\d+:\d+", "nested"),
    ("yaml-date-in-words", yaml_case('title: x\ndate: "5 March 2003"\n'), "t.txt", r"t\.yaml:2", "not a date"),
    ("yaml-source-date-in-words", yaml_case('source:\n  title: x\n  date: "March 2003"\n'), "t.txt", r"t\.yaml:3",
     "not a date"),
    ("yaml-author-id-with-space", yaml_case('author:\n  name: A. Woods\n  id: "alan woods"\n'), "t.txt",
     r"t\.yaml:3", "author id"),
    ("yaml-occurrence-zero", yaml_case("notes:\n  - at: Trotsky\n    occurrence: 0\n    text: x\n"), "t.txt",
     r"t\.yaml:3", "'occurrence' is 0"),
    ("yaml-note-text-blank", yaml_case('notes:\n  - at: Trotsky\n    text: " \\u00a0\\u200b "\n'), "t.txt",
     r"t\.yaml:3", "'text' is empty"),
    ("yaml-emendation-reason-blank", yaml_case('emendations:\n  - {sic: Trotsky, corr: x, reason: " "}\n'), "t.txt",
     r"t\.yaml:2", "'reason' is empty"),
    ("register-year-negative", yaml_case("title: x\n", PERSONS + "  born: -500\n"), "t.txt", r"persons\.yaml:4",
     "not a year"),
    ("register-id-generated-p1", yaml_case("title: x\n", "- id: p1\n  index: Pe\n  forms: [Trotsky]\n"), "t.txt",
     r"persons\.yaml:1", "id 'p1'"),
    ("register-id-generated-fn1", yaml_case("title: x\n", PERSONS + "- id: fn1\n  index: F\n  forms: [Trotsky]\n"),
     "t.txt", r"persons\.yaml:4", "id 'fn1'"),
    ("register-id-generated-note", yaml_case("title: x\n", "- id: n-trotsky\n  index: T\n  forms: [Trotsky]\n"),
     "t.txt", r"persons\.yaml:1", "id 'n-trotsky'"),
    ("register-id-generated-editors", yaml_case("title: x\n", "- id: editors\n  index: E\n  forms: [Trotsky]\n"),
     "t.txt", r"persons\.yaml:1", "id 'editors'"),
    # --- the apparatus: lemmas and registers ---
    ("lemma-not-found", yaml_case("notes:\n  - at: Smolny men\n    text: x\n"), "t.txt", r"t\.yaml:2",
     'lemma "Smolny men" not found'),
    ("lemma-with-line-break", yaml_case('notes:\n  - at: "no\\nsuch"\n    text: x\n'), "t.txt", r"t\.yaml:2",
     r'lemma "no\nsuch" not found'),
    ("lemma-blank", yaml_case('notes:\n  - text: x\n    at: " "\n'), "t.txt", r"t\.yaml:3", "'at' is empty"),
    ("emendation-blank", yaml_case('emendations:\n  - {sic: "\\n", corr: x, reason: y}\n'), "t.txt", r"t\.yaml:2",
     "'sic' is empty"),
    ("lemma-ambiguous", yaml_case("notes:\n  - at: Lenin\n    text: x\n"), "t.txt", r"t\.yaml:2",
     "occurs 2 times"),
    ("emendation-not-found", yaml_case("emendations:\n  - {sic: nowhere, corr: x, reason: y}\n"), "t.txt",
     r"t\.yaml:2", 'emendation "nowhere" not found'),
    ("register-duplicate-id", yaml_case("title: x\n", PERSONS + "- id: lenin\n  index: Lenin\n  forms: [Ilyich]\n"),
     "t.txt", r"persons\.yaml:4", "duplicate id 'lenin'"),
    ("register-not-a-list", yaml_case("title: x\n", "id: lenin\n"), "t.txt", r"persons\.yaml:1", "list"),
    ("register-tab", yaml_case("title: x\n", "- id: lenin\n\tindex: Lenin\n"), "t.txt", r"persons\.yaml:2:\d+",
     "tab"),
    # --- a hand-edited TEI file ---
    ("tei-empty", {"t.tei.xml": b""}, "t.tei.xml", r"t\.tei\.xml:1(:\d+)?", "XML"),
    ("tei-ill-formed", {"t.tei.xml": b'<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<text><body>\n<p>open</body>'
                                     b"</text></TEI>\n"}, "t.tei.xml", r"t\.tei\.xml:3:\d+", "ill-formed"),
    ("tei-undefined-entity", {"t.tei.xml": b'<TEI xmlns="http://www.tei-c.org/ns/1.0">\n&nbsp;</TEI>'},
     "t.tei.xml", r"t\.tei\.xml:2:\d+", "ill-formed"),
    ("tei-not-utf-8", {"t.tei.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<TEI>Café</TEI>'.encode("latin-1")},
     "t.tei.xml", r"t\.tei\.xml:2:\d+", "ill-formed"),
    ("tei-wrong-root", {"t.tei.xml": b'<?xml version="1.0"?>\n<html><body/></html>\n'}, "t.tei.xml",
     r"t\.tei\.xml:2", "root element"),
    ("tei-no-namespace", {"t.tei.xml": b"<TEI><text/></TEI>\n"}, "t.tei.xml", r"t\.tei\.xml:1", "namespace"),
    ("tei-billion-laughs", {"t.tei.xml": BOMB.encode()}, "t.tei.xml", r"t\.tei\.xml:3", "DOCTYPE"),
    ("tei-xxe", {"t.tei.xml": XXE.encode()}, "t.tei.xml", r"t\.tei\.xml:2", "DOCTYPE"),
    ("tei-xxe-utf-16", {"t.tei.xml": XXE.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
                        .encode("utf-16")}, "t.tei.xml", r"t\.tei\.xml:2", "DOCTYPE"),
    ("tei-external-dtd-late", {"t.tei.xml": ("<!--" + "x" * 5000 + '-->\n<!DOCTYPE TEI SYSTEM '
                                             '"http://127.0.0.1:9/tei.dtd">\n<TEI/>\n').encode()},
     "t.tei.xml", r"t\.tei\.xml:2", "DOCTYPE"),
    ("tei-too-deep", {"t.tei.xml": b'<TEI xmlns="http://www.tei-c.org/ns/1.0">' + b"<p>" * 5000}, "t.tei.xml",
     r"t\.tei\.xml:1:\d+", "ill-formed"),
]


def write_case(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).write_bytes(data)


def slug_of(source: str) -> str:
    return source[: -len(".tei.xml")] if source.endswith(".tei.xml") else Path(source).stem


def assert_refused(folder: Path, source: str, place: str, words: str, rc: int, err: str, out: Path,
                   earlier: Path) -> None:
    lines = err.splitlines()
    assert rc == 2, err
    assert len(lines) == 1, f"not one line:\n{err}"
    assert "Traceback" not in err
    assert re.match(place + r"(:\d+)?: error: \S", lines[0]), lines[0]
    assert words.lower() in lines[0].lower(), lines[0]
    assert earlier.read_bytes() == EARLIER, "an earlier output was touched"
    assert sorted(p.name for p in out.iterdir()) == [earlier.name], "a file was written"


@pytest.mark.parametrize("name, files, source, place, words", CASES, ids=[c[0] for c in CASES])
def test_refused_with_one_located_line(tmp_path, monkeypatch, capsys, name, files, source, place, words):
    write_case(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / f"{slug_of(source)}.tei.xml"
    earlier.write_bytes(EARLIER)
    rc = cli.main(["build", source, "--out", "out", "--format", "tei"])
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_refused(tmp_path, source, place, words, rc, captured.err, out, earlier)


def test_tei_valid_xml_but_not_the_profile(tmp_path, monkeypatch, capsys):
    """A well-formed TEI file that breaks the project's schema is refused at the offending line."""
    good = valid_tei_bytes(tmp_path).decode()
    head, p_open, rest = good.partition("<p n=\"")
    bad = head + '<hi rend="bold">loud</hi>\n' + p_open + rest  # tei_all allows hi; the profile does not
    line = head.count("\n") + 1
    parent_line = head[:head.rfind("<body")].count("\n") + 1  # libxml2 may name the container's line
    (tmp_path / "t.tei.xml").write_text(bad, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "t.tei.xml"
    earlier.write_bytes(EARLIER)
    rc = cli.main(["build", "t.tei.xml", "--out", "out", "--format", "tei"])
    assert_refused(tmp_path, "t.tei.xml", rf"t\.tei\.xml:({line}|{parent_line})", "not valid", rc,
                   capsys.readouterr().err, out, earlier)


def test_tei_size_limit(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tei, "MAX_TEI_BYTES", 1000)
    (tmp_path / "t.tei.xml").write_bytes(valid_tei_bytes(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "t.tei.xml", "--out", "out", "--format", "tei"]) == 2
    assert re.fullmatch(r"t\.tei\.xml: error: file is \d+ bytes; the limit is 1000\n", capsys.readouterr().err)
    assert not (tmp_path / "out").exists()


def test_one_bad_text_among_good_ones_writes_nothing(tmp_path, monkeypatch, capsys):
    """All texts are built before the first file is written: a bad second text stops the first too."""
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "a.txt", "b.txt", "--out", "out", "--format", "tei"]) == 2
    assert capsys.readouterr().err.startswith("b.txt:1: error:")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("files, args, place", [
    ({"t.txt": "Title\n\nDas Café.\n".encode("latin-1")}, ["build", "t.txt"], r"t\.txt:3:8"),
    (yaml_case("title: x\nauthor:\n\tname: y\n"), ["build", "t.txt"], r"t\.yaml:3:1"),
    ({"t.tei.xml": BOMB.encode()}, ["build", "t.tei.xml"], r"t\.tei\.xml:3"),
    ({"t.tei.xml": b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/></TEI>'}, ["text", "t.tei.xml"],
     r"t\.tei\.xml:1"),
], ids=["text", "yaml", "tei-bomb", "text-command-invalid-tei"])
def test_real_process_exit_status_and_stderr(tmp_path, files, args, place):
    """The installed entry point, as an editor runs it: exit 2, one line on stderr, no traceback."""
    write_case(tmp_path, files)
    if args[0] == "build":
        args = [*args, "--out", "out", "--format", "tei"]
    run = subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr, run.stderr
    assert re.match(place + r": error: ", run.stderr), run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text, yaml_text", [
    ("He met T[rotsky] there.\n", 'notes:\n  - at: "T[rotsky"\n    text: N.\n'),
    ("He saw his [Stalin's] face.\n", 'notes:\n  - at: "his [Stalin"\n    text: N.\n'),
    ("He said (i.e. Lenin, AW).\n", 'emendations:\n  - {sic: "(i.e. Lenin, AW).", corr: x, reason: y}\n'),
], ids=["note-inside-supplied", "note-inside-supplied-word", "emendation-over-interpolation"])
def test_lemma_across_the_readers_markup_is_a_located_error(tmp_path, monkeypatch, capsys, text, yaml_text):
    write_case(tmp_path, {"t.txt": text.encode(), "t.yaml": yaml_text.encode()})
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "t.txt", "--out", "out", "--format", "tei"]) == 2
    assert re.match(r"t\.yaml:2(:\d+)?: error: ", capsys.readouterr().err)


def test_out_folder_that_is_a_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "out").write_bytes(EARLIER)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "t.txt", "--out", "out", "--format", "tei"]) == 2
    assert re.fullmatch(r"out: error: cannot write the outputs here: .+\n", capsys.readouterr().err)
    assert (tmp_path / "out").read_bytes() == EARLIER
