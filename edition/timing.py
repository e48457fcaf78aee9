"""Seconds spent per named stage, added up into a dict (the build records them; `edition bench` reports them)."""

from __future__ import annotations

import contextlib
import time


@contextlib.contextmanager
def timed(timings: dict[str, float], key: str):
    """Add the time spent in the block to timings[key]."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - start
