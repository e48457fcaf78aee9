"""The public corpus (../shared/corpus): each text built to TEI and scored as a user would do it.

One function for `tests/test_corpus.py` (the score may only go up) and `edition bench` (the scores
printed), so that both measure the same thing: the text alone in an empty folder (no YAML, no
registers), `edition build --format tei` run as a command, then the corpus's own scorer
`../shared/tools/check_expect.py` with the diplomatic round trip.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CORPUS = SHARED / "corpus"
SCORER = SHARED / "tools" / "check_expect.py"
#: the installed command (the venv's console script), which the scorer also runs for the round trip
EDITION = Path(sys.executable).with_name("edition")
SCORE_LINE = re.compile(r"SCORE (?P<name>\S+): firm (?P<firm>\d+)/(?P<of>\d+), soft (?P<soft>\d+)/(?P<soft_of>\d+), "
                        r"persons (?P<persons>\d+)/(?P<persons_of>\d+), roundtrip (?P<roundtrip>\w+)")


@dataclass(frozen=True)
class Score:
    name: str
    firm: int
    of: int
    soft: int
    soft_of: int
    persons: int
    persons_of: int
    roundtrip: bool
    failures: tuple[str, ...]  # the scorer's FAIL and WARN lines
    seconds: float  # the TEI build alone


def texts(corpus: Path = CORPUS) -> list[Path]:
    """The corpus's texts: every .txt that has an .expect.yaml beside it."""
    return sorted(p for p in corpus.glob("*.txt") if p.with_suffix(".expect.yaml").exists())


def score(source: Path, scorer: Path = SCORER, edition: Path = EDITION) -> Score:
    """Build `source` to TEI from an empty folder with the CLI and score it against its expect file."""
    with tempfile.TemporaryDirectory(prefix="edition-corpus-") as tmp:
        folder = Path(tmp)
        text = folder / source.name
        shutil.copyfile(source, text)
        start = time.perf_counter()
        built = subprocess.run([str(edition), "build", str(text), "--out", str(folder / "out"), "--format", "tei"],
                               capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if built.returncode:
            raise RuntimeError(f"edition build {source.name} failed ({built.returncode}): {built.stderr[-2000:]}")
        scored = subprocess.run([sys.executable, str(scorer), str(source.with_suffix(".expect.yaml")),
                                 str(folder / "out" / f"{source.stem}.tei.xml"), "--source", str(text),
                                 "--edition", shlex.quote(str(edition))], capture_output=True, text=True)
    lines = scored.stdout.strip().splitlines()
    found = SCORE_LINE.fullmatch(lines[-1].strip()) if lines else None
    if not found:
        raise RuntimeError(f"{scorer.name} gave no SCORE line for {source.name}: {(scored.stdout + scored.stderr)[-2000:]}")
    numbers = {k: int(v) for k, v in found.groupdict().items() if v.isdigit()}
    return Score(name=found["name"], roundtrip=found["roundtrip"] == "ok", seconds=seconds,
                 failures=tuple(line for line in lines if line.startswith(("FAIL", "WARN"))), **numbers)
