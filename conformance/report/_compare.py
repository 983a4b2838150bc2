"""What changed between two runs (``report compare OLD.json NEW.json``): new failures, fixed
checks, checks that stopped being exercised, status and level changes, coverage gained and lost,
requests and durations, and what NEW saw beyond the contract that OLD did not.

Works on the JSON reports' data only, so a report of last night's run (an artifact) compares
with tonight's. Only a new failure makes :func:`compare_exit_code` 1: a check failing in NEW
that did not fail in OLD, or that fails with a finding OLD did not have (by the baseline's key:
check, rule, normalised pointer). Observations never fail anything (versioning: new properties
are allowed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..redact import redact_data
from ._baseline import finding_key

__all__ = ["compare_exit_code", "compare_reports"]

_FAILING: Final = frozenset({"failed", "error"})
_NOT_EXERCISED: Final = frozenset({"not_exercised", "skipped"})
_FIXED: Final = frozenset({"passed", "warned", "noted"})
_SHOWN_FINDINGS: Final = 3
_OBSERVED_KEYS: Final = {
    "properties": ("schema", "pointer"),
    "statuses": ("operation", "status"),
    "headers": ("header",),
}


def _checks(report: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    checks = report.get("checks")
    if not isinstance(checks, list):
        raise ValueError("not a run report (a JSON object with a checks list)")
    return {c["id"]: c for c in checks if isinstance(c, Mapping) and isinstance(c.get("id"), str)}


def _failing_keys(check: Mapping[str, Any] | None) -> set[tuple[str, str, str]]:
    if check is None or check.get("status") not in _FAILING:
        return set()
    return {finding_key(check["id"], f) for f in check.get("failures") or []}


def _brief(check: Mapping[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "id": check["id"],
        "title": check.get("title"),
        "level": check.get("level"),
        "status": check.get("status"),
        "old_status": None if old is None else old.get("status"),
        "reason": check.get("reason"),
    }


def _new_failure(check: Mapping[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The check as a new failure of NEW, with its new findings; None when it is not one."""
    if check.get("status") not in _FAILING:
        return None
    before = _failing_keys(old)
    findings = [f for f in check.get("failures") or [] if finding_key(check["id"], f) not in before]
    if old is not None and old.get("status") in _FAILING and not findings:
        return None
    return {
        **_brief(check, old),
        "new_findings": len(findings),
        "findings": findings[:_SHOWN_FINDINGS],
    }


def _classify(
    old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("new_failures", "fixed", "newly_not_exercised", "changed", "levels")
    }
    for check_id, check in new.items():
        before = old.get(check_id)
        status, was = check.get("status"), None if before is None else before.get("status")
        if (failure := _new_failure(check, before)) is not None:
            found["new_failures"].append(failure)
        elif was in _FAILING and status in _FIXED:
            found["fixed"].append(_brief(check, before))
        elif status in _NOT_EXERCISED and was is not None and was not in _NOT_EXERCISED:
            found["newly_not_exercised"].append(_brief(check, before))
        elif was is not None and was != status:
            found["changed"].append(_brief(check, before))
        if before is not None and before.get("level") != check.get("level"):
            levels = {"old_level": before.get("level"), "new_level": check.get("level")}
            found["levels"].append({"id": check_id, **levels})
    found["removed"] = [_brief(c, None) for i, c in old.items() if i not in new]
    found["added"] = [_brief(c, None) for i, c in new.items() if i not in old]
    return found


def _coverage(report: Mapping[str, Any]) -> set[tuple[str, int]]:
    return {(r["operation"], r["status"]) for r in report.get("coverage") or []}


def _observed(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """NEW's observations beyond the contract, each marked ``new`` when OLD did not have it."""
    before, after = old.get("observed") or {}, new.get("observed") or {}
    result: dict[str, Any] = {"recorded": bool(after), "old_recorded": bool(before)}
    for kind, fields in _OBSERVED_KEYS.items():
        seen = {tuple(row.get(f) for f in fields) for row in before.get(kind) or []}
        rows = [
            {**row, "new": tuple(row.get(f) for f in fields) not in seen}
            for row in after.get(kind) or []
        ]
        result[kind] = rows
        result[f"new_{kind}"] = sum(1 for r in rows if r["new"])
    return result


def compare_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Return what changed from run report ``old`` to run report ``new`` (JSON report data).

    Raises ValueError when either is not a run report.

    >>> changes = compare_reports(read_json("last-night.json"), read_json("run.json"))
    ... # doctest: +SKIP
    >>> [c["id"] for c in changes["new_failures"]]  # doctest: +SKIP
    ['CUS-SHAPE-001']
    """
    old_checks, new_checks = _checks(old), _checks(new)
    changes = _classify(old_checks, new_checks)
    coverage_old, coverage_new = _coverage(old), _coverage(new)
    data = {
        "old": {k: old.get(k) for k in ("run_id", "target", "finished_at", "verdict", "tier")},
        "new": {k: new.get(k) for k in ("run_id", "target", "finished_at", "verdict", "tier")},
        **changes,
        "coverage_gained": [
            {"operation": op, "status": st} for op, st in sorted(coverage_new - coverage_old)
        ],
        "coverage_lost": [
            {"operation": op, "status": st} for op, st in sorted(coverage_old - coverage_new)
        ],
        "requests": {"old": old.get("requests"), "new": new.get("requests")},
        "duration_seconds": {
            "old": old.get("duration_seconds"),
            "new": new.get("duration_seconds"),
        },
        "summary": {"old": old.get("summary") or {}, "new": new.get("summary") or {}},
        "observed": _observed(old, new),
    }
    cleaned: dict[str, Any] = redact_data(data)
    return cleaned


def compare_exit_code(changes: Mapping[str, Any]) -> int:
    """1 when ``changes`` (from :func:`compare_reports`) has a new failure, else 0."""
    return 1 if changes.get("new_failures") else 0
