"""``lotuspay-contract report``: turn a saved JSON run report into the HTML report page."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

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


class _BadInput(Exception):
    """The input cannot become a report page; the message is the one-line reason."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _load(name: str) -> Any:
    try:
        if name == "-":
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            with open(name, encoding="utf-8") as f:
                text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise _BadInput(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise _BadInput(f"not JSON: {exc}") from exc


def run(args: argparse.Namespace) -> int:
    """Read the JSON report, write the HTML page; return the exit status."""
    from ._report_html import NotAReport, render_html
    from ._secrets import redact

    try:
        page = render_html(_load(args.run_json))
    except (_BadInput, NotAReport) as exc:
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
