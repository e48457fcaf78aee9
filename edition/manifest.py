"""build/manifest.json: every input and output with its sha256, and the versions that made them.

Several `edition build` processes may share one output folder (`make -j2`): the manifest is
merged under a lock, entry by entry, and written atomically. It holds no timestamps, so that a
reproducible build gives a byte-identical manifest too.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import platform
from pathlib import Path

from . import __version__

NAME = "manifest.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tool_versions() -> dict[str, str]:
    import pypandoc
    import weasyprint
    from lxml import etree

    return {"edition": __version__, "pandoc": pypandoc.get_pandoc_version(), "weasyprint": weasyprint.__version__,
            "lxml": ".".join(map(str, etree.LXML_VERSION)), "python": platform.python_version()}


def _key(path: Path, out_dir: Path) -> str:
    """A path as the manifest names it: relative to the project (or the output folder's parent)."""
    base = out_dir.resolve().parent
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def update(out_dir: Path, inputs: list[Path], outputs: list[Path]) -> Path:
    """Merge these inputs and outputs into out_dir/manifest.json."""
    from .build import write_atomic  # the one atomic writer

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / NAME
    with open(out_dir / f".{NAME}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data["tools"] = tool_versions()
        recorded_inputs = data.setdefault("inputs", {})
        for path in inputs:
            recorded_inputs[_key(path, out_dir)] = sha256(path)
        recorded_outputs = data.setdefault("outputs", {})
        for path in outputs:
            recorded_outputs[_key(path, out_dir)] = sha256(path)
        data["inputs"] = dict(sorted(recorded_inputs.items()))
        data["outputs"] = dict(sorted(recorded_outputs.items()))
        write_atomic(target, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return target
