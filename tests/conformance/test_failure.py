"""A failure says what broke, where, and how to reproduce it, with the key masked."""

from __future__ import annotations

from lotuspay_contract.conformance import Level
from lotuspay_contract.conformance.suite._failure import CheckFailure

KEY = "sk_test_abcdefABCDEF0123456789"


def make() -> CheckFailure:
    return CheckFailure(
        "CUS-LIST-001",
        "Customers are listed newest first",
        Level.MUST,
        f"wrong order (key {KEY})",
        request=f"curl -X GET 'http://x/v1/customers' -u '{KEY}:'",
        pointer="/data/1/created",
        expected="<= 5",
        actual=7,
        seed=42,
    )


def test_failure_is_an_assertion_error_ending_with_the_curl_line() -> None:
    failure = make()
    assert isinstance(failure, AssertionError)
    text = str(failure)
    assert text.startswith("[CUS-LIST-001] Customers are listed newest first (MUST): wrong order")
    assert "    at: /data/1/created" in text
    assert "    seed: 42" in text
    assert text.splitlines()[-2] == "Reproduce with:"
    assert text.splitlines()[-1] == "    curl -X GET 'http://x/v1/customers' -u 'sk_test_****:'"
    assert KEY not in text


def test_to_dict_is_masked_and_complete() -> None:
    data = make().to_dict()
    assert data["check"] == "CUS-LIST-001"
    assert data["level"] == "MUST"
    assert data["pointer"] == "/data/1/created"
    assert KEY not in repr(data)
