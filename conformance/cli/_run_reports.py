"""``run``'s reports: the baseline read before the run and applied after it, what the run saw
beyond the contract, and every report written from one document.

The baseline is applied to the report, never to the suite's verdicts, so the JSON, JUnit, HTML
and Markdown reports and the exit status all say the same (``known`` findings pass, an expired
entry fails).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from ..settings import Settings, SettingsError

__all__ = ["finished_report", "known_test", "observer", "read_baseline_for", "write_reports"]


def read_baseline_for(settings: Settings) -> Any:
    """The baseline file read and checked (None without ``--baseline``); a bad file is a usage
    error before any request."""
    if not settings.baseline:
        return None
    from ..report import BaselineError, read_baseline

    try:
        return read_baseline(settings.baseline)
    except BaselineError as exc:
        raise SettingsError(str(exc)) from None


def observer() -> Any:
    """A recorder of what the run sees beyond the contract (``report["observed"]``)."""
    from ..report import ObservationRecorder

    return ObservationRecorder()


def finished_report(
    settings: Settings, result: Any, observed: Any, baseline: Any
) -> tuple[dict[str, Any], int]:
    """The run's report (shard, observations, the baseline as of ``--baseline-today`` or today
    in UTC) and its exit status."""
    from ..report import apply_baseline, report_data, report_exit_code

    report = report_data(result)
    if settings.shard:
        report["shard"] = {"index": settings.shard[0], "count": settings.shard[1]}
    if not settings.base_url:  # the HTML header says which faults and quirks the mock showed
        report["mock"] = {"faults": list(settings.faults), "quirks": list(settings.quirks)}
    report["observed"] = observed.data()
    exit_code = int(result.exit_code)
    if baseline is None or exit_code not in (0, 1):  # a stop is never excused by a baseline
        return report, exit_code
    today = settings.baseline_today or datetime.datetime.now(datetime.timezone.utc).date()
    applied = apply_baseline(report, baseline, today=today)
    return applied, report_exit_code(applied)  # known findings pass, an expired entry fails


def known_test(report: dict[str, Any]) -> Callable[[Any], bool]:
    """Whether a finding is one the report's baseline lists (not printed again)."""
    from ..report import finding_key

    known = {
        finding_key(check["id"], f)
        for check in report["checks"]
        for f in check.get("failures") or []
        if f.get("baseline") == "known"
    }
    return lambda f: finding_key(f.check_id, {"rule": f.rule, "pointer": f.pointer}) in known


def write_reports(settings: Settings, report: dict[str, Any], recorder: Any) -> None:
    """Write every report asked for; raise OSError when one cannot be written."""
    from ..report import (
        render_markdown,
        write_baseline,
        write_html_report,
        write_json_report,
        write_junit_report,
        write_text_report,
    )

    if settings.report_json:
        write_json_report(report, settings.report_json)
    if settings.junitxml:
        write_junit_report(report, settings.junitxml)
    if settings.report_html:
        write_html_report(report, settings.report_html)
    if settings.report_markdown:
        write_text_report(render_markdown(report), settings.report_markdown)
    if settings.write_baseline:
        count = write_baseline(report, settings.write_baseline)
        noun = "entry" if count == 1 else "entries"
        print(f"wrote {count} baseline {noun} to {settings.write_baseline}: fill in each reason")
    if recorder is not None:
        recorder.write_report(report, settings.report_har)
