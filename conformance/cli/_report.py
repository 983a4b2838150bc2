"""``lotuspay-contract report``: turn saved JSON run reports into the HTML page, JUnit XML, or
one merged JSON report (``report merge``, for the shards of a CI matrix)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..validation import UnreadableInput, read_json

__all__ = ["register"]

_MERGE = "merge"
_COMPARE = "compare"  # h4: report compare OLD.json NEW.json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` sub-command."""
    parser = subparsers.add_parser(
        "report",
        help="render a JSON run report as HTML or JUnit XML; 'report merge' joins shard reports",
        description=(
            "Render the JSON report of a conformance run (run --report-json) as one "
            "self-contained HTML page or as JUnit XML. 'report merge A.json B.json ...' first "
            "merges the JSON reports of a run's shards (run --shard I/N, same --seed): each "
            "check once, every shard present, the totals and the verdict computed again. "
            "Exit 0 when every output is written, whatever the run's verdict (with "
            "--exit-status: 1 when the run fails, as 'run' exits); 2 when an input cannot be "
            "read, is not a run report, the reports do not merge, or an output cannot be "
            "written."
        ),
        epilog=(
            "examples: lotuspay-contract report run.json --html run.html; "
            "lotuspay-contract report merge shard-1.json shard-2.json --report-json run.json "
            "--html run.html --junitxml junit.xml --exit-status; "
            "lotuspay-contract report compare last-night.json run.json --markdown changes.md "
            "--exit-status (what changed: new failures, fixed, coverage, observed beyond the "
            "contract; --exit-status: 1 only for a new failure)"
        ),
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="RUN.json",
        help="a JSON report (- reads standard input), or 'merge' and several, or "
        "'compare' OLD.json NEW.json",
    )
    # h4 options: report compare's Markdown output (--html and --exit-status are shared).
    parser.add_argument(
        "--markdown", metavar="PATH", help="report compare: write the Markdown summary here"
    )
    parser.add_argument("--html", metavar="PATH", help="write the HTML page here")
    parser.add_argument("--junitxml", metavar="PATH", help="write JUnit XML here")
    parser.add_argument("--report-json", metavar="PATH", help="write the (merged) JSON report here")
    parser.add_argument(
        "--exit-status",
        action="store_true",
        help="exit 1 when the run's verdict is a fail (a check failed or erred, or the "
        "deadline cut checks), as 'run' does",
    )
    parser.set_defaults(handler=_dispatch)


def _dispatch(args: argparse.Namespace) -> int:
    """h4: ``report compare`` has its own handler; everything else is :func:`run`'s."""
    return _compare(args) if args.inputs[0] == _COMPARE else run(args)


def _fail(message: str) -> int:
    from ..redact import redact

    print(f"lotuspay-contract report: {redact(message)}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Read the report(s), merge them if asked, write each output; return the exit status."""
    from ..report import (
        MergeError,
        NotAReport,
        junit_xml_from_report,
        merge_reports,
        render_html,
        report_exit_code,
        write_json_report,
    )

    merging = args.inputs[0] == _MERGE
    names = args.inputs[1:] if merging else args.inputs
    if not names:
        return _fail("report merge needs the JSON reports to merge")
    if len(names) > 1 and not merging:
        return _fail("to merge several reports: lotuspay-contract report merge A.json B.json ...")
    outputs = [
        (p, kind)
        for p, kind in ((args.report_json, "json"), (args.html, "html"), (args.junitxml, "junit"))
        if p
    ]
    if not outputs:
        return _fail("nothing to write: give --html, --junitxml or --report-json")
    loaded: list[Any] = []
    for name in names:
        try:
            loaded.append(read_json(name))
        except UnreadableInput as exc:
            return _fail(f"{name}: {exc}")
    # Every output is rendered before any is written: a bad input leaves no half of them.
    try:
        report = merge_reports(loaded) if merging else loaded[0]
        texts = {
            "html": render_html(report) if args.html else "",
            "junit": junit_xml_from_report(report) + "\n" if args.junitxml else "",
        }
    except (MergeError, NotAReport) as exc:
        where = "" if merging else f"{names[0]}: "
        return _fail(f"{where}{exc}")
    except (KeyError, TypeError, ValueError) as exc:  # a report with a field of the wrong shape
        return _fail(f"not a run report: {type(exc).__name__}: {exc}")
    for path, kind in outputs:
        try:
            if kind == "json":
                write_json_report(report, path)
            else:
                with open(path, "w", encoding="utf-8", errors="backslashreplace") as f:
                    f.write(texts[kind])
        except OSError as exc:
            return _fail(f"cannot write {path}: {exc.strerror or exc}")
        print(f"wrote {path}")
    return report_exit_code(report) if args.exit_status else 0


def _compare(args: argparse.Namespace) -> int:
    """``report compare OLD.json NEW.json``: print (or write) what changed; with --exit-status,
    1 only for a new failure."""
    from ..report import (
        compare_exit_code,
        compare_reports,
        render_compare_html,
        render_compare_markdown,
        write_text_report,
    )

    names = args.inputs[1:]
    if len(names) != 2 or args.junitxml or args.report_json:
        return _fail("usage: report compare OLD.json NEW.json [--markdown P] [--html P]")
    try:
        old, new = (read_json(name) for name in names)
        changes = compare_reports(old, new)
        markdown = render_compare_markdown(changes)
        html = render_compare_html(changes) if args.html else ""
    except UnreadableInput as exc:
        return _fail(str(exc))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return _fail(f"not a run report: {type(exc).__name__}: {exc}")
    for path, text in ((args.markdown, markdown), (args.html, html)):
        if not path:
            continue
        try:
            write_text_report(text, path)
        except OSError as exc:
            return _fail(f"cannot write {path}: {exc.strerror or exc}")
        print(f"wrote {path}")
    if not (args.markdown or args.html):
        print(markdown, end="")
    return compare_exit_code(changes) if args.exit_status else 0
