"""The pytest plugin, tested with pytester: options, inert by default, collection, header."""

from __future__ import annotations

import json

import pytest
from suite_helpers import SECRET_KEY

from lotuspay_contract.conformance.suite import all_checks


def test_options_are_in_one_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    for line in (
        "*--lotuspay-url=URL*",
        "*--lotuspay-key=KEY*",
        "*--lotuspay-live-key=KEY*",
        "*--lotuspay-tier=TIER*",
        "*--lotuspay-strict*",
        "*--lotuspay-allow-live*",
        "*--lotuspay-report-json=PATH*",
        "*--lotuspay-seed=N*",
        "*--lotuspay-max-duration=SECONDS*",
    ):  # each in the group, in the settings' order
        result.stdout.fnmatch_lines(["LotusPay conformance suite:", line])


def test_inert_without_url(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["test_inert_without_url.py::test_one", "1 test collected*"])
    result.stdout.no_fnmatch_line("*lotuspay*")


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.lotuspay_check(check_id):*"])


def test_url_collects_one_item_per_check(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "--collect-only",
        "-q",
        "--lotuspay-url",
        "http://127.0.0.1:9",
        "--lotuspay-key",
        SECRET_KEY,
        "--lotuspay-tier",
        "smoke",
    )
    wanted = [c for c in all_checks() if c.runs_in("smoke")]
    lines = [line for line in result.stdout.lines if line.startswith("lotuspay::")]
    assert sorted(lines) == sorted(f"lotuspay::{c.id}" for c in wanted)
    result.stdout.fnmatch_lines([f"{len(wanted)} tests collected*"])
    assert SECRET_KEY not in result.stdout.str()


def test_report_header_shows_masked_target_and_seed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "--collect-only",
        "--lotuspay-url",
        "http://127.0.0.1:9",
        "--lotuspay-key",
        SECRET_KEY,
        "--lotuspay-seed",
        "1234",
    )
    result.stdout.fnmatch_lines(
        ["lotuspay: target http://127.0.0.1:9, key sk_test_****, tier standard, seed 1234, run *"]
    )
    assert SECRET_KEY not in result.stdout.str()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lotuspay-seed", "abc"], "*--lotuspay-seed: the seed is a whole number from 0*"),
        (
            ["--lotuspay-tier", "huge"],
            "*--lotuspay-tier: the tier is one of smoke, standard, deep*",
        ),
        (["--lotuspay-url", "localhost:8000"], "*must start with http:// or https://*"),
        (["--lotuspay-jobs", "0"], "*--lotuspay-jobs: *a whole number from 1 to 64*"),
    ],
)
def test_bad_option_values_get_a_sentence(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_url_without_key_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOTUSPAY_API_KEY", raising=False)
    result = pytester.runpytest("--lotuspay-url", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no API key for http://127.0.0.1:9: pass --lotuspay-key*"])


def test_suite_runs_against_the_mock(pytester: pytest.Pytester, clean_mock: str) -> None:
    report = pytester.path / "report.json"
    result = pytester.runpytest(
        "--lotuspay-url",
        clean_mock,
        "--lotuspay-key",
        SECRET_KEY,
        "--lotuspay-seed",
        "5",
        "--lotuspay-report-json",
        str(report),
        "-p",
        "no:randomly",
        "-k",
        "HTTP or LIST or SHAPE",
    )
    chosen = [c for c in all_checks() if any(k in c.id for k in ("HTTP", "LIST", "SHAPE"))]
    # No bank account in that traffic: its two shape checks judged nothing, so they are skips.
    result.assert_outcomes(passed=len(chosen) - 2, skipped=2)
    result.stdout.no_fnmatch_line("*FAILED*")
    data = json.loads(report.read_text())
    unjudged = {c["id"] for c in data["checks"] if c["status"] == "not_exercised"}
    assert unjudged == {"CUS-SHAPE-003", "CUS-SHAPE-004"}
    assert len(data["checks"]) == len(chosen)  # deselected checks are not in the report
    assert data["seed"] == 5
    assert data["key"] == "sk_test_****"
    assert SECRET_KEY not in report.read_text()


def test_fixtures_are_available(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_client(lotuspay_client, lotuspay_mock):
            assert lotuspay_client.base_url == lotuspay_mock
            assert lotuspay_client.request("GET", "/v1/customers").status == 200
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
