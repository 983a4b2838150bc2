"""A run's reports: the JSON data and terminal summary, JUnit XML, the HTML page, the HAR, the
Markdown summary; the baseline of known findings; what changed between two runs.

May import ``redact`` and ``suite`` (for the result types); never ``cli``, ``plugin`` or the
``mock``.
"""

from ._baseline import (
    BASELINE_SCHEMA_PATH,
    Baseline,
    BaselineEntry,
    BaselineError,
    apply_baseline,
    baseline_from_report,
    baseline_problems,
    finding_key,
    normalise_pointer,
    read_baseline,
    render_baseline,
    write_baseline,
)
from ._compare import compare_exit_code, compare_reports
from ._har import HarRecorder, check_writable
from ._html import NotAReport, render_html, write_html_report
from ._junit import junit_xml, junit_xml_from_report, write_junit, write_junit_report
from ._markdown import (
    render_compare_html,
    render_compare_markdown,
    render_markdown,
    write_text_report,
)
from ._merge import MergeError, merge_reports, report_exit_code
from ._observations import ObservationRecorder, undefined_properties
from ._paths import unwritable
from ._summary import (
    render_coverage,
    render_findings,
    render_summary,
    report_data,
    write_json_report,
)

__all__ = [
    "BASELINE_SCHEMA_PATH",
    "Baseline",
    "BaselineEntry",
    "BaselineError",
    "HarRecorder",
    "MergeError",
    "NotAReport",
    "ObservationRecorder",
    "apply_baseline",
    "baseline_from_report",
    "baseline_problems",
    "check_writable",
    "compare_exit_code",
    "compare_reports",
    "finding_key",
    "junit_xml",
    "junit_xml_from_report",
    "merge_reports",
    "normalise_pointer",
    "read_baseline",
    "render_baseline",
    "render_compare_html",
    "render_compare_markdown",
    "render_coverage",
    "render_findings",
    "render_html",
    "render_markdown",
    "render_summary",
    "report_data",
    "report_exit_code",
    "undefined_properties",
    "unwritable",
    "write_baseline",
    "write_html_report",
    "write_json_report",
    "write_junit",
    "write_junit_report",
    "write_text_report",
]
