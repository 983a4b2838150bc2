"""``report compare`` through the real CLI: a clean run against one with the mock's
``extra_properties`` quirk (new properties: allowed, listed, exit 0) and against a faulty run
(new failures: listed, exit 1 with --exit-status)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from lotuspay_contract.conformance.cli._main import main
from lotuspay_contract.conformance.mock import running_mock
from lotuspay_contract.conformance.report import compare_reports, undefined_properties

RUN = ["run", "--tier", "smoke", "--checks", "shape", "--seed", "11", "-q"]
# What the quirk adds (mock/_quirk_rewrites.py extra_properties), by schema and pointer: on
# customers, bank accounts and every list, on the top-level lists, on errors.
QUIRK_PROPERTIES = {
    ("customer", "/x_region"),
    ("customer", "/x_flags"),
    ("bank_account", "/x_region"),
    ("bank_account", "/x_flags"),
    ("child_list", "/x_region"),
    ("child_list", "/x_flags"),
    ("customer_list", "/x_region"),
    ("customer_list", "/x_flags"),
    ("customer_list", "/has_more"),
    ("bank_account_list", "/x_region"),
    ("bank_account_list", "/x_flags"),
    ("bank_account_list", "/has_more"),
    ("error", "/error/request_log_url"),
}


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("runs")
    paths = {name: tmp / f"{name}.json" for name in ("clean", "quirk", "faulty")}
    assert main([*RUN, "--report-json", str(paths["clean"])]) == 0
    assert (
        main([*RUN, "--mock-fault", "created_string", "--report-json", str(paths["faulty"])]) == 1
    )
    with running_mock(quirks=("extra_properties",)) as url:
        keys = ["--api-key", url.api_keys[0], "--second-api-key", url.api_keys[1]]
        argv = [*RUN, "--base-url", str(url), *keys, "--report-json", str(paths["quirk"])]
        assert main(argv) == 0  # new properties are allowed: never a failure
    return paths


def test_a_clean_run_records_nothing_beyond_the_contract_in_its_body(
    runs: dict[str, Path],
) -> None:
    observed = _json(runs["clean"])["observed"]
    assert observed["properties"] == []
    assert observed["dropped"] == 0


def test_the_quirk_run_records_each_new_property_by_schema_and_pointer(
    runs: dict[str, Path],
) -> None:
    observed = _json(runs["quirk"])["observed"]
    seen = {(row["schema"], row["pointer"]) for row in observed["properties"]}
    assert seen == QUIRK_PROPERTIES
    assert all(row["count"] >= 1 and row["operations"] for row in observed["properties"])


def test_compare_with_the_quirk_run_exits_0_and_lists_each_new_property(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    markdown, html = tmp_path / "changes.md", tmp_path / "changes.html"
    argv = ["report", "compare", str(runs["clean"]), str(runs["quirk"]), "--exit-status"]
    assert main([*argv, "--markdown", str(markdown), "--html", str(html)]) == 0
    text = markdown.read_text(encoding="utf-8")
    assert "(no new failure)" in text
    section = text.split("### Observed beyond the contract", 1)[1]
    listed = set(re.findall(r"^- \*\*new\*\* property `([^`]+)` of `(\w+)`", section, re.M))
    assert listed == {(pointer, schema) for schema, pointer in QUIRK_PROPERTIES}
    assert "request_log_url" in html.read_text(encoding="utf-8")


def test_compare_with_a_faulty_run_lists_the_new_failures_and_exits_1(
    runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", "compare", str(runs["clean"]), str(runs["faulty"])]
    assert main(argv) == 0  # without --exit-status: the changes are printed, status 0
    out = capsys.readouterr().out
    assert main([*argv, "--exit-status"]) == 1
    new = out.split("### New failures", 1)[1].split("###", 1)[0]
    assert re.findall(r"^- \*\*(CUS-[A-Z]+-\d+)\*\*", new, re.M) == [
        "CUS-SHAPE-001",
        "CUS-SHAPE-002",
        "CUS-SHAPE-003",
        "CUS-SHAPE-004",
    ]
    assert "passed → failed" in new
    # Backwards: the faulty run's failures are fixed, and nothing is new.
    back = compare_reports(_json(runs["faulty"]), _json(runs["clean"]))
    assert back["new_failures"] == []
    assert [c["id"] for c in back["fixed"]] == [
        "CUS-SHAPE-001",
        "CUS-SHAPE-002",
        "CUS-SHAPE-003",
        "CUS-SHAPE-004",
    ]


def test_a_check_failing_in_both_runs_with_a_new_finding_is_a_new_failure() -> None:
    def report(*rules: str) -> dict[str, Any]:
        failures = [{"rule": r, "pointer": "/data/0/x", "level": "MUST"} for r in rules]
        return {"checks": [{"id": "C", "status": "failed", "level": "MUST", "failures": failures}]}

    assert compare_reports(report("a"), report("a"))["new_failures"] == []
    changes = compare_reports(report("a"), report("a", "b"))
    assert [(c["id"], c["new_findings"]) for c in changes["new_failures"]] == [("C", 1)]


def test_metadata_keys_are_the_users_own_and_never_beyond_the_contract() -> None:
    customer = {"id": "CU1", "object": "customer", "metadata": {"anything": 1}, "x_new": True}
    assert undefined_properties(customer, "customer") == [("customer", "/x_new")]
