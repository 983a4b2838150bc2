"""The fault catalogue: realistic server bugs, each breaking one rule of the spec.

Each fault is data (a :class:`Fault`) whose request and/or response rewrite is applied by
:class:`FaultLayer`; the correct app is never touched. ``rule`` quotes the clause of the spec
(``lotuspay-customers.md``) the bug breaks, ``level`` that clause's level, so a default
conformance run must fail on every MUST fault; ``detected_by`` names the check that catches it
(``lotuspay-contract checks`` lists them per check).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from ._isolation_faults import leak_faults, lost_create_fault
from ._layer import Fault
from ._leak_rewrites import KeylessBankAccounts, bank_form_type_default
from ._rewrites import (
    FirstKeyPerMode,
    LastKeyDefault,
    account_number_echoed,
    bank_account_customer_self,
    bank_idempotency_dropped,
    bank_list_limit_dropped,
    bank_list_oldest_first,
    crash_on_bad_json,
    crash_on_non_ascii,
    created_as_201,
    created_as_string,
    created_in_ms,
    default_limit_10,
    delete_allowed,
    drop_header,
    drop_query,
    each_param,
    email_prefix_match,
    embeds_oldest,
    error_param_dropped,
    error_type_dropped,
    error_type_misspelled,
    errors_as_text,
    form_brackets_dropped,
    json_refused,
    key_scoped_by_body,
    livemode_inverted,
    metadata_null,
    no_match_empty,
    not_found_as_400,
    object_capitalised,
    oldest_first,
    pages_overlap,
    quietly,
    replay_as_200,
    retrieve_drops_metadata,
    total_count_short,
    unauthorized_as_403,
    unknown_params_dropped,
)

__all__ = ["FAULTS", "resolve_faults"]


def _catalogue() -> list[Fault]:
    return [
        # types and shapes
        Fault(
            name="created_milliseconds",
            detected_by="CUS-SEM-002",
            rule="customer.created: Unix epoch seconds [doc]",
            description="created is written in milliseconds (JavaScript Date.now())",
            response=created_in_ms,
        ),
        Fault(
            name="created_string",
            detected_by="CUS-SHAPE-001",
            rule="customer.created: an integer [doc]",
            description="created is serialised as a string",
            response=created_as_string,
        ),
        Fault(
            name="object_capitalised",
            detected_by="CUS-SHAPE-001",
            rule='customer.object: always "customer" [doc]',
            description='customers carry object "Customer" (a class name leaked)',
            response=object_capitalised,
        ),
        Fault(
            name="metadata_null",
            detected_by="CUS-RT-005",
            rule="customer.metadata: {} when empty [conv]",
            description="empty metadata is returned as null",
            level="SHOULD",
            response=metadata_null,
        ),
        Fault(
            name="account_number_leaked",
            detected_by="CUS-BANK-003",
            rule="bank_account: the full account number is never returned [conv]",
            description="bank account answers echo the full account_number",
            level="SHOULD",
            response=account_number_echoed,
        ),
        # semantics
        Fault(
            name="livemode_inverted",
            detected_by="CUS-SEM-001",
            rule="livemode equals the mode of the key used [doc]",
            description="livemode is the opposite of the key's mode",
            response=livemode_inverted,
        ),
        Fault(
            name="total_count_short",
            detected_by="CUS-SHAPE-001",
            rule="child list total_count is never below len(data) [doc]",
            description="embedded lists report total_count one below the embedded items",
            response=total_count_short,
        ),
        Fault(
            name="bank_account_customer_self",
            detected_by="CUS-BANK-005",
            rule="bank_account.customer is the owning customer id [doc]",
            description="bank accounts name themselves as their customer",
            response=bank_account_customer_self,
        ),
        # round trips
        Fault(
            name="retrieve_drops_metadata",
            detected_by="CUS-RT-001",
            rule="retrieve a customer returns the customer as created [doc]",
            description="GET /v1/customers/{id} answers metadata {}",
            response=retrieve_drops_metadata,
        ),
        Fault(
            name="name_truncated",
            detected_by="CUS-RT-002",
            rule="create a customer stores the name given [doc]",
            description="names are cut to 32 characters (a VARCHAR(32) column)",
            request=quietly(each_param("name", lambda v: v[:32])),
        ),
        # lists
        Fault(
            name="list_oldest_first",
            detected_by="CUS-LIST-001",
            rule="list all customers: newest first [doc]",
            description="list pages are in creation order, oldest first",
            response=oldest_first,
        ),
        Fault(
            name="limit_ignored",
            detected_by="CUS-LIST-002",
            rule="list: limit 1..100 bounds the page [doc]",
            description="limit is ignored: every page has up to 100 items",
            request=quietly(drop_query("limit")),
        ),
        Fault(
            name="page_ignored",
            detected_by="CUS-LIST-003",
            rule="list: page selects a page [doc]",
            description="page is ignored: always the first page",
            request=quietly(drop_query("page")),
        ),
        Fault(
            name="page_overlap",
            detected_by="CUS-LIST-003",
            rule="list: walking the pages yields every object exactly once [doc]",
            description="each page after the first starts with the last object of the one before",
            around=pages_overlap,
        ),
        Fault(
            name="email_filter_ignored",
            detected_by="CUS-LIST-005",
            rule="list all customers: email filters by exact address [doc]",
            description="the email filter is ignored",
            request=quietly(drop_query("email")),
        ),
        Fault(
            name="email_filter_prefix",
            detected_by="CUS-VAR-001",
            rule="list all customers: email filters by exact address [doc]",
            description="the email filter matches every address that starts with the value",
            around=email_prefix_match,
        ),
        Fault(
            name="email_no_match_empty",
            detected_by="CUS-LIST-006",
            rule="list all customers: an email matching no customer is an error [doc]",
            description="an email matching no customer answers 200 with an empty list",
            response=no_match_empty,
        ),
        # errors
        Fault(
            name="error_type_missing",
            detected_by="CUS-SHAPE-005",
            rule="errors: the error object has a type [doc]",
            description="error objects carry no type",
            response=error_type_dropped,
        ),
        Fault(
            name="error_type_misspelled",
            detected_by="CUS-SHAPE-005",
            rule="errors: type is one of the documented types [doc]",
            description='error type "invalid_request" instead of "invalid_request_error"',
            response=error_type_misspelled,
        ),
        Fault(
            name="error_param_missing",
            detected_by="CUS-REQ-002",
            rule="request rules: a 400 for a bad field names it in param [conv]",
            description="400 errors do not say which parameter is at fault",
            level="SHOULD",
            response=error_param_dropped,
        ),
        Fault(
            name="not_found_as_400",
            detected_by="CUS-ERR-001",
            rule="errors: 404 when the resource does not exist [doc]",
            description="unknown ids and paths answer 400",
            response=not_found_as_400,
        ),
        Fault(
            name="errors_plain_text",
            detected_by="CUS-HTTP-001",
            rule="responses are always JSON, errors too [doc]",
            description="errors are plain text messages",
            response=errors_as_text,
        ),
        Fault(
            name="create_status_201",
            detected_by="CUS-HTTP-002",
            rule="create a customer returns the customer with 200 precisely [conv]",
            description="creates answer 201 Created",
            level="SHOULD",
            response=created_as_201,
        ),
        # auth
        Fault(
            name="missing_key_accepted",
            detected_by="CUS-AUTH-001",
            rule="auth: no valid API key gets 401 [doc]",
            description="requests without a key run as the last key seen",
            request=quietly(LastKeyDefault()),
        ),
        Fault(
            name="accounts_shared",
            detected_by="CUS-AUTH-003",
            rule="auth: each key sees only its own objects (404 otherwise) [doc]",
            description="every key acts as the first key seen in its mode: data leaks across keys",
            request=quietly(FirstKeyPerMode()),
        ),
        Fault(
            name="unauthorized_as_403",
            detected_by="CUS-AUTH-001",
            rule="auth: no valid API key gets 401 [doc]",
            description="bad or missing keys answer 403",
            response=unauthorized_as_403,
        ),
        Fault(
            name="accept_ignored",
            detected_by="CUS-HTTP-005",
            rule="errors: 406 when a format other than JSON is requested [doc]",
            description="Accept is ignored: JSON is served to clients that refuse it",
            request=quietly(drop_header("accept")),
        ),
        # idempotency
        Fault(
            name="idempotency_ignored",
            detected_by="CUS-IDEM-002",
            rule="idempotency: a replayed key creates nothing new [doc]",
            description="Idempotency-Key is ignored: every retry creates a new object",
            request=quietly(drop_header("idempotency-key")),
        ),
        Fault(
            name="idempotency_key_per_body",
            detected_by="CUS-IDEM-002",
            rule="idempotency: the first answer is replayed for a key [doc]",
            description="keys are scoped by body: reused with another body, a key creates anew",
            request=quietly(key_scoped_by_body),
        ),
        Fault(
            name="idempotency_replay_200",
            detected_by="CUS-IDEM-001",
            rule="idempotency: the first status and body are replayed [doc]",
            description="a replayed error answer comes back with status 200",
            response=replay_as_200,
        ),
        # encodings
        Fault(
            name="form_brackets_ignored",
            detected_by="CUS-RT-003",
            rule="requests: form bodies with metadata[k]=v are accepted [doc]",
            description="bracket keys of form bodies are dropped: metadata is lost",
            request=quietly(form_brackets_dropped),
        ),
        Fault(
            name="json_body_refused",
            detected_by="CUS-RT-003",
            rule="requests: JSON bodies are accepted like form bodies [doc]",
            description="JSON bodies are refused with 400",
            request=json_refused,
        ),
        Fault(
            name="unknown_params_ignored",
            detected_by="CUS-ROB-005",
            rule="requests: an unknown parameter gets 400 naming it [conv]",
            description="unknown parameters are silently dropped",
            level="SHOULD",
            request=quietly(unknown_params_dropped),
        ),
        Fault(
            name="long_email_truncated",
            detected_by="CUS-REQ-001",
            rule="requests: an email over 512 characters gets 400 [doc]",
            description="long emails are cut to 512 characters instead of refused",
            request=quietly(each_param("email", lambda v: v[:512])),
        ),
        Fault(
            name="ifsc_lowercase_accepted",
            detected_by="CUS-REQ-002",
            rule="requests: a bank account field breaking its format gets 400 [doc]",
            description="account_ifsc is upper-cased before validation: lower case is accepted",
            request=quietly(each_param("account_ifsc", str.upper)),
        ),
        # robustness
        Fault(
            name="crash_on_malformed_json",
            detected_by="CUS-ROB-001",
            rule="requests: a body that is not valid JSON gets 400, never a 5xx [doc]",
            description="malformed JSON bodies answer 500",
            request=crash_on_bad_json,
        ),
        Fault(
            name="crash_on_non_ascii",
            detected_by="CUS-HTTP-003",
            rule="errors: client input never causes a 5xx [doc]",
            description="bodies with non-ASCII text (Indic names) answer 500 (a latin-1 codec)",
            request=crash_on_non_ascii,
        ),
        # the later rules: list defaults, bank account lists, methods, embeds, keys
        Fault(
            name="default_limit_10",
            detected_by="CUS-LIST-008",
            rule="list all customers: limit defaults to 100 [doc]",
            description="GET /v1/customers without limit answers pages of 10",
            request=quietly(default_limit_10),
        ),
        Fault(
            name="bank_account_list_ignores_limit",
            detected_by="CUS-BANK-006",
            rule="list bank accounts: limit bounds the page [doc]",
            description="limit is ignored on a customer's bank account list",
            request=quietly(bank_list_limit_dropped),
        ),
        Fault(
            name="bank_account_list_oldest_first",
            detected_by="CUS-BANK-007",
            rule="list bank accounts: newest first [doc]",
            description="a customer's bank account list is oldest first",
            response=bank_list_oldest_first,
        ),
        Fault(
            name="undocumented_delete_allowed",
            detected_by="CUS-HTTP-006",
            rule="undocumented methods on documented paths answer 404 or 405 [doc]",
            description="DELETE /v1/customers/{id} answers 200 (deleted: true)",
            request=delete_allowed,
        ),
        Fault(
            name="embeds_oldest_bank_accounts",
            detected_by="CUS-BANK-008",
            rule="a customer embeds its 10 most recent bank accounts [doc]",
            description="past 10 bank accounts, the 10 oldest are embedded",
            around=embeds_oldest,
        ),
        Fault(
            name="bank_account_idempotency_ignored",
            detected_by="CUS-IDEM-003",
            rule="idempotency: a replayed key creates nothing new [doc]",
            description="Idempotency-Key is ignored on bank account creates",
            request=quietly(bank_idempotency_dropped),
        ),
        Fault(
            name="accepts_unissued_keys",
            detected_by="CUS-AUTH-005",
            rule="auth: no valid API key gets 401 [doc]",
            description="any well-formed key is accepted, issued or not (a fresh empty account)",
            app_settings={"accept_any_key": True},
        ),
        Fault(
            name="bank_accounts_keyless",
            detected_by="CUS-HTTP-007",
            rule="transport.auth: a request without a valid key gets 401 [doc]",
            description="the bank account paths run any request as the first key seen",
            request=quietly(KeylessBankAccounts()),
        ),
        Fault(
            name="bank_account_form_type_lost",
            detected_by="CUS-BANK-009",
            rule="transport.encodings: form and JSON bodies are read alike [doc]",
            description="a form-encoded bank account create loses account_type (savings)",
            request=quietly(bank_form_type_default),
        ),
        *leak_faults(),
        lost_create_fault(),
    ]


#: Every fault by name, in catalogue order.
FAULTS: MappingProxyType[str, Fault] = MappingProxyType({f.name: f for f in _catalogue()})


def resolve_faults(names: Iterable[str]) -> list[Fault]:
    """Return fresh faults for ``names`` (stateful ones get new state); ValueError if unknown."""
    names = list(names)
    unknown = [n for n in names if n not in FAULTS]
    if unknown:
        raise ValueError(
            f"unknown fault {', '.join(map(repr, unknown))}: expected any of {', '.join(FAULTS)}"
        )
    fresh = {f.name: f for f in _catalogue()}
    return [fresh[n] for n in names]
