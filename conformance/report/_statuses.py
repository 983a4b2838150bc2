"""The statuses a check has in a report: the suite's seven, and ``known``, which only a report
has (a failure its baseline lists: see :mod:`._baseline`; it does not fail the run)."""

from __future__ import annotations

from typing import Final

__all__ = ["REPORT_STATUSES"]

REPORT_STATUSES: Final = (
    "passed",
    "failed",
    "error",
    "warned",
    "noted",
    "not_exercised",
    "skipped",
    "known",
)
