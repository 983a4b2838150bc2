"""The JUnit XML report: one testcase per check, with its id and level as properties.

Written from the JSON report's data, so a run (``run --junitxml``) and merged shard reports
(``report merge --junitxml``) give the same document for the same verdicts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..redact import redact
from ..suite import CheckFailure, RunResult
from ..validation import Level

__all__ = ["junit_xml", "junit_xml_from_report", "write_junit", "write_junit_report"]

# XML 1.0 cannot carry most control characters; a hostile server's body may hold any byte.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", redact(text))


def _finding_text(finding: Mapping[str, Any]) -> str:
    """A finding of the JSON report as the run prints it (see ``CheckFailure.__str__``)."""
    return str(
        CheckFailure(
            str(finding.get("check")),
            str(finding.get("title")),
            Level(finding.get("level", "MUST")),
            str(finding.get("message")),
            request=finding.get("request"),
            pointer=finding.get("pointer") or "",
            expected=finding.get("expected"),
            actual=finding.get("actual"),
            seed=finding.get("seed"),
            rule=finding.get("rule"),
            status=finding.get("status"),
        )
    )


def junit_xml_from_report(report: Mapping[str, Any]) -> str:
    """Return the JUnit XML document of ``report``, the data of a JSON run report (one run's,
    or merged by :func:`merge_reports`)."""
    summary = report.get("summary") or {}
    suite = ET.Element(
        "testsuite",
        name="lotuspay-contract",
        tests=str(summary.get("total", len(report["checks"]))),
        failures=str(summary.get("failed", 0)),
        errors=str(summary.get("error", 0)),
        skipped=str(
            summary.get("skipped", 0) + summary.get("not_exercised", 0) + summary.get("known", 0)
        ),
        time=f"{float(report.get('duration_seconds') or 0):.3f}",
    )
    suite_props = ET.SubElement(suite, "properties")
    for name, value in (
        ("run_id", str(report.get("run_id"))),
        ("target", str(report.get("target"))),
        ("tier", str(report.get("tier"))),
        ("seed", str(report.get("seed"))),
        ("strict", str(bool(report.get("strict"))).lower()),
    ):
        ET.SubElement(suite_props, "property", name=name, value=_xml_text(value))
    for each in report["checks"]:
        status, reason = each["status"], each.get("reason")
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"lotuspay.{each.get('family')}",
            name=_xml_text(f"{each['id']} {each.get('title')}"),
            time=f"{float(each.get('duration_seconds') or 0):.3f}",
        )
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", name="check_id", value=each["id"])
        ET.SubElement(props, "property", name="level", value=str(each.get("level")))
        ET.SubElement(props, "property", name="status", value=status)
        ET.SubElement(props, "property", name="judged_answers", value=str(each.get("judged", 0)))
        findings = each.get("failures") or []
        text = "\n\n".join(_finding_text(f) for f in findings)
        first = findings[0].get("message", "") if findings else reason or ""
        if status in ("failed", "error"):
            tag = "failure" if status == "failed" else "error"
            node = ET.SubElement(
                case, tag, message=_xml_text(str(first)[:200]), type=str(each.get("level"))
            )
            node.text = _xml_text(text)
        elif status == "skipped":
            ET.SubElement(case, "skipped", message=_xml_text(reason or "skipped"))
        elif status == "known":
            # As pytest reports an xfail: skipped, with the baseline's reason, findings kept.
            ET.SubElement(case, "skipped", message=_xml_text(reason or "known (baseline)"))
            ET.SubElement(case, "system-out").text = _xml_text(text)
        elif status == "not_exercised":
            message = f"not exercised: {reason or 'judged no answer'}"
            ET.SubElement(case, "skipped", message=_xml_text(message))
        elif findings:
            ET.SubElement(case, "system-out").text = _xml_text(text)
    ET.indent(suite)
    return redact(ET.tostring(suite, encoding="unicode", xml_declaration=True))


def junit_xml(result: RunResult) -> str:
    """Return the JUnit XML document of ``result``."""
    from ._summary import report_data

    return junit_xml_from_report(report_data(result))


def write_junit_report(report: Mapping[str, Any], path: str | Path) -> None:
    """Write the JUnit XML document of ``report`` (JSON report data) to ``path``."""
    text = junit_xml_from_report(report) + "\n"
    Path(path).write_text(text, encoding="utf-8", errors="backslashreplace")


def write_junit(result: RunResult, path: str | Path) -> None:
    """Write the JUnit XML report of ``result`` to ``path``."""
    Path(path).write_text(junit_xml(result) + "\n", encoding="utf-8", errors="backslashreplace")
