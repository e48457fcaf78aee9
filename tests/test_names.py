"""Registers and name finding, alone on small strings."""

from __future__ import annotations

from pathlib import Path

from edition.cli import main
from edition.names import Entity, Registers, Tagger, candidates, phrase_pattern
from edition.editorial import Where

import re


def registers(*entries: tuple[str, str, list[str], list[str]]) -> Registers:
    regs = Registers()
    for ident, kind, forms, nots in entries:
        regs.entities[ident] = Entity(ident, kind, {"index": ident}, Where(Path("r.yaml"), 1), forms, nots)
    return regs


def found(text: str, regs: Registers) -> list[tuple[str, str]]:
    return [(text[s:e], ent.id) for s, e, ent in Tagger(regs).find(text)]


def test_word_boundaries_possessives_and_longest_form():
    regs = registers(("lenin", "person", ["Lenin", "Vladimir Ilyich", "Ilyich"], ["Lenin Levy"]))
    assert found("Lenin's Leninism; Vladimir Ilyich and Ilyich; the Lenin Levy.", regs) == \
        [("Lenin", "lenin"), ("Vladimir Ilyich", "lenin"), ("Ilyich", "lenin")]


def test_forms_with_brackets_and_full_stops():
    regs = registers(("trotsky", "person", ["Trotsky", "T[rotsky]"], ["Volkogonov, Trotsky"]),
                     ("lenin", "person", ["Vlad. Ilyich", "V.I."], []))
    assert found("T[rotsky] wrote to Vlad. Ilyich and V.I. (Volkogonov, Trotsky, p. 2.)", regs) == \
        [("T[rotsky]", "trotsky"), ("Vlad. Ilyich", "lenin"), ("V.I.", "lenin")]


def test_phrase_pattern_spans_line_breaks():
    assert re.search(phrase_pattern("Military Revolutionary Centre"), "the Military\nRevolutionary  Centre")


def test_candidates_lists_unregistered_names(tmp_path, capsys):
    regs = registers(("lenin", "person", ["Lenin"], []))
    rows = candidates("But Lenin met Bukharin.\nThe Leninists met Bukharin and the Orgburo in March.\n", regs)
    assert rows == [("Bukharin", 2, [1, 2]), ("Orgburo", 1, [2])]
    text = tmp_path / "t.txt"
    text.write_text("Lenin met Bukharin.\n")
    (tmp_path / "persons.yaml").write_text("- id: lenin\n  index: Lenin\n  forms: [Lenin]\n")
    assert main(["names", "--candidates", str(text)]) == 0
    out = capsys.readouterr().out
    assert "Bukharin" in out and f"{text}:1" in out and "Lenin" not in out
