"""The client matrix and request conformance as a user meets them: through pytest (pytester).

Runs are in-process. httpcore is imported here on purpose: httpx imports it lazily, and an
inner run's fresh copy (pytester drops the modules a run imported) escaped the exception map
httpx built with the first copy, so ``except httpx.TransportError`` missed its errors.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpcore  # noqa: F401  (see the module docstring)
import pytest

from lotuspay_contract.conformance.mock import QUIRKS, TRANSIENTS

ROOT = Path(__file__).resolve().parents[2]
EVERY_VARIATION = {*QUIRKS, *TRANSIENTS}

#: A client that retries what fails, honouring Retry-After, with a key on creates.
ROBUST = """
import time, uuid
import httpx

def call(mock, method, path, **kwargs):
    key = mock.api_keys[0]
    headers = {"Idempotency-Key": str(uuid.uuid4())} if method == "POST" else {}
    for attempt in range(4):
        try:
            r = httpx.request(method, f"{mock}{path}", auth=(key, ""), headers=headers,
                              timeout=5, **kwargs)
        except httpx.TransportError:
            continue
        if r.status_code == 429 or r.status_code >= 500:
            time.sleep(float(r.headers.get("retry-after", "0")))
            continue
        return r
    raise AssertionError("gave up")
"""


def _ids(result: pytest.RunResult) -> set[str]:
    return {m.group(1) for line in result.outlines if (m := re.search(r"\[([^\]]+)\]", line))}


def test_ids_name_every_variation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.lotuspay_variations("legal", "transient")
        def test_it(lotuspay_mock):
            pass
        """
    )
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:randomly")
    assert _ids(result) == EVERY_VARIATION
    assert len([line for line in result.outlines if "test_it[" in line]) == len(EVERY_VARIATION)


def test_a_robust_client_passes_every_variation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        ROBUST
        + """
import pytest

@pytest.mark.lotuspay_variations("legal", "transient")
def test_create_then_find(lotuspay_mock):
    created = call(lotuspay_mock, "POST", "/v1/customers", json={"name": "Asha"}).json()
    found = call(lotuspay_mock, "GET", f"/v1/customers/{created['id']}").json()
    assert found["name"] == "Asha"
    listed = call(lotuspay_mock, "GET", "/v1/customers").json()
    assert listed["total_count"] == 1  # one customer however the first attempts went
    assert lotuspay_mock.variation in lotuspay_mock.requests[0].variation
    assert lotuspay_mock.violations() == []
"""
    )
    result = pytester.runpytest("-p", "no:randomly", "--lotuspay-client-strict")
    result.assert_outcomes(passed=len(EVERY_VARIATION))


def test_a_client_breaking_on_an_extra_property_names_the_variation(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx, pytest

        @pytest.mark.lotuspay_variations("extra_properties", "ids_stripe_style")
        def test_strict_shape(lotuspay_mock):
            key = lotuspay_mock.api_keys[0]
            r = httpx.post(f"{lotuspay_mock}/v1/customers", auth=(key, ""), json={"name": "A"},
                           timeout=5)
            assert "x_region" not in r.json(), "unexpected property"
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- lotuspay variation -*",
            "variation extra_properties (legal variation): objects, lists and errors carry *",
            "allowed by docs/contract.md#transport.versioning, docs/contract.md#customer.shape: *",
            "exchanges of this test (1 of 1 shown*",
            "  POST /v1/customers -> 200",
            "    authorization: Basic <sk_test_****:>",
            '*answer: {"id":*',
            "*= 1 failed, 1 passed in *",
        ]
    )
    assert "_ test_strict_shape[extra_properties] _" in result.stdout.str()
    assert "sk_test_" not in result.stdout.str().replace("sk_test_****", "")


def test_a_create_retried_without_a_key_fails_under_a_transient_variation(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx, pytest

        @pytest.mark.lotuspay_variations("first_attempt_dropped")
        def test_create(lotuspay_mock):
            key = lotuspay_mock.api_keys[0]
            for attempt in range(2):
                try:
                    httpx.post(f"{lotuspay_mock}/v1/customers", auth=(key, ""),
                               json={"name": "A"}, timeout=5)
                    break
                except httpx.TransportError:
                    continue
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*ClientContractError: lotuspay: under variation first_attempt_dropped: "
            "1 violation(s) of the request contract",
            "*1. transport.idempotency (MUST) at /headers/idempotency-key: a create retried "
            "without an Idempotency-Key after no answer*[[]docs/contract.md#transport.idempotency[]]",
            "*POST /v1/customers -> 200",
            "variation first_attempt_dropped (transient failure): *",
            "allowed by docs/contract.md#transport.idempotency: *",
            "  POST /v1/customers -> no answer",
        ]
    )


def test_unknown_variation_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.lotuspay_variations("gzipp")
        def test_it(lotuspay_mock):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.stdout.fnmatch_lines(["*unknown variation 'gzipp'; give 'legal', 'transient' or *"])
    assert result.ret != 0


def test_the_marker_needs_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.lotuspay_variations("legal")
        def test_it():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.stdout.fnmatch_lines(["*lotuspay_variations needs the lotuspay_mock fixture*"])
    assert result.ret != 0


SLOPPY = """
import httpx, pytest

def test_sloppy(lotuspay_mock):
    key = lotuspay_mock.api_keys[0]
    httpx.post(f"{lotuspay_mock}/v1/customers", auth=(key, ""), timeout=5,
               json={"name": "A", "nickname": "B", "metadata": {"seats": 3}})
    assert [v.violation.rule for v in lotuspay_mock.violations()] == [
        "metadata.values", "customer_create.unknown_parameter"]
"""


def test_violations_are_summarised_and_pass_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SLOPPY)
    report = pytester.path / "client.json"
    result = pytester.runpytest("-p", "no:randomly", "--lotuspay-client-report", str(report))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*= lotuspay client requests =*",
            "1 test(s) judged, 1 request(s), 2 violation(s) of the request contract",
            "test_violations_are_summarised_and_pass_by_default.py::test_sloppy: 2",
            '  metadata.values (SHOULD) at /body/metadata/seats: 3 is not of type "string"',
            "  customer_create.unknown_parameter (SHOULD) at /body/nickname: *",
        ]
    )
    data = json.loads(report.read_text())
    [test] = data["tests"]
    assert test["requests"] == 1
    assert test["outcome"] == "passed"
    assert [v["rule"] for v in test["violations"]] == [
        "metadata.values",
        "customer_create.unknown_parameter",
    ]
    assert "sk_test_****" in test["violations"][0]["request"]


@pytest.mark.parametrize("how", ["option", "marker"])
def test_strict_fails_on_any_violation(pytester: pytest.Pytester, how: str) -> None:
    source = (
        SLOPPY
        if how == "option"
        else SLOPPY.replace(
            "def test_sloppy", "@pytest.mark.lotuspay_client_strict\ndef test_sloppy"
        )
    )
    pytester.makepyfile(source)
    args = ["--lotuspay-client-strict"] if how == "option" else []
    result = pytester.runpytest("-p", "no:randomly", *args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*ClientContractError: lotuspay: strict request conformance: 2 violation(s)*",
            "*1. metadata.values (SHOULD) at /body/metadata/seats: *[[]docs/contract.md#metadata.values[]]",
            "*POST /v1/customers -> 400",
            "*authorization: Basic <sk_test_****:>",
            "*2. customer_create.unknown_parameter (SHOULD) at /body/nickname: *",
        ]
    )


README_EXAMPLE = """
import httpx
from hypothesis import given
from lotuspay_contract import validate
from lotuspay_contract.strategies import customer_create_params


def test_my_client_creates_customers(lotuspay_mock):  # a real mock server on 127.0.0.1
    key = lotuspay_mock.api_keys[0]  # the mock accepts only the keys it issued
    r = httpx.post(
        f"{lotuspay_mock}/v1/customers",
        auth=(key, ""),
        json={"name": "आशा वर्मा"},
        timeout=5,
    )
    assert validate(r.json(), "customer", strict=True) == []
"""


def test_the_readme_example_has_no_violation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(README_EXAMPLE)
    result = pytester.runpytest("-p", "no:randomly", "--lotuspay-client-strict")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["1 test(s) judged, 1 request(s), 0 violation(s)*"])


def test_the_other_repo_example_has_no_violation(pytester: pytest.Pytester) -> None:
    """Its valid-input tests, strict; its refusal test sends invalid input on purpose."""
    pytester.makepyfile(test_other_repo=(ROOT / "examples" / "test_other_repo.py").read_text())
    result = pytester.runpytest(
        "-p", "no:randomly", "--lotuspay-client-strict", "-k", "not refusals"
    )
    result.assert_outcomes(passed=2, deselected=1)


def test_the_matrix_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        ROBUST
        + """
import pytest

@pytest.mark.lotuspay_variations("transient", "extra_properties", "gzip")
def test_create(lotuspay_mock):
    created = call(lotuspay_mock, "POST", "/v1/customers", json={"name": "Asha", "x": "1"})
    assert created.status_code == 400  # the undocumented x: refused, and reported
    assert call(lotuspay_mock, "GET", "/v1/customers").json()["total_count"] == 0
"""
    )
    report = pytester.path / "client.json"
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-n", "2", "--lotuspay-client-report", str(report)
    )
    names = [*TRANSIENTS, "connection_close", "extra_properties", "gzip"]
    result.assert_outcomes(passed=len(names))
    result.stdout.fnmatch_lines([f"{len(names)} test(s) judged, * request(s), * violation(s)*"])
    tests = json.loads(report.read_text())["tests"]
    assert sorted(t["variation"] for t in tests) == sorted(names)
    for test in tests:  # each worker's tests, merged by the controller
        assert {v["pointer"] for v in test["violations"]} == {"/body/x"}


def test_the_summary_stays_short(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_many(lotuspay_mock):
            key = lotuspay_mock.api_keys[0]
            for n in range(7):
                httpx.post(f"{lotuspay_mock}/v1/customers", auth=(key, ""), timeout=5,
                           json={f"extra{n}": "x"})
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "test_the_summary_stays_short.py::test_many: 7",
            "  customer_create.unknown_parameter (SHOULD) at /body/extra4: *",
            "  ... and 2 more",
            "every violation: --lotuspay-client-report PATH",
        ]
    )
