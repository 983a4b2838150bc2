"""Differential testing: the same generated request sequences sent to a target and to a
reference (by default the embedded mock), and their answers compared after normalising what the
contract leaves free.

Sits beside ``suite``, above ``client`` and ``validation``: it may import ``redact``,
``validation`` (rule tags and levels), ``client`` (the bounded client), ``strategies`` and
``schemas``; not the ``mock``, ``report``, ``plugin`` or ``cli`` (those start the mock and
print). The modules, bottom up:

- ``_operations``: the operations of a sequence and the Hypothesis strategy that draws them;
- ``_normalise``: ids mapped by position, timestamps, empty metadata values;
- ``_compare``: the differences between two answers, each with its rule and level;
- ``_runner``: sending the sequences to both sides, shrinking, the result;
- ``_report``: the result as JSON data and as an HTML page.
"""

from ._compare import Difference
from ._generate import operations
from ._operations import Operation
from ._report import diff_report_data, render_diff_html, render_diff_text
from ._runner import (
    DIFF_TIERS,
    DiffResult,
    DiffSettings,
    DiffTier,
    Finding,
    Step,
    play_sequence,
)
from ._search import run_diff

__all__ = [
    "DIFF_TIERS",
    "DiffResult",
    "DiffSettings",
    "DiffTier",
    "Difference",
    "Finding",
    "Operation",
    "Step",
    "diff_report_data",
    "operations",
    "play_sequence",
    "render_diff_html",
    "render_diff_text",
    "run_diff",
]
