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


@settings(max_examples=250, **SETTINGS)
@given(encoded_essay())
@example(b'"A."\n\nStalin answered immediately:\n\n"Joseph,\n"A.\n"A.\nJ. Stalin."\n\n')  # p after closer
@example(b"[0 (i.e. Lenin, AW) 0].\n\n")  # an interpolation inside supplied text
def test_generated_essays_are_read_valid_and_lossless(data):
    assert_valid_and_lossless(read_quietly(data), data)


@settings(max_examples=250, **SETTINGS)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_any_text_is_read_or_refused_with_a_located_error(text):
    data = text.encode("utf-8")
    try:
        root = read_quietly(data)
    except InputError as err:
        assert err.path == "generated.txt" and "\n" not in err.located()
        return
    assert_valid_and_lossless(root, data)


@settings(max_examples=150, **SETTINGS)
@given(st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_with_a_located_error(data):
    try:
        root = read_quietly(data)
    except InputError as err:
        assert err.path == "generated.txt" and err.line is not None and "\n" not in err.located()
        return
    assert_valid_and_lossless(root, data)


@settings(max_examples=80, **SETTINGS)
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
