"""examples/client: the example client passes under every legal variation and transient
failure; the two deliberately fragile clients fail, each naming the variation and the rule."""

from __future__ import annotations

import re
from pathlib import Path

import httpcore  # noqa: F401  (pytester drops what a run imports; see test_matrix_plugin)
import pytest

from lotuspay_contract.conformance.mock import QUIRKS, TRANSIENTS

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "client"
MATRIX_TESTS = ("test_create_then_retrieve", "test_a_create_is_written_once", "test_bank_account")
EVERY_VARIATION = {*QUIRKS, *TRANSIENTS}


def _copy(pytester: pytest.Pytester) -> None:
    for path in EXAMPLE.rglob("*.py"):
        target = pytester.path / path.relative_to(EXAMPLE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())


def _run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, client: str
) -> pytest.RunResult:
    _copy(pytester)
    monkeypatch.setenv("LOTUSPAY_EXAMPLE_CLIENT", client)
    return pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", "-rf")


def _failed(result: pytest.RunResult) -> set[str]:
    return {m.group(1) for line in result.outlines if (m := re.match(r"FAILED \S+::(\S+)", line))}


def test_the_example_client_passes_every_variation(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, "robust")
    triggers = 6
    result.assert_outcomes(passed=len(MATRIX_TESTS) * len(EVERY_VARIATION) + triggers)
    result.stdout.fnmatch_lines(
        ["*test(s) judged, * request(s), 0 violation(s) of the request contract"]
    )


def test_the_ids_list_every_variation(pytester: pytest.Pytester) -> None:
    _copy(pytester)
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:randomly")
    for test in MATRIX_TESTS:
        ids = {
            m.group(1) for line in result.outlines if (m := re.search(rf"::{test}\[(\w+)\]", line))
        }
        assert ids == EVERY_VARIATION


def test_a_client_breaking_on_an_extra_property_fails_under_that_variation(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, "exact_shape")
    assert _failed(result) == {f"{test}[extra_properties]" for test in MATRIX_TESTS}
    result.stdout.fnmatch_lines(
        [
            "E * ValueError: unexpected properties in the answer: [[]'x_flags', 'x_region'[]]",
            "*- lotuspay variation -*",
            "variation extra_properties (legal variation): objects, lists and errors carry *",
            "allowed by docs/contract.md#transport.versioning, docs/contract.md#customer.shape: *",
            "  POST /v1/customers -> 200",
        ]
    )


def test_a_client_retrying_creates_without_a_key_fails_under_lost_answers(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, "no_key_retry")
    lost = ("first_attempt_500", "first_attempt_dropped")
    expected = {f"{test}[{name}]" for test in MATRIX_TESTS for name in lost}
    assert _failed(result) == expected | {"test_one_server_error_is_retried_under_the_same_key"}
    result.stdout.fnmatch_lines(
        [
            "*ClientContractError: lotuspay: under variation first_attempt_dropped: *",
            "*transport.idempotency (MUST) at /headers/idempotency-key: a create retried without "
            "an Idempotency-Key after no answer*",
            "variation first_attempt_dropped (transient failure): *",
            "allowed by docs/contract.md#transport.idempotency: *",
            "  POST /v1/customers -> no answer",
        ]
    )
