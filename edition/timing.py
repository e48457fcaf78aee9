"""Seconds spent per named stage, added up into a dict (the build records them; `edition bench` reports them)."""

from __future__ import annotations

import contextlib
import threading
import time

#: per thread, the seconds of the stages timed inside each stage being timed (innermost last)
_inner = threading.local()


@contextlib.contextmanager
def timed(timings: dict[str, float], key: str):
    """Add the time spent in the block to timings[key] — less what stages timed inside it took, which
    are theirs (the body's layout sets its lines: `lines` and `body` are apart), so that the stages'
    seconds add up to no more than the time they cover."""
    stack = _inner.__dict__.setdefault("stack", [])
    start = time.perf_counter()
    stack.append(0.0)
    try:
        yield
    finally:
        nested = stack.pop()
        spent = time.perf_counter() - start
        timings[key] = timings.get(key, 0.0) + spent - nested
        if stack:
            stack[-1] += spent
