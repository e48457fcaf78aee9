"""The official TEI P5 grammar (tei_all.rng) in a process of its own.

libxml2 takes about 11 s of CPU to compile tei_all, holding the GIL: in the test process that is a
fifth of the fast tier. Compiled in a worker started with the session, it takes the second core
while the first runs the other tests (conftest.py puts the modules that validate against it last).
`TeiAll` answers as lxml's RelaxNG does: `validate(tree)` → bool, then `error_log`. The worker is
given the tree serialised, which is what RelaxNG validates (the infoset), and what a file holds.

Run as a script: the worker (a length-prefixed document in on stdin, one JSON line out on stdout).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

LENGTH = struct.Struct(">Q")


@dataclass(frozen=True)
class Entry:
    """One message of the error log, as lxml gives it."""
    line: int
    message: str
    text: str

    def __str__(self) -> str:
        return self.text


class ErrorLog(list):
    def __str__(self) -> str:
        return "\n".join(map(str, self))


class TeiAll:
    """A worker compiling the grammar at `path` as soon as it is made."""

    def __init__(self, path: Path):
        self.path = path
        self.process = subprocess.Popen([sys.executable, __file__, str(path)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.error_log = ErrorLog()

    def validate(self, tree) -> bool:
        data = etree.tostring(tree, with_tail=False)
        try:
            self.process.stdin.write(LENGTH.pack(len(data)) + data)
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        except BrokenPipeError:
            answer = b""
        if not answer:
            raise RuntimeError(f"the tei_all worker stopped: {self.process.stderr.read().decode(errors='replace')[-2000:]}")
        reply = json.loads(answer)
        self.error_log = ErrorLog(Entry(*e) for e in reply["errors"])
        return reply["valid"]

    def close(self) -> None:
        """Stop the worker, compiling or waiting (it holds nothing to keep)."""
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            pipe.close()


def serve(path: str) -> None:
    grammar = etree.RelaxNG(etree.parse(path))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while header := stdin.read(LENGTH.size):
        data = stdin.read(LENGTH.unpack(header)[0])
        valid = grammar.validate(etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                                        huge_tree=True)))
        errors = [(e.line, e.message, str(e)) for e in grammar.error_log]
        stdout.write(json.dumps({"valid": valid, "errors": errors}).encode() + b"\n")
        stdout.flush()


if __name__ == "__main__":
    serve(sys.argv[1])
