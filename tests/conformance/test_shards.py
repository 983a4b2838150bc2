"""``--shard I/N`` splits the checks deterministically and evenly; ``merge_reports`` and
``report merge`` join the shards' reports into one, or refuse what is not one run's parts."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from lotuspay_contract.conformance.cli._main import main
from lotuspay_contract.conformance.report import MergeError, merge_reports
from lotuspay_contract.conformance.suite import TIERS, select_checks, shard_checks
from lotuspay_contract.conformance.suite._selection import check_cost


@pytest.mark.parametrize("tier", ["smoke", "standard", "deep"])
@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_every_scenario_check_is_in_exactly_one_shard(tier: str, count: int) -> None:
    chosen = select_checks(None, tier)
    shards = [shard_checks(chosen, i, count, tier) for i in range(1, count + 1)]
    scenario = [c.id for c in chosen if c.kind == "scenario"]
    placed = [c.id for shard in shards for c in shard if c.kind == "scenario"]
    assert sorted(placed) == sorted(scenario)
    response = [c.id for c in chosen if c.kind == "response"]
    for shard in shards:
        assert [c.id for c in shard if c.kind == "response"] == response
        assert shard == [c for c in chosen if c in shard], "catalogue order is kept"
    # Even: no shard is heavier than the lightest by more than the heaviest single check.
    plan = TIERS[tier]
    loads = [sum(check_cost(c, plan) for c in s if c.kind == "scenario") for s in shards]
    assert max(loads) - min(loads) <= max(check_cost(c, plan) for c in chosen)


def test_the_split_is_the_same_every_time_and_ignores_the_order_given() -> None:
    chosen = select_checks(None, "standard")
    first = [c.id for c in shard_checks(chosen, 2, 3, "standard")]
    assert first == [c.id for c in shard_checks(list(chosen), 2, 3, "standard")]
    assert first == [c.id for c in shard_checks(chosen[::-1], 2, 3, "standard")][::-1]


@pytest.mark.parametrize(("index", "count"), [(0, 2), (3, 2), (1, 0)])
def test_a_shard_outside_the_split_is_refused(index: int, count: int) -> None:
    with pytest.raises(ValueError, match="the index must be from 1 to"):
        shard_checks(select_checks(None, "smoke"), index, count, "smoke")


@pytest.mark.parametrize("bad", ["0/2", "3/2", "1/", "a/b", "2", "1/65"])
def test_run_refuses_a_malformed_shard(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--shard", bad, "--seed", "1"]) == 2
    assert "--shard: the shard is I/N" in capsys.readouterr().err


def test_run_with_a_shard_needs_a_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--shard", "1/2", "--tier", "smoke"]) == 2
    assert "--shard needs --seed" in capsys.readouterr().err


# -- merging ------------------------------------------------------------------------------------


def _check(check_id: str, status: str, kind: str = "scenario", **extra: Any) -> dict[str, Any]:
    return {
        "id": check_id,
        "title": f"title of {check_id}",
        "level": "MUST",
        "family": "transport",
        "kind": kind,
        "clause": "x",
        "status": status,
        "duration_seconds": 0.5,
        "occurrences": 0,
        "reason": None,
        "judged": 1,
        "evidence": [{"operation": "listCustomers", "status": 200, "answers": 1}],
        "failures": [],
        **extra,
    }


def _finding(check_id: str, message: str, level: str = "MUST") -> dict[str, Any]:
    return {
        "check": check_id,
        "title": "t",
        "level": level,
        "message": message,
        "status": 200,
        "pointer": "",
        "rule": None,
        "expected": None,
        "actual": None,
        "seed": 7,
        "request": "curl -X GET 'http://127.0.0.1/v1/customers'",
    }


def _report(index: int, checks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "run_id": f"run{index}",
        "target": f"http://127.0.0.1:{8000 + index}",
        "key": "sk_test_…1234",
        "tier": "smoke",
        "seed": 7,
        "strict": False,
        "allow_live": False,
        "finished_at": f"2026-01-01T00:00:0{index}Z",
        "duration_seconds": float(index),
        "requests": 10 * index,
        "verdict": "pass",
        "notices": [],
        "stopped": None,
        "max_duration_seconds": 120.0,
        "summary": {},
        "checks": checks,
        "coverage": [
            {"operation": "listCustomers", "status": 200, "answers": index, "checks": ["A"]}
        ],
        "shard": {"index": index, "count": 2},
        **extra,
    }


def _two_shards() -> list[dict[str, Any]]:
    one = _report(
        1,
        [
            _check("CUS-HTTP-001", "passed", "response"),
            _check("CUS-HTTP-003", "not_exercised", "response", judged=0, evidence=[]),
            _check("X-A-001", "passed"),
        ],
    )
    finding = _finding("CUS-HTTP-001", "not JSON", level="SHOULD")
    two = _report(
        2,
        [
            _check("CUS-HTTP-001", "warned", "response", failures=[finding], occurrences=2),
            _check("CUS-HTTP-003", "passed", "response"),
            _check("X-A-002", "failed", failures=[_finding("X-A-002", "wrong")]),
        ],
    )
    return [one, two]


def test_merge_combines_response_checks_and_recomputes_the_totals() -> None:
    merged = merge_reports(_two_shards())
    by_id = {c["id"]: c for c in merged["checks"]}
    assert [c["id"] for c in merged["checks"]] == [
        "CUS-HTTP-001",
        "CUS-HTTP-003",
        "X-A-001",
        "X-A-002",
    ]
    assert by_id["CUS-HTTP-001"]["status"] == "warned"  # the worst of passed and warned
    assert by_id["CUS-HTTP-001"]["occurrences"] == 2
    assert by_id["CUS-HTTP-001"]["evidence"] == [
        {"operation": "listCustomers", "status": 200, "answers": 2}
    ]
    assert by_id["CUS-HTTP-003"]["status"] == "passed"  # judged in one shard: a pass
    assert merged["summary"] == {
        "passed": 2,
        "failed": 1,
        "error": 0,
        "warned": 1,
        "noted": 0,
        "not_exercised": 0,
        "skipped": 0,
        "total": 4,
        "not_run_deadline": 0,
    }
    assert merged["verdict"] == "fail"
    assert merged["requests"] == 30
    assert merged["duration_seconds"] == 2.0  # the longest shard: shards run side by side
    assert merged["coverage"][0]["answers"] == 3
    assert [m["shard"]["index"] for m in merged["merged"]] == [1, 2]


def test_the_same_report_twice_merges_but_a_check_that_differs_does_not() -> None:
    one, two = _two_shards()
    for shard in (one, two):
        shard.pop("shard")
    assert merge_reports([one, one])["summary"]["total"] == 3
    other = copy.deepcopy(one)
    other["checks"][2]["status"] = "failed"
    with pytest.raises(MergeError, match="X-A-001 is in several reports"):
        merge_reports([one, other])


def test_a_check_a_part_did_not_run_yields_to_the_part_that_ran_it() -> None:
    one, two = _two_shards()
    for shard in (one, two):
        shard.pop("shard")
    two["checks"].append(_check("X-A-001", "skipped", reason="not run", judged=0, evidence=[]))
    merged = merge_reports([one, two])
    assert {c["id"]: c["status"] for c in merged["checks"]}["X-A-001"] == "passed"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(seed=8), "seed is"),
        (lambda r: r.update(tier="deep"), "tier is"),
        (lambda r: r.update(shard={"index": 1, "count": 2}), "shard 1/2 is given twice"),
        (lambda r: r.update(shard={"index": 2, "count": 3}), "different splits"),
        (lambda r: r.pop("shard"), "some are not"),
        (lambda r: r.update(checks="none"), "report 2 is not a run report"),
    ],
)
def test_merge_refuses_reports_that_are_not_one_run(change: Any, message: str) -> None:
    one, two = _two_shards()
    change(two)
    with pytest.raises(MergeError, match=message):
        merge_reports([one, two])
    with pytest.raises(MergeError, match="missing"):
        merge_reports([_two_shards()[0]])


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_report_merge_writes_json_html_and_junit(tmp_path: Path) -> None:
    one, two = (_write(tmp_path, f"s{n}.json", r) for n, r in enumerate(_two_shards(), 1))
    out = tmp_path / "out"
    out.mkdir()
    argv = ["report", "merge", one, two, "--report-json", str(out / "run.json")]
    argv += ["--html", str(out / "run.html"), "--junitxml", str(out / "junit.xml")]
    assert main(argv) == 0
    assert main([*argv, "--exit-status"]) == 1  # a check failed: the run's verdict
    merged = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert merged["summary"]["total"] == 4
    suite = ET.parse(out / "junit.xml").getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("4", "1")
    assert "X-A-002" in (out / "run.html").read_text(encoding="utf-8")


def test_report_merge_exit_status_is_0_for_a_passing_run(tmp_path: Path) -> None:
    one, two = _two_shards()
    two["checks"][2] = _check("X-A-002", "passed")
    two["checks"][0] = _check("CUS-HTTP-001", "passed", "response")
    paths = [_write(tmp_path, f"s{n}.json", r) for n, r in enumerate((one, two), 1)]
    target = str(tmp_path / "junit.xml")
    assert main(["report", "merge", *paths, "--junitxml", target, "--exit-status"]) == 0


def test_report_merge_bad_input_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = _two_shards()
    two["seed"] = 9
    paths = [_write(tmp_path, f"s{n}.json", r) for n, r in enumerate((one, two), 1)]
    html = str(tmp_path / "x.html")
    assert main(["report", "merge", *paths, "--html", html]) == 2
    assert "different runs: seed" in capsys.readouterr().err
    assert not Path(html).exists()
    assert main(["report", "merge", paths[0], str(tmp_path / "nope.json"), "--html", html]) == 2
    assert main(["report", *paths, "--html", html]) == 2  # several without 'merge'
    assert "report merge A.json" in capsys.readouterr().err
    assert main(["report", "merge", *paths]) == 2  # nothing to write
