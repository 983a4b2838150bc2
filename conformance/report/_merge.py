"""Merging the JSON reports of one run's parts (``run --shard I/N``, pytest-xdist workers) into
the report of the whole run.

A scenario check runs in one part: it is taken from there (an entry "skipped", reason "not run",
yields to a part that ran the check), and one present in two parts must be the same entry in
both (the same file merged twice), else the parts are not of one run. A
response check runs in every part and judges that part's answers, so its entries are combined:
findings joined (each once, at most :data:`MAX_FINDINGS` as in a run), evidence and occurrences
added, and the worst status kept (a pass anywhere beats "not exercised" elsewhere). The summary,
the coverage table and the verdict are then computed again over the merged checks; the run's
duration is the longest part's (parts run side by side), its requests the sum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..errors import LotusPayContractError
from ..redact import redact_data
from ..suite import DEADLINE_REASON, all_checks
from ._statuses import REPORT_STATUSES

__all__ = ["MAX_FINDINGS", "MergeError", "merge_reports", "report_exit_code"]

#: Findings kept per check, as a run keeps them.
MAX_FINDINGS: Final = 20
# For a response check, the status of the merged entry: the first of these any part has.
_WORST_FIRST: Final = (
    "failed",
    "error",
    "known",
    "warned",
    "noted",
    "passed",
    "not_exercised",
    "skipped",
)
# What every part must agree on: a merged report is one run, at one tier, from one seed.
_SAME_RUN: Final = ("tier", "seed", "strict")
# The reason a part gives a check it never started (another part, e.g. an xdist worker, ran it).
_NOT_RUN: Final = "not run"


class MergeError(LotusPayContractError, ValueError):
    """The reports cannot be merged: one is not a run report, they are of different runs, a
    shard is missing or given twice, or a check differs between two of them."""


def _checks(report: Any, number: int) -> list[Mapping[str, Any]]:
    if not isinstance(report, Mapping) or not isinstance(report.get("checks"), list):
        raise MergeError(f"report {number} is not a run report (a JSON object with a checks list)")
    checks: list[Mapping[str, Any]] = report["checks"]
    for check in checks:
        if not isinstance(check, Mapping) or not isinstance(check.get("id"), str):
            raise MergeError(f"report {number} has a check without an id")
        if check.get("status") not in REPORT_STATUSES:
            raise MergeError(f"report {number}: check {check['id']} has no known status")
    return checks


def _check_shards(reports: Sequence[Mapping[str, Any]]) -> None:
    shards = [r.get("shard") for r in reports]
    if not any(shards):
        return
    if not all(isinstance(s, Mapping) for s in shards):
        raise MergeError("some reports are shards (run --shard) and some are not")
    counts = {s["count"] for s in shards if isinstance(s, Mapping)}
    if len(counts) != 1:
        raise MergeError(f"the shards are of different splits: N is {sorted(counts)}")
    count = counts.pop()
    indices = [s["index"] for s in shards if isinstance(s, Mapping)]
    twice = sorted({i for i in indices if indices.count(i) > 1})
    missing = [i for i in range(1, count + 1) if i not in indices]
    if twice:
        raise MergeError(f"shard {', '.join(f'{i}/{count}' for i in twice)} is given twice")
    if missing:
        raise MergeError(f"shard {', '.join(f'{i}/{count}' for i in missing)} is missing")


def _combine_response(entries: list[Mapping[str, Any]]) -> dict[str, Any]:
    """One entry for a response check from its entries in every part."""
    merged = dict(entries[0])
    findings: list[Any] = []
    seen: set[tuple[Any, ...]] = set()
    for entry in entries:
        for finding in entry.get("failures") or []:
            key = tuple(finding.get(k) for k in ("rule", "message", "pointer", "level"))
            if key not in seen and len(findings) < MAX_FINDINGS:
                seen.add(key)
                findings.append(finding)
    evidence: dict[tuple[str, int], int] = {}
    for entry in entries:
        for row in entry.get("evidence") or []:
            key = (row["operation"], row["status"])
            evidence[key] = evidence.get(key, 0) + row["answers"]
    worst = min(entries, key=lambda e: _WORST_FIRST.index(e["status"]))
    levels = {f.get("level") for f in findings}
    declared = merged.get("declared_level") or merged.get("level")
    merged.update(
        # As CheckResult.level: the gravest finding's level, else the declared one.
        level=next((lv for lv in ("MUST", "SHOULD", "MAY") if lv in levels), declared),
        status=worst["status"],
        reason=worst.get("reason"),
        failures=findings,
        occurrences=sum(e.get("occurrences") or 0 for e in entries),
        duration_seconds=round(sum(e.get("duration_seconds") or 0 for e in entries), 3),
        judged=sum(evidence.values()),
        evidence=[
            {"operation": op, "status": status, "answers": n}
            for (op, status), n in sorted(evidence.items())
        ],
    )
    return merged


def _coverage(
    reports: Sequence[Mapping[str, Any]], order: Mapping[str, int]
) -> list[dict[str, Any]]:
    rows: dict[tuple[str, int], tuple[int, set[str]]] = {}
    for report in reports:
        for row in report.get("coverage") or []:
            key = (row["operation"], row["status"])
            answers, checks = rows.get(key, (0, set()))
            rows[key] = (answers + row["answers"], checks | set(row["checks"]))
    return [
        {
            "operation": op,
            "status": status,
            "answers": answers,
            "checks": sorted(checks, key=lambda c: order.get(c, len(order))),
        }
        for (op, status), (answers, checks) in sorted(rows.items())
    ]


# h4: what each part saw beyond the contract, and the state of each baseline entry.
_OBSERVED_KEYS: Final = {
    "properties": ("schema", "pointer"),
    "statuses": ("operation", "status"),
    "headers": ("header",),
}
# An entry's state in the whole run: the first of these any part gives it (a scenario check
# runs in one part; the others did not judge it).
_ENTRY_STATES: Final = ("expired", "known", "resolved", "not_judged")


def _observed(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    parts = [r["observed"] for r in reports if isinstance(r.get("observed"), Mapping)]
    if not parts:
        return None
    merged: dict[str, Any] = {"dropped": sum(int(p.get("dropped") or 0) for p in parts)}
    for kind, fields in _OBSERVED_KEYS.items():
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        for part in parts:
            for row in part.get(kind) or []:
                key = tuple(row.get(f) for f in fields)
                into = rows.setdefault(key, {**row, "count": 0, "operations": []})
                into["count"] += int(row.get("count") or 0)
                into["operations"] = sorted({*into["operations"], *(row.get("operations") or [])})
        merged[kind] = [rows[k] for k in sorted(rows, key=lambda k: tuple(map(str, k)))]
    return merged


def _baseline(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    parts = [r["baseline"] for r in reports if isinstance(r.get("baseline"), Mapping)]
    if not parts:
        return None
    entries: dict[tuple[Any, ...], dict[str, Any]] = {}
    for part in parts:
        for entry in part.get("entries") or []:
            key = (entry.get("check"), entry.get("rule"), entry.get("pointer"))
            into = entries.setdefault(key, {**entry, "matched": 0})
            into["matched"] += int(entry.get("matched") or 0)
            states = (into["state"], entry.get("state"))
            into["state"] = min(states, key=lambda s: _ENTRY_STATES.index(s or "not_judged"))
    return {**parts[0], "entries": list(entries.values())}


def _merge_h4(data: dict[str, Any], reports: Sequence[Mapping[str, Any]]) -> None:
    """Add the parts' observations and baseline to the merged ``data``; an expired entry fails
    the whole run, as it failed its part."""
    for name, merged in (("observed", _observed(reports)), ("baseline", _baseline(reports))):
        if merged is not None:
            data[name] = merged
    if any(e["state"] == "expired" for e in (data.get("baseline") or {}).get("entries", [])):
        data["verdict"] = "fail"


def _one(values: Sequence[Any]) -> Any:
    """The value when every part has it, else the distinct values joined."""
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    return distinct[0] if len(distinct) == 1 else ", ".join(map(str, distinct)) or None


def merge_reports(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Return the JSON report of the whole run from the JSON reports of its parts.

    Raises :class:`MergeError` when ``reports`` is empty or they are not parts of one run.

    >>> merged = merge_reports([read_json("shard-1.json"), read_json("shard-2.json")])
    ... # doctest: +SKIP
    >>> merged["summary"]["total"]  # doctest: +SKIP
    59
    """
    if not reports:
        raise MergeError("no report to merge")
    per_report = [_checks(report, n) for n, report in enumerate(reports, 1)]
    for field in _SAME_RUN:
        values = {repr(r.get(field)) for r in reports}
        if len(values) > 1:
            raise MergeError(f"the reports are of different runs: {field} is {sorted(values)}")
    _check_shards(reports)
    registry = {c.id: c for c in all_checks()}
    entries: dict[str, list[Mapping[str, Any]]] = {}
    for checks in per_report:
        for check in checks:
            entries.setdefault(check["id"], []).append(check)
    merged_checks: list[dict[str, Any]] = []
    for check_id, found in entries.items():
        known = registry.get(check_id)
        kind = found[0].get("kind") or (known.kind if known else "scenario")
        ran = [e for e in found if e.get("reason") != _NOT_RUN]
        found = ran or found[:1]  # a part that left the check to another (xdist) yields to it
        if kind == "response":
            merged_checks.append(_combine_response(found))
        elif any(entry != found[0] for entry in found[1:]):
            raise MergeError(f"check {check_id} is in several reports with different verdicts")
        else:
            merged_checks.append(dict(found[0]))
    catalogue = {check_id: n for n, check_id in enumerate(registry)}
    first_seen = {check_id: n for n, check_id in enumerate(entries)}
    merged_checks.sort(key=lambda c: (catalogue.get(c["id"], len(catalogue)), first_seen[c["id"]]))
    order = {c["id"]: n for n, c in enumerate(merged_checks)}
    counts = {status: 0 for status in REPORT_STATUSES}
    for check in merged_checks:
        counts[check["status"]] += 1
    cut = sum(1 for c in merged_checks if c.get("reason") == DEADLINE_REASON)
    failing = counts["failed"] + counts["error"]
    first = reports[0]
    data = {
        **{key: first.get(key) for key in ("run_id", "tier", "seed", "strict", "allow_live")},
        "target": _one([r.get("target") for r in reports]),
        "key": _one([r.get("key") for r in reports]),
        "finished_at": max((str(r.get("finished_at") or "") for r in reports), default=""),
        "duration_seconds": max(float(r.get("duration_seconds") or 0) for r in reports),
        "requests": sum(int(r.get("requests") or 0) for r in reports),
        "verdict": "fail" if failing or cut else "pass",
        "notices": list(dict.fromkeys(n for r in reports for n in r.get("notices") or [])),
        "stopped": next((r["stopped"] for r in reports if r.get("stopped")), None),
        "max_duration_seconds": max(
            (r["max_duration_seconds"] for r in reports if r.get("max_duration_seconds")),
            default=None,
        ),
        # "known" only when a baseline made some (a run's own summary has it only then too).
        "summary": {
            **{s: n for s, n in counts.items() if n or s != "known"},
            "total": len(merged_checks),
            "not_run_deadline": cut,
        },
        "checks": merged_checks,
        "coverage": _coverage(reports, order),
        "merged": [
            {
                "run_id": r.get("run_id"),
                "target": r.get("target"),
                "shard": r.get("shard"),
                "checks": len(checks),
            }
            for r, checks in zip(reports, per_report, strict=True)
        ],
    }
    _merge_h4(data, reports)
    cleaned: dict[str, Any] = redact_data(data)
    return cleaned


def report_exit_code(report: Mapping[str, Any]) -> int:
    """Return the exit status ``run`` gives the run ``report`` records: 1 when it fails (a
    check failed or erred, or the deadline cut checks), else 0."""
    return 1 if report.get("verdict") == "fail" else 0
