"""Set-up scripts wait for the dpkg lock instead of failing when another install runs (issue 12, Deliver 7)."""

from __future__ import annotations

import re

from conftest import ROOT


def test_every_apt_get_waits_for_the_dpkg_lock():
    scripts = [ROOT / "Makefile", *sorted((ROOT / "tools").glob("*.sh"))]
    calls = [(path.name, line) for path in scripts for line in path.read_text().splitlines()
             if re.search(r"\bapt-get\b", line) and not line.lstrip().startswith("#")]
    assert calls, "no apt-get found: the test looks in the wrong place"
    for name, line in calls:
        assert "DPkg::Lock::Timeout=" in line or re.search(r"\$apt\b", line), f"{name}: {line.strip()}"
