"""``run``'s baseline and Markdown options (h4): the options, reading the baseline before the
run, applying it to the report after, and writing every report.

Kept beside ``_run`` so that module stays about running; the options are one block, to move
into the settings model as a whole.
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

__all__ = ["add_h4_options", "apply_h4", "check_h4", "known_test", "observer", "write_reports"]


def add_h4_options(parser: argparse.ArgumentParser) -> None:
    """Add --baseline, --write-baseline, --baseline-today and --report-markdown."""
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="known findings (JSON, schemas/baseline.schema.json): a finding listed is reported "
        "'known' and does not fail the run; an expired entry fails it; an entry that matched "
        "nothing is listed 'resolved'",
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write this run's failing findings as a starting baseline (fill in each reason)",
    )
    parser.add_argument(
        "--baseline-today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="judge the baseline's expiry dates as of this day (default: today, UTC)",
    )
    parser.add_argument(
        "--report-markdown",
        metavar="PATH",
        help='write a short Markdown summary here (e.g. "$GITHUB_STEP_SUMMARY")',
    )


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def check_h4(args: argparse.Namespace) -> str | None:
    """Read the baseline (kept on ``args``) and check the h4 report paths; return a usage
    error message, or None."""
    from ..report import BaselineError, read_baseline, unwritable

    for path in (args.report_markdown, args.write_baseline):
        if path and (problem := unwritable(path)) is not None:
            return problem
    args.baseline_read = None
    if args.baseline:
        try:
            args.baseline_read = read_baseline(args.baseline)
        except BaselineError as exc:
            return str(exc)
    return None


def apply_h4(args: argparse.Namespace, report: dict[str, Any]) -> dict[str, Any]:
    """The report with the run's observations and the baseline applied (as of
    --baseline-today, else today in UTC); sets ``args.exit_code`` from its verdict."""
    from ..report import apply_baseline, report_exit_code

    if (observed := getattr(args, "observed", None)) is not None:
        report["observed"] = observed.data()
    baseline = getattr(args, "baseline_read", None)
    args.exit_code = report_exit_code(report)
    if baseline is None:
        return report
    today = args.baseline_today or datetime.datetime.now(datetime.timezone.utc).date()
    applied = apply_baseline(report, baseline, today=today)
    args.exit_code = report_exit_code(applied)  # the baseline's verdict: known ones pass
    return applied


def observer() -> Any:
    """A recorder of what the run sees beyond the contract (``report["observed"]``)."""
    from ..report import ObservationRecorder

    return ObservationRecorder()


def known_test(report: dict[str, Any]) -> Any:
    """Whether a finding is one the report's baseline lists (not printed again)."""
    from ..report import finding_key

    known = {
        finding_key(check["id"], f)
        for check in report["checks"]
        for f in check.get("failures") or []
        if f.get("baseline") == "known"
    }
    return lambda f: finding_key(f.check_id, {"rule": f.rule, "pointer": f.pointer}) in known


def write_reports(args: argparse.Namespace, report: dict[str, Any], recorder: Any) -> None:
    """Write every report asked for; raise OSError when one cannot be written."""
    from ..report import (
        render_markdown,
        write_baseline,
        write_html_report,
        write_json_report,
        write_junit_report,
        write_text_report,
    )

    if args.report_json:
        write_json_report(report, args.report_json)
    if args.junitxml:
        write_junit_report(report, args.junitxml)
    if args.report_html:
        write_html_report(report, args.report_html)
    if getattr(args, "report_markdown", None):
        write_text_report(render_markdown(report), args.report_markdown)
    if getattr(args, "write_baseline", None):
        count = write_baseline(report, args.write_baseline)
        print(f"wrote {count} baseline entr(ies) to {args.write_baseline}: fill in each reason")
    if recorder is not None:
        recorder.write_report(report, args.report_har)
