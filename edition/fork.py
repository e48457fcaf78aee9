"""Work in a forked process that dies with the build.

A forked copy sees this process's memory as it is (a laid-out book cannot be pickled). It must not
outlive the build, whatever ends it: the kernel kills it when its parent dies (PR_SET_PDEATHSIG,
which covers SIGKILL too), it takes SIGTERM and SIGINT the default way, and a parent that no
longer needs it kills it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


_serial = False


def can_fork() -> bool:
    """Whether a second process would run beside this one: two cores, fork, not a daemon, not `serial`."""
    return (not _serial and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


@contextlib.contextmanager
def serial():
    """Nothing is forked inside the block: every stage runs in this process, one after the other
    (`edition bench` times each stage of the build alone so)."""
    global _serial
    before, _serial = _serial, True
    try:
        yield
    finally:
        _serial = before


def die_with_parent(parent: int) -> None:
    """In the child: be killed when the parent dies, and exit now if it already has."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's clean-shutdown handler
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if os.getppid() != parent:
        os._exit(1)


class Forked:
    """function() running in a forked process; call the object to wait for its result."""

    def __init__(self, function) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        parent = os.getpid()

        def child() -> None:
            die_with_parent(parent)
            try:
                result = (True, function())
            except BaseException as exc:  # sent back and raised in the parent
                result = (False, exc)
            send.send(result)

        self._process = context.Process(target=child, daemon=True)
        self._process.start()
        send.close()

    def __call__(self):
        try:
            ok, value = self._receive.recv()
        except EOFError:
            raise RuntimeError(f"a worker process died (exit code {self._process.exitcode})") from None
        finally:
            self._receive.close()
            self._process.join()
        if not ok:
            raise value
        return value

    def kill(self) -> None:
        """Stop it if it still runs (its result is no longer wanted)."""
        if self._process.exitcode is None:
            self._process.kill()
            self._process.join()
        self._receive.close()


def in_fork(function) -> Forked:
    return Forked(function)
