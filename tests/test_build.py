"""The whole build: atomic outputs (a build killed at any moment), reproducibility, the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from edition.build import output_names

from conftest import ROOT, SEED

SLUG = "stalin-50-years"
OUTPUTS = list(output_names(SLUG).values())
EDITION = [sys.executable, "-m", "edition.cli"]


def run_build(out: Path, epoch: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.Popen([*EDITION, "build", str(SEED), "--out", str(out)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in OUTPUTS + ["manifest.json"]}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    """Two clean builds of every output with the same SOURCE_DATE_EPOCH, in different folders (the
    tests on them build the seed whole about ten times between them: the slow tier)."""
    folders = []
    for name in ("a", "b"):
        out = tmp_path_factory.mktemp(name) / "build"
        proc = run_build(out, "1046822400")
        assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
        folders.append(out)
    return folders[0], folders[1]


@pytest.mark.slow
def test_reproducible_byte_for_byte(two_builds):
    a, b = two_builds
    assert sorted(p.name for p in a.iterdir() if not p.name.startswith(".")) == sorted(OUTPUTS + ["manifest.json"])
    assert digests(a) == digests(b)


@pytest.mark.slow
def test_manifest_lists_inputs_outputs_and_versions(two_builds):
    a, _ = two_builds
    manifest = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    assert {"edition", "pandoc", "weasyprint"} <= set(manifest["tools"])
    outputs = {Path(k).name: v for k, v in manifest["outputs"].items()}
    assert outputs == {name: hashlib.sha256((a / name).read_bytes()).hexdigest() for name in OUTPUTS}
    inputs = {Path(k).name: v for k, v in manifest["inputs"].items()}
    for name in ("stalin-50-years.txt", "stalin-50-years.yaml", "persons.yaml", "places.yaml", "works.yaml",
                 "edition.yaml"):
        assert inputs[name] == hashlib.sha256((SEED.parent / name).read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_killed_build_leaves_the_earlier_outputs_intact(two_builds, tmp_path):
    """Kill a rebuild (other date, so other bytes) at several moments, mid-PDF among them: each
    output is always either the old file or the new one, whole; never a mix, never missing."""
    old, _ = two_builds
    out = tmp_path / "build"
    shutil.copytree(old, out)
    before = digests(out)
    new_out = tmp_path / "new"
    assert run_build(new_out, "1700000000").wait(timeout=300) == 0
    after = digests(new_out)
    assert all(before[n] != after[n] for n in OUTPUTS), "the two dates must give different bytes"
    killed_while_running = 0
    for delay in (0.3, 1.0, 2.0, 3.0, 4.5, 6.0):
        proc = run_build(out, "1700000000", start_new_session=True)
        time.sleep(delay)
        if proc.poll() is None:
            killed_while_running += 1
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = {n: hashlib.sha256((out / n).read_bytes()).hexdigest() for n in OUTPUTS}
        assert all(now[n] in (before[n], after[n]) for n in OUTPUTS), delay
        shutil.rmtree(out)
        shutil.copytree(old, out)
    assert killed_while_running >= 3, "the build finished before it could be killed"
    # a later build sweeps the temporary files a killed one left behind
    (out / f".{OUTPUTS[1]}.x.part").write_bytes(b"partial")
    assert run_build(out, "1700000000").wait(timeout=300) == 0
    assert not list(out.glob(".*.part"))
    assert digests(out) == {**after, "manifest.json": digests(out)["manifest.json"]}


def test_a_refused_url_is_a_located_error(monkeypatch, capsys, tmp_path):
    """The print fetcher refuses anything beyond styles/ and the fonts; the build says which URL."""
    from weasyprint.urls import FatalURLFetchingError

    import edition.render.pdf as pdfmod
    from edition.render import typeset
    from edition.cli import main

    def refuse(*args, **kwargs):
        raise FatalURLFetchingError("edition: refusing to fetch http://example.org/x.css: not ours")

    monkeypatch.setattr(pdfmod, "render_pdfs", refuse)
    assert main(["build", str(SEED), "--out", str(tmp_path), "--format", "pdf"]) == 2
    assert capsys.readouterr().err.strip() == \
        f"{typeset.CSS_PATH}: error: refusing to fetch http://example.org/x.css: not ours"
    assert not any(tmp_path.iterdir())


def test_a_build_sweeps_only_its_own_leftovers(tmp_path):
    """Leftovers of a killed build of the same target go; another build's work in progress
    (make -j2 writes the PDFs and the EPUB into one folder at once) is left alone."""
    from edition.build import build

    mine = tmp_path / f".{SLUG}.tei.xml.abc123.part"
    theirs = tmp_path / f".{SLUG}.epub.def456.part"
    for stale in (mine, theirs):
        stale.write_bytes(b"partial")
    build([SEED], tmp_path, {"tei"})
    assert not mine.exists() and theirs.exists()


def forked_workers(pid: int) -> list[int]:
    """The processes pid forked (same command line as pid), not the programs it runs (pandoc)."""
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid and (stat.parent / "cmdline").read_bytes() == cmdline:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_build_takes_its_workers_with_it(two_builds, tmp_path, sig):
    """Killed while its forked EPUB worker runs, the build leaves no process behind; a SIGTERM is
    a clean shutdown: exit 128+15, no traceback, the earlier outputs and manifest untouched."""
    old, _ = two_builds
    out = tmp_path / "build"
    shutil.copytree(old, out)
    before = digests(out)
    log = tmp_path / "stderr"  # not a pipe: a surviving worker would hold it open
    with open(log, "wb") as stderr:
        proc = subprocess.Popen([*EDITION, "build", str(SEED), "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=stderr, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    deadline = time.monotonic() + 60
    while not (workers := forked_workers(proc.pid)):
        assert proc.poll() is None and time.monotonic() < deadline, "no worker was forked"
        time.sleep(0.02)
    proc.send_signal(sig)
    rc = proc.wait(timeout=60)
    err = log.read_text()
    deadline = time.monotonic() + 5
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in workers if running(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)  # the test's own mess: not left on the machine
    assert not survivors, "a worker outlived the build"
    assert digests(out) == before
    if sig == signal.SIGTERM:
        assert rc == 128 + signal.SIGTERM and err == "", err
        assert not list(out.glob(".*.part"))


def test_strict_makes_a_guess_an_error_and_writes_nothing(tmp_path, capsys):
    from edition import cli
    from edition.errors import REPORTER
    source = tmp_path / "t.txt"
    source.write_text("Title\n\nIntro.\n\nWhat Now?\n\nText.\n", encoding="utf-8")
    try:
        assert cli.main(["--strict", "build", str(source), "--out", str(tmp_path / "out"), "--format", "tei"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"{source}:5: error: treated as a heading: 'What Now?' (--strict: confirm or correct it in the YAML)"]
        assert not (tmp_path / "out").exists()
        (tmp_path / "t.yaml").write_text("structure:\n  headings: [\"What Now?\"]\n", encoding="utf-8")
        assert cli.main(["--strict", "build", str(source), "--out", str(tmp_path / "out"), "--format", "tei"]) == 0
    finally:
        REPORTER.strict = False
