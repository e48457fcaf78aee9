"""Reading a source file: bytes → checked text, with what decoding drops recorded.

The reader works on `Source.text` (newlines normalised to LF, no BOM). What was normalised is
kept on the Source so that the diplomatic text can restore the bytes exactly.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

#: Characters XML 1.0 cannot hold (C0 controls but tab/LF/CR, and the two non-characters).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

MAX_SOURCE_BYTES = 64 * 1024 * 1024


@dataclass
class Source:
    path: Path
    text: str
    bom: bool = False
    crlf: bool = False
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset into `text`."""
        return bisect.bisect_right(self._line_starts, offset)

    def col_of(self, offset: int) -> int:
        """1-based column of a character offset into `text`."""
        return offset - self._line_starts[self.line_of(offset) - 1] + 1

    def error(self, offset: int, message: str) -> InputError:
        return InputError(self.path, self.line_of(offset), self.col_of(offset), message)


def read_bytes(path: Path, limit: int) -> bytes:
    """A regular file's bytes, never more than `limit` read: a FIFO (which would hang), a device
    (`/dev/zero`), a folder or a file over the limit (a sparse one included) is a located error."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(path, None, None, f"cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, None, None, f"not a regular file ({_kind(info.st_mode)}) — name a text file")
        if info.st_size > limit:
            raise InputError(path, None, None, f"file is {info.st_size} bytes; the limit is {limit}")
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise InputError(path, None, None, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read
        raise InputError(path, None, None, f"file is more than {limit} bytes; the limit is {limit}")
    return data


def _read_at_most(fd: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a file")


def check_size(path: Path, data: bytes, limit: int) -> None:
    if len(data) > limit:
        raise InputError(path, None, None, f"file is {len(data)} bytes; the limit is {limit}")


def decode_utf8(path: Path, data: bytes) -> str:
    """UTF-8 bytes as text; a bad byte is reported at its line, column and offset."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(path, line, col,
                         f"not UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start} — "
                         "save the file as UTF-8") from None


def decode(path: Path, data: bytes) -> Source:
    """Check and decode UTF-8 bytes; every refusal names the place."""
    check_size(path, data, MAX_SOURCE_BYTES)
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(path, 1, None, "file is empty — nothing to edit")
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):  # before UTF-16: FF FE begins both
        raise InputError(path, 1, 1, "the file is UTF-32 — save it as UTF-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(path, 1, 1, "the file is UTF-16 — save it as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(path, line, None, f"binary data (NUL byte at byte offset {nul}) — expected UTF-8 text")
    text = decode_utf8(path, data)
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    crlf = False
    if "\r" in text:
        lone = re.search(r"\r(?!\n)|(?<!\r)\n", text)
        if text.count("\r\n") and lone is None:
            crlf = True
            text = text.replace("\r\n", "\n")
        else:
            pos = lone.start() if lone else text.index("\r")
            src = Source(path, text.replace("\r\n", "\n"))
            raise InputError(path, src.line_of(min(pos, len(src.text) - 1)), None,
                             "mixed line endings (CR, LF, CRLF) — use one convention throughout")
    source = Source(path, text, bom=bom, crlf=crlf)
    bad = XML_ILLEGAL.search(text)
    if bad:
        raise source.error(bad.start(), f"control character U+{ord(bad.group()):04X} cannot be kept in XML — remove it")
    return source


def read_source(path: str | Path) -> Source:
    path = Path(path)
    return decode(path, read_bytes(path, MAX_SOURCE_BYTES))


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH (reproducible builds) as a UTC moment; None when it is not set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise InputError("SOURCE_DATE_EPOCH", None, None,
                         f"{epoch!r} is not a Unix timestamp — set it to whole seconds") from None
