"""The JUnit XML report: one testcase per check, with its id and level as properties."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..redact import redact
from ..suite import RunResult

__all__ = ["junit_xml", "write_junit"]

# XML 1.0 cannot carry most control characters; a hostile server's body may hold any byte.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", redact(text))


def junit_xml(result: RunResult) -> str:
    """Return the JUnit XML document of ``result``."""
    counts = result.counts()
    suite = ET.Element(
        "testsuite",
        name="lotuspay-contract",
        tests=str(counts["total"]),
        failures=str(counts["failed"]),
        errors=str(counts["error"]),
        skipped=str(counts["skipped"] + counts["not_exercised"]),
        time=f"{result.duration:.3f}",
    )
    suite_props = ET.SubElement(suite, "properties")
    for name, value in (
        ("run_id", result.settings.run_id),
        ("target", result.target),
        ("tier", result.settings.tier.name),
        ("seed", str(result.settings.seed)),
        ("strict", str(result.settings.strict).lower()),
    ):
        ET.SubElement(suite_props, "property", name=name, value=value)
    for each in result.results:
        check = each.check
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"lotuspay.{check.family}",
            name=f"{check.id} {check.title}",
            time=f"{each.duration:.3f}",
        )
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", name="check_id", value=check.id)
        ET.SubElement(props, "property", name="level", value=check.level.value)
        ET.SubElement(props, "property", name="status", value=each.status)
        judged = sum(each.evidence.values())
        ET.SubElement(props, "property", name="judged_answers", value=str(judged))
        text = "\n\n".join(str(f) for f in each.findings)
        first = each.findings[0].message if each.findings else each.reason or ""
        if each.status in ("failed", "error"):
            tag = "failure" if each.status == "failed" else "error"
            node = ET.SubElement(case, tag, message=_xml_text(first[:200]), type=check.level.value)
            node.text = _xml_text(text)
        elif each.status == "skipped":
            ET.SubElement(case, "skipped", message=_xml_text(each.reason or "skipped"))
        elif each.status == "not_exercised":
            reason = f"not exercised: {each.reason or 'judged no answer'}"
            ET.SubElement(case, "skipped", message=_xml_text(reason))
        elif each.findings:
            ET.SubElement(case, "system-out").text = _xml_text(text)
    ET.indent(suite)
    return redact(ET.tostring(suite, encoding="unicode", xml_declaration=True))


def write_junit(result: RunResult, path: str | Path) -> None:
    """Write the JUnit XML report of ``result`` to ``path``."""
    Path(path).write_text(junit_xml(result) + "\n", encoding="utf-8", errors="backslashreplace")
