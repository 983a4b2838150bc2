"""The HTML report: one self-contained page rendered from the JSON report's data.

Both ``run --report-html`` and ``report RUN.json --html`` come through :func:`render_html`, so a
report rendered later from the JSON file is the same page as one written during the run.

Every value on the page may come from a hostile server (an ``actual`` is whatever it answered),
so the template autoescapes, key-shaped text is masked again here, and the page's
Content-Security-Policy allows only its own inline style and script, pinned by their hashes:
an injected ``<script>`` that got past escaping still would not run, and nothing is fetched.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jinja2

from ..errors import LotusPayContractError
from ..redact import mask_key, redact
from ..suite import DEADLINE_REASON
from ._statuses import REPORT_STATUSES
from ._templates import template_environment

__all__ = ["NotAReport", "render_html", "write_html_report"]

# Words, not only colours, carry the verdict, so the page reads the same without colour vision.
_LABELS: Final = {
    "passed": "pass",
    "failed": "FAIL",
    "error": "ERROR",
    "warned": "warn",
    "noted": "note",
    "not_exercised": "not exercised",
    "skipped": "skip",
    "known": "known",
}
# A check the run's deadline cut is skipped, but labelled apart: it is why the run failed.
_CUT_LABEL: Final = "NOT RUN"
# A server can answer megabytes; the page shows enough to see the problem, the JSON has the rest.
_MAX_VALUE_CHARS: Final = 4000
_MAX_FINDINGS: Final = 50


class NotAReport(LotusPayContractError, ValueError):
    """The data is not a conformance run report (a JSON object with a list of checks)."""


@dataclass(frozen=True)
class FindingView:
    """One finding, every field already masked and turned into display text."""

    message: str
    level: str
    status: str
    pointer: str
    rule: str
    expected: str | None
    actual: str | None
    seed: str
    request: str


@dataclass(frozen=True)
class CheckView:
    """One row of the matrix and, when it has something to show, its expandable details."""

    id: str
    title: str
    level: str
    family: str
    clause: str
    status: str
    label: str
    reason: str
    occurrences: str
    #: How many answers the check judged, and what they were (shown collapsed).
    judged_count: int
    judged: tuple[str, ...]
    #: The check judged every answer of the run (a response check): no list to repeat.
    judged_all: bool
    findings: tuple[FindingView, ...]
    hidden_findings: int

    @property
    def expandable(self) -> bool:
        return bool(self.findings)


def _text(value: Any) -> str:
    """Return ``value`` as masked display text; ``None`` is the empty string."""
    if value is None:
        return ""
    return redact(value if isinstance(value, str) else str(value))


def _value(value: Any) -> str:
    """Return an expected or actual value as text: strings as they are, anything else as JSON."""
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, ensure_ascii=False, indent=2, default=str)
    )
    if len(text) > _MAX_VALUE_CHARS:
        more = len(text) - _MAX_VALUE_CHARS
        text = f"{text[:_MAX_VALUE_CHARS]}… ({more} more characters in the JSON report)"
    return redact(text)


def _finding_view(data: Mapping[str, Any]) -> FindingView:
    has_values = data.get("expected") is not None or data.get("actual") is not None
    return FindingView(
        message=_text(data.get("message")),
        level=_text(data.get("level")),
        status=_text(data.get("status")),
        pointer=_text(data.get("pointer")),
        rule=_text(data.get("rule")),
        expected=_value(data.get("expected")) if has_values else None,
        actual=_value(data.get("actual")) if has_values else None,
        seed=_text(data.get("seed")),
        request=_text(data.get("request")),
    )


def _check_view(data: Mapping[str, Any], seen: Mapping[tuple[str, str], str]) -> CheckView:
    failures = data.get("failures") or []
    findings = [f for f in failures if isinstance(f, Mapping)]
    status = data["status"]
    return CheckView(
        id=_text(data["id"]),
        title=_text(data.get("title")),
        level=_text(data.get("level")),
        family=_text(data.get("family")),
        clause=_text(data.get("clause")),
        status=status,
        label=_CUT_LABEL if data.get("reason") == DEADLINE_REASON else _LABELS[status],
        reason=_text(data.get("reason")),
        occurrences=_text(data.get("occurrences")),
        judged_count=sum(count for _, count in _evidence(data)),
        judged=tuple(f"{key[0]} {key[1]} x{count}" for key, count in _evidence(data)),
        judged_all=bool(seen) and dict(_evidence(data, text=True)) == dict(seen),
        findings=tuple(_finding_view(f) for f in findings[:_MAX_FINDINGS]),
        hidden_findings=max(0, len(findings) - _MAX_FINDINGS),
    )


def _evidence(data: Mapping[str, Any], *, text: bool = False) -> list[tuple[tuple[str, str], Any]]:
    """Return what a check judged: ((operation, status), answers) pairs, answers as text when
    ``text`` (to compare with the coverage table's), else as a number (0 if unreadable)."""
    pairs = []
    for e in _list(data.get("evidence")):
        if isinstance(e, Mapping):
            answers = e.get("answers")
            count = answers if isinstance(answers, int) and not isinstance(answers, bool) else 0
            key = (_text(e.get("operation")), _text(e.get("status")))
            pairs.append((key, _text(answers) if text else count))
    return pairs


def _seen(report: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """Every answer the run saw, by (operation, status), from the coverage table."""
    return {
        (_text(row.get("operation")), _text(row.get("status"))): _text(row.get("answers"))
        for row in _list(report.get("coverage"))
        if isinstance(row, Mapping) and row.get("answers")
    }


def _mock_facts(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The header's lines for what the run changed: the mock's faults and quirks, the shard."""
    facts = []
    mock = report.get("mock")
    if isinstance(mock, Mapping):
        for name in ("faults", "quirks"):
            facts.append(
                (f"Mock {name}", ", ".join(_text(v) for v in _list(mock.get(name))) or "none")
            )
    shard = report.get("shard")
    if isinstance(shard, Mapping):
        facts.append(("Shard", f"{_text(shard.get('index'))} of {_text(shard.get('count'))}"))
    return facts


@dataclass(frozen=True)
class CoverageRow:
    """One row of the coverage table: an operation and status, the answers, who judged them."""

    operation: str
    status: str
    answers: str
    checks: tuple[str, ...]


def _coverage(report: Mapping[str, Any]) -> list[CoverageRow]:
    return [
        CoverageRow(
            _text(row.get("operation")),
            _text(row.get("status")),
            _text(row.get("answers")),
            tuple(_text(c) for c in _list(row.get("checks"))),
        )
        for row in _list(report.get("coverage"))
        if isinstance(row, Mapping)
    ]


def _checks_of(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Return the report's checks, or raise :class:`NotAReport` saying what is missing."""
    if not isinstance(report, Mapping):
        raise NotAReport(f"a run report is a JSON object, not {type(report).__name__}")
    checks = report.get("checks")
    if not isinstance(checks, list):
        raise NotAReport('a run report has a "checks" list; this document has none')
    for index, check in enumerate(checks):
        if not isinstance(check, Mapping) or not isinstance(check.get("id"), str):
            raise NotAReport(f"check {index} of the report has no id")
        if check.get("status") not in REPORT_STATUSES:
            raise NotAReport(
                f"check {check['id']} has status {check.get('status')!r}, "
                f"not one of {', '.join(REPORT_STATUSES)}"
            )
    return checks


def _verdict(report: Mapping[str, Any], counts: Mapping[str, int]) -> str:
    if report.get("verdict") in ("pass", "fail"):
        return str(report["verdict"])
    return "fail" if counts["failed"] or counts["error"] else "pass"


def _seconds(value: Any) -> str:
    # A report without a duration (older plugin reports wrote 0.0) shows none.
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return f"{value:g} s"
    return ""


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _environment() -> jinja2.Environment:
    # One environment for every report's templates (run, diff, compare): see _templates.py.
    return template_environment()


@functools.cache
def _asset(name: str) -> str:
    """Return a static file of the templates folder (the page's CSS or script), verbatim."""
    loader = _environment().loader
    assert loader is not None
    source, _, _ = loader.get_source(_environment(), name)
    return source


def render_html(report: Mapping[str, Any]) -> str:
    """Return the report page for ``report``, the data of a JSON run report.

    Args:
        report: what ``conformance._report.report_data`` returns, or a JSON report file loaded.

    Raises:
        NotAReport: ``report`` has no list of checks, or a check without id or known status.

    Example::

        html = render_html(json.loads(Path("run.json").read_text()))
    """
    raw_checks = _checks_of(report)
    seen = _seen(report)
    checks = [_check_view(c, seen) for c in raw_checks]
    counts = {status: 0 for status in REPORT_STATUSES}
    for check in checks:
        counts[check.status] += 1
    style, script = _asset("report.css"), _asset("report.js")
    csp = (
        f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "base-uri 'none'; form-action 'none'"
    )
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            csp=csp,
            style=style,
            script=script,
            run_id=_text(report.get("run_id")),
            target=_text(report.get("target")),
            key=mask_key(_text(report.get("key"))) if report.get("key") else "",
            tier=_text(report.get("tier")),
            seed=_text(report.get("seed")),
            strict=bool(report.get("strict")),
            finished_at=_text(report.get("finished_at")),
            duration=_seconds(report.get("duration_seconds")),
            requests=_text(report.get("requests")),
            verdict=_verdict(report, counts),
            notices=[_text(n) for n in _list(report.get("notices"))],
            stopped=_text(report.get("stopped")),
            run_facts=_mock_facts(report),
            counts=counts,
            total=len(checks),
            labels=_LABELS,
            max_value_chars=_MAX_VALUE_CHARS,
            checks=checks,
            coverage=_coverage(report),
            # Everything a person must look at: failures, warnings, and checks that judged
            # nothing or were cut (never a pass), each with its reason.
            problems=[
                c
                for c in checks
                if c.status in ("failed", "error", "warned", "not_exercised")
                or c.label == _CUT_LABEL
            ],
            baseline=_baseline_rows(report),  # the baseline's entries and their states
        )
    )
    # Last pass over the whole page, as the JSON report does: nothing key-shaped leaves.
    return redact(page)


def _baseline_rows(report: Mapping[str, Any]) -> list[dict[str, str]]:
    """The baseline entries (report/_baseline.py) as display text: state, check, rule, where."""
    baseline = report.get("baseline")
    entries = _list(baseline.get("entries")) if isinstance(baseline, Mapping) else []
    fields = ("state", "check", "rule", "pointer", "reason", "owner", "expires")
    return [{f: _text(e.get(f)) for f in fields} for e in entries if isinstance(e, Mapping)]


def _list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else []


def write_html_report(report: Mapping[str, Any], path: str | Path) -> None:
    """Write the report page for ``report`` (JSON report data) to ``path``."""
    Path(path).write_text(render_html(report), encoding="utf-8", errors="backslashreplace")
