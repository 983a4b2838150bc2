"""Robustness checks: malformed, mistyped and oversized bodies get 4xx, never a 5xx.

Contract: request.malformed_json, request.non_object (400, never a 5xx [doc]),
request.wrong_type, request.unknown_parameter (400 naming it [conv]), request.oversized [conv],
errors.no_5xx [doc].
"""

from __future__ import annotations

from typing import Any

from .._context import CheckContext
from .._registry import scenario_check

__all__ = [
    "check_malformed_json_400",
    "check_non_object_json_400",
    "check_oversized_body",
    "check_unknown_parameter_400",
    "check_wrong_types_400",
]

_JSON = {"Content-Type": "application/json"}
_OVERSIZED_BYTES = 8 * 1024 * 1024


@scenario_check(
    "CUS-ROB-001",
    "A body that is not valid JSON gets 400",
    "request.malformed_json",
)
def check_malformed_json_400(ctx: CheckContext) -> None:
    for raw in (b'{"name": ', b"{name: 'x'}", b'{"name": "a"}}', b"\xff\xfe{}"):
        exchange = ctx.client.request("POST", "/v1/customers", content=raw, headers=_JSON)
        ctx.expect_error(exchange, 400, f"body {raw[:16]!r}")


@scenario_check(
    "CUS-ROB-002",
    "A JSON body that is not an object gets 400",
    "request.non_object",
)
def check_non_object_json_400(ctx: CheckContext) -> None:
    for raw in (b"[]", b'"name"', b"null", b"42", b'[{"name": "a"}]'):
        exchange = ctx.client.request("POST", "/v1/customers", content=raw, headers=_JSON)
        ctx.expect_error(exchange, 400, f"body {raw.decode()}")


_WRONG_TYPES: tuple[tuple[str, Any], ...] = (
    ("name", 123),
    ("email", True),
    ("metadata", "gold"),
    ("metadata", {"plan": {"nested": "x"}}),
    ("metadata", ["a", "b"]),
)


@scenario_check(
    "CUS-ROB-003",
    "A parameter of the wrong type gets 400 naming it",
    "request.wrong_type",
)
def check_wrong_types_400(ctx: CheckContext) -> None:
    for key, value in _WRONG_TYPES:
        exchange = ctx.client.request(
            "POST",
            "/v1/customers",
            json_body={key: value, "metadata": ctx.run_metadata()}
            if key != "metadata"
            else {key: value},
        )
        ctx.expect(
            exchange.status < 500,
            f"{key}={value!r} got a server error",
            exchange=exchange,
            expected=400,
            actual=exchange.status,
            rule="errors.no_5xx",
        )
        param = ctx.error_param(exchange.json_or_none())
        if exchange.status != 400 or not (isinstance(param, str) and param.startswith(key)):
            ctx.report(
                f"{key} of type {type(value).__name__} was not rejected naming {key}",
                exchange=exchange,
                expected={"status": 400, "param": key},
                actual={"status": exchange.status, "param": param},
            )


@scenario_check(
    "CUS-ROB-004",
    "An oversized body gets an answer and no server error",
    "errors.no_5xx",
)
def check_oversized_body(ctx: CheckContext) -> None:
    filler = "a" * _OVERSIZED_BYTES
    payload = b'{"name": "' + filler.encode() + b'"}'
    exchange = ctx.client.request("POST", "/v1/customers", content=payload, headers=_JSON)
    ctx.expect(
        exchange.status < 500,
        f"an {len(payload)}-byte body got a server error",
        exchange=exchange,
        expected="4xx",
        actual=exchange.status,
    )
    if not 400 <= exchange.status < 500:
        ctx.report(
            f"an {len(payload)}-byte body was accepted",
            exchange=exchange,
            expected="4xx",
            actual=exchange.status,
            rule="request.oversized",
        )


@scenario_check(
    "CUS-ROB-005",
    "An unknown parameter gets 400 naming it",
    "request.unknown_parameter",
)
def check_unknown_parameter_400(ctx: CheckContext) -> None:
    params = {**ctx.customer_params("unknown"), "favourite_colour": "saffron"}
    exchange = ctx.client.request("POST", "/v1/customers", json_body=params)
    ctx.expect(
        exchange.status < 500,
        "an unknown parameter got a server error",
        exchange=exchange,
        expected=400,
        actual=exchange.status,
        rule="errors.no_5xx",
    )
    ctx.expect_error(exchange, 400, "unknown parameter favourite_colour", param="favourite_colour")
