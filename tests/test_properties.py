"""Property tests (hypothesis): generated essays never crash the reader, always give valid TEI, and
the diplomatic text gives the source back byte for byte (issue 6 point 8, DESIGN §7).

Essays are assembled from the shapes the reader knows — title, epigraph, paragraphs (hard-wrapped
or not), headings, block quotations with citations, letters, lists after a colon — filled with
text that plays with its conventions: brackets, parentheses, quotation marks of every kind,
interpolations, markup-like characters, non-Latin scripts. Runs derandomized, in a few seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import tempfile
from pathlib import Path

import yaml

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from edition import tei
from edition.build import Text, text_to_tei
from edition.editorial import Editorial
from edition.errors import InputError
from edition.read import read_text
from edition.source import decode

SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

#: `make check` (EDITION_TESTS=fast) tries a fifth of each property's examples, for the edit loop;
#: `make test` all of them
FAST = os.environ.get("EDITION_TESTS") == "fast"


def examples(n: int) -> int:
    return max(2, n // 5) if FAST else n

LETTERS = "abcdefghijklmnopqrstuvwxyzéßøçşжщ中"
PUNCT = ".,;:!?-\u2013\u2014\u2026'\u2019\"\u201c\u201d\u00ab\u00bb\u201e()[]<>&*_#$/\u00a0\t"
word = st.text(alphabet=LETTERS + LETTERS.upper(), min_size=1, max_size=9)
token = st.one_of(
    word, word, word, word,
    st.text(alphabet=LETTERS + PUNCT + "0123456789", min_size=1, max_size=6),
    st.sampled_from(["T[rotsky]", "[\u2026]", "[...]", "(i.e. Lenin, AW)", "(the Ministry, AW)", "(Pravda, p. 5)",
                     "(Works, vol. 2, pp. 3-4.)", "(see below)", "\"quoted\"", "\u201cquoted\u201d", "his [Stalin's]",
                     "(", ")", "[", "]", "\"", "<script>", "&amp;", "]]>", "$x$", "{{t}}", "[x](http://e.org)"]),
)


@st.composite
def sentence(draw) -> str:
    words = draw(st.lists(token, min_size=1, max_size=14))
    text = " ".join(words)
    return text[:1].upper() + text[1:] + draw(st.sampled_from([".", ".", "?", "!", ":", "", ")", "\u201d", '"']))


@st.composite
def paragraph(draw) -> str:
    text = " ".join(draw(st.lists(sentence(), min_size=1, max_size=4)))
    if draw(st.booleans()):  # hard-wrapped
        words = text.split(" ")
        width = draw(st.integers(3, 12))
        text = "\n".join(" ".join(words[i:i + width]) for i in range(0, len(words), width))
    return text


heading = st.lists(word, min_size=1, max_size=6).map(lambda ws: " ".join(w.capitalize() for w in ws))
citation = st.sampled_from(["", "", " (Pravda, April 21 (8) 1917.)", " (Joffe, One Long Night, pp. 69-70.)",
                            " (Source.)", " (unclosed"])


@st.composite
def quotation(draw) -> str:
    opening, closing = draw(st.sampled_from([('"', '"'), ("\u201c", "\u201d"), ("\u00ab", "\u00bb"), ('"', "")]))
    paragraphs = draw(st.lists(paragraph(), min_size=1, max_size=3))
    blocks = [opening + p for p in paragraphs]
    blocks[-1] += closing + draw(citation)
    return "\n\n".join(blocks)


@st.composite
def letter(draw) -> str:
    salute = draw(st.sampled_from(["Joseph,", "Dear Friend,", "Comrade Kamenev!", "Lev Borisych,", "Sir,"]))
    body = draw(st.lists(paragraph(), min_size=1, max_size=3))
    signature = draw(st.sampled_from(["J. Stalin.", "L. Kam[enev]", "N. Krupskaya", "Yours, X", ""]))
    lines = [f'"{salute}'] + [f'"{p}' for p in body] + ([f'{signature}"'] if signature else [])
    separator = draw(st.sampled_from(["\n", "\n\n"]))
    intro = draw(st.sampled_from(["Stalin answered immediately:", "He wrote:", "The letter read"]))
    return intro + "\n\n" + separator.join(lines) + draw(citation).replace(" (", "\n(")


@st.composite
def bulleted(draw) -> str:
    items = draw(st.lists(sentence(), min_size=1, max_size=5))
    intro = draw(st.sampled_from(["There are {} points:", "The demands were these:", "In {} words:"]))
    return intro.format(len(items)) + "\n\n" + "\n\n".join(items)


block = st.one_of(paragraph(), paragraph(), paragraph(), heading, quotation(), letter(), bulleted())


@st.composite
def essay(draw) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(draw(heading))
    if draw(st.booleans()):
        parts.append(draw(quotation()))
    parts += draw(st.lists(block, min_size=1, max_size=10))
    separators = [draw(st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n \n", "\n\t\n"])) for _ in parts]
    text = draw(st.sampled_from(["", "\n", "\n\n"])) + "".join(p + s for p, s in zip(parts, separators))
    text = text[: len(text) - draw(st.integers(0, 2))] or "x"
    return text


@st.composite
def encoded_essay(draw) -> bytes:
    text = draw(essay())
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if draw(st.booleans()) else data


def document(text_el: etree._Element) -> etree._Element:
    header = tei.build_header({}, "generated", "Generated", dt.date(2024, 1, 1))
    return tei.assemble(header, text_el, "en")


def read_quietly(data: bytes) -> etree._Element:
    """The reader on bytes, its warnings (guesses) swallowed; a complete TEI document."""
    with contextlib.redirect_stderr(io.StringIO()):
        text_el, _ = read_text(decode(Path("generated.txt"), data), Editorial())
    return document(text_el)


def assert_valid_and_lossless(root: etree._Element, data: bytes) -> None:
    schema = tei.project_schema()
    reparsed = etree.fromstring(tei.serialise(root), tei.safe_parser())
    assert schema.validate(reparsed), schema.error_log
    assert tei.diplomatic(reparsed).encode("utf-8") == data


@settings(max_examples=examples(250), **SETTINGS)
@given(encoded_essay())
@example(b'"A."\n\nStalin answered immediately:\n\n"Joseph,\n"A.\n"A.\nJ. Stalin."\n\n')  # p after closer
@example(b"[0 (i.e. Lenin, AW) 0].\n\n")  # an interpolation inside supplied text
def test_generated_essays_are_read_valid_and_lossless(data):
    assert_valid_and_lossless(read_quietly(data), data)


@settings(max_examples=examples(250), **SETTINGS)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_any_text_is_read_or_refused_with_a_located_error(text):
    data = text.encode("utf-8")
    try:
        root = read_quietly(data)
    except InputError as err:
        assert err.path == "generated.txt" and "\n" not in err.located()
        return
    assert_valid_and_lossless(root, data)


@settings(max_examples=examples(150), **SETTINGS)
@given(st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_with_a_located_error(data):
    try:
        root = read_quietly(data)
    except InputError as err:
        assert err.path == "generated.txt" and err.line is not None and "\n" not in err.located()
        return
    assert_valid_and_lossless(root, data)


@settings(max_examples=examples(80), **SETTINGS)
@given(st.data())
def test_notes_and_emendations_on_any_phrase(data):
    """The editors' layer on a generated essay: any phrase of the text (blank, across blocks,
    across markup) as a note's lemma or an emendation, written to a real YAML file, is either
    applied (valid TEI, diplomatic text unchanged) or a located error in that file."""
    source = data.draw(essay())
    start = data.draw(st.integers(0, len(source) - 1))
    phrase = source[start:start + data.draw(st.integers(1, 30))]
    if data.draw(st.booleans()):
        key, entry = "notes", {"at": phrase, "text": "A note with {i:a title}."}
    else:
        key, entry = "emendations", {"sic": phrase, "corr": "emended", "reason": "test"}
    raw = source.encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        text_path, yaml_path = Path(folder) / "generated.txt", Path(folder) / "generated.yaml"
        text_path.write_bytes(raw)
        yaml_path.write_text(yaml.safe_dump({key: [entry]}, allow_unicode=True), encoding="utf-8")
        with contextlib.redirect_stderr(io.StringIO()):
            try:
                root = text_to_tei(Text.from_path(text_path))
            except InputError as err:
                assert err.path == str(yaml_path) and err.line is not None and "\n" not in err.located()
                return
    assert_valid_and_lossless(root, raw)
    if key == "emendations":
        assert root.find(f".//{tei.T}corr").text == "emended"
    else:
        assert root.find(f".//{tei.T}note[@type='editorial']") is not None


# --- random values in the editorial YAML (issue 12: never a traceback, never lost text) ---------

SMALL_TEXT = """\
A Small Text

Lenin wrote to Stalin from Moscow in 1922. The letter was short, and it was a fait d'accompli.

The Party Congress

Trotsky answered: "the movement is everything". Kamenev and Zinoviev met in Petrograd.

They read Pravda (Pravda, April 21 (8) 1917) and State and Revolution.
"""
PHRASES = ["Lenin", "Stalin", "Moscow", "1922", "fait d'accompli", "the", "The Party Congress", "Trotsky",
           "Kamenev and Zinoviev", "Petrograd", "Pravda", "State and Revolution", "A Small Text", "letter was",
           "everything\"", "met in\nPetrograd", "in 1922. The"]
#: strings that have broken parsers, markup and renderers
HOSTILE = ["", " ", "\u00a0", "\u200b", "\u2028", "\t", "{i:", "{i:x}", "{i:}", "{ref:lenin:Lenin}",
           "{ref:nobody:X}", "{ref:}", "}", "{", "<b>x</b>", "&amp;", "&", "]]>", "<!--", '"', "'", "*x*", "_x_",
           "[x](http://e.org)", "$x$", "#", "{{t}}", "\\", "p1", "s1", "editors", "author", "n-1", "e-1", "x-call",
           "Lenin", "x y", "city", "5 March 2003", "a b", "e\u0301", "\u0301", "\U0001f642", "\u202e", "\ufeff",
           "x" * 3000, "1", "2003-13-45", "-500", "Lenin; Stalin", "en-GB", "ru-Latn", "zz", "https://e.org/x",
           "javascript:alert(1)"]
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(PHRASES),
                         st.text(max_size=20), st.lists(st.sampled_from(HOSTILE + PHRASES), max_size=4).map(" ".join))
wrong_type = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                       st.none(), st.dates(), st.lists(st.integers(0, 9), max_size=2),
                       st.dictionaries(st.sampled_from(["a", "at", "id"]), st.integers(0, 3), max_size=2))
ident = st.one_of(st.from_regex(r"\A[a-z][a-z0-9-]{0,8}\Z"), st.sampled_from(["lenin", "stalin"]))
#: what an editor writes: sentences with the notes' small markup, names, a title in italics
prose = st.lists(st.sampled_from(PHRASES + ["A note.", "See {i:Pravda}.", "On {ref:lenin:Lenin}, 1917.", "it",
                                            "was", "in", "(1870\u20131924)", "\u201cquoted\u201d", "Lenin's",
                                            "{i:State and Revolution}", "and", "p.\u00a05", "\u2014"]),
                 min_size=1, max_size=8).map(" ".join)


@st.composite
def value(draw, plausible, hostility: int):
    """A plausible value, or (as often as `hostility` says, in %) hostile text or a wrong type."""
    roll = draw(st.integers(0, 99))
    if roll < hostility // 2:
        return draw(wrong_type)
    if roll < hostility:
        return draw(hostile_text)
    return draw(plausible)


@st.composite
def entries(draw, fields: dict, required: tuple, hostility: int, max_size: int = 3):
    """A list of mappings with the required fields and some others (name → plausible strategy), now
    and then a field left out, an unknown key or an entry that is not a mapping."""
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        if draw(st.integers(0, 99)) < hostility // 4:
            out.append(draw(value(st.none(), 100)))
            continue
        keys = draw(st.lists(st.sampled_from(sorted(fields)), unique=True))
        keys += [key for key in required if key not in keys and draw(st.integers(0, 99)) >= hostility // 4]
        entry = {key: draw(value(fields[key], hostility)) for key in keys}
        if draw(st.integers(0, 99)) < hostility // 4:
            entry[draw(st.sampled_from(["colour", "At", "id "]))] = 1
        out.append(entry)
    return out


@st.composite
def editorial_files(draw, hostility=(0, 0, 2, 5, 20, 60)) -> dict[str, object]:
    """The YAML files beside the small text: its editorial layer and the three registers; a value
    is hostile or of a wrong type as often as `hostility` says (in %, one drawn per example)."""
    h = draw(st.sampled_from(hostility))
    phrase, text, year = st.sampled_from(PHRASES), prose, st.integers(1, 2100)
    note = {"at": phrase, "occurrence": st.integers(1, 2), "text": text, "id": ident}
    emendation = {"sic": phrase, "corr": text, "reason": text, "occurrence": st.integers(1, 2), "id": ident,
                  "conjecture": st.booleans()}
    structure = st.fixed_dictionaries({}, optional={
        key: st.lists(st.one_of(st.sampled_from(PHRASES + ["The Party Congress"]), st.integers(-2, 12)), max_size=2)
        for key in ("headings", "not-headings", "quotations", "letters", "salutations", "lists", "epigraphs")})
    meta_fields = {
        "title": text, "subtitle": text, "edition": text, "language": st.sampled_from(["en", "en-GB", "de"]),
        "date": st.one_of(st.dates(), st.sampled_from(["2003", "2003-03", "2003-03-05"])),
        "author": st.fixed_dictionaries({"name": text}, optional={"id": ident, "initials": text, "evidence": text}),
        "source": st.fixed_dictionaries({}, optional={"title": text, "publisher": text, "note": text,
                                                      "url": st.just("https://e.org/x"),
                                                      "date": st.dates()}),
        "keywords": st.lists(text, max_size=3), "structure": structure,
        "preface": st.fixed_dictionaries({"heading": text, "paragraphs": st.lists(text, min_size=1, max_size=2)}),
        "foreign": st.lists(st.fixed_dictionaries({"phrase": phrase, "lang": st.sampled_from(["ru-Latn", "de"])}),
                            max_size=2),
    }
    keys = draw(st.lists(st.sampled_from(sorted(meta_fields)), unique=True, max_size=6))
    meta = {key: draw(value(meta_fields[key], h)) for key in keys}
    meta["notes"] = draw(entries(note, ("at", "text"), h))
    meta["emendations"] = draw(entries(emendation, ("sic", "corr", "reason"), h, max_size=2))
    forms = st.lists(phrase, min_size=1, max_size=2)
    persons = draw(entries({"id": ident, "index": text, "born": year, "died": year, "about": text, "forms": forms,
                            "not": st.lists(phrase, max_size=1), "idno": st.builds(dict, wikidata=st.just("Q1"))},
                           ("id", "index", "forms"), h))
    places = draw(entries({"id": ident, "type": st.sampled_from(["place", "org"]), "index": text,
                           "about": text, "forms": forms, "founded": year}, ("id", "index", "forms"), h, max_size=2))
    works = draw(entries({"id": ident, "title": text, "author": text, "date": year, "note": text,
                          "match": forms}, ("id", "title", "match"), h, max_size=2))
    return {"t.yaml": meta, "persons.yaml": persons, "places.yaml": places, "works.yaml": works}


class NoAliases(yaml.SafeDumper):
    """Each value written out where it stands (the editorial loader refuses aliases)."""

    def ignore_aliases(self, data) -> bool:
        return True


def build_quietly(argv: list[str]) -> tuple[int, str]:
    from edition import cli

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(["--debug", *argv])
    return status, err.getvalue()


def assert_built_or_located(status: int, stderr: str, inputs: list[Path]) -> None:
    """Exit 0, or exit 2 with the last line of stderr a one-line error at `file:line` of an input."""
    assert status in (0, 2), stderr[-3000:]
    if status == 2:
        last = stderr.rstrip("\n").rpartition("\n")[2]
        located = re.match(r"(.+?):(\d+)(?::\d+)?: error: ", last)
        assert located and Path(located.group(1)) in inputs, last


def write_files(folder: Path, files: dict[str, object]) -> list[Path]:
    """The small text and its YAML files in a folder; the inputs a located error may name."""
    source = folder / "t.txt"
    source.write_text(SMALL_TEXT, encoding="utf-8")
    inputs = [source]
    for file, content in files.items():
        if content or file == "t.yaml":
            (folder / file).write_text(yaml.dump(content, Dumper=NoAliases, allow_unicode=True), encoding="utf-8")
            inputs.append(folder / file)
    return inputs


@settings(max_examples=examples(200), **SETTINGS)
@given(editorial_files())
@example({"t.yaml": {"notes": [{"at": "Lenin", "text": "{i:"}], "title": "{ref:nobody:X}"}, "persons.yaml": [],
          "places.yaml": [], "works.yaml": []})
@example({"t.yaml": {"foreign": [{"phrase": "Lenin", "lang": "de"}] * 2}, "persons.yaml": [],  # nested foreign
          "places.yaml": [], "works.yaml": []})
@example({"t.yaml": {"notes": [{"id": "a", "at": "Lenin", "text": "x"}]}, "persons.yaml": [],  # xml:id twice
          "places.yaml": [], "works.yaml": [{"id": "a", "title": "Lenin", "match": ["Lenin"]}]})
@example({"t.yaml": {"preface": {"heading": "Lenin", "paragraphs": ["Lenin"]},  # foreign in a text-only head
                     "foreign": [{"phrase": "Lenin", "lang": "ru-Latn"}]},
          "persons.yaml": [], "places.yaml": [], "works.yaml": []})
@example({"t.yaml": {"preface": {"heading": "Preface", "paragraphs": []}}, "persons.yaml": [],  # a div of a head
          "places.yaml": [], "works.yaml": []})
@example({"t.yaml": {"notes": [0]}, "persons.yaml": [], "places.yaml": [], "works.yaml": [0]})  # no line
def test_random_editorial_values_build_or_are_located_errors(files):
    """Random values in the editorial YAML and the registers of a small text — any types, any
    strings (markup, blanks, huge, unicode) — give a TEI edition whose print and e-book books can be
    made and whose diplomatic text is the source exactly, or a one-line error at the YAML's line,
    exit 2; never an internal error."""
    from edition.render.targets import tei_to_ast

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        inputs = write_files(folder, files)
        status, stderr = build_quietly(["build", str(inputs[0]), "--out", str(folder / "out"), "--format", "tei"])
        assert_built_or_located(status, stderr, inputs)
        if status:
            return
        data = (folder / "out" / "t.tei.xml").read_bytes()
    root = etree.fromstring(data, tei.safe_parser())
    assert tei.diplomatic(root) == SMALL_TEXT
    for target in ("print", "epub"):  # the renderers' first stage, on every value that built
        tei_to_ast(root, target)


#: what the prose of notes, registers and preface may hold when the edition is to be printed
rich_text = st.lists(st.sampled_from(["the", "Lenin's", "note", "1917", "\u00a0"] + [
    h for h in HOSTILE if h.strip() and h.isprintable() and not h.startswith("{ref")]),
    min_size=1, max_size=6).map(" ".join)


@st.composite
def printable_files(draw) -> dict[str, object]:
    """Editorial files that build, their prose anything printable (markup, scripts, a huge word):
    notes on phrases that occur once, emendations, a preface, register entries."""
    lemmas = draw(st.lists(st.sampled_from(["Lenin", "Moscow", "1922", "Trotsky", "Petrograd",
                                            "State and Revolution", "letter was"]), unique=True, max_size=4))
    sics = draw(st.lists(st.sampled_from(["fait d'accompli", "short", "answered"]), unique=True, max_size=2))
    meta = {"title": draw(rich_text), "notes": [{"at": lemma, "text": draw(rich_text)} for lemma in lemmas],
            "emendations": [{"sic": sic, "corr": draw(rich_text), "reason": draw(rich_text)} for sic in sics]}
    if draw(st.booleans()):
        meta["preface"] = {"heading": draw(rich_text), "paragraphs": draw(st.lists(rich_text, min_size=1, max_size=2))}
    people = draw(st.lists(st.sampled_from(["Stalin", "Kamenev", "Zinoviev"]), unique=True, max_size=2))
    persons = [{"id": name.lower(), "index": draw(rich_text), "about": draw(rich_text), "forms": [name]}
               for name in people]
    works = [{"id": "pravda", "title": draw(rich_text), "match": ["Pravda"]}] if draw(st.booleans()) else []
    return {"t.yaml": meta, "persons.yaml": persons, "places.yaml": [], "works.yaml": works}


@settings(max_examples=examples(4), **SETTINGS)
@given(printable_files())
@example({"t.yaml": {"notes": [{"at": "1922", "text": "x" * 3000 + " 1917"}]},  # a note taller than the page:
          "persons.yaml": [], "places.yaml": [], "works.yaml": []})  # its end under the page foot (exit 2)
def test_random_editorial_values_print_and_epub(files):
    """Values that make an edition, through the PDFs and the EPUB, whose every word the build reads
    back (render/verify.py): markup, blanks, other scripts and a 3,000-letter word in the notes, the
    registers and the preface are printed, or the build stops with a located error."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        inputs = write_files(folder, files)
        status, stderr = build_quietly(["build", str(inputs[0]), "--out", str(folder / "out")])
        assert_built_or_located(status, stderr, inputs)
        if status == 0:
            assert tei.diplomatic(etree.parse(str(folder / "out" / "t.tei.xml")).getroot()) == SMALL_TEXT
