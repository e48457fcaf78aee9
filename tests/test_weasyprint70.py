"""render/weasyprint70.py: every patch to WeasyPrint 70 and pydyf is in effect, and no other
WeasyPrint is accepted (a patch that silently stopped applying would only show as a worse book)."""

from __future__ import annotations

import gc

import pydyf
import pytest
from weasyprint.layout import block

from edition.render import weasyprint70


@pytest.fixture(scope="module", autouse=True)
def applied():
    weasyprint70.apply()


def test_notes_stay_with_their_calls():
    """WeasyPrint's line layout is the patched one: it calls this module's helpers."""
    assert weasyprint70.keep_notes_with_calls() is True
    names = block._linebox_layout.__code__.co_names
    assert "_movable_note_part" in names and "_report_before" in names
    assert block._movable_note_part is weasyprint70._movable_note_part
    assert block._report_before is weasyprint70._report_before


def test_page_references_are_built_once_per_page_count():
    assert weasyprint70.page_references_once() is True
    assert pydyf.PDF.page_references.fget.__module__ == weasyprint70.__name__
    pdf = pydyf.PDF()
    first = pdf.page_references
    assert pdf.page_references is first  # the same tuple, not a new one per use


def test_the_collector_runs_less_often():
    assert gc.get_threshold()[0] == 50_000


def test_weasyprint_is_quiet_below_errors():
    import logging
    weasyprint70.quiet_weasyprint()
    assert logging.getLogger("weasyprint").level == logging.ERROR


@pytest.mark.parametrize("version", ["69.0", "71.0", "7.0"])
def test_any_other_major_version_is_refused(version):
    with pytest.raises(RuntimeError, match=f"WeasyPrint 70.x, found {version}"):
        weasyprint70.check_version(version)
    weasyprint70.check_version("70.2")
