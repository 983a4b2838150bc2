"""``lotuspay-contract validate --har``: recorded traffic checked entry by entry."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from lotuspay_contract import schemas
from lotuspay_contract.conformance.cli._main import main
from lotuspay_contract.conformance.validation._har import HarError, validate_har

CUSTOMER = schemas.load("customer")["examples"][0]
BANK_ACCOUNT = schemas.load("bank_account")["examples"][0]
KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"


def entry(
    method: str,
    url: str,
    status: int,
    body: Any = None,
    *,
    request: Any = None,
    mime: str = "application/json",
    request_mime: str = "application/json",
) -> dict[str, Any]:
    req: dict[str, Any] = {
        "method": method,
        "url": url,
        "headers": [
            {
                "name": "Authorization",
                "value": f"Basic {base64.b64encode(f'{KEY}:'.encode()).decode()}",
            }
        ],
    }
    if request is not None:
        text = request if isinstance(request, str) else json.dumps(request)
        req["postData"] = {"mimeType": request_mime, "text": text}
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "request": req,
        "response": {"status": status, "content": {"mimeType": mime, "text": text}},
    }


def har(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"log": {"version": "1.2", "entries": list(entries)}}


BASE = "https://api-test.lotuspay.com"


def test_clean_traffic_has_no_findings() -> None:
    results = validate_har(
        har(
            entry("POST", f"{BASE}/v1/customers", 200, CUSTOMER, request={"name": "Asha"}),
            entry("GET", f"{BASE}/v1/customers/CU0011AABBCC22", 200, CUSTOMER),
            entry(
                "GET", f"{BASE}/v1/customers?limit=10", 200, {"object": "list", "data": [CUSTOMER]}
            ),
            entry("GET", f"{BASE}/v1/customers/CU1/bank_accounts/BA1", 200, BANK_ACCOUNT),
            entry(
                "GET", f"{BASE}/v1/customers/CUX", 404, {"error": {"type": "invalid_request_error"}}
            ),
        )
    )
    assert [r.operation for r in results] == [
        "createCustomer",
        "retrieveCustomer",
        "listCustomers",
        "retrieveBankAccount",
        "retrieveCustomer",
    ]
    assert [r.findings for r in results] == [[]] * 5


def test_response_body_violations_name_rule_and_pointer() -> None:
    [result] = validate_har(
        har(
            entry(
                "GET", f"{BASE}/v1/customers/CU1", 200, {**CUSTOMER, "created": 1_700_000_000_000}
            )
        )
    )
    [(part, violation)] = result.findings
    assert part == "response"
    assert (violation.rule, violation.pointer) == ("customer.created", "/created")


def test_undocumented_status_non_json_and_garbled_bodies() -> None:
    results = validate_har(
        har(
            entry("GET", f"{BASE}/v1/customers/CU1", 418, {"error": {"type": "api_error"}}),
            entry("GET", f"{BASE}/v1/customers/CU1", 200, "<html>hi</html>", mime="text/html"),
            entry("GET", f"{BASE}/v1/customers/CU1", 200, "{not json", mime="application/json"),
        )
    )
    assert [[v.rule for _, v in r.findings] for r in results] == [
        ["har.status"],
        ["har.content_type"],
        ["har.json_body"],
    ]


def test_accepted_bad_request_is_a_finding_a_rejected_one_is_not() -> None:
    long_email = {"email": "a" * 600 + "@x.in"}
    accepted, rejected = validate_har(
        har(
            entry("POST", f"{BASE}/v1/customers", 200, CUSTOMER, request=long_email),
            entry(
                "POST",
                f"{BASE}/v1/customers",
                400,
                {"error": {"type": "invalid_request_error", "param": "email"}},
                request=long_email,
            ),
        )
    )
    assert [(p, v.rule) for p, v in accepted.findings] == [
        ("request accepted", "customer_create.email")
    ]
    assert rejected.findings == []


def test_form_encoded_request_is_parsed_with_bracket_notation() -> None:
    form = "name=Asha&metadata[plan]=gold&metadata[tier][x]=1"
    [result] = validate_har(
        har(
            entry(
                "POST",
                f"{BASE}/v1/customers",
                200,
                CUSTOMER,
                request=form,
                request_mime="application/x-www-form-urlencoded",
            )
        )
    )
    assert result.findings == []
    [result] = validate_har(
        har(
            entry(
                "POST",
                f"{BASE}/v1/customers",
                200,
                CUSTOMER,
                request="email=" + "a" * 513,
                request_mime="application/x-www-form-urlencoded",
            )
        )
    )
    assert [v.rule for _, v in result.findings] == ["customer_create.email"]


def test_base64_response_body() -> None:
    e = entry("GET", f"{BASE}/v1/customers/CU1", 200)
    e["response"]["content"] = {
        "mimeType": "application/json",
        "encoding": "base64",
        "text": base64.b64encode(json.dumps({**CUSTOMER, "object": "x"}).encode()).decode(),
    }
    [result] = validate_har(har(e))
    assert [v.rule for _, v in result.findings] == ["customer.object"]


def test_unknown_paths_are_listed_not_failed_and_gateway_prefixes_match() -> None:
    unknown, prefixed, no_response = validate_har(
        har(
            entry("GET", f"{BASE}/v2/widgets", 200, {}),
            entry("GET", "http://127.0.0.1:8080/gateway/v1/customers/CU1/", 200, CUSTOMER),
            {
                "request": {"method": "GET", "url": f"{BASE}/v1/customers"},
                "response": {"status": 0, "content": {}},
            },
        )
    )
    assert unknown.operation is None
    assert unknown.findings == []
    assert prefixed.operation == "retrieveCustomer"
    assert no_response.findings == []


def test_not_a_har_file() -> None:
    with pytest.raises(HarError, match=r"no log\.entries list"):
        validate_har({"entries": []})


def write(tmp_path: Path, document: Any) -> str:
    path = tmp_path / "traffic.har"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_cli_output_exit_codes_and_no_key_in_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        har(
            entry(
                "GET",
                f"https://{KEY}:@api-test.lotuspay.com/v1/customers/CU1?key={KEY}",
                200,
                {**CUSTOMER, "object": "x"},
            ),
            entry("GET", f"{BASE}/v2/widgets", 200, {}),
        ),
    )
    assert main(["validate", "--har", path]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f'{path}#0 GET https://api-test.lotuspay.com/v1/customers/CU1?key=sk_test_**** response:/object: customer.object (MUST) "customer" was expected',
        f"{path}#1 GET {BASE}/v2/widgets: skipped, no documented operation matches",
    ]
    assert "1 entry checked, 1 skipped (no documented operation matches): 1 violation\n" in err
    assert KEY not in out + err
    assert main(["validate", "--har", path, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report[0]["violations"][0]["part"] == "response"
    assert KEY not in json.dumps(report)


def test_cli_clean_har_exits_0_and_bad_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "validate",
                "--har",
                write(tmp_path, har(entry("GET", f"{BASE}/v1/customers/CU1", 200, CUSTOMER))),
            ]
        )
        == 0
    )
    assert main(["validate", "--har", write(tmp_path, {"log": {}})]) == 2
    assert "not a HAR file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--har", "x.har", "--schema", "customer"])
    assert exit_info.value.code == 2


def _page(count: int) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [CUSTOMER] * count,
        "total_count": count,
        "url": "/v1/customers",
    }


def _query_findings(document: dict[str, Any], *, strict: bool) -> list[tuple[str, str]]:
    return [
        (v.rule, v.level.value)
        for r in validate_har(document, strict=strict)
        for part, v in r.findings
        if part == "query accepted"
    ]


def test_query_parameters_are_judged_at_the_levels_of_a_run() -> None:
    """Issue 8: a page over its limit breaks list.limit [doc] (MUST, as CUS-LIST-002 says); an
    accepted limit outside 1..100 or an undocumented parameter is [conv] (SHOULD, strict only)."""
    document = har(
        entry("GET", f"{BASE}/v1/customers?limit=2", 200, _page(3)),
        entry("GET", f"{BASE}/v1/customers?limit=500", 200, _page(1)),
        entry("GET", f"{BASE}/v1/customers?colour=blue&page=2", 200, _page(1)),
        entry("GET", f"{BASE}/v1/customers?limit=5&page=1&email=a%40b.in", 200, _page(1)),
    )
    assert _query_findings(document, strict=False) == [("list.limit", "MUST")]
    assert _query_findings(document, strict=True) == [
        ("list.limit", "MUST"),
        ("list.limit_range", "SHOULD"),
        ("request.unknown_parameter", "SHOULD"),
    ]


def test_a_refused_query_is_the_server_doing_its_job() -> None:
    error = {"error": {"type": "invalid_request_error", "message": "bad limit", "param": "limit"}}
    document = har(entry("GET", f"{BASE}/v1/customers?limit=500", 400, error))
    assert _query_findings(document, strict=True) == []


def test_a_page_far_past_the_end_is_a_page_and_page_zero_a_base_note() -> None:
    """Issue 21: a page of 23 digits is an integer past the end (list.past_end [doc]: the mock's
    empty page is right), not a wrong type; page 0 is list.page_base [ours], a MAY note; only a
    page that is not an integer is request.wrong_type [conv]."""
    document = har(
        entry("GET", f"{BASE}/v1/customers?page=30807590649186006073344", 200, _page(0)),
        entry("GET", f"{BASE}/v1/customers?page=0&limit=2", 200, _page(2)),
        entry("GET", f"{BASE}/v1/customers?page=two", 200, _page(0)),
    )
    assert _query_findings(document, strict=True) == [
        ("list.page_base", "MAY"),
        ("request.wrong_type", "SHOULD"),
    ]


def test_undocumented_method_on_a_documented_path_is_named_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        har(
            entry("DELETE", f"{BASE}/v1/customers/CU1", 200, {}),
            entry("GET", f"{BASE}/v2/widgets", 200, {}),
            entry("GET", f"{BASE}/v1/customers/CU1", 200, CUSTOMER),
        ),
    )
    assert main(["validate", "--har", path]) == 0
    out, err = capsys.readouterr()
    assert (
        f"#0 DELETE {BASE}/v1/customers/CU1: skipped, undocumented method on a documented path"
        in out
    )
    assert (
        "1 entry checked, 2 skipped (1: undocumented method on a documented path; "
        "1: no documented operation matches): 0 violations\n"
    ) in err


def test_a_may_note_is_printed_and_never_fails_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As in a run (``status_of``): strict fails on SHOULD, never on a MAY note."""
    path = write(tmp_path, har(entry("GET", f"{BASE}/v1/customers?page=0", 200, _page(0))))
    assert main(["validate", "--strict", "--har", path]) == 0
    assert "list.page_base (MAY)" in capsys.readouterr().out
    wrong = write(tmp_path, har(entry("GET", f"{BASE}/v1/customers?page=x", 200, _page(0))))
    assert main(["validate", "--har", wrong]) == 0
    assert main(["validate", "--strict", "--har", wrong]) == 1
