"""The quirk catalogue: ways a CORRECT server may differ from our mock, the mirror of the faults.

A fault breaks a rule, so the suite must fail on it; a quirk is a legal variation (the contract
leaves it free), so the suite must pass on it: zero MUST findings, and under strict only SHOULD
findings naming a [conv] rule. Each quirk names the rules of ``docs/contract.md`` that allow
it (and quotes them) and is applied by the same :class:`FaultLayer` as the faults; the app is
never touched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from types import MappingProxyType

from ._layer import CallApp, Exchange, Reply
from ._quirk_rewrites import (
    EveryNthLimited,
    IdFormat,
    _stripe_style,
    _uuid_style,
    arbitrary_id_400,
    charset_parameter,
    child_total_embedded,
    chunked,
    connection_closed,
    delayed,
    empty_holder_name_in,
    empty_holder_name_out,
    errors_flat,
    extra_properties,
    gzipped,
    metadata_empty_unsets,
    order_reversed,
    pages_from_zero,
    pan_as_id,
    ties_by_id,
)
from ._rewrites import created_as_201, error_param_dropped, metadata_null, quietly

__all__ = ["QUIRKS", "Quirk", "resolve_quirks"]


@dataclass(frozen=True)
class Quirk:
    """A named legal variation: ``rules`` are the ids of the rules of ``docs/contract.md`` that
    leave it free (``docs/contract.md#<rule>``), ``clause`` quotes what they say."""

    name: str
    clause: str
    description: str
    rules: tuple[str, ...] = ()
    request: Callable[[Exchange], Reply | None] | None = None
    response: Callable[[Exchange, Reply], None] | None = None
    around: Callable[[Exchange, CallApp], Awaitable[Reply]] | None = None


# -- the catalogue ----------------------------------------------------------------------------

_VERSIONING = (
    "Backward-compatible changes LotusPay may make at any time: new response properties, new "
    "optional request parameters, property order, and the length or format of object IDs "
    "including their prefixes (IDs never exceed 255 characters, case-sensitive). A schema that "
    "rejects an unknown property or a new ID prefix is wrong. [doc: versioning]"
)


_ID_RULES = ("transport.versioning", "customer.id", "customer.id.prefix", "bank_account.id.prefix")


def _catalogue() -> list[Quirk]:
    return [
        Quirk(
            name="ids_stripe_style",
            rules=(
                "transport.versioning",
                "customer.id",
                "customer.id.prefix",
                "bank_account.id.prefix",
            ),
            clause=_VERSIONING,
            description="ids are cus_/ba_ and 24 lower-case characters, not CU/BA and 12",
        ),
        Quirk(
            name="ids_uuid_long",
            rules=(
                "transport.versioning",
                "customer.id",
                "customer.id.prefix",
                "bank_account.id.prefix",
            ),
            clause=_VERSIONING,
            description="ids are about 200 characters of kind and UUIDs",
        ),
        Quirk(
            name="extra_properties",
            rules=("transport.versioning", "customer.shape"),
            clause="Unknown extra properties are allowed everywhere [doc: versioning]",
            description="objects, lists and errors carry properties the contract does not name",
            response=extra_properties,
        ),
        Quirk(
            name="property_order_reversed",
            rules=("transport.versioning",),
            clause=_VERSIONING,
            description="every JSON object's properties come in reverse order",
            response=order_reversed,
        ),
        Quirk(
            name="metadata_null_when_empty",
            rules=("customer.metadata", "metadata.values"),
            clause="key/value pairs [doc]; `{}` when empty, values strings [conv]",
            description="empty metadata is null",
            response=metadata_null,
        ),
        Quirk(
            name="errors_without_param",
            rules=("error.param", "request.param"),
            clause=(
                "`code`, `doc_url`, `param` (the parameter at fault) optional strings [doc]; "
                "with the error's `param` naming the field [conv]"
            ),
            description="400 errors do not name the parameter at fault",
            response=error_param_dropped,
        ),
        Quirk(
            name="errors_flat",
            rules=("error.shape", "error.envelope"),
            clause=(
                'The envelope is not documented: `{"error": {...}}` [conv]; a checker accepts a '
                "flat object too, at SHOULD level."
            ),
            description="error objects are the whole body, not under an error key",
            response=errors_flat,
        ),
        Quirk(
            name="create_201",
            rules=("endpoints.create_customer", "endpoints.status_200"),
            clause="Returns the customer object with a 2xx status [doc: create-a-customer]; "
            "200 precisely [conv]",
            description="creates answer 201 Created",
            response=created_as_201,
        ),
        Quirk(
            name="pan_as_id",
            rules=("customer_create.pan",),
            clause=(
                "The docs call the PAN argument `id` on the create page but `identification` on "
                "the object: a server may take it under either name [doc]"
            ),
            description="create takes the PAN as id; identification is an unknown parameter (400)",
            request=pan_as_id,
        ),
        Quirk(
            name="metadata_empty_unsets",
            rules=("request.metadata_unset",),
            clause='a metadata value of `""` may unset the key, as in Stripe [conv]',
            description='metadata values "" are not stored',
            request=quietly(metadata_empty_unsets),
        ),
        Quirk(
            name="holder_name_empty_accepted",
            rules=("bank_account_create.account_holder_name.nonempty",),
            clause="`account_holder_name` (non-empty [ours])",
            description='account_holder_name "" is accepted and stored',
            request=quietly(empty_holder_name_in),
            response=empty_holder_name_out,
        ),
        Quirk(
            name="arbitrary_id_400",
            rules=("errors.not_found_arbitrary",),
            clause="for an arbitrary string 400 or 404 [ours]",
            description="an id not shaped like ours answers 400, not 404",
            request=arbitrary_id_400,
        ),
        Quirk(
            name="pages_from_zero",
            rules=("list.page", "list.page_base"),
            clause="`page` selects a page [doc], numbered from 1 [ours]",
            description="pages are numbered from 0: page=0 is the first page",
            request=quietly(pages_from_zero),
        ),
        Quirk(
            name="ties_by_id",
            rules=("list.order",),
            clause="newest first [doc]",
            description="objects created in the same second are ordered by id, not creation",
            around=ties_by_id,
        ),
        Quirk(
            name="child_total_count_embedded",
            rules=("child_list.total_count", "child_list.total_count.all"),
            clause=(
                "counting every attached item (more than the embedded ones) is the Stripe "
                "reading [conv], counting only the embedded items is the literal one and allowed"
            ),
            description="a child list's total_count counts only the embedded items",
            response=child_total_embedded,
        ),
        Quirk(
            name="rate_limited",
            rules=("transport.rate_limit",),
            clause=(
                "Rate limit: 429 exists; no limits or headers documented. A client should honour "
                "`Retry-After` if present and back off otherwise. [doc: errors] [conv]"
            ),
            description="every 9th request of a key gets 429 (Retry-After: 0), unprocessed",
            request=EveryNthLimited(),
        ),
        Quirk(
            name="latency",
            rules=("client.limits",),
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="every answer takes 3 ms longer",
            around=delayed,
        ),
        Quirk(
            name="charset_parameter",
            rules=("transport.json",),
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="Content-Type is application/json; charset=utf-8",
            response=charset_parameter,
        ),
        Quirk(
            name="connection_close",
            rules=("transport.json",),
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="the connection is closed after each answer (Connection: close)",
            response=connection_closed,
        ),
        Quirk(
            name="chunked",
            rules=("transport.json",),
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="bodies are sent chunked, 64 bytes a chunk, without Content-Length",
            response=chunked,
        ),
        Quirk(
            name="gzip",
            rules=("transport.json",),
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="bodies are gzip-compressed when the client accepts gzip",
            response=gzipped,
        ),
    ]


def _fresh(quirk: Quirk) -> Quirk:
    """Give a stateful quirk new state (an id map, request counters) for a new app."""
    if quirk.name == "ids_stripe_style":
        ids = IdFormat(_stripe_style)
        return replace(quirk, request=quietly(ids.request), response=ids.response)
    if quirk.name == "ids_uuid_long":
        ids = IdFormat(_uuid_style)
        return replace(quirk, request=quietly(ids.request), response=ids.response)
    if quirk.name == "rate_limited":
        return replace(quirk, request=EveryNthLimited())
    return quirk


#: Every quirk by name, in catalogue order (the order they are applied in).
QUIRKS: MappingProxyType[str, Quirk] = MappingProxyType({q.name: _fresh(q) for q in _catalogue()})


def resolve_quirks(names: Iterable[str]) -> list[Quirk]:
    """Return fresh quirks for ``names`` in catalogue order; ValueError if a name is unknown."""
    wanted = set(names)
    unknown = sorted(wanted - set(QUIRKS))
    if unknown:
        raise ValueError(
            f"unknown quirk {', '.join(map(repr, unknown))}: expected any of {', '.join(QUIRKS)}"
        )
    return [_fresh(q) for q in _catalogue() if q.name in wanted]
