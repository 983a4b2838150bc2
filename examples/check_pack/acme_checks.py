"""ACME's check pack: what ACME's integration relies on, beyond the built-in checks.

A check pack is a plain module of checks written with the public API of
``lotuspay_contract.conformance``, the same the built-in checks use. Load it with

    lotuspay-contract run --checks-module examples/check_pack/acme_checks.py
    pytest --lotuspay-url URL --lotuspay-checks-module examples/check_pack/acme_checks.py

or, installed, from the entry point group ``lotuspay_contract.checks``
(``[project.entry-points."lotuspay_contract.checks"] acme = "acme_checks"``).

Ids are ``X-ACME-NNN`` and the family is ``acme``. A check cites rules of the contract
(``docs/contract.md``) and/or declares the pack's own :class:`Rule` with a tag; its level is the
weakest of their tags ([doc] MUST, [conv] SHOULD, [ours] MAY).
"""

from __future__ import annotations

from typing import Any

from lotuspay_contract.conformance import (
    CheckContext,
    Exchange,
    Rule,
    response_check,
    scenario_check,
)

#: The metadata keys ACME's back office writes on every customer and reads back later.
REQUIRED_METADATA = {"acme_order_id": "ORD-2024-0042", "acme_branch": "Pune"}

#: ACME's own rule: tagged [conv], so a finding warns (fails only with --strict).
ACME_METADATA = Rule(
    "acme.required_metadata",
    "conv",
    "the metadata keys ACME writes come back unchanged on create and retrieve",
)


@scenario_check(
    "X-ACME-001",
    "ACME's metadata keys survive a create and a retrieve",
    ["customer.metadata", ACME_METADATA],
)
def check_required_metadata_round_trip(ctx: CheckContext) -> None:
    params = {**ctx.customer_params("acme"), "metadata": dict(REQUIRED_METADATA)}
    created_exchange, created = ctx.create_customer(params)
    retrieved_exchange = ctx.client.request("GET", f"/v1/customers/{created['id']}")
    retrieved = ctx.body(retrieved_exchange, 200, what="retrieve the new customer")
    for what, exchange, body in (
        ("create", created_exchange, created),
        ("retrieve", retrieved_exchange, retrieved),
    ):
        metadata: Any = body.get("metadata") if isinstance(body, dict) else None
        for key, value in REQUIRED_METADATA.items():
            got = metadata.get(key) if isinstance(metadata, dict) else None
            ctx.expect(
                got == value,
                f"{what}: ACME's metadata key {key} does not come back as written",
                exchange=exchange,
                pointer=f"/metadata/{key}",
                expected=value,
                actual=got,
                rule=ACME_METADATA.id,
            )


@response_check(
    "X-ACME-002",
    "Every customer's created is an integer (ACME's ledger stores it as BIGINT)",
    "customer.created",
)
def check_created_is_an_integer(ctx: CheckContext, exchange: Exchange) -> None:
    body = exchange.json_or_none()
    if not 200 <= exchange.status < 300 or not isinstance(body, dict):
        return
    customers = body.get("data") if body.get("object") == "list" else [body]
    for index, customer in enumerate(customers if isinstance(customers, list) else []):
        if not isinstance(customer, dict) or customer.get("object") != "customer":
            continue
        created = customer.get("created")
        pointer = "/created" if customer is body else f"/data/{index}/created"
        ctx.expect(
            isinstance(created, int) and not isinstance(created, bool),
            "a customer's created is not an integer",
            exchange=exchange,
            pointer=pointer,
            expected="an integer (Unix seconds)",
            actual=created,
        )
