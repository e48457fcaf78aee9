"""`edition bench` produces every figure of issue 7 (on small inputs: its targets are checked by
`make bench` itself, never by timed tests)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pypdf
import pytest

pytestmark = pytest.mark.slow  # builds the seed and a long book in fresh processes

from edition import bench, build, corpus

from conftest import SEEDS

LETTER = Path(__file__).parent / "fixtures" / "texts" / "letter.txt"
OUTPUTS = ("{}.tei.xml", "{}.pdf", "{}-print.pdf", "{}-booklet.pdf", "{}-archival.pdf", "{}.epub")


@pytest.fixture(scope="module")
def small_text(tmp_path_factory) -> Path:
    """A one-letter text with the seed's registers beside it."""
    folder = tmp_path_factory.mktemp("small")
    shutil.copy(LETTER, folder / "letter.txt")
    for register in ("persons.yaml", "places.yaml", "works.yaml"):
        shutil.copy(SEEDS / register, folder / register)
    return folder / "letter.txt"


@pytest.fixture(scope="module")
def measured(small_text) -> dict:
    return bench.in_fresh_process(bench.measure_text, small_text)


def test_the_bench_times_the_stages_the_build_runs(measured):
    """The bench has no list of stages of its own: it reports the build's, as the build recorded them."""
    assert bench.STAGES is build.STAGES
    assert list(measured["times"]) == [key for key, _ in build.STAGES]
    assert measured["pages"] >= 7 and measured["body_layouts"] == 1


def test_weasyprint_alone_makes_the_same_book(measured):
    """The overhead ratio compares like with like: WeasyPrint alone, given the final HTML and CSS,
    makes as many pages as the pipeline did."""
    assert measured["weasyprint_alone_pages"] == measured["pages"]


def test_peak_memory_is_the_process_own(measured):
    # a fresh process: the figure is this text's, a few hundred MB at most, not the test session's
    assert 30 < measured["stage_peak_mb"] < 1024


def test_full_build_writes_every_output(small_text, tmp_path):
    _, peak = bench.full_build(small_text, tmp_path)
    assert peak > 30
    for pattern in OUTPUTS:
        assert (tmp_path / pattern.format("letter")).stat().st_size > 0
    assert len(pypdf.PdfReader(tmp_path / "letter.pdf").pages) >= 7


def test_peer_makes_a_pdf(small_text, tmp_path):
    bench.peer(small_text, tmp_path)
    assert len(pypdf.PdfReader(tmp_path / "peer.pdf").pages) >= 1


def test_tagging_reads_the_size_asked_for():
    _, found, size = bench.tagging(SEEDS / "stalin-50-years.txt", size=100_000)
    assert size >= 100_000 and found > 100


def test_make_figures_read_the_makefile(tmp_path):
    """Against outputs newer than every input (their content does not matter to make): nothing
    to do; print.css remakes only the PDFs; the text's YAML remakes everything."""
    slug = "stalin-50-years"
    now = time.time()
    for i, pattern in enumerate(OUTPUTS):
        path = tmp_path / pattern.format(slug)
        path.write_bytes(b"")
        os.utime(path, (now + 10 + i, now + 10 + i))  # the TEI first, then what is made from it
    figures = bench.make_figures(tmp_path, slug)
    assert figures["up_to_date"], "make --question: the outputs should be up to date"
    assert figures["noop"] is not None and figures["noop_ran"] == []
    assert figures["css"] == ["pdf"]
    assert figures["yaml"] == ["epub", "pdf", "tei"]


def test_report_names_every_figure(measured):
    text = {**measured, "build": 2.0, "build_peak_mb": 200.0, "peak_mb": 200.0, "s_per_page": 0.2, "kb": 1.0,
            "times": dict.fromkeys(measured["times"], 0.1), "render": 2.0}
    results = bench.Results(bench.machine(), {"seed": text, "book": dict(text, s_per_page=0.3)}, peer=1.0,
                            tagging=(0.5, 1000, bench.MB),
                            make={"noop": 0.1, "noop_ran": [], "css": ["pdf"], "yaml": ["epub", "pdf", "tei"]})
    report = bench.report(results)
    for _, label in build.STAGES:
        assert f"| {label} | 0.10 s | 0.10 s |" in report
    assert f"| sum of the stages | {0.1 * len(build.STAGES):.2f} s |" in report
    assert f"| of which in no stage | {2 - 0.1 * len(build.STAGES):.2f} s |" in report
    for figure in ("full build, all outputs", "peak memory", "overhead ratio, seed", "overhead ratio, book",
                   "÷ pandoc peer", "nothing changed", "edition/styles/print.css", "the YAML", "seconds per page, book ÷ seed",
                   "peak memory, book", "tagging names in 1.0 MB", "WeasyPrint 70", "load average"):
        assert figure in report, figure
    assert "| seconds per page, book ÷ seed | 0.300 ÷ 0.200 = 1.50 | ≤ 1.25 | **NOT met** |" in report


def test_report_gives_the_composition_of_each_book(measured):
    """Issue 14 point 9: check_typography.py's figures in the bench, against the issue's targets."""
    summary = {"loose_pct": 22.1, "very_loose": 12, "max_consecutive_hyphens": 2, "short_pages": [8, 9],
               "leading_spread_pt": 0.0}
    text = {**measured, "build": 2.0, "peak_mb": 200.0, "s_per_page": 0.2, "render": 2.0, "composition": summary}
    report = bench.report(bench.Results(bench.machine(), {"seed": text}, peer=1.0, tagging=(0.5, 1000, bench.MB),
                                        make={}))
    assert "| loose lines (word space > 1.6×), seed | 22.1 % | ≤ 2 % | **NOT met** |" in report
    assert "| very loose lines (> 2.5×), seed | 12 | 0 | **NOT met** |" in report
    assert "| hyphenated line ends in a row, seed | 2 | ≤ 2 | met |" in report
    assert "| short pages, seed | 2 | 0 | **NOT met** |" in report
    assert "| leading spread, seed | 0.00 pt | ≤ 0.3 pt | met |" in report


def test_composition_reads_the_yardstick(small_text, tmp_path):
    """The figures come from ../shared/tools/check_typography.py run on a real PDF (it must be there)."""
    assert bench.TYPOGRAPHY.is_file(), bench.TYPOGRAPHY
    bench.full_build(small_text, tmp_path)
    summary = bench.composition(tmp_path / "letter.pdf")
    assert {"loose_pct", "very_loose", "max_consecutive_hyphens", "short_pages", "leading_spread_pt"} <= set(summary)


def test_composition_of_a_book_that_fails_a_limit(tmp_path, monkeypatch):
    """check_typography.py exits 1 when a limit is not held (every seed so far: short pages): its
    summary is the bench's figure, not an internal error; exit 2 (an unreadable PDF) is one."""
    import pytest

    tool = tmp_path / "tool.py"
    tool.write_text("import json, sys\n"
                    "json.dump({'summary': {'short_pages': [9]}}, open(sys.argv[3], 'w'))\n"
                    "sys.exit(int(open(sys.argv[1]).read()))\n")
    monkeypatch.setattr(bench, "TYPOGRAPHY", tool)
    pdf = tmp_path / "book.pdf"
    pdf.write_text("1")
    assert bench.composition(pdf) == {"short_pages": [9]}
    pdf.write_text("2")
    with pytest.raises(RuntimeError):
        bench.composition(pdf)


def test_report_prints_each_corpus_text_score():
    scores = [corpus.Score("a-text", 9, 10, 2, 4, 1, 5, True, (), 0.7),
              corpus.Score("b-text", 5, 5, 0, 0, 0, 3, False, ("FAIL roundtrip: …",), 0.8)]
    table = "\n".join(bench.corpus_table(scores))
    assert "| a-text | 9/10 | 2/4 | 1/5 | ok | 0.70 s |" in table
    assert "| b-text | 5/5 | 0/0 | 0/3 | **FAIL** | 0.80 s |" in table
    assert "| **all 2** | **14/15** | 2/4 | 1/8 | 1 ok | 1.50 s |" in table


def test_report_gives_the_readers_growth_on_each_shape(measured):
    """The reader on the shapes that made it quadratic once (tests/test_scale.py reads them whole):
    twice the text, twice the time — the figure the tests' "stays linear" never measured."""
    assert set(bench.SHAPES) == set(bench.SHAPE_REPEATS)
    text = {**measured, "build": 2.0, "peak_mb": 200.0, "s_per_page": 0.2, "render": 2.0}
    report = bench.report(bench.Results(bench.machine(), {"seed": text}, peer=1.0, tagging=(0.5, 1000, bench.MB),
                                        shapes={"long-letter": (0.5, 1.1), "many-headings": (0.5, 2.0)}))
    assert "| reader, long-letter: the text twice as long | 0.50 s → 1.10 s = ×2.2 | ≤ ×2.5 | met |" in report
    assert "| reader, many-headings: the text twice as long | 0.50 s → 2.00 s = ×4.0 | ≤ ×2.5 | **NOT met** |" in report

