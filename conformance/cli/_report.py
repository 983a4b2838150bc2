"""``lotuspay-contract report``: turn saved JSON run reports into the HTML page, JUnit XML, or
one merged JSON report (``report merge``, for the shards of a CI matrix)."""

from __future__ import annotations

import argparse
from typing import Any

from ..settings import Settings, SettingsError
from ..validation import UnreadableInput, read_json
from ._options import add_settings_arguments, settings_from_args
from ._run import check_reports

__all__ = ["register"]

_MERGE = "merge"
_COMPARE = "compare"


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
    add_settings_arguments(parser, "report")
    parser.set_defaults(handler=run)


def _names(args: argparse.Namespace) -> list[str]:
    """The input reports; raise for a call that merges one or names several without merge."""
    merging = args.inputs[0] == _MERGE
    names: list[str] = args.inputs[1:] if merging else args.inputs
    if not names:
        raise SettingsError("report merge needs the JSON reports to merge")
    if len(names) > 1 and not merging:
        raise SettingsError(
            "to merge several reports: lotuspay-contract report merge A.json B.json ..."
        )
    return names


def _rendered(report: Any, settings: Settings) -> dict[str, str]:
    """Every output's text: rendered before any is written, so a bad input leaves no half."""
    from ..report import junit_xml_from_report, render_html

    return {
        "html": render_html(report) if settings.report_html else "",
        "junit": junit_xml_from_report(report) + "\n" if settings.junitxml else "",
    }


def _write(settings: Settings, report: Any, texts: dict[str, str]) -> None:
    from ..report import write_json_report

    outputs = (
        (settings.report_json, "json"),
        (settings.report_html, "html"),
        (settings.junitxml, "junit"),
    )
    for path, kind in outputs:
        if not path:
            continue
        try:
            if kind == "json":
                write_json_report(report, path)
            else:
                with open(path, "w", encoding="utf-8", errors="backslashreplace") as f:
                    f.write(texts[kind])
        except OSError as exc:
            raise SettingsError(f"cannot write {path}: {exc.strerror or exc}") from None
        print(f"wrote {path}")


def run(args: argparse.Namespace) -> int:
    """Read the report(s), merge them if asked, write each output; return the exit status."""
    from ..report import MergeError, NotAReport, merge_reports, report_exit_code

    settings = settings_from_args("report", args)
    if args.inputs[0] == _COMPARE:
        return _compare(args.inputs[1:], settings)
    if settings.report_markdown:
        raise SettingsError("--markdown is for report compare; a run writes its own summary")
    names = _names(args)
    if not (settings.report_json or settings.report_html or settings.junitxml):
        raise SettingsError("nothing to write: give --html, --junitxml or --report-json")
    check_reports(settings, ("report_json", "report_html", "junitxml"))
    loaded = []
    for name in names:
        try:
            loaded.append(read_json(name))
        except UnreadableInput as exc:
            raise SettingsError(f"{name}: {exc}") from None
    try:
        report = merge_reports(loaded) if len(loaded) > 1 or args.inputs[0] == _MERGE else loaded[0]
        texts = _rendered(report, settings)
    except (MergeError, NotAReport) as exc:
        where = "" if args.inputs[0] == _MERGE else f"{names[0]}: "
        raise SettingsError(f"{where}{exc}") from None
    except (KeyError, TypeError, ValueError) as exc:  # a report with a field of the wrong shape
        raise SettingsError(f"not a run report: {type(exc).__name__}: {exc}") from None
    _write(settings, report, texts)
    return report_exit_code(report) if settings.exit_status else 0


def _compare(names: list[str], settings: Settings) -> int:
    """``report compare OLD.json NEW.json``: print (or write) what changed; with --exit-status,
    1 only for a new failure."""
    from ..report import (
        compare_exit_code,
        compare_reports,
        render_compare_html,
        render_compare_markdown,
        write_text_report,
    )

    if len(names) != 2 or settings.junitxml or settings.report_json:
        raise SettingsError("usage: report compare OLD.json NEW.json [--markdown P] [--html P]")
    check_reports(settings, ("report_markdown", "report_html"))
    try:
        old, new = (read_json(name) for name in names)
        changes = compare_reports(old, new)
        markdown = render_compare_markdown(changes)
        html = render_compare_html(changes) if settings.report_html else ""
    except UnreadableInput as exc:
        raise SettingsError(str(exc)) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SettingsError(f"not a run report: {type(exc).__name__}: {exc}") from None
    for path, text in ((settings.report_markdown, markdown), (settings.report_html, html)):
        if not path:
            continue
        try:
            write_text_report(text, path)
        except OSError as exc:
            raise SettingsError(f"cannot write {path}: {exc.strerror or exc}") from None
        print(f"wrote {path}")
    if not (settings.report_markdown or settings.report_html):
        print(markdown, end="")
    return compare_exit_code(changes) if settings.exit_status else 0
