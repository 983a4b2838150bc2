"""A governed baseline: known findings a run reports as ``known`` instead of failing.

A team whose sandbox has a deviation nobody will fix this quarter keeps the check (and its next
real break) by listing the finding here, with a reason, an owner and a date it must be looked at
again. The file is JSON (``schemas/baseline.schema.json``): the format of the run report it is
written from, diffable in review, validated by the same ``jsonschema`` the project already uses,
and written without a TOML writer the standard library lacks.

Each entry is keyed by check id + rule + JSON pointer, the pointer normalised (array indexes as
``*``, object ids as ``<id>``) so that the same deviation matches on every run whatever the
server's ids and list order. The baseline is applied to the JSON report's data, after the run:
the suite's verdicts stay what they are, and every report (terminal, JSON, JUnit, HTML,
Markdown) renders the same overlay.

- A finding an entry matches is ``known``; a failed check whose every failing finding is known
  gets the status ``known`` and does not fail the run.
- An entry whose ``expires`` date has passed excuses nothing and fails the run, naming the entry.
- An entry that matched nothing in a check that ran to a verdict is ``resolved`` (remove it).
- A check that errored, was not exercised or was skipped is never hidden: its status stays, and
  its entries are ``not judged`` (nothing says the deviation is gone).
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jsonschema

from lotuspay_contract import schemas

from ..errors import LotusPayContractError
from ..redact import redact_data

__all__ = [
    "BASELINE_SCHEMA_PATH",
    "Baseline",
    "BaselineEntry",
    "BaselineError",
    "apply_baseline",
    "baseline_from_report",
    "baseline_problems",
    "finding_key",
    "normalise_pointer",
    "read_baseline",
    "render_baseline",
    "write_baseline",
]

BASELINE_SCHEMA_PATH: Final = Path(schemas.__file__).parent / "baseline.schema.json"
_VERSION: Final = 1
# The observed LotusPay id format: two capitals and 12 upper-case alphanumerics (CU0000NOSUCH00);
# property names are lower-case snake_case, so they never look like this.
_ID_SEGMENT: Final = re.compile(r"[A-Z]{2}[0-9A-Z]{8,}")
_INDEX_SEGMENT: Final = re.compile(r"[0-9]+")
# The statuses whose findings are a verdict: only these checks can confirm or resolve an entry.
_JUDGED: Final = frozenset({"passed", "failed", "warned", "noted", "known"})


class BaselineError(LotusPayContractError, ValueError):
    """The baseline file cannot be used: unreadable, not JSON, not the schema's shape, or an
    entry without a reason. A usage error: the message names the file and the entry."""


def normalise_pointer(pointer: str | None) -> str:
    """Return ``pointer`` with array indexes as ``*`` and object ids as ``<id>``.

    >>> normalise_pointer("/data/3/bank_accounts/data/0/id")
    '/data/*/bank_accounts/data/*/id'
    >>> normalise_pointer("/customers/CU0000NOSUCH00/name")
    '/customers/<id>/name'
    """
    if not pointer:
        return ""
    parts = pointer.split("/")
    for n, part in enumerate(parts[1:], 1):
        if _INDEX_SEGMENT.fullmatch(part):
            parts[n] = "*"
        elif _ID_SEGMENT.fullmatch(part):
            parts[n] = "<id>"
    return "/".join(parts)


def finding_key(check: str, finding: Mapping[str, Any]) -> tuple[str, str, str]:
    """Return the key a baseline entry matches ``finding`` (of check ``check``) by."""
    return (check, str(finding.get("rule") or ""), normalise_pointer(finding.get("pointer")))


@dataclass(frozen=True)
class BaselineEntry:
    """One known finding, as the file lists it."""

    check: str
    rule: str | None
    pointer: str
    reason: str
    owner: str | None = None
    expires: datetime.date | None = None
    message: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.check, self.rule or "", normalise_pointer(self.pointer))

    @property
    def label(self) -> str:
        """The entry as a person finds it in the file: check, rule and pointer."""
        return f"{self.check} {self.rule or '(no rule)'} at {self.pointer or '(document)'}"

    def expired(self, today: datetime.date) -> bool:
        """True once the day after ``expires`` has begun: the date itself is still valid."""
        return self.expires is not None and today > self.expires

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "check": self.check,
            "rule": self.rule,
            "pointer": self.pointer,
            "reason": self.reason,
        }
        for name in ("owner", "message"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.expires is not None:
            data["expires"] = self.expires.isoformat()
        return data


@dataclass(frozen=True)
class Baseline:
    """The entries of one baseline file."""

    path: str
    entries: tuple[BaselineEntry, ...]


@functools.cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(BASELINE_SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def _where(error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "entries":
        return f"entry {int(path[1]) + 1}" + (f", {path[2]}" if len(path) > 2 else "")
    return "/".join(map(str, path)) or "the document"


def _entry(data: Mapping[str, Any], number: int, path: str) -> BaselineEntry:
    expires = None
    if data.get("expires") is not None:
        try:
            expires = datetime.date.fromisoformat(data["expires"])
        except ValueError:
            raise BaselineError(
                f"baseline {path}: entry {number}: expires must be a date YYYY-MM-DD, "
                f"not {data['expires']!r}"
            ) from None
    return BaselineEntry(
        check=data["check"],
        rule=data.get("rule"),
        pointer=data.get("pointer") or "",
        reason=data["reason"],
        owner=data.get("owner"),
        expires=expires,
        message=data.get("message"),
    )


def read_baseline(path: str | Path) -> Baseline:
    """Read and check the baseline file ``path``.

    Raises :class:`BaselineError` naming the file and the entry when it is unreadable, not JSON,
    not of the schema's shape, or when an entry's ``reason`` is empty (a file just written by
    ``--write-baseline`` must be filled in before it is used).
    """
    shown = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline {shown}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"the baseline {shown} is not JSON: {exc}") from None
    errors = sorted(
        jsonschema.Draft202012Validator(_schema()).iter_errors(data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    for error in errors:
        if error.validator == "pattern" and list(error.absolute_path)[-1:] == ["reason"]:
            raise BaselineError(
                f"baseline {shown}: {_where(error)} is empty: say why this finding is "
                "accepted (every entry needs a reason)"
            )
    if errors:
        raise BaselineError(f"baseline {shown}: {_where(errors[0])}: {errors[0].message}")
    entries = tuple(_entry(e, n, shown) for n, e in enumerate(data["entries"], 1))
    return Baseline(shown, entries)


def _failing_levels(strict: bool) -> frozenset[str]:
    return frozenset({"MUST", "SHOULD"} if strict else {"MUST"})


def baseline_from_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """Return a starting baseline for ``report``: one entry per distinct failing finding, its
    ``reason`` empty (to fill in: an empty reason is refused when the file is read). A finding
    the report's own baseline knew keeps that entry's reason, owner and expiry (refreshing a
    baseline loses nothing); entries that matched nothing are left out."""
    levels = _failing_levels(bool(report.get("strict")))
    previous = {
        (e["check"], str(e.get("rule") or ""), normalise_pointer(e.get("pointer"))): e
        for e in (report.get("baseline") or {}).get("entries") or []
    }
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for check in report.get("checks") or []:
        if check.get("status") not in ("failed", "known"):
            continue  # an error or a skip is never baselined: it is not a finding
        for finding in check.get("failures") or []:
            if finding.get("level") not in levels:
                continue
            key = finding_key(check["id"], finding)
            entries.setdefault(key, _starting_entry(key, finding, previous.get(key)))
    document = {"$schema": "./baseline.schema.json", "version": _VERSION}
    cleaned: dict[str, Any] = redact_data({**document, "entries": list(entries.values())})
    return cleaned


def _starting_entry(
    key: tuple[str, str, str], finding: Mapping[str, Any], known: Mapping[str, Any] | None
) -> dict[str, Any]:
    entry = {
        "check": key[0],
        "rule": finding.get("rule"),
        "pointer": key[2],
        "reason": "",
        "owner": "",
        "message": str(finding.get("message") or "")[:200],
    }
    for field in ("reason", "owner", "expires"):
        if known is not None and known.get(field):
            entry[field] = known[field]
    return entry


def write_baseline(report: Mapping[str, Any], path: str | Path) -> int:
    """Write :func:`baseline_from_report` of ``report`` to ``path``; return its entry count."""
    data = baseline_from_report(report)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    Path(path).write_text(text, encoding="utf-8", errors="backslashreplace")
    return len(data["entries"])


def _mark_check(
    check: dict[str, Any],
    live: Mapping[tuple[str, str, str], BaselineEntry],
    matched: dict[BaselineEntry, int],
    levels: frozenset[str],
) -> None:
    """Mark the findings ``live`` entries match as known; a failed check whose failing findings
    are all known becomes ``known``."""
    findings = [dict(f) for f in check.get("failures") or []]
    for finding in findings:
        entry = live.get(finding_key(check["id"], finding))
        if entry is not None:
            finding["baseline"] = "known"
            finding["baseline_reason"] = entry.reason
            matched[entry] = matched.get(entry, 0) + 1
    check["failures"] = findings
    failing = [f for f in findings if f.get("level") in levels]
    if check["status"] == "failed" and failing and all(f.get("baseline") for f in failing):
        check["status"] = "known"
        reasons = dict.fromkeys(str(f["baseline_reason"]) for f in failing)
        check["reason"] = "known (baseline): " + "; ".join(reasons)


def _entry_state(
    entry: BaselineEntry, today: datetime.date, statuses: Mapping[str, str], matched: int
) -> str:
    if entry.expired(today):
        return "expired"
    if matched:
        return "known"
    return "resolved" if statuses.get(entry.check) in _JUDGED else "not_judged"


def _recount(report: dict[str, Any], expired: Sequence[BaselineEntry]) -> None:
    summary = dict(report.get("summary") or {})
    for status in {*summary, "known"} - {"total", "not_run_deadline"}:
        summary[status] = 0
    for check in report["checks"]:
        summary[check["status"]] = summary.get(check["status"], 0) + 1
    report["summary"] = summary
    failing = summary.get("failed", 0) + summary.get("error", 0)
    cut = summary.get("not_run_deadline", 0)
    report["verdict"] = "fail" if failing or cut or expired else "pass"


def apply_baseline(
    report: Mapping[str, Any], baseline: Baseline, *, today: datetime.date
) -> dict[str, Any]:
    """Return ``report`` (JSON report data) with ``baseline`` applied; ``today`` judges expiry.

    Adds ``baseline`` (the file, and each entry with its state: known, resolved, expired or
    not_judged, and how many findings it matched), marks matched findings and known checks, and
    recomputes the summary and the verdict (an expired entry fails it).
    """
    data = json.loads(json.dumps(report))  # a deep copy: the caller's report stays as it was
    levels = _failing_levels(bool(data.get("strict")))
    live = {e.key: e for e in baseline.entries if not e.expired(today)}
    matched: dict[BaselineEntry, int] = {}
    statuses: dict[str, str] = {}
    for check in data["checks"]:
        statuses[check["id"]] = check["status"]
        if check["status"] in _JUDGED:  # an error or a skip is never hidden nor excused
            _mark_check(check, live, matched, levels)
    expired = [e for e in baseline.entries if e.expired(today)]
    entries = [
        {
            **entry.to_dict(),
            "state": _entry_state(entry, today, statuses, matched.get(entry, 0)),
            "matched": matched.get(entry, 0),
        }
        for entry in baseline.entries
    ]
    data["baseline"] = {"path": baseline.path, "today": today.isoformat(), "entries": entries}
    _recount(data, expired)
    cleaned: dict[str, Any] = redact_data(data)
    return cleaned


def baseline_problems(report: Mapping[str, Any]) -> list[str]:
    """Return one line per expired entry of ``report``'s baseline: why the run fails."""
    entries = (report.get("baseline") or {}).get("entries") or []
    return [
        f"baseline entry {e['check']} {e.get('rule') or '(no rule)'} at "
        f"{e.get('pointer') or '(document)'} expired on {e.get('expires')}: renew it or remove it"
        for e in entries
        if e.get("state") == "expired"
    ]


def render_baseline(report: Mapping[str, Any]) -> list[str]:
    """Return the terminal lines of ``report``'s baseline: counts, then resolved and expired
    entries by name (the known ones are marked in the check table)."""
    entries: Iterable[Mapping[str, Any]] = (report.get("baseline") or {}).get("entries") or []
    entries = list(entries)
    if not entries:
        return []
    states = {s: [e for e in entries if e["state"] == s] for s in _STATES}
    counts = ", ".join(f"{len(v)} {s.replace('_', ' ')}" for s, v in states.items() if v)
    lines = [f"baseline {report['baseline']['path']}: {counts}"]
    for entry in states["resolved"]:
        lines.append(
            f"  resolved: {entry['check']} {entry.get('rule') or '(no rule)'} at "
            f"{entry.get('pointer') or '(document)'} matched nothing: remove it from the file"
        )
    lines += [f"  {line}" for line in baseline_problems(report)]
    return lines


_STATES: Final = ("known", "resolved", "expired", "not_judged")
