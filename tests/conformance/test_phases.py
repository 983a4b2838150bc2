"""The stateful and fuzz phases pass on the clean mock and can fail; our checks in Schemathesis."""

from __future__ import annotations

import traceback
from typing import Any

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
        ("list_oldest_first", "CUS-STATE-001"),  # the model knows the creation order
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
