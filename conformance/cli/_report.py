"""``lotuspay-contract report``: turn a saved JSON run report into the HTML report page."""

from __future__ import annotations

import argparse
import sys

from ..validation import UnreadableInput, read_json

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` sub-command."""
    parser = subparsers.add_parser(
        "report",
        help="render a JSON run report (from run --report-json) as an HTML page",
        description=(
            "Render the JSON report of a conformance run as one self-contained HTML page. "
            "Exit 0 when the page is written, whatever the run's verdict; 2 when the input "
            "cannot be read, is not JSON or is not a run report, or the page cannot be written."
        ),
        epilog="example: lotuspay-contract report run.json --html run.html",
    )
    parser.add_argument("run_json", metavar="RUN.json", help="JSON report; - reads standard input")
    parser.add_argument("--html", metavar="PATH", required=True, help="write the HTML page here")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Read the JSON report, write the HTML page; return the exit status."""
    from ..redact import redact
    from ..report import NotAReport, render_html

    try:
        page = render_html(read_json(args.run_json))
    except (UnreadableInput, NotAReport) as exc:
        print(f"lotuspay-contract report: {args.run_json}: {redact(str(exc))}", file=sys.stderr)
        return 2
    try:
        with open(args.html, "w", encoding="utf-8") as f:
            f.write(page)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"lotuspay-contract report: cannot write {args.html}: {reason}", file=sys.stderr)
        return 2
    print(f"wrote {args.html}")
    return 0
