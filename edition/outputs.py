"""The outputs of a build: their names, all-or-nothing writing, and build/manifest.json.

Every output of a build and the new manifest are first written to temporary files beside their
targets; only when all of them are written are they renamed over the old ones. A failure before
that (a full disk, a directory in the way, a manifest that is not one) removes the temporary files
and leaves the folder exactly as it was, reported as `out/<file>: error: …`.

Several `edition build` processes may share one folder (`make -j2`): they take turns under a lock
on the folder itself — not on a lock file, which a planted symlink could redirect — and merge the
manifest entry by entry. The manifest holds no timestamps and no --out path, so reproducible
builds into any two folders give byte-identical manifests.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import platform
import signal
import stat
import tempfile
import threading
from pathlib import Path

from . import __version__
from .errors import InputError
from .source import MAX_SOURCE_BYTES, read_bytes

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def output_names(slug: str) -> dict[str, str]:
    """File names of every output (DESIGN §5), by variant."""
    return {"tei": f"{slug}.tei.xml", "pdf": f"{slug}.pdf", "print": f"{slug}-print.pdf",
            "booklet": f"{slug}-booklet.pdf", "archival": f"{slug}-archival.pdf", "epub": f"{slug}.epub"}


def names_for(slug: str, formats: set[str]) -> list[str]:
    """The files a build of these formats writes for one text (the PDF format makes four)."""
    variants = {"tei": ["tei"], "pdf": ["pdf", "print", "booklet", "archival"], "epub": ["epub"]}
    names = output_names(slug)
    return [names[v] for fmt in ("tei", "pdf", "epub") if fmt in formats for v in variants[fmt]]


def refuse_overwriting_inputs(out_dir: Path, names: list[str], inputs: list[Path]) -> None:
    """An output that is one of the inputs (`edition build t.tei.xml --out .`) would destroy it."""
    for name in [*names, MANIFEST]:
        target = out_dir / name
        for source in inputs:
            with contextlib.suppress(OSError):
                if os.path.samefile(target, source):
                    raise InputError(target, None, None,
                                     f"this output would overwrite the input {source} — choose another --out")


def write_outputs(out_dir: Path, files: dict[str, bytes], inputs: list[Path]) -> list[Path]:
    """Write these files into out_dir and record them and the inputs in its manifest, all or nothing."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        folder = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:  # --out names a file, or a folder we may not write in
        raise InputError(out_dir, None, None, f"cannot write the outputs here: {exc.strerror}") from None
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        everything = {**files, MANIFEST: manifest_bytes(out_dir, files, inputs)}
        sweep_partial_files(out_dir, list(everything))
        staged: dict[str, str] = {}
        try:
            for name, data in everything.items():
                staged[name] = stage(out_dir / name, data)
            with signals_held():
                for name, tmp in staged.items():  # the manifest last
                    os.replace(tmp, out_dir / name)
        except OSError as exc:
            raise InputError(out_dir / name, None, None, f"cannot write: {exc.strerror}") from None
        finally:
            for tmp in staged.values():
                Path(tmp).unlink(missing_ok=True)
    finally:
        os.close(folder)
    return [out_dir / name for name in files]


def stage(target: Path, data: bytes) -> str:
    """Write data to a new temporary file beside target; return its name. Never follows a link:
    the name is new (O_EXCL), and the rename replaces a link at target rather than its file."""
    if target.is_dir() and not target.is_symlink():
        raise InputError(target, None, None, "a directory is in the way of this output — remove it")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp's 0600 is for secrets, not for books
        write_all(fd, data)
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def signals_held():
    """SIGINT and SIGTERM wait until the renames are done: stopped between two, a build would leave
    a mixed edition. (SIGKILL cannot wait; the window is a few system calls.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: caught.append(number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:
            signal.raise_signal(caught[0])


def sweep_partial_files(out_dir: Path, names: list[str]) -> None:
    """Remove the temporary files a killed build left beside these targets — only these: under the
    folder's lock no other build is writing them."""
    for name in names:
        for stale in out_dir.glob(f".{glob.escape(name)}.*.part"):
            stale.unlink(missing_ok=True)


# --- the manifest ----------------------------------------------------------------------------

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tool_versions() -> dict[str, str]:
    import pypandoc
    import weasyprint
    from lxml import etree

    return {"edition": __version__, "pandoc": pypandoc.get_pandoc_version(), "weasyprint": weasyprint.__version__,
            "lxml": ".".join(map(str, etree.LXML_VERSION)), "python": platform.python_version()}


def input_key(path: Path) -> str:
    """An input as the manifest names it: relative to the working folder (the project), so that the
    key does not depend on --out; absolute when it lies elsewhere."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def read_manifest(out_dir: Path) -> dict:
    """The folder's manifest as it is; none yet is an empty one, anything else than ours an error."""
    path = out_dir / MANIFEST
    if not os.path.lexists(path):
        return {}
    if path.is_symlink():  # planted: the build writes this file, it never follows a link to it
        raise InputError(path, None, None, "is a symbolic link, not a manifest — remove it and build again")
    text = read_bytes(path, MAX_MANIFEST_BYTES).decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(path, line, getattr(exc, "colno", None) if line else None,
                         "not a manifest (invalid JSON) — remove it and build again") from None
    sections_ok = isinstance(data, dict) and all(
        isinstance(data.get(key, {}), dict) and all(isinstance(v, str) for v in data.get(key, {}).values())
        for key in ("inputs", "outputs"))
    if not sections_ok:
        raise InputError(path, None, None, "not a manifest edition wrote — remove it and build again")
    return data


def manifest_bytes(out_dir: Path, files: dict[str, bytes], inputs: list[Path]) -> bytes:
    """The folder's manifest with these outputs (keyed by their name in the folder) and inputs merged in.
    An output the folder no longer holds (or a key of an older layout) is dropped."""
    data = read_manifest(out_dir)
    data["tools"] = tool_versions()
    recorded_inputs = dict(data.get("inputs", {}))
    for path in inputs:
        recorded_inputs[input_key(path)] = sha256(read_bytes(path, MAX_SOURCE_BYTES))
    recorded_outputs = {key: value for key, value in data.get("outputs", {}).items()
                        if "/" not in key and stat.S_ISREG(_mode(out_dir / key))}
    recorded_outputs.update({name: sha256(content) for name, content in files.items()})
    data["inputs"] = dict(sorted(recorded_inputs.items()))
    data["outputs"] = dict(sorted(recorded_outputs.items()))
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _mode(path: Path) -> int:
    try:
        return path.lstat().st_mode
    except OSError:
        return 0
