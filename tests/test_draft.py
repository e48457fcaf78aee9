"""Drafting registers (edition/draft.py): the rules on short texts written here, then the draft
measured on every corpus text against its expect file, and the draft accepted as registers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from edition import corpus
from edition.cli import main
from edition.draft import draft, draft_paths, write_draft
from edition.editorial import Where
from edition.names import Entity, Registers, Tagger, load_registers


def drafted(tmp_path: Path, text: str, registers: str | None = None) -> dict[str, tuple[str, list[str]]]:
    """index → (kind, forms) of the draft for a short text."""
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    if registers:
        (tmp_path / "persons.yaml").write_text(registers, encoding="utf-8")
    return {e.index(): (e.kind, e.forms) for e in draft(path)}


def test_titles_speech_and_grouping(tmp_path):
    found = drafted(tmp_path, "Essay\n\nThe meeting was opened by Mr. Arthur Brennan. Brennan said the hall was "
                              "small, and Dr. Lowe replied that it was not. Later Lowe wrote to him.\n")
    assert found["Brennan, Arthur"] == ("person", ["Mr. Arthur Brennan", "Brennan"])
    assert found["Lowe"] == ("person", ["Dr. Lowe", "Lowe"])


def test_places_bodies_and_sentence_openings(tmp_path):
    found = drafted(tmp_path, "Essay\n\nThey met in Tarvania and at Belmoor. The Workers Union of Tarvania wrote "
                              "to the Smelters Society. However, nothing came of it.\n")
    assert found["Tarvania"][0] == "place" and found["Belmoor"][0] == "place"
    assert found["Workers Union"][0] == "org" and found["Smelters Society"][0] == "org"
    assert "However" not in found and "The Workers Union" not in found


def test_women_keep_apart_and_initials_join_the_author(tmp_path):
    drafted(tmp_path, "Letters\n\nBy ANNA GORVILLE\n\nMr. Pellam came with Mrs. Pellam. Mrs. Pellam "
                              "said little; Pellam said much. A. G. said nothing.\n")
    found = [(e.index(), e.forms) for e in draft(tmp_path / "t.txt")]
    assert found == [("Gorville, Anna", ["ANNA GORVILLE", "A. G."]), ("Pellam", ["Mr. Pellam", "Pellam"]),
                     ("Pellam", ["Mrs. Pellam"])]


def test_not_names_adjectives_titles_and_coordination(tmp_path):
    found = drafted(tmp_path, "Essay\n\nThe Quorvian ideas of Quorvism spread. Orlan and Mr. Basso agreed; "
                              "Orlan's book \"Red Dawn\" sold well. The nature of Nature is change.\n")
    assert set(found) == {"Orlan", "Basso"}
    assert found["Orlan"][0] == "person"  # listed with Mr. Basso, and a possessive


def test_epithets_aliases_spellings_and_a_word_before_a_title(tmp_path):
    found = drafted(tmp_path, "Essay\n\nThe reign of Oswin the Conqueror began early, and the barons feared the "
                              "Conqueror. Edda Marrow, better known as Tom Quill, wrote novels; Quill was praised. "
                              "Henri de Saint-Varenne wrote first, and Saint Varenne wrote again. O'Dowd and O’Dowd "
                              "are one man. Doubtless Mrs. Pellam knew it, for she had no doubt.\n")
    assert found["Oswin the Conqueror"] == ("person", ["Oswin the Conqueror", "Conqueror"])
    assert found["Marrow, Edda"] == ("person", ["Edda Marrow", "Tom Quill", "Quill"])
    assert found["Saint-Varenne, Henri de"][1] == ["Henri de Saint-Varenne", "Saint Varenne"]
    assert sorted(found["O'Dowd"][1]) == ["O'Dowd", "O’Dowd"]
    assert found["Pellam"] == ("person", ["Mrs. Pellam"])  # not `Doubtless Mrs. Pellam`


def test_lists_with_titles_and_names_with_endings_of_words(tmp_path):
    found = drafted(tmp_path, "Essay\n\nPope and Czar, Harnack and Vollmer, French radicals and German spies met "
                              "in Paris. The French army marched; the French fleet sailed. In the last age, Morelly "
                              "and Quably. George Julian Haskett wrote to White and Twist. Finally it was final.\n")
    # listed with titles, not with `French` (an adjective before its noun, the item listed)
    assert found["Harnack"][0] == found["Vollmer"][0] == "person"
    # -ly, -ian, -ite, -ist: endings of adverbs, adjectives and doctrines, not here
    for name in ("Morelly", "Quably", "Haskett, George Julian", "White", "Twist"):
        assert found[name][0] == "person", name
    assert "Finally" not in found


def test_salutations_name_the_person_addressed(tmp_path):
    found = drafted(tmp_path, "Letters\n\nThe letter ran as follows:\n\nDear Comrade Vasko,\n\nI have your note "
                              "and will answer it.\n\nYours,\nP. Drennan\n")
    assert found["Vasko"] == ("person", ["Comrade Vasko"])


def test_entries_already_in_the_registers_are_left_out(tmp_path):
    found = drafted(tmp_path, "Essay\n\nMr. Arthur Brennan met Dr. Lowe; Brennan Levy followed.\n",
                    "- id: brennan\n  index: Brennan, Arthur\n  forms: [Arthur Brennan]\n  not: [Brennan Levy]\n")
    assert list(found) == ["Lowe"]  # nor the phrase the registers say names nobody


def test_cli_writes_draft_files_beside_the_text_and_check_warns(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("Essay\n\nMr. Arthur Brennan met Dr. Lowe in Tarvania.\n", encoding="utf-8")
    assert main(["names", "--draft", str(text)]) == 0
    paths = draft_paths(text)
    persons = yaml.safe_load(paths["persons"].read_text())
    assert persons[0] == {"id": "arthur-brennan", "index": "Brennan, Arthur",
                          "forms": ["Mr. Arthur Brennan"], "lines": [3], "draft": True}
    assert yaml.safe_load(paths["places"].read_text())[0]["type"] == "place"
    assert not (tmp_path / "persons.yaml").exists()
    # accepted: appended to the registers as they are, the loader reads `lines` and `draft`
    (tmp_path / "persons.yaml").write_text(paths["persons"].read_text())
    assert load_registers(tmp_path).entities["arthur-brennan"].data["draft"] is True
    capsys.readouterr()
    assert main(["check", str(text)]) == 0
    assert re.search(r"persons\.yaml:3: warning: entry 'arthur-brennan' is still a draft", capsys.readouterr().err)


# --- the corpus ---------------------------------------------------------------------------------------

#: Measured on the 8 corpus texts: recall 109/109 (100 %), precision 109/137 (79.6 %), grouping 123/128
#: (96.1 %); when the detector was first written 102/109, 103/145, 114/128. The rules added since were
#: found on the corpus's failures, so these are training figures: the bars keep a few names of slack
#: above the issue's (90 %, 70 %, 90 %) for changes in the reader. The 5 forms not grouped are beyond
#: rules: `Royal Brute` for George III, `citizen of Geneva` for Rousseau, `Mrs. Mill` for `Mrs. Taylor`,
#: and `Mary`, Mary Mead's daughter, who is also a Mary Mead.
RECALL, PRECISION, GROUPING = 0.95, 0.75, 0.93
#: persons scored by ../shared/tools/check_expect.py on the corpus built with the drafts accepted as
#: registers: measured 117/127 (92.1 %; 109/127 at first).
ACCEPTED_PERSONS = 0.90
#: The seed, scored against its hand-made persons.yaml with the draft made as if it had no registers:
#: recall 24/29, precision 29/42, grouping 32/47 (at first 17/29, 19/28, 22/47). A second text of
#: another kind (modern, Russian names with few cues, forms such as `T[rotsky]` and `St[arik]` that
#: no draft makes), though not a clean held-out one: the rules for closed-class words, salutations,
#: cited authors and a first name used alone were found on its failures.
SEED_RECALL, SEED_PRECISION, SEED_GROUPING = 0.80, 0.65, 0.65


def score_draft(text: Path, persons: dict[str, list[str]] | None = None) -> dict[str, int]:
    """Recall, precision and grouping counts of one text's draft against its expect file's persons
    (or the persons given: name -> forms)."""
    if persons is None:
        expect = yaml.safe_load(text.with_suffix(".expect.yaml").read_text(encoding="utf-8"))
        persons = expect.get("persons") or {}
    entries = draft(text, Registers())
    regs = Registers({e.id: Entity(e.id, e.kind, {}, Where(text, 1), e.forms, []) for e in entries})
    tagger = Tagger(regs)

    def owner(form: str) -> str | None:
        """The person entry that would tag this form (its last word, as the scorer checks)."""
        last = len(form) - len(form.split()[-1])
        return next((e.id for s, end, e in tagger.find(form) if s <= last < end and e.kind == "person"), None)

    owners = {name: {f: owner(f) for f in forms} for name, forms in persons.items()}
    found = [name for name, o in owners.items() if any(o.values())]
    right_ids = {i for o in owners.values() for i in o.values() if i}
    drafted_persons = [e for e in entries if e.kind == "person"]
    grouped = 0
    for name, o in owners.items():
        ids = [i for i in o.values() if i]
        main_id = max(set(ids), key=ids.count) if ids else None
        others = {i for other, o2 in owners.items() if other != name for i in o2.values()}
        grouped += sum(1 for i in ids if i == main_id and i not in others)
    return {"persons": len(persons), "found": len(found), "entries": len(drafted_persons),
            "right": sum(e.id in right_ids for e in drafted_persons), "grouped": grouped,
            "forms": sum(len(forms) for forms in persons.values())}


@pytest.mark.skipif(not corpus.CORPUS.exists(), reason="../shared/corpus not present")
def test_draft_on_the_corpus():
    total = dict.fromkeys(("persons", "found", "entries", "right", "grouped", "forms"), 0)
    for text in corpus.texts():
        n = score_draft(text)
        print(f"{text.stem:48} recall {n['found']}/{n['persons']}  precision {n['right']}/{n['entries']}  "
              f"grouping {n['grouped']}/{n['forms']}")
        total = {k: total[k] + n[k] for k in total}
    recall, precision = total["found"] / total["persons"], total["right"] / total["entries"]
    grouping = total["grouped"] / total["forms"]
    print(f"corpus: recall {recall:.1%}, precision {precision:.1%}, grouping {grouping:.1%}")
    assert recall >= RECALL and precision >= PRECISION and grouping >= GROUPING


def test_draft_on_the_seed():
    seed = Path(__file__).resolve().parent.parent / "seeds" / "stalin-50-years.txt"
    source = seed.read_text(encoding="utf-8")
    persons = {}
    for entry in yaml.safe_load((seed.parent / "persons.yaml").read_text(encoding="utf-8")):
        forms = [f for f in entry.get("forms") or [] if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", source)]
        if forms:
            persons[entry["id"]] = forms
    n = score_draft(seed, persons)
    print(f"seed: recall {n['found']}/{n['persons']}  precision {n['right']}/{n['entries']}  "
          f"grouping {n['grouped']}/{n['forms']}")
    assert n["found"] / n["persons"] >= SEED_RECALL and n["right"] / n["entries"] >= SEED_PRECISION
    assert n["grouped"] / n["forms"] >= SEED_GROUPING


def test_drafting_a_40_kb_text_takes_under_2_seconds(tmp_path):
    import time
    source = max(corpus.texts(), key=lambda p: p.stat().st_size) if corpus.CORPUS.exists() else None
    if source is None:
        pytest.skip("../shared/corpus not present")
    start = time.perf_counter()
    draft(source, Registers())
    assert time.perf_counter() - start < 2, f"{source.name}: {source.stat().st_size} bytes"


def accept(text: Path, folder: Path) -> Path:
    """The text and its draft, renamed as the registers, in a folder of their own."""
    copy = folder / text.name
    shutil.copyfile(text, copy)
    for register, path in write_draft(copy).items():
        path.rename(folder / f"{register}.yaml")
    return copy


@pytest.mark.slow  # every corpus text built
@pytest.mark.skipif(not corpus.CORPUS.exists(), reason="../shared/corpus not present")
def test_accepted_drafts_tag_the_corpus_persons(tmp_path):
    got = of = 0
    for text in corpus.texts():
        folder = tmp_path / text.stem
        folder.mkdir()
        copy = accept(text, folder)
        out = folder / "out"
        built = subprocess.run([str(corpus.EDITION), "build", str(copy), "--out", str(out), "--format", "tei"],
                               capture_output=True, text=True)
        assert built.returncode == 0, built.stderr[-2000:]
        scored = subprocess.run([sys.executable, str(corpus.SCORER), str(text.with_suffix(".expect.yaml")),
                                 str(out / f"{text.stem}.tei.xml")], capture_output=True, text=True)
        score = corpus.SCORE_LINE.search(scored.stdout)
        assert score, scored.stdout[-2000:] + scored.stderr[-2000:]
        got, of = got + int(score["persons"]), of + int(score["persons_of"])
        print(f"{text.stem:48} persons {score['persons']}/{score['persons_of']}")
    print(f"corpus persons with the drafts accepted: {got}/{of}")
    assert got / of >= ACCEPTED_PERSONS


@pytest.mark.slow  # a corpus text's PDFs and EPUB
@pytest.mark.skipif(not corpus.CORPUS.exists(), reason="../shared/corpus not present")
def test_index_of_persons_in_pdf_and_epub(tmp_path):
    import pdfplumber
    text = accept(corpus.CORPUS / "marx-engels-manifesto-preface-section-ii.txt", tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(text), "--out", str(out), "--format", "pdf,epub"]) == 0
    with pdfplumber.open(out / f"{text.stem}.pdf") as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    index = next(i for i, page in enumerate(pages) if "Index of persons" in page)
    assert re.search(r"Marx, Karl.*\d", " ".join(pages[index:]))
    with zipfile.ZipFile(out / f"{text.stem}.epub") as epub:
        xhtml = " ".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert "Index of persons" in xhtml and "Marx, Karl" in xhtml
