"""Round-trip checks: what a client sends comes back unchanged, whatever the body encoding.

Contract: endpoints.retrieve_customer (a retrieve returns the customer as created [doc]),
transport.encodings (JSON and form bodies alike [doc]), request.stored (values come back as sent
[conv]; a metadata value ``""`` may unset its key: request.metadata_unset), metadata.values
(``{}`` when empty [conv]), customer_create.pan (the PAN's argument name [ours]).
"""

from __future__ import annotations

from typing import Any

from .._context import CheckContext
from .._registry import scenario_check
from .._stored import STORED, expect_stored, retrieve_created

__all__ = [
    "check_create_retrieve_equal",
    "check_empty_metadata",
    "check_indic_text_and_metadata",
    "check_json_form_equivalent",
    "check_pan_accepted",
    "check_params_stored",
]

_STORED = STORED
_STABLE = ("id", "object", "created", "livemode", *_STORED, "description")


def _with_run_metadata(ctx: CheckContext, params: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(params.get("metadata") or {})
    while len(metadata) >= 50:  # stay inside the 50-key limit once our key is added (ours)
        metadata.pop(next(iter(metadata)))
    return {**params, "metadata": ctx.run_metadata(metadata)}


@scenario_check(
    "CUS-RT-001",
    "A created customer retrieves equal to the create answer",
    "endpoints.retrieve_customer",
)
def check_create_retrieve_equal(ctx: CheckContext) -> None:
    _, created = ctx.create_customer()
    exchange = ctx.client.request("GET", f"/v1/customers/{created['id']}")
    got = ctx.body(exchange, 200, what="retrieve the new customer")
    for key in _STABLE:
        if key in created:
            ctx.expect_field(
                got,
                key,
                created[key],
                f"{key} differs between the create answer and a retrieve",
                exchange=exchange,
            )


@scenario_check(
    "CUS-RT-002",
    "Generated create parameters are stored exactly as sent",
    ("request.stored", "request.metadata_unset"),
)
def check_params_stored(ctx: CheckContext) -> None:
    from lotuspay_contract.strategies import customer_create_params

    def test(params: dict[str, Any]) -> None:
        # The PAN's argument name is not settled by the docs: CUS-RT-006 judges it alone.
        params = {k: v for k, v in params.items() if k != "identification"}
        params = _with_run_metadata(ctx, params)
        exchange, body = ctx.create_customer(params)
        expect_stored(ctx, params, body, exchange, "create answer")
        again, got = retrieve_created(ctx, body["id"], "retrieve")
        expect_stored(ctx, params, got, again, "retrieve")

    # A long name catches a short column (VARCHAR(32)); realistic Indian names run long.
    long_names = {"name": "Venkata Lakshmi Narasimha Subrahmanya Sastry Chilakamarthi"}
    ctx.for_examples(customer_create_params(), test, explicit=[long_names])


@scenario_check(
    "CUS-RT-003",
    "JSON and form bodies create equivalent customers",
    "transport.encodings",
)
def check_json_form_equivalent(ctx: CheckContext) -> None:
    params = ctx.customer_params("json")
    params["metadata"] = ctx.run_metadata({"plan": "gold", "note": "a=b&c[d]"})
    _, by_json = ctx.create_customer(params)
    form_params = {**params, "email": ctx.unique_email("form")}
    exchange, by_form = ctx.create_customer(form_params, encoding="form")
    for key in _STORED:
        want = form_params[key] if key == "email" else by_json.get(key)
        ctx.expect_field(
            by_form,
            key,
            want,
            f"{key} differs between a JSON and a form create of the same parameters",
            exchange=exchange,
        )


_INDIC = {
    "name": "अनन्या कृष्णमूर्ति",
    "metadata": {
        "city": "சென்னை",
        "note": "ধন্যবাদ — ₹ 1,000",
        "branch": "ಬೆಂಗಳೂರು",
        "emoji": "🙏",
    },
}


@scenario_check(
    "CUS-RT-004",
    "Metadata and Indic text survive a round trip, JSON and form",
    "request.stored",
)
def check_indic_text_and_metadata(ctx: CheckContext) -> None:
    for encoding in ("json", "form"):
        params = _with_run_metadata(ctx, {**_INDIC, "email": ctx.unique_email(encoding)})
        exchange, body = ctx.create_customer(params, encoding=encoding)
        expect_stored(ctx, params, body, exchange, f"{encoding} create answer")
        again = ctx.client.request("GET", f"/v1/customers/{body['id']}")
        got = ctx.body(again, 200, what="retrieve")
        expect_stored(ctx, params, got, again, f"retrieve after a {encoding} create")


@scenario_check(
    "CUS-RT-005",
    "A customer created without metadata has metadata {}",
    "metadata.values",
)
def check_empty_metadata(ctx: CheckContext) -> None:
    # The one object the suite creates without run metadata, since empty metadata is the point:
    # its email carries the run id instead, so it can still be found (spec: safety).
    params = {"name": "Lakshmi Rao", "email": ctx.unique_email("no-metadata")}
    exchange = ctx.client.request("POST", "/v1/customers", json_body=params)
    body = ctx.body(exchange, 200, what="create a customer without metadata")
    got = body.get("metadata") if isinstance(body, dict) else None
    ctx.expect(
        got == {},
        "metadata of a customer created without it is not {}",
        exchange=exchange,
        pointer="/metadata",
        expected={},
        actual=got,
    )


@scenario_check(
    "CUS-RT-006",
    "The PAN is accepted as identification or as id, and returned as identification",
    "customer_create.pan",
)
def check_pan_accepted(ctx: CheckContext) -> None:
    # The create page names the PAN argument id, the object names it identification: a server
    # may take either (contract: customer_create.pan), so either passes.
    pan = ctx.pan()
    tried = []
    for name in ("identification", "id"):
        params = {**ctx.customer_params(f"pan-{name}"), name: pan}
        params["metadata"] = ctx.run_metadata()
        exchange = ctx.client.request("POST", "/v1/customers", json_body=params)
        ctx.judge(exchange)
        body = exchange.json_or_none()
        got = body.get("identification") if isinstance(body, dict) else None
        if 200 <= exchange.status < 300 and got == pan:
            return
        tried.append({"argument": name, "status": exchange.status, "identification": got})
    ctx.fail(
        "the PAN was taken neither as identification nor as id",
        exchange=exchange,
        pointer="/identification",
        expected=pan,
        actual=tried,
    )
