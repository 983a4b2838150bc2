"""The JSON report and the terminal summary of a run. Secrets are masked and text made safe in
both: every string goes through :func:`redact`, so whatever a server sent can be printed and
written as UTF-8."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..redact import redact, redact_data
from ..suite import DEADLINE_REASON, CheckFailure, CheckResult, RunResult

__all__ = [
    "render_coverage",
    "render_findings",
    "render_summary",
    "report_data",
    "write_json_report",
]

_MARKS = {
    "passed": "ok",
    "failed": "FAIL",
    "error": "ERROR",
    "warned": "warn",
    "noted": "note",
    "not_exercised": "none",
    "skipped": "skip",
    # A failure the baseline lists (report/_baseline.py): shown, but not failing the run.
    "known": "known",
}
# A check the deadline cut is skipped, but shown apart: it is why a run exits 1.
_CUT_MARK = "cut"
_SHOWN_FINDINGS = 3
# The order of the summary's counts.
_COUNTED = ("passed", "failed", "error", "known", "warned", "noted", "not_exercised", "skipped")


def _check_data(result: CheckResult) -> dict[str, Any]:
    check = result.check
    return {
        "id": check.id,
        "title": check.title,
        # The verdict's level (gravest finding, else declared): what every report shows.
        "level": result.level.value,
        "declared_level": check.level.value,
        "family": check.family,
        "kind": check.kind,
        "clause": check.clause,
        "status": result.status,
        "duration_seconds": round(result.duration, 3),
        "occurrences": result.occurrences,
        "reason": result.reason,
        "judged": sum(result.evidence.values()),
        "evidence": [
            {"operation": op, "status": status, "answers": n}
            for (op, status), n in sorted(result.evidence.items())
        ],
        "failures": [f.to_dict() for f in result.findings],
    }


def report_data(result: RunResult) -> dict[str, Any]:
    """Return the JSON report of ``result`` as plain data."""
    settings = result.settings
    data = {
        "run_id": settings.run_id,
        "target": result.target,
        "key": result.masked_key,
        "tier": settings.tier.name,
        "seed": settings.seed,
        "strict": settings.strict,
        "allow_live": settings.allow_live,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "duration_seconds": round(result.duration, 3),
        "requests": result.requests,
        "verdict": "fail" if result.exit_code else "pass",
        "notices": result.notices,
        "stopped": result.stopped,
        "max_duration_seconds": result.max_duration,
        "summary": {**result.counts(), "not_run_deadline": result.cut},
        "checks": [_check_data(r) for r in result.results],
        "coverage": result.coverage(),
    }
    # One last pass over every string of the document: nothing key-shaped leaves the process.
    cleaned: dict[str, Any] = redact_data(data)
    return cleaned


def write_json_report(report: dict[str, Any], path: str | Path) -> None:
    """Write ``report`` (from :func:`report_data`) to ``path`` as JSON."""
    text = json.dumps(report, ensure_ascii=False, indent=2)
    # backslashreplace: a report handed in without going through report_data still gets written.
    Path(path).write_text(text + "\n", encoding="utf-8", errors="backslashreplace")


def render_findings(
    result: RunResult, *, known: Callable[[CheckFailure], bool] | None = None
) -> str:
    """Return the findings of failing and warning checks, a few per check; ``known`` tells
    the findings a baseline lists, left out (the JSON report has them, marked)."""
    blocks = []
    for each in result.results:
        if each.status not in ("failed", "error", "warned"):
            continue
        shown = [f for f in each.findings if known is None or not known(f)]
        for finding in shown[:_SHOWN_FINDINGS]:
            blocks.append(str(finding))
        hidden = len(shown) - _SHOWN_FINDINGS
        if hidden > 0:
            blocks.append(f"[{each.check.id}] … and {hidden} more finding(s) in the JSON report")
    return redact("\n\n".join(blocks))


def render_coverage(result: RunResult) -> list[str]:
    """Return the compact coverage table: per operation, each status with its answers seen and
    how many checks judged them, e.g. ``createCustomer  200 x4 (12 checks), 400 x2 (3)``."""
    rows: dict[str, list[str]] = {}
    for row in result.coverage():
        rows.setdefault(row["operation"], []).append(
            f"{row['status']} x{row['answers']} ({len(row['checks'])})"
        )
    if not rows:
        return []
    width = max(len(op) for op in rows)
    lines = ["coverage (operation: status x answers (checks that judged them))"]
    lines += [f"  {op:<{width}}  {', '.join(cells)}" for op, cells in rows.items()]
    return lines


def _status_in(result: RunResult, check_id: str) -> str | None:
    """The suite's status of check ``check_id`` in ``result``, or None when it did not run."""
    return next((r.status for r in result.results if r.check.id == check_id), None)


def _isolation_note(result: RunResult) -> list[str]:
    """First of all: isolation judged nothing without a second account's key (a run that leaks
    across accounts would otherwise look clean)."""
    unjudged = [
        r.check.id
        for r in result.results
        if r.check.family == "isolation" and r.status == "not_exercised"
    ]
    if not unjudged:
        return []
    return [
        f"NOTE account isolation was not exercised ({', '.join(unjudged)}): it needs a second "
        "account's key (--second-api-key)",
        "",
    ]


def render_summary(
    result: RunResult, *, quiet: bool = False, statuses: Mapping[str, str] | None = None
) -> str:
    """Return the terminal table: one line per check, the coverage, then the counts; ``quiet``
    gives the counts alone. ``statuses`` (check id -> status) overrides a check's status: the
    report's, after a baseline made some failures ``known``."""
    overlay = statuses or {}
    lines = _isolation_note(result)
    if not quiet:
        lines.append(f"{'status':<6} {'check':<14} {'level':<6} {'found':>5}  title")
    for each in () if quiet else result.results:
        found = str(len(each.findings)) if each.findings else ""
        shown = each.status in ("skipped", "not_exercised") and each.reason
        label = "not exercised: " if each.status == "not_exercised" else ""
        note = f"  ({label}{each.reason})" if shown else ""
        status = overlay.get(each.check.id, each.status)
        mark = _CUT_MARK if each.reason == DEADLINE_REASON else _MARKS[status]
        lines.append(
            f"{mark:<6} {each.check.id:<14} {each.level.value:<6} "
            f"{found:>5}  {each.check.title}{note}"
        )
    counts = result.counts()
    for check_id, status in overlay.items():  # counted as the report counts them
        if (known := _status_in(result, check_id)) is not None and known != status:
            counts[known] -= 1
            counts[status] = counts.get(status, 0) + 1
    parts = [f"{counts[s]} {s.replace('_', ' ')}" for s in _COUNTED if counts.get(s)]
    if not quiet:
        lines += ["", *render_coverage(result), ""]
    lines.append(
        f"{', '.join(parts)} in {result.duration:.1f} s, {result.requests} requests "
        f"(tier {result.settings.tier.name}, seed {result.settings.seed}"
        f"{', strict' if result.settings.strict else ''})"
    )
    if result.cut:
        lines.append(
            f"{result.cut} check(s) {DEADLINE_REASON}: the run's limit of "
            f"{result.max_duration:g} s (--max-duration) was reached"
        )
    if result.throttle_note:
        lines.append(result.throttle_note)
    return redact("\n".join(lines))
