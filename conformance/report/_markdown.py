"""The Markdown summaries, short enough for ``$GITHUB_STEP_SUMMARY`` (GitHub caps it at 1 MiB
per step, and a reader wants one screen): a run's (``run --report-markdown``) and a comparison's
(``report compare --markdown``), plus the comparison's HTML page.

Rendered from the JSON data with the report templates (``templates/*.md.j2``, loaded in
``_templates``). Every list is capped, ending in "and N more" with the JSON report holding the
rest; every value is escaped (a server's text must not become a link, a table cell or markup).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from ..redact import redact
from ..suite import DEADLINE_REASON
from ._templates import template_environment

__all__ = [
    "MAX_LISTED",
    "render_compare_html",
    "render_compare_markdown",
    "render_markdown",
    "write_text_report",
]

#: Items of each list a summary shows before "and N more".
MAX_LISTED: Final = 15
_FINDINGS_PER_CHECK: Final = 2
_FAILING: Final = ("failed", "error")
# What the summary's header shows; a report of an older version may lack any of them.
_RUN_FIELDS: Final = ("verdict", "target", "tier", "seed", "strict", "requests",
                      "duration_seconds", "run_id", "stopped")  # fmt: skip
_BLANK_RUNS: Final = re.compile(r"\n{3,}")


def _capped(items: Sequence[Any], limit: int = MAX_LISTED) -> dict[str, Any]:
    return {"shown": list(items[:limit]), "more": max(0, len(items) - limit)}


def _fenced(text: Any) -> str:
    """``text`` in a fenced code block no backtick run inside it can close."""
    body = redact(str(text or ""))
    fence = "```"
    while fence in body:
        fence += "`"
    return f"{fence}sh\n{body}\n{fence}"


def _coverage_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: dict[str, list[str]] = {}
    for row in report.get("coverage") or []:
        cell = f"{row['status']} x{row['answers']} ({len(row.get('checks') or [])})"
        rows.setdefault(str(row["operation"]), []).append(cell)
    return [{"operation": op, "cells": ", ".join(cells)} for op, cells in rows.items()]


def render_markdown(report: Mapping[str, Any]) -> str:
    """Return the Markdown summary of ``report`` (JSON run report data)."""
    checks = list(report.get("checks") or [])
    failing = []
    for check in checks:
        if check.get("status") in _FAILING:  # the new findings; the known ones are counted
            findings = [f for f in check.get("failures") or [] if not f.get("baseline")]
            known = len(check.get("failures") or []) - len(findings)
            shown = _capped(findings, _FINDINGS_PER_CHECK)
            failing.append({**check, "findings": shown, "known_findings": known})
    unexercised = [
        c
        for c in checks
        if c.get("status") in ("not_exercised", "skipped") or c.get("reason") == DEADLINE_REASON
    ]
    entries = (report.get("baseline") or {}).get("entries") or []
    observed = report.get("observed") or {}
    text = (
        template_environment()
        .get_template("run.md.j2")
        .render(
            report={k: report.get(k) for k in _RUN_FIELDS},
            baseline_path=(report.get("baseline") or {}).get("path"),
            summary=report.get("summary") or {},
            failing=_capped(failing, 10),
            known=_capped([c for c in checks if c.get("status") == "known"]),
            baseline=_capped([e for e in entries if e.get("state") != "known"]),
            baseline_known=sum(1 for e in entries if e.get("state") == "known"),
            unexercised=_capped(unexercised),
            coverage=_capped(_coverage_rows(report), 20),
            observed={k: len(observed.get(k) or []) for k in ("properties", "statuses", "headers")},
            fenced=_fenced,
        )
    )
    return _tidy(text)


def _tidy(text: str) -> str:
    """The rendered Markdown with runs of blank lines (left by empty sections) made one."""
    return redact(_BLANK_RUNS.sub("\n\n", text).strip() + "\n")


def _compare_context(changes: Mapping[str, Any]) -> dict[str, Any]:
    observed = changes.get("observed") or {}
    lists = (
        "new_failures",
        "fixed",
        "newly_not_exercised",
        "changed",
        "levels",
        "added",
        "removed",
        "coverage_gained",
        "coverage_lost",
    )
    context: dict[str, Any] = {name: _capped(changes.get(name) or []) for name in lists}
    for kind in ("properties", "statuses", "headers"):
        rows = sorted(observed.get(kind) or [], key=lambda r: not r.get("new"))
        context[f"observed_{kind}"] = _capped(rows, 25)
    context.update(changes=changes, observed=observed, fenced=_fenced)
    return context


def render_compare_markdown(changes: Mapping[str, Any]) -> str:
    """Return the Markdown summary of ``changes`` (from ``compare_reports``)."""
    template = template_environment().get_template("compare.md.j2")
    return _tidy(template.render(**_compare_context(changes)))


def render_compare_html(changes: Mapping[str, Any]) -> str:
    """Return the HTML page of ``changes`` (from ``compare_reports``); autoescaped."""
    template = template_environment().get_template("compare.html.j2")
    return redact(template.render(**_compare_context(changes)))


def write_text_report(text: str, path: str | Path) -> None:
    """Write a rendered report to ``path`` as UTF-8."""
    Path(path).write_text(text, encoding="utf-8", errors="backslashreplace")
