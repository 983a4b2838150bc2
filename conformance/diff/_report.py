"""A diff run as data (the JSON report), as terminal text, and as one self-contained HTML page.

Everything shown came from a server or carries a request: texts are masked again with
:func:`redact` (the keys in every form) and the page escapes every value.
"""

from __future__ import annotations

import html
import json
from typing import Any

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
        f"diff: {len(result.failures)} failing difference(s), {len(result.others)} other(s); "
        f"{result.sequences} sequences, {requests['target']} requests to the target, "
        f"{requests['reference']} to the reference, {result.elapsed:.1f} s"
    )
    if result.stopped:
        lines.append(f"stopped early: {result.stopped}")
    return redact("\n".join(lines), secret)


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
        lines.append(f"    shortest sequence ({finding.requests} requests):")
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


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#1b1b1b}
h1{font-size:1.4em} .MUST{color:#a30000} .SHOULD{color:#8a5a00} .MAY,.undecided{color:#555}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #ccc;padding:.3em;
vertical-align:top;text-align:left} pre{white-space:pre-wrap;word-break:break-all;margin:0}
section{border:1px solid #ddd;padding:.6em 1em;margin:1em 0}
"""


def render_diff_html(data: dict[str, Any]) -> str:
    """One self-contained page from the JSON report's data (values escaped, keys masked)."""
    e = html.escape
    verdict = "FAIL" if data["exit_code"] else "pass"
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">",
        f"<title>lotuspay-contract diff: {verdict}</title><style>{_STYLE}</style></head><body>",
        f"<h1>lotuspay-contract diff: {verdict}</h1>",
        f"<p>target {e(data['target'])}, reference {e(data['reference'])}, tier "
        f"{e(data['tier'])}, seed {data['seed']}{', strict' if data['strict'] else ''}; "
        f"{data['sequences']} sequences, {data['requests']['target']} requests to the target, "
        f"{data['elapsed_seconds']} s{_stopped(data)}</p>",
        f"<h2>Failing differences ({len(data['failures'])})</h2>",
    ]
    parts += [_section(f, sequence=True) for f in data["failures"]] or ["<p>None.</p>"]
    parts.append(f"<h2>Other differences ({len(data['differences'])})</h2>")
    parts += [_section(f, sequence=False) for f in data["differences"]] or ["<p>None.</p>"]
    parts.append("</body></html>")
    return redact("\n".join(parts))


def _stopped(data: dict[str, Any]) -> str:
    return f"; stopped: {html.escape(data['stopped'])}" if data["stopped"] else ""


def _section(finding: dict[str, Any], *, sequence: bool) -> str:
    e = html.escape
    level = finding["level"]
    css = level if level in ("MUST", "SHOULD", "MAY") else "undecided"
    rule = finding["rule"]
    clause = f"{e(rule)} ({e(finding['clause'])})" if rule else "not decided by the contract"
    rows = [
        f"<section><h3 class={css}>[{e(level)}] {e(finding['summary'])}</h3>",
        f"<p>step {finding['step']} <code>{e(finding['operation'])}</code>, pointer "
        f"<code>{e(finding['pointer'] or '/')}</code>, rule {clause}</p>",
        "<table><tr><th>reference</th><th>target</th></tr><tr>"
        f"<td><pre>{e(_short(finding['reference'], 2000))}</pre></td>"
        f"<td><pre>{e(_short(finding['target'], 2000))}</pre></td></tr></table>",
    ]
    steps = finding["sequence"] if sequence else finding["sequence"][-1:]
    title = f"Shortest sequence ({finding['requests']} requests)" if sequence else "The step"
    rows.append(f"<h4>{title}</h4><table><tr><th>#</th><th>reference</th><th>target</th></tr>")
    for step in steps:
        cells = []
        for side in ("reference", "target"):
            shown = step[side] or {}
            cells.append(
                f"<td><pre>{e(str(shown.get('request') or 'not sent'))}\n-> "
                f"{shown.get('status', '')}\n{e(str(shown.get('body') or ''))}</pre></td>"
            )
        rows.append(
            f"<tr><td>{step['step']}<br><code>{e(step['operation'])}</code></td>{''.join(cells)}</tr>"
        )
    rows.append("</table></section>")
    return "".join(rows)
