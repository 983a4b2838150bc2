"""The request contract judges what a client sent: one rule per finding, its pointer, the
request shown with the key masked."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest

from lotuspay_contract.conformance.validation import Level, SentRequest, judge_requests

KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
AUTH = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()


def _post(
    body: object, *, key: str | None = None, status: int | None = 200, **headers: str
) -> SentRequest:
    sent = {"authorization": AUTH, "content-type": "application/json", **headers}
    if key is not None:
        sent["idempotency-key"] = key
    return SentRequest("POST", "/v1/customers", (), sent, json.dumps(body).encode(), status)


def _rules(requests: list[SentRequest]) -> list[tuple[int, str, str]]:
    return [(f.index, f.violation.rule, f.violation.pointer) for f in judge_requests(requests)]


def test_a_conforming_create_and_list_have_no_finding() -> None:
    get = SentRequest(
        "GET", "/v1/customers", (("limit", "10"), ("page", "2")), {"authorization": AUTH}, b""
    )
    assert judge_requests([_post({"name": "आशा वर्मा", "metadata": {"plan": "gold"}}), get]) == []


def test_an_undocumented_parameter() -> None:
    assert _rules([_post({"name": "Asha", "nickname": "A"})]) == [
        (0, "customer_create.unknown_parameter", "/body/nickname")
    ]


def test_a_metadata_value_that_is_not_a_string() -> None:
    found = judge_requests([_post({"metadata": {"seats": 3}})])
    assert [(f.violation.rule, f.violation.pointer) for f in found] == [
        ("metadata.values", "/body/metadata/seats")
    ]
    assert found[0].violation.message == '3 is not of type "string"'


def test_an_over_long_email() -> None:
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 8) + ".in"
    found = judge_requests([_post({"email": email})])
    assert [(f.violation.rule, f.violation.level) for f in found] == [
        ("customer_create.email", Level.MUST)
    ]


def test_a_create_retried_without_idempotency_key() -> None:
    first = _post({"name": "Asha"}, status=None)  # the connection dropped: maybe written
    retry = _post({"name": "Asha"})
    found = judge_requests([first, retry])
    assert [(f.index, f.violation.rule, f.retry) for f in found] == [
        (1, "transport.idempotency", True)
    ]
    assert "retried without an Idempotency-Key after no answer" in found[0].violation.message


def test_a_create_retried_under_another_key() -> None:
    found = judge_requests(
        [_post({"name": "A"}, key="k1", status=500), _post({"name": "A"}, key="k2")]
    )
    assert [f.violation.message.split(" after")[0] for f in found] == [
        "a create retried under another Idempotency-Key"
    ]


@pytest.mark.parametrize("first_status", [429, 400, 200])
def test_a_repeat_after_an_unprocessed_or_final_answer_is_no_retry(first_status: int) -> None:
    # 429 is answered before processing; 4xx and 200 are final: a same-body create is a new one.
    assert judge_requests([_post({"name": "A"}, status=first_status), _post({"name": "A"})]) == []


def test_a_retry_under_the_same_key_is_right() -> None:
    assert (
        judge_requests([_post({"name": "A"}, key="k", status=None), _post({"name": "A"}, key="k")])
        == []
    )


@pytest.mark.parametrize(
    ("authorization", "shown"),
    [
        (None, "no Authorization header"),
        (f"Bearer {KEY}", "Bearer"),
        ("Basic " + base64.b64encode(f"{KEY}:secret".encode()).decode(), "non-empty password"),
        ("Basic " + base64.b64encode(b"pk_test_x:").decode(), "Basic with user"),
    ],
)
def test_auth_is_basic_with_the_key_and_no_password(authorization: str | None, shown: str) -> None:
    headers = {"authorization": authorization} if authorization else {}
    found = judge_requests([SentRequest("GET", "/v1/customers", (), headers, b"")])
    assert [f.violation.rule for f in found] == ["transport.auth"]
    assert shown in str(found[0].violation.actual)
    assert KEY not in str(found[0])
    assert "secret" not in str(found[0].violation.actual)


def test_accept_that_refuses_json() -> None:
    found = judge_requests([_post({"name": "A"}, accept="text/html")])
    assert [f.violation.rule for f in found] == ["transport.json"]


def test_a_create_in_another_encoding() -> None:
    found = judge_requests([_post({"name": "A"}, **{"content-type": "text/plain"})])
    assert [f.violation.rule for f in found] == ["transport.encodings"]


def test_form_bodies_are_judged_alike() -> None:
    body = urlencode({"name": "A", "nick": "B", "metadata[plan]": "gold"}).encode()
    headers = {"authorization": AUTH, "content-type": "application/x-www-form-urlencoded"}
    found = judge_requests([SentRequest("POST", "/v1/customers", (), headers, body, 400)])
    assert [f.violation.pointer for f in found] == ["/body/nick"]


def test_bank_account_creates_use_their_schema() -> None:
    body = json.dumps(
        {
            "account_holder_name": "A",
            "account_ifsc": "HDFC0000001",
            "account_number": "12",
            "account_type": "savings",
        }
    )
    headers = {"authorization": AUTH, "content-type": "application/json"}
    found = judge_requests(
        [SentRequest("POST", "/v1/customers/CU1/bank_accounts", (), headers, body.encode())]
    )
    assert [f.violation.rule for f in found] == ["bank_account_create.account_number"]


def test_list_queries() -> None:
    query = (("limit", "500"), ("starting_after", "CU1"))
    found = judge_requests(
        [SentRequest("GET", "/v1/customers", query, {"authorization": AUTH}, b"")]
    )
    assert [(f.violation.rule, f.violation.pointer) for f in found] == [
        ("list.limit_range", "/query/limit"),
        ("request.unknown_parameter", "/query/starting_after"),
    ]


def test_the_request_is_shown_with_the_key_masked() -> None:
    found = judge_requests([_post({"name": "A", "x": KEY})])
    text = str(found[0])
    assert "POST /v1/customers -> 200" in text
    assert "sk_test_****" in text
    assert KEY not in text
    assert KEY not in json.dumps(found[0].to_dict())
