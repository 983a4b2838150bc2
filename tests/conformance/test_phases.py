"""The stateful and fuzz phases pass on the clean mock and can fail; our checks in Schemathesis."""

from __future__ import annotations

import traceback
from typing import Any

import httpx
import pytest
from suite_helpers import MOCK_KEYS, SECRET_KEY, run_against

from lotuspay_contract.conformance.mock import running_mock


@pytest.mark.parametrize("check_id", ["CUS-STATE-001", "CUS-FUZZ-001"])
def test_phase_passes_on_the_clean_mock(clean_mock: str, check_id: str) -> None:
    result = run_against(clean_mock, [check_id, "transport", "shape"], strict=True)
    assert [str(f) for r in result.results for f in r.findings] == []
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("fault", "failing"),
    [
        # Not list_oldest_first: the machine's creates share a second, and the order of
        # same-second ties is free (docs/contract.md#list.order); CUS-LIST-001 catches it.
        ("total_count_short", "CUS-STATE-001"),  # the model knows how many there are
        ("retrieve_drops_metadata", "CUS-STATE-001"),  # the model remembers what was sent
        ("crash_on_non_ascii", "CUS-HTTP-003"),  # fuzzed strings reach past ASCII
    ],
)
def test_phase_detects_a_fault(fault: str, failing: str) -> None:
    phase = "CUS-FUZZ-001" if failing == "CUS-HTTP-003" else failing
    with running_mock(api_keys=MOCK_KEYS, faults=[fault]) as url:
        result = run_against(url, [phase, "CUS-HTTP-003"], tier="standard")
    verdicts = {r.check.id: r.status for r in result.results}
    assert verdicts[failing] == "failed", verdicts


def test_response_checks_are_schemathesis_checks(clean_mock: str) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    from lotuspay_contract import schemas
    from lotuspay_contract.conformance.suite._fuzz import schemathesis_checks

    checks = schemathesis_checks()
    assert {c.__name__ for c in checks} >= {"cus_http_001", "cus_shape_001"}
    schema = schemathesis.openapi.from_path(schemas.openapi_path())
    schema.config.update(basic_auth=(SECRET_KEY, ""))
    operation = schema["/v1/customers"]["GET"]
    seen: list[int] = []

    @settings(max_examples=3, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def test(case: Any) -> None:
        response = case.call(base_url=clean_mock, timeout=5)
        case.validate_response(response, checks=checks)
        seen.append(response.status_code)

    test()
    assert seen
    with running_mock(api_keys=MOCK_KEYS, faults=["errors_plain_text"]) as url:
        case = schema["/v1/customers/{id}"]["GET"].Case(path_parameters={"id": "CU404"})
        response = case.call(base_url=url, timeout=5)
        # Schemathesis groups the failures in an exception group naming the checks.
        with pytest.raises(BaseException, match="cus_http_001") as caught:
            case.validate_response(response, checks=checks)
    text = "".join(traceback.format_exception(caught.value))
    assert "[CUS-HTTP-001] Every response is JSON" in text


# -- a check that judged nothing, or a server that refuses everything, never passes -----------


class Answering(httpx.AsyncBaseTransport):
    """Forwards to the real mock over loopback unless ``answer(request)`` gives a response (or
    raises, like a transport whose read timed out)."""

    def __init__(self, answer: Any) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._answer = answer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        given = self._answer(request)
        if given is not None:
            return given  # type: ignore[no-any-return]
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _error(status: int) -> httpx.Response:
    error = {"error": {"type": "api_error" if status >= 500 else "invalid_request_error"}}
    return httpx.Response(status, json=error)


def _run_through(url: str, checks: list[str], answer: Any) -> dict[str, Any]:
    from suite_helpers import settings_for

    from lotuspay_contract.conformance.suite._runner import run_suite, select_checks

    result = run_suite(
        settings_for(url), checks=select_checks(checks, "smoke"), transport=Answering(answer)
    )
    return {r.check.id: r for r in result.results}


@pytest.mark.parametrize(
    ("what", "answer"),
    [
        ("every request 500", lambda r: _error(500)),
        ("every create refused", lambda r: _error(400) if r.method == "POST" else None),
        (
            "every create hangs",
            lambda r: (
                (_ for _ in ()).throw(httpx.ReadTimeout("timed out", request=r))
                if r.method == "POST"
                else None
            ),
        ),
    ],
)
def test_fuzz_fails_on_its_own(clean_mock: str, what: str, answer: Any) -> None:
    verdict = _run_through(clean_mock, ["CUS-FUZZ-001"], answer)["CUS-FUZZ-001"]
    assert verdict.status == "failed", (what, verdict.status, [str(f) for f in verdict.findings])


def test_default_limit_branch_can_fail(clean_mock: str) -> None:
    def default_two(request: httpx.Request) -> None:
        listing = request.method == "GET" and request.url.path == "/v1/customers"
        if listing and "limit" not in request.url.params:
            request.url = request.url.copy_set_param("limit", "2")

    verdict = _run_through(clean_mock, ["CUS-LIST-002"], default_two)["CUS-LIST-002"]
    assert verdict.status == "failed"
    assert any("without limit" in f.message for f in verdict.findings)


def test_idempotency_count_never_passes_on_a_failed_list(clean_mock: str) -> None:
    def email_list_500(request: httpx.Request) -> httpx.Response | None:
        if request.method == "GET" and "email" in request.url.params:
            return _error(500)
        return None

    verdict = _run_through(clean_mock, ["CUS-IDEM-002"], email_list_500)["CUS-IDEM-002"]
    assert verdict.status != "passed"
