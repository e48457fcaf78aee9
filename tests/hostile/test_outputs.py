"""Hostile output folders and input files: a build is all or nothing, follows no trap, and names
the file at fault (issue 12, Deliver 3 and 5).

As in test_hostile_inputs: each case is a small folder written for the test, the build runs in it,
and whatever the output folder held before a refused build is still there byte for byte.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edition import cli, outputs

TEXT = "A Title\n\nLenin met Trotsky in the spring. Lenin spoke first.\n\nA second paragraph.\n"
EARLIER = b"an earlier build's output: must survive a failed build\n"


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of a folder: a file's bytes, or what else it is."""
    return {p.name: p.read_bytes() if p.is_file() and not p.is_symlink() else
            ("link" if p.is_symlink() else "dir") for p in folder.iterdir()}


@pytest.fixture
def case(tmp_path, monkeypatch):
    """Two texts a.txt and b.txt, and an output folder with an earlier build of both in it."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "a.txt", "b.txt", "--out", "out", "--format", "tei"]) == 0
    (tmp_path / "out" / "a.tei.xml").write_bytes(EARLIER)
    return tmp_path


def refused(capsys, args: list[str], place: str, words: str) -> str:
    rc = cli.main(args)
    err = capsys.readouterr().err
    assert rc == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert re.match(place + r": error: \S", err), err
    assert words.lower() in err.lower(), err
    return err


# --- all or nothing (Deliver 3) -------------------------------------------------------------------

@pytest.mark.parametrize("manifest, place, words", [
    ("dir", r"out/manifest\.json", "regular file"),
    (b"{not json", r"out/manifest\.json:1:2", "not a manifest"),
    (b'{"inputs": [], "outputs": {}}\n', r"out/manifest\.json", "not a manifest"),
    (b'["a list"]\n', r"out/manifest\.json", "not a manifest"),
], ids=["directory", "invalid-json", "inputs-a-list", "not-an-object"])
def test_a_bad_manifest_is_refused_before_anything_is_replaced(case, capsys, manifest, place, words):
    target = case / "out" / "manifest.json"
    target.unlink()
    if manifest == "dir":
        target.mkdir()
    else:
        target.write_bytes(manifest)
    before = snapshot(case / "out")
    refused(capsys, ["build", "a.txt", "b.txt", "--out", "out", "--format", "tei"], place, words)
    assert snapshot(case / "out") == before


def test_a_directory_in_the_way_of_an_output(case, capsys):
    """b's TEI cannot be written: a's, written first, must not be replaced either."""
    (case / "out" / "b.tei.xml").unlink()
    (case / "out" / "b.tei.xml").mkdir()
    before = snapshot(case / "out")
    refused(capsys, ["build", "a.txt", "b.txt", "--out", "out", "--format", "tei"], r"out/b\.tei\.xml",
            "directory")
    assert snapshot(case / "out") == before


def test_a_full_disk_mid_build_leaves_the_earlier_edition(case, capsys, monkeypatch):
    """ENOSPC on the second file: the first, already written to its temporary file, is not renamed,
    and no temporary file is left."""
    real_write = outputs.write_all
    calls = []

    def full_after_one(fd, data):
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(fd, data)

    monkeypatch.setattr(outputs, "write_all", full_after_one)
    before = snapshot(case / "out")
    refused(capsys, ["build", "a.txt", "b.txt", "--out", "out", "--format", "tei"], r"out/b\.tei\.xml",
            "no space left on device")
    assert snapshot(case / "out") == before


def _can_mount_tmpfs() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="cannot mount a tmpfs in a user namespace here")
def test_a_really_full_disk(tmp_path):
    """The same on a real full file system: a 256 KB tmpfs holding the earlier build and a filler."""
    long_text = "A Title\n\n" + "".join(f"Paragraph {i}: Lenin met Trotsky.\n\n" for i in range(400))
    (tmp_path / "t.txt").write_text(long_text, encoding="utf-8")  # its TEI does not fit in what is left
    (tmp_path / "mnt").mkdir()
    script = (
        "set -e; mount -t tmpfs -o size=256k tmpfs mnt; mkdir mnt/out; "
        f"{sys.executable} -m edition.cli build t.txt --out mnt/out --format tei >/dev/null; "
        "printf 'earlier' > mnt/out/t.tei.xml; cp mnt/out/manifest.json manifest.before; "
        "head -c $(( $(stat -f -c '%a*%S' mnt) - 16384 )) /dev/zero > mnt/filler 2>/dev/null || true; "
        f"set +e; {sys.executable} -m edition.cli build t.txt --out mnt/out --format tei; echo \"rc=$?\"; "
        "cmp manifest.before mnt/out/manifest.json && cat mnt/out/t.tei.xml && echo && ls -A mnt/out")
    run = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert "rc=2" in run.stdout, run.stdout + run.stderr
    assert re.fullmatch(r"mnt/out/t\.tei\.xml: error: cannot write: No space left on device\n", run.stderr), run.stderr
    assert run.stdout.split("rc=2\n")[1].split() == ["earlier", "manifest.json", "t.tei.xml"], run.stdout


def test_outputs_take_the_umask(tmp_path, monkeypatch):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o027)
    try:
        assert cli.main(["build", "t.txt", "--out", "out", "--format", "tei"]) == 0
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "out").iterdir()}
    assert modes == {"t.tei.xml": 0o640, "manifest.json": 0o640}


def test_the_manifest_does_not_depend_on_the_out_folder(tmp_path, monkeypatch):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1046822400")
    for out in ("out", "deeper/other"):
        assert cli.main(["build", "t.txt", "--out", out, "--format", "tei"]) == 0
    first = (tmp_path / "out" / "manifest.json").read_bytes()
    assert first == (tmp_path / "deeper" / "other" / "manifest.json").read_bytes()
    manifest = json.loads(first)
    assert list(manifest["inputs"]) == ["t.txt"] and list(manifest["outputs"]) == ["t.tei.xml"]
    assert manifest["outputs"]["t.tei.xml"] == hashlib.sha256((tmp_path / "out/t.tei.xml").read_bytes()).hexdigest()


def test_a_manifest_of_an_older_layout_loses_its_stale_keys(case):
    """Keys that carried the --out path (`out/a.tei.xml`) name no file in the folder: dropped."""
    manifest = case / "out" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["outputs"]["out/a.tei.xml"] = "0" * 64
    manifest.write_text(json.dumps(data))
    assert cli.main(["build", "a.txt", "--out", "out", "--format", "tei"]) == 0
    assert list(json.loads(manifest.read_text())["outputs"]) == ["a.tei.xml", "b.tei.xml"]


# --- traps in the output folder -------------------------------------------------------------------

@pytest.mark.parametrize("planted, rc", [(".manifest.json.lock", 0), ("a.tei.xml", 0), ("manifest.json", 2)])
def test_a_planted_symlink_is_never_written_through(case, capsys, planted, rc):
    """A link where the build writes a file is replaced, never followed; one where the manifest
    should be is refused (the manifest is read before it is written)."""
    victim = case / "victim.txt"
    victim.write_bytes(EARLIER)
    link = case / "out" / planted
    link.unlink(missing_ok=True)
    link.symlink_to(victim)
    assert cli.main(["build", "a.txt", "--out", "out", "--format", "tei"]) == rc, capsys.readouterr().err
    assert victim.read_bytes() == EARLIER


# --- inputs (Deliver 5) ---------------------------------------------------------------------------

def test_an_output_that_is_the_input_is_refused(tmp_path, monkeypatch, capsys):
    """`edition build t.tei.xml --out .` would overwrite the hand-edited master TEI."""
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "t.txt", "--out", "master", "--format", "tei"]) == 0
    master = (tmp_path / "master" / "t.tei.xml").read_bytes()
    before = snapshot(tmp_path / "master")
    monkeypatch.chdir(tmp_path / "master")
    refused(capsys, ["build", "t.tei.xml", "--out", ".", "--format", "tei"], r"t\.tei\.xml", "overwrite the input")
    assert snapshot(tmp_path / "master") == before and (tmp_path / "master" / "t.tei.xml").read_bytes() == master


@pytest.mark.parametrize("sources", [["a/t.txt", "b/t.txt"], ["t.txt", "t.tei.xml"]], ids=["two-folders", "txt-tei"])
def test_two_sources_with_one_slug_are_refused(tmp_path, monkeypatch, capsys, sources):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "t.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "t.txt", "--out", "master", "--format", "tei"]) == 0
    shutil.copy(tmp_path / "master" / "t.tei.xml", tmp_path / "t.tei.xml")
    refused(capsys, ["build", *sources, "--out", "out", "--format", "tei"], re.escape(sources[1]), "same edition 't'")
    assert not (tmp_path / "out").exists()


def _run_limited(folder: Path, args: list[str]) -> subprocess.CompletedProcess:
    """The real command, with 1 GiB of memory: a file read whole would fail it, not the machine."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=folder, capture_output=True, text=True,
                          timeout=60, preexec_fn=limit)


@pytest.mark.parametrize("make, words", [
    (lambda path: os.mkfifo(path), "not a regular file (a FIFO)"),
    (lambda path: path.symlink_to("/dev/zero"), "not a regular file (a device)"),
    (lambda path: (path.write_bytes(b""), os.truncate(path, 1 << 36)), "file is 68719476736 bytes; the limit is"),
], ids=["fifo", "dev-zero", "sparse-64-GiB"])
def test_an_input_that_is_not_a_plain_file_is_refused_unread(tmp_path, make, words):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    make(tmp_path / "t.yaml")
    run = _run_limited(tmp_path, ["build", "t.txt", "--out", "out", "--format", "tei"])
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"t.yaml: error: {words}") and len(run.stderr.splitlines()) == 1, run.stderr
    assert not (tmp_path / "out").exists()


def test_a_register_that_is_a_fifo_is_refused(tmp_path):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(tmp_path / "persons.yaml")
    run = _run_limited(tmp_path, ["build", "t.txt", "--out", "out", "--format", "tei"])
    assert run.returncode == 2 and run.stderr.startswith("persons.yaml: error: not a regular file (a FIFO)"), run.stderr


def test_a_path_with_a_line_break_keeps_the_error_on_one_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "a\nb.txt").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    err = refused(capsys, ["build", "a\nb.txt", "--out", "out", "--format", "tei"], r"a\\nb\.txt:1", "empty")
    assert err.count("\n") == 1


def test_format_naming_nothing_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        cli.main(["build", "t.txt", "--out", "out", "--format", ","])
    assert stop.value.code == 2
    assert "--format: no format named" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
