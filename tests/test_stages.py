"""build.STAGES is the one list of the pipeline's stages: `build.render` records the seconds of each
under its name, in the order it runs them, and under no other name; `edition bench` reports those
(issue 11 point 3). The text is fixture-sized, built in every format: the render path in the fast tier."""

from __future__ import annotations

import io
import zipfile

import pypdf

from edition.build import STAGES, Text, render
from edition.fork import can_fork, serial
from edition.outputs import output_names


def test_the_build_records_every_stage_in_order_and_no_other(small_build):
    assert list(small_build.timings) == [key for key, _ in STAGES]


def test_every_output_is_made(small_build):
    names = output_names("letter")
    assert set(small_build.files) == set(names.values())
    assert len(pypdf.PdfReader(io.BytesIO(small_build.files[names["pdf"]])).pages) >= 7
    assert len(pypdf.PdfReader(io.BytesIO(small_build.files[names["booklet"]])).pages) >= 2
    assert zipfile.ZipFile(io.BytesIO(small_build.files[names["epub"]])).testzip() is None


def test_a_tei_source_is_timed_under_the_same_names(small_build, tmp_path):
    """Parsed under "read", validated, its hand edits adopted under "apparatus"."""
    source = tmp_path / "letter.tei.xml"
    source.write_bytes(small_build.files[output_names("letter")["tei"]])
    assert list(render(Text.from_path(source), {"tei"}).timings) == ["read", "validate", "apparatus", "serialise"]


def test_serial_forks_nothing_and_ends_with_its_block():
    before = can_fork()
    with serial():
        assert not can_fork()
        with serial():
            assert not can_fork()
        assert not can_fork()
    assert can_fork() == before


def test_a_stage_timed_inside_another_counts_once(monkeypatch):
    """The body's layout sets its lines: `lines` has those seconds, `body` the rest, so that the
    stages add up to the time they cover (a clock that the test moves, not a real one)."""
    from edition import timing

    now = [0.0]
    monkeypatch.setattr(timing.time, "perf_counter", lambda: now[0])
    times: dict[str, float] = {}
    with timing.timed(times, "body"):
        now[0] += 2
        with timing.timed(times, "lines"):
            now[0] += 3
        now[0] += 1
    with timing.timed(times, "body"):  # laid out again: added
        now[0] += 4
    assert times == {"lines": 3, "body": 7}
