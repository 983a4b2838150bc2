"""A diff run as data (the JSON report), as terminal text, and as one self-contained HTML page.

Everything shown came from a server or carries a request: texts are masked again with
:func:`redact` (the keys in every form) and the page escapes every value.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any

import jinja2

from ..redact import redact, redact_data
from ..validation import CONTRACT_PATH
from ._compare import Difference
from ._runner import DiffResult, Finding, Step

__all__ = ["diff_report_data", "render_diff_html", "render_diff_text"]

CONTRACT = CONTRACT_PATH


def _difference(difference: Difference) -> dict[str, Any]:
    return {
        "step": difference.step,
        "operation": difference.operation,
        "pointer": difference.pointer,
        "reference": difference.reference,
        "target": difference.target,
        "rule": difference.rule,
        "clause": f"{CONTRACT}#{difference.rule}" if difference.rule else None,
        "level": difference.level.value,
        "summary": difference.summary,
    }


def _step(step: Step) -> dict[str, Any]:
    return {
        "step": step.number,
        "operation": step.operation,
        "reference": step.reference,
        "target": step.target,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        **_difference(finding.difference),
        "requests": finding.requests,
        "sequence": [_step(s) for s in finding.steps],
    }


def diff_report_data(result: DiffResult) -> dict[str, Any]:
    """The JSON report: settings, counts, the failing differences with their shrunk sequences,
    then the differences that do not fail (SHOULD, MAY, not decided)."""
    run = result.settings
    data = {
        "kind": "lotuspay-contract diff",
        "target": run.target_url,
        "reference": run.reference_url,
        "tier": run.tier.name,
        "seed": run.seed,
        "strict": run.strict,
        "sequences": result.sequences,
        "requests": result.requests,
        "elapsed_seconds": round(result.elapsed, 3),
        "stopped": result.stopped,
        "exit_code": result.exit_code,
        "failures": [_finding(f) for f in result.failures],
        "differences": [_finding(f) for f in result.others],
    }
    secret = {run.target_key, run.reference_key}
    cleaned: dict[str, Any] = redact_data(data, secret)
    return cleaned


def render_diff_text(result: DiffResult, *, quiet: bool = False) -> str:
    """The terminal summary: each failing difference with its shortest sequence, then counts."""
    lines: list[str] = []
    secret = {result.settings.target_key, result.settings.reference_key}
    if not quiet:
        for finding in result.failures:
            lines += _finding_lines("FAIL", finding)
        for finding in result.others:
            lines += _finding_lines("note", finding, sequence=False)
    requests = result.requests
    lines.append(
        f"diff: {_count(len(result.failures), 'failing difference')}, "
        f"{_count(len(result.others), 'other')}; "
        f"{result.sequences} sequences, {requests['target']} requests to the target, "
        f"{requests['reference']} to the reference, {result.elapsed:.1f} s"
    )
    if result.stopped:
        lines.append(f"stopped early: {result.stopped}")
    return redact("\n".join(lines), secret)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _finding_lines(label: str, finding: Finding, *, sequence: bool = True) -> list[str]:
    d = finding.difference
    rule = f"{d.rule} ({CONTRACT}#{d.rule})" if d.rule else "not decided by the contract"
    lines = [
        f"{label} [{d.level}] step {d.step} {d.operation}: {d.summary} at {d.pointer or '/'}",
        f"    rule: {rule}",
        f"    reference: {_short(d.reference)}",
        f"    target:    {_short(d.target)}",
    ]
    if sequence:
        many = "" if finding.requests == 1 else "s"
        lines.append(f"    shortest sequence ({finding.requests} request{many}):")
        for step in finding.steps:
            ref = step.reference or {}
            tgt = step.target or {}
            lines.append(
                f"      {step.number}. {step.operation} -> reference {ref.get('status')}, "
                f"target {tgt.get('status', 'not sent')}"
            )
            if tgt.get("request"):
                lines.append(f"         {tgt['request']}")
    return lines


def _short(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + "…"


#: A server can answer megabytes: the page shows enough to see the difference.
_MAX_CHARS = 2000


@functools.cache
def _environment() -> jinja2.Environment:
    # The run report's approach: a Jinja template and its stylesheet beside this module,
    # read through importlib.resources (so they load from a wheel), autoescaped.
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__name__.rsplit(".", 1)[0], "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _view(finding: dict[str, Any], *, sequence: bool) -> dict[str, Any]:
    """What the template shows of one difference: display text, the steps' two sides."""
    level = str(finding["level"])
    steps = finding["sequence"] if sequence else finding["sequence"][-1:]
    return {
        "level": level,
        "css": level if level in ("MUST", "SHOULD", "MAY") else "undecided",
        "summary": str(finding["summary"]),
        "step": finding["step"],
        "operation": str(finding["operation"]),
        "pointer": str(finding["pointer"] or "/"),
        "rule": finding["rule"],
        "clause": finding["clause"],
        "reference": _short(finding["reference"], _MAX_CHARS),
        "target": _short(finding["target"], _MAX_CHARS),
        "requests": finding["requests"],
        "steps": [
            {
                "number": step["step"],
                "operation": str(step["operation"]),
                "sides": [_side(name, step[key]) for name, key in _SIDES],
            }
            for step in steps
        ],
    }


_SIDES = (("Reference", "reference"), ("Target", "target"))


def _side(name: str, shown: Any) -> dict[str, str]:
    shown = shown if isinstance(shown, dict) else {}
    body = shown.get("body")
    return {
        "name": name,
        "status": str(shown.get("status", "")) or "not sent",
        "request": str(shown.get("request") or "not sent"),
        "body": "" if body in (None, "") else _short(body, _MAX_CHARS),
    }


def render_diff_html(data: dict[str, Any]) -> str:
    """One self-contained page from the JSON report's data (values escaped, keys masked): both
    sides side by side on a wide screen and stacked on a narrow one."""
    style = _environment().get_template("diff.css").render()
    csp = f"default-src 'none'; style-src {_css_hash(style)}; base-uri 'none'; form-action 'none'"
    page = (
        _environment()
        .get_template("diff.html.j2")
        .render(
            csp=csp,
            style=style,
            verdict="FAIL" if data["exit_code"] else "pass",
            target=str(data["target"]),
            reference=str(data["reference"]),
            tier=str(data["tier"]),
            seed=str(data["seed"]),
            strict=bool(data["strict"]),
            sequences=data["sequences"],
            requests_target=data["requests"]["target"],
            requests_reference=data["requests"]["reference"],
            elapsed=data["elapsed_seconds"],
            stopped=data["stopped"] or "",
            failures=[_view(f, sequence=True) for f in data["failures"]],
            others=[_view(f, sequence=False) for f in data["differences"]],
            max_chars=_MAX_CHARS,
        )
    )
    return redact(page)
