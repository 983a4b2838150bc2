"""The baseline on report data: what it may and may not excuse, its file format, and how each
report renders a known check."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from lotuspay_contract.conformance.report import (
    BASELINE_SCHEMA_PATH,
    Baseline,
    BaselineEntry,
    BaselineError,
    apply_baseline,
    junit_xml_from_report,
    merge_reports,
    normalise_pointer,
    read_baseline,
    render_html,
    render_markdown,
)

TODAY = datetime.date(2026, 6, 1)


def _finding(rule: str, pointer: str, level: str = "MUST") -> dict[str, Any]:
    return {"check": "X", "title": "t", "level": level, "message": "m", "rule": rule,
            "pointer": pointer, "request": "curl 'http://x/v1/customers'"}  # fmt: skip


def _check(check_id: str, status: str, *findings: dict[str, Any]) -> dict[str, Any]:
    return {"id": check_id, "title": f"title of {check_id}", "level": "MUST", "family": "shape",
            "kind": "response", "status": status, "reason": None, "failures": list(findings),
            "evidence": [], "judged": 1, "duration_seconds": 0.1}  # fmt: skip


def _report(*checks: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, int] = {}
    for check in checks:
        summary[check["status"]] = summary.get(check["status"], 0) + 1
    return {"run_id": "r1", "target": "http://x", "tier": "smoke", "seed": 1, "strict": False,
            "verdict": "fail", "summary": {**summary, "total": len(checks), "not_run_deadline": 0},
            "checks": list(checks), "coverage": []}  # fmt: skip


def _entry(check: str, rule: str, pointer: str, **kw: Any) -> BaselineEntry:
    return BaselineEntry(check=check, rule=rule, pointer=pointer, reason="known", **kw)


def test_pointers_are_normalised_by_indexes_and_ids() -> None:
    assert normalise_pointer("/data/3/id") == "/data/*/id"
    assert normalise_pointer("/customers/CU0011AABBCC22/bank_accounts/data/10/created") == (
        "/customers/<id>/bank_accounts/data/*/created"
    )
    assert normalise_pointer("/account_ifsc") == "/account_ifsc"
    assert normalise_pointer("") == ""


def test_an_errored_or_skipped_check_is_never_hidden() -> None:
    report = _report(
        _check("A", "error", _finding("r", "/x")),
        _check("B", "not_exercised"),
        _check("C", "failed", _finding("r", "/data/0/x")),
    )
    baseline = Baseline("b.json", (_entry("A", "r", "/x"), _entry("B", "r", "/y"),
                                   _entry("C", "r", "/data/*/x")))  # fmt: skip
    applied = apply_baseline(report, baseline, today=TODAY)
    statuses = {c["id"]: c["status"] for c in applied["checks"]}
    assert statuses == {"A": "error", "B": "not_exercised", "C": "known"}
    states = {e["check"]: e["state"] for e in applied["baseline"]["entries"]}
    assert states == {"A": "not_judged", "B": "not_judged", "C": "known"}
    assert applied["verdict"] == "fail"  # the error still fails the run
    assert "baseline" not in applied["checks"][0]["failures"][0]
    assert report["checks"][2]["status"] == "failed"  # the caller's data is left as it was


def test_a_check_with_one_unknown_finding_still_fails_and_warnings_stay_warnings() -> None:
    report = _report(
        _check("C", "failed", _finding("r", "/a"), _finding("r", "/b")),
        _check("D", "warned", _finding("s", "/c", level="SHOULD")),
    )
    baseline = Baseline("b.json", (_entry("C", "r", "/a"), _entry("D", "s", "/c")))
    applied = apply_baseline(report, baseline, today=TODAY)
    assert [c["status"] for c in applied["checks"]] == ["failed", "warned"]
    assert [f.get("baseline") for f in applied["checks"][0]["failures"]] == ["known", None]
    assert applied["summary"]["failed"] == 1
    assert applied["summary"]["known"] == 0


def test_an_entry_expiring_today_still_counts_and_tomorrow_fails() -> None:
    report = _report(_check("C", "failed", _finding("r", "/a")))
    entry = _entry("C", "r", "/a", expires=TODAY)
    on_the_day = apply_baseline(report, Baseline("b", (entry,)), today=TODAY)
    after = apply_baseline(report, Baseline("b", (entry,)), today=TODAY + datetime.timedelta(1))
    assert (on_the_day["verdict"], on_the_day["checks"][0]["status"]) == ("pass", "known")
    assert (after["verdict"], after["checks"][0]["status"]) == ("fail", "failed")
    assert after["baseline"]["entries"][0]["state"] == "expired"


def test_the_baseline_schema_is_a_valid_schema_and_reading_checks_it(tmp_path: Path) -> None:
    schema = json.loads(BASELINE_SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"version": 1, "entries": [{"check": "C", "reason": "ok",
                                                           "colour": "red"}]}))  # fmt: skip
    with pytest.raises(BaselineError, match=r"entry 1: Additional properties"):
        read_baseline(path)
    path.write_text(json.dumps({"version": 1, "entries": [{"check": "C", "reason": "   "}]}))
    with pytest.raises(BaselineError, match=r"entry 1, reason is empty"):
        read_baseline(path)
    path.write_text(json.dumps({"version": 1, "entries": [
        {"check": "C", "reason": "r", "expires": "31/03/2026"}]}))  # fmt: skip
    with pytest.raises(BaselineError, match=r"entry 1: expires must be a date YYYY-MM-DD"):
        read_baseline(path)
    path.write_text("{not json")
    with pytest.raises(BaselineError, match="is not JSON"):
        read_baseline(path)


def test_every_report_shows_a_known_check_as_known() -> None:
    report = _report(_check("C", "failed", _finding("r", "/data/0/a")))
    applied = apply_baseline(report, Baseline("b.json", (_entry("C", "r", "/data/*/a"),)),
                             today=TODAY)  # fmt: skip
    case = ET.fromstring(junit_xml_from_report(applied)).find("testcase")
    assert case is not None
    assert case.find("failure") is None
    skipped = case.find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "known (baseline): known"
    html = render_html(applied)
    assert '<span class="status-known">known</span> <code>C</code>' in html
    markdown = render_markdown(applied)
    assert "known: **C** title of C: known (baseline): known" in markdown
    assert "✅ pass" in markdown
    # Shards with the baseline applied still merge.
    assert merge_reports([applied])["summary"]["known"] == 1


def test_merged_shards_keep_the_observations_and_each_entrys_state() -> None:
    entry = _entry("C", "r", "/a", expires=TODAY)
    one = apply_baseline(_report(_check("C", "failed", _finding("r", "/a"))),
                         Baseline("b", (entry,)), today=TODAY)  # fmt: skip
    other = apply_baseline(_report(_check("D", "passed")), Baseline("b", (entry,)), today=TODAY)
    seen = {"schema": "customer", "pointer": "/x", "operations": ["listCustomers"]}
    one["observed"] = {"properties": [{**seen, "count": 2}], "dropped": 0}
    other["observed"] = {"properties": [{**seen, "count": 3}], "dropped": 1}
    merged = merge_reports([one, other])
    assert merged["observed"]["properties"] == [{**seen, "count": 5}]
    assert merged["observed"]["dropped"] == 1
    assert [(e["state"], e["matched"]) for e in merged["baseline"]["entries"]] == [("known", 1)]
    assert merged["verdict"] == "pass"
    late = apply_baseline(_report(_check("D", "passed")), Baseline("b", (entry,)),
                          today=TODAY + datetime.timedelta(1))  # fmt: skip
    assert merge_reports([one, late])["verdict"] == "fail"  # an expired entry in any part


def test_refreshing_a_baseline_keeps_the_known_entries_reasons() -> None:
    from lotuspay_contract.conformance.report import baseline_from_report

    report = _report(_check("C", "failed", _finding("r", "/data/0/a"), _finding("r", "/b")))
    entry = _entry("C", "r", "/data/*/a", owner="qa", expires=TODAY)
    applied = apply_baseline(report, Baseline("b", (entry, _entry("Z", "r", "/gone"))),
                             today=TODAY)  # fmt: skip
    written = baseline_from_report(applied)["entries"]
    assert [(e["pointer"], e["reason"], e["owner"], e.get("expires")) for e in written] == [
        ("/data/*/a", "known", "qa", "2026-06-01"),
        ("/b", "", "", None),
    ]
