"""A run's reports: the JSON data and terminal summary, JUnit XML, the HTML page, the HAR.

May import ``redact`` and ``suite`` (for the result types); never ``cli``, ``plugin`` or the
``mock``.
"""

from ._har import HarRecorder, check_writable
from ._html import NotAReport, render_html, write_html_report
from ._junit import junit_xml, junit_xml_from_report, write_junit, write_junit_report
from ._merge import MergeError, merge_reports, report_exit_code
from ._paths import unwritable
from ._summary import (
    render_coverage,
    render_findings,
    render_summary,
    report_data,
    write_json_report,
)

__all__ = [
    "HarRecorder",
    "MergeError",
    "NotAReport",
    "check_writable",
    "junit_xml",
    "junit_xml_from_report",
    "merge_reports",
    "render_coverage",
    "render_findings",
    "render_html",
    "render_summary",
    "report_data",
    "report_exit_code",
    "unwritable",
    "write_html_report",
    "write_json_report",
    "write_junit",
    "write_junit_report",
]
