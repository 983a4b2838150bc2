"""Request parameters (JSON and form-encoded shapes) and error objects.

Two shapes for a request body, as the API takes both (spec: transport):

- ``encoding="json"``: a dict, ready for ``json.dumps`` — ``{"name": "Asha", "metadata": {"plan":
  "gold"}}``;
- ``encoding="form"``: a list of ``(key, value)`` string pairs, nested keys in bracket notation,
  ready for ``urllib.parse.urlencode`` — ``[("name", "Asha"), ("metadata[plan]", "gold")]``.
  Parsed back (``metadata[k]`` into ``metadata``), the pairs give the JSON shape.
"""

from __future__ import annotations

from typing import Any, Literal, overload

from hypothesis import strategies as st

from . import _contract as contract
from ._check import check_bool, check_choice, check_optional_strategy, named
from ._indian import DIGITS
from ._objects import metadata_maps
from ._realistic import (
    emails,
    fixed_strings,
    ifsc_codes,
    indian_names,
    latin_names,
    mobile_numbers,
    pan_numbers,
    phone_numbers,
)

__all__ = [
    "FormPairs",
    "bank_account_create_params",
    "customer_create_params",
    "errors",
    "status_types",
]

Encoding = Literal["json", "form"]
_ENCODINGS: tuple[Encoding, ...] = ("json", "form")
#: The form-encoded shape: ``(key, value)`` pairs, nested keys as ``metadata[plan]``.
FormPairs = list[tuple[str, str]]

_CREATE_FIELDS: dict[str, st.SearchStrategy[str]] = {
    "name": indian_names(),
    "email": emails(),
    "identification": pan_numbers(),
    "mobile": mobile_numbers(),
    "phone": phone_numbers,
}
_DEFAULT_METADATA = metadata_maps(max_size=5)
_BOOLS = st.booleans()


def _form_pairs(params: dict[str, Any]) -> FormPairs:
    pairs: FormPairs = []
    for key, value in params.items():
        if isinstance(value, dict):
            pairs.extend((f"{key}[{inner}]", str(text)) for inner, text in value.items())
        else:
            pairs.append((key, str(value)))
    return pairs


@overload
def customer_create_params(
    *,
    encoding: Literal["json"] = ...,
    email: st.SearchStrategy[str] | None = ...,
    metadata: st.SearchStrategy[dict[str, str]] | None = ...,
) -> st.SearchStrategy[dict[str, Any]]: ...
@overload
def customer_create_params(
    *,
    encoding: Literal["form"],
    email: st.SearchStrategy[str] | None = ...,
    metadata: st.SearchStrategy[dict[str, str]] | None = ...,
) -> st.SearchStrategy[FormPairs]: ...
def customer_create_params(
    *,
    encoding: Encoding = "json",
    email: st.SearchStrategy[str] | None = None,
    metadata: st.SearchStrategy[dict[str, str]] | None = None,
) -> st.SearchStrategy[dict[str, Any]] | st.SearchStrategy[FormPairs]:
    """Return a strategy for ``POST /v1/customers`` parameters, valid at both levels.

    Every argument is optional, so any subset of name, email, identification, mobile, phone and
    metadata is drawn (``{}`` included). In the form shape, metadata is one pair per key.

    Args:
        encoding: "json" (a dict) or "form" (a list of string pairs; see the module docstring).
        email: the emails to send, e.g. ``emails(min_size=512)``; default ``emails()``.
        metadata: the metadata to send; default ``metadata_maps(max_size=5)``. Keys with
            brackets cannot be form-encoded unambiguously.

    >>> pairs = customer_create_params(encoding="form").example()
    >>> all(isinstance(key, str) and isinstance(value, str) for key, value in pairs)
    True
    """
    check_choice("encoding", encoding, _ENCODINGS)
    check_optional_strategy("email", email)
    check_optional_strategy("metadata", metadata)
    return _customer_create_params(encoding=encoding, email=email, metadata=metadata)


@st.composite
@named("customer_create_params")
def _customer_create_params(
    draw: st.DrawFn,
    *,
    encoding: Encoding = "json",
    email: st.SearchStrategy[str] | None = None,
    metadata: st.SearchStrategy[dict[str, str]] | None = None,
) -> Any:
    params: dict[str, Any] = {}
    for field, values in _CREATE_FIELDS.items():
        if draw(_BOOLS):
            params[field] = draw(email if field == "email" and email is not None else values)
    if draw(_BOOLS):
        params["metadata"] = draw(_DEFAULT_METADATA if metadata is None else metadata)
    return params if encoding == "json" else _form_pairs(params)


_ACCOUNT_NUMBERS = st.one_of(*(fixed_strings(DIGITS, size) for size in range(9, 19)))
_BANK_ACCOUNT_FIELDS: dict[str, st.SearchStrategy[str]] = {
    "account_holder_name": latin_names,
    "account_ifsc": ifsc_codes(),
    "account_number": _ACCOUNT_NUMBERS,
    "account_type": st.sampled_from(contract.ACCOUNT_TYPES),
}


@overload
def bank_account_create_params(
    *, encoding: Literal["json"] = ...
) -> st.SearchStrategy[dict[str, Any]]: ...
@overload
def bank_account_create_params(*, encoding: Literal["form"]) -> st.SearchStrategy[FormPairs]: ...
def bank_account_create_params(
    *, encoding: Encoding = "json"
) -> st.SearchStrategy[dict[str, Any]] | st.SearchStrategy[FormPairs]:
    """Return a strategy for ``POST /v1/customers/{id}/bank_accounts`` parameters.

    All four documented parameters, each valid: a Latin-script holder name, a real-bank IFSC,
    a 9-18 digit account number and an account type.

    Args:
        encoding: "json" (a dict) or "form" (a list of string pairs).

    >>> sorted(bank_account_create_params().example())
    ['account_holder_name', 'account_ifsc', 'account_number', 'account_type']
    """
    check_choice("encoding", encoding, _ENCODINGS)
    return _bank_account_create_params(encoding=encoding)


@st.composite
@named("bank_account_create_params")
def _bank_account_create_params(draw: st.DrawFn, *, encoding: Encoding = "json") -> Any:
    params = {field: draw(values) for field, values in _BANK_ACCOUNT_FIELDS.items()}
    return params if encoding == "json" else _form_pairs(params)


def status_types(status: int) -> tuple[str, ...]:
    """Return the error types that fit an HTTP status (spec: errors, status to type [conv])."""
    if status == 401:
        return ("authentication_error",)
    if status == 429:
        return ("rate_limit_error",)
    if status >= 500:
        return ("api_error",)
    if status == 400:
        return ("invalid_request_error", "validation_error")
    # 402 (valid parameters, failed request), 404, 405, 406: the request was wrong [ours].
    return ("invalid_request_error",)


_MESSAGES = {
    "api_connection_error": "Could not connect to the bank's system; try again.",
    "api_error": "Something went wrong on LotusPay's end.",
    "authentication_error": "Invalid API key provided: sk_test_****",
    "invalid_request_error": "No such customer: CU0000000000XX",
    "rate_limit_error": "Too many requests hit the API too quickly.",
    "validation_error": "account_ifsc is invalid",
}
_PARAMS = st.sampled_from(
    ("account_ifsc", "account_number", "account_type", "account_holder_name", "email", "id")
)
_STATUSES = st.sampled_from(contract.ERROR_STATUSES)
_TYPES = {status: st.sampled_from(status_types(status)) for status in contract.ERROR_STATUSES}
_CODES = st.sampled_from(("resource_missing", "parameter_invalid", "rate_limited", None))


def errors(
    *, status: int | None = None, envelope: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for error answers whose ``type`` fits the HTTP status.

    Args:
        status: one of 400, 401, 402, 404, 405, 406, 429, 500, 503; None for any.
        envelope: True, ``{"error": {...}}`` (valid at both levels); False, the flat error
            object, MUST-valid but a SHOULD finding (the envelope is a convention).

    >>> errors(status=401).example()["error"]["type"]
    'authentication_error'
    """
    if status is not None:
        check_choice("status", status, contract.ERROR_STATUSES)
    check_bool("envelope", envelope)
    return _errors(status=status, envelope=envelope)


@st.composite
@named("errors")
def _errors(draw: st.DrawFn, *, status: int | None = None, envelope: bool = True) -> dict[str, Any]:
    code = draw(_STATUSES) if status is None else status
    kind: str = draw(_TYPES[code])
    body: dict[str, Any] = {"type": kind, "message": _MESSAGES[kind]}
    if draw(_BOOLS):
        body["code"] = draw(_CODES)
    if kind in ("invalid_request_error", "validation_error") and draw(_BOOLS):
        body["param"] = draw(_PARAMS)
    if draw(_BOOLS):
        body["doc_url"] = f"https://docs.lotuspay.com/#{kind.replace('_', '-')}"
    return {"error": body} if envelope else body
