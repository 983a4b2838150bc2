"""The public API: Indian data formats, argument checks, reprs, keyword-only options, __all__."""

from __future__ import annotations

import inspect
import random
import re
import string
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from strategy_helpers import PROFILE

from lotuspay_contract import strategies
from lotuspay_contract.strategies import (
    bank_account_create_params,
    bank_accounts,
    customer_create_params,
    customer_lists,
    customers,
    emails,
    errors,
    ifsc_codes,
    indian_names,
    invalid_bank_account_create_params,
    invalid_customer_create_params,
    invalid_customers,
    mandates,
    metadata_maps,
    mobile_numbers,
    pan_numbers,
    subscriptions,
)

EXPECTED_ALL = [
    "IndianValues",
    "InvalidDocument",
    "bank_account_create_params",
    "bank_accounts",
    "bank_name",
    "customer_create_params",
    "customer_lists",
    "customers",
    "emails",
    "errors",
    "ifsc_codes",
    "indian_names",
    "invalid_bank_account_create_params",
    "invalid_customer_create_params",
    "invalid_customers",
    "mandates",
    "metadata_maps",
    "mobile_numbers",
    "pan_numbers",
    "pinned_clock",
    "subscriptions",
]
#: Not strategies: a context manager that pins the generated clock (``generate --now``) and
#: the plain lookup of a bank's name by IFSC.
HELPERS = {"bank_name", "pinned_clock"}
STRATEGY_FUNCTIONS = [
    getattr(strategies, name) for name in EXPECTED_ALL if name[0].islower() and name not in HELPERS
]


def test_pinned_clock_bounds_created_and_refuses_bad_epochs() -> None:
    from hypothesis.errors import InvalidArgument

    @settings(PROFILE, max_examples=20)
    @given(strategies.customers())
    def created_is_bounded(customer: dict[str, Any]) -> None:
        assert customer["created"] <= 1_500_000_000

    with strategies.pinned_clock(1_500_000_000):  # the clock is read as each example is drawn
        created_is_bounded()
    with (
        pytest.raises(InvalidArgument, match="epoch='soon'"),
        strategies.pinned_clock("soon"),  # type: ignore[arg-type]
    ):
        pass


def test_all_is_exact_and_sorted() -> None:
    assert strategies.__all__ == EXPECTED_ALL
    assert sorted(strategies._HOMES) == EXPECTED_ALL  # every lazy name has a home, and no other
    for name in EXPECTED_ALL:  # the facade loads lazily: take every name once
        getattr(strategies, name)
    public = {
        name
        for name, value in vars(strategies).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert public == set(EXPECTED_ALL)


@pytest.mark.parametrize("function", STRATEGY_FUNCTIONS, ids=lambda f: f.__name__)
def test_every_argument_is_keyword_only_and_the_function_documented(
    function: Callable[..., Any],
) -> None:
    kinds = {p.kind for p in inspect.signature(function).parameters.values()}
    assert kinds <= {inspect.Parameter.KEYWORD_ONLY}
    assert function.__doc__
    assert function.__name__.endswith("s")  # plural nouns


def test_the_facade_and_the_plain_values_load_without_hypothesis() -> None:
    # The mock fixture draws its seed data from IndianValues: a repo that uses only the
    # fixture must not pay for importing Hypothesis.
    code = (
        "import sys\n"
        "from lotuspay_contract.strategies import IndianValues, bank_name\n"
        "assert 'hypothesis' not in sys.modules, 'hypothesis loaded'\n"
        "from lotuspay_contract.strategies import customers\n"
        "assert 'hypothesis' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'bank_names'"):
        strategies.bank_names  # noqa: B018


PAN = re.compile(r"^[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]$")
IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
MOBILE = re.compile(r"^\+91[6-9][0-9]{9}$")
EMAIL = re.compile(r"^[a-z0-9._]+@([a-z0-9-]+\.)+[a-z]{2,}$")


@PROFILE
@given(pan_numbers())
def test_pan_numbers(pan: str) -> None:
    assert PAN.match(pan)


@PROFILE
@given(pan_numbers(holder_types=("C", "F")))
def test_pan_holder_types(pan: str) -> None:
    assert PAN.match(pan)
    assert pan[3] in "CF"


@PROFILE
@given(ifsc_codes())
def test_ifsc_codes_use_real_bank_codes(ifsc: str) -> None:
    assert IFSC.match(ifsc)
    assert ifsc[:4] in {"HDFC", "ICIC", "SBIN", "UTIB", "KKBK", "PUNB", "BARB", "CNRB", "UBIN",
                        "IDIB", "IOBA", "BKID", "MAHB", "CBIN", "YESB", "INDB", "IDFB", "FDRL",
                        "KARB", "SIBL", "RATN", "AUBL"}  # fmt: skip


@PROFILE
@given(ifsc_codes(bank_codes=["ABCD"]))
def test_ifsc_bank_codes(ifsc: str) -> None:
    assert IFSC.match(ifsc)
    assert ifsc.startswith("ABCD0")


@PROFILE
@given(mobile_numbers())
def test_mobile_numbers(mobile: str) -> None:
    assert MOBILE.match(mobile)


SCRIPT_RANGES = {
    "devanagari": ("\u0900", "\u097f"),
    "bengali": ("\u0980", "\u09ff"),
    "gurmukhi": ("\u0a00", "\u0a7f"),
    "gujarati": ("\u0a80", "\u0aff"),
    "tamil": ("\u0b80", "\u0bff"),
    "telugu": ("\u0c00", "\u0c7f"),
    "kannada": ("\u0c80", "\u0cff"),
    "malayalam": ("\u0d00", "\u0d7f"),
}


@pytest.mark.parametrize("script", sorted(SCRIPT_RANGES))
def test_indian_names_are_written_in_their_script(script: str) -> None:
    low, high = SCRIPT_RANGES[script]

    @PROFILE
    @given(indian_names(scripts=[script]))
    def check(name: str) -> None:
        assert name == name.strip()
        assert all(low <= c <= high or c in " ." for c in name), name

    check()
    # ...and the default reaches every script, full names included.
    find(indian_names(), lambda n: " " in n and all(low <= c <= high or c in " ." for c in n))


@PROFILE
@given(indian_names(scripts=["latin"]))
def test_latin_names(name: str) -> None:
    assert name.isascii()
    assert name[0].isupper()


@PROFILE
@given(emails())
def test_emails_look_real(email: str) -> None:
    assert EMAIL.match(email), email
    assert 6 <= len(email) <= 512
    assert len(email.split("@")[0]) <= 64


@PROFILE
@given(st.data())
def test_emails_meet_any_size_bounds(data: st.DataObject) -> None:
    min_size = data.draw(st.integers(6, 600), label="min_size")
    max_size = data.draw(st.integers(min_size, 700), label="max_size")
    email = data.draw(emails(min_size=min_size, max_size=max_size), label="email")
    assert min_size <= len(email) <= max_size
    assert EMAIL.match(email), email
    local, domain = email.split("@")
    assert len(local) <= 64
    assert all(1 <= len(label) <= 63 for label in domain.split("."))


@PROFILE
@given(emails(min_size=512))
def test_emails_of_exactly_512_characters(email: str) -> None:
    assert len(email) == 512


@PROFILE
@given(metadata_maps(min_size=2, max_size=8))
def test_metadata_maps(metadata: dict[str, str]) -> None:
    assert 2 <= len(metadata) <= 8
    for key, value in metadata.items():
        assert 1 <= len(key) <= 40
        assert isinstance(value, str)
        assert len(value) <= 500
        assert not set("[]") & set(key)  # form-encodable as metadata[key]


def test_metadata_maps_reach_empty() -> None:
    assert find(metadata_maps(), lambda m: True) == {}


BAD_ARGUMENTS: list[tuple[Callable[..., Any], dict[str, Any], str]] = [
    (customers, {"livemode": "yes"}, "livemode='yes' (type str) must be True, False or None"),
    (customers, {"id_prefix": 7}, "id_prefix=7 (type int) must be a str"),
    (customers, {"id_length": 0}, "id_length=0 (type int) must be between 2 and 255"),
    (customers, {"id_length": 256}, "id_length=256 (type int) must be between 2 and 255"),
    (customers, {"id_prefix": "CUST", "id_length": 3}, "id_length=3 (type int) must be between 4"),
    (customers, {"id_length": 14.0}, "id_length=14.0 (type float) must be an int"),
    (customers, {"max_embedded": 11}, "max_embedded=11 (type int) must be between 0 and 10"),
    (customers, {"min_embedded": 5, "max_embedded": 2}, "max_embedded=2 < min_embedded=5"),
    (customers, {"with_bank_accounts": False, "min_embedded": 1}, "with_bank_accounts=False"),
    (customers, {"with_mandates": True, "max_embedded": 0}, "with_mandates=True"),
    (customers, {"with_subscriptions": 1}, "with_subscriptions=1 (type int)"),
    (customers, {"hidden_items": "no"}, "hidden_items='no' (type str)"),
    (customers, {"contact_fields": "none"}, "contact_fields='none' (type str) must be one of"),
    (customers, {"email": "a@b.in"}, "email='a@b.in' (type str) must be a Hypothesis strategy"),
    (customers, {"email": st.just("a@b.in"), "contact_fields": "null"}, "contact_fields='null'"),
    (customers, {"metadata": {}}, "metadata={} (type dict) must be a Hypothesis strategy"),
    (customers, {"extra_properties": 1}, "extra_properties=1 (type int) must be a bool"),
    (customer_lists, {"max_size": 101}, "max_size=101 (type int) must be between 0 and 100"),
    (customer_lists, {"min_size": 3, "max_size": 1}, "max_size=1 < min_size=3"),
    (bank_accounts, {"min_mandates": 3, "max_mandates": 1}, "max_mandates=1 < min_mandates=3"),
    (mandates, {"livemode": 0}, "livemode=0 (type int)"),
    (subscriptions, {"livemode": "true"}, "livemode='true' (type str)"),
    (metadata_maps, {"min_size": -1}, "min_size=-1 (type int) must be between 0"),
    (metadata_maps, {"max_size": 1.5}, "max_size=1.5 (type float) must be an int"),
    (emails, {"min_size": 5}, "min_size=5 (type int) must be between 6"),
    (emails, {"min_size": 100, "max_size": 50}, "max_size=50 < min_size=100"),
    (pan_numbers, {"holder_types": "P"}, "holder_types='P' (type str) must be a collection"),
    (pan_numbers, {"holder_types": ("X",)}, "holder_types=('X',) (type tuple) holds 'X'"),
    (pan_numbers, {"holder_types": ()}, "holder_types=() (type tuple) must not be empty"),
    (ifsc_codes, {"bank_codes": ["hdfc"]}, "bank_codes=['hdfc'] (type list) holds 'hdfc'"),
    (indian_names, {"scripts": ("klingon",)}, "scripts=('klingon',) (type tuple) holds"),
    (errors, {"status": 418}, "status=418 (type int) must be one of 400, 401"),
    (errors, {"status": "404"}, "status='404' (type str)"),
    (errors, {"envelope": None}, "envelope=None (type NoneType) must be a bool"),
    (customer_create_params, {"encoding": "xml"}, "encoding='xml' (type str) must be one of"),
    (customer_create_params, {"metadata": 5}, "metadata=5 (type int) must be a Hypothesis"),
    (bank_account_create_params, {"encoding": None}, "encoding=None (type NoneType)"),
    (invalid_customers, {"strict": 1}, "strict=1 (type int) must be a bool"),
    (invalid_customers, {"rules": ["nope"]}, "rules=['nope'] (type list) holds 'nope'"),
    (invalid_customers, {"rules": ["customer.id.prefix"]}, "holds 'customer.id.prefix'"),
    (invalid_customers, {"rules": "customer.id"}, "rules='customer.id' (type str) must be a"),
    (invalid_customer_create_params, {"rules": ["customer.id"]}, "holds 'customer.id'"),
    (invalid_bank_account_create_params, {"rules": []}, "rules=[] (type list) must not be"),
]


@pytest.mark.parametrize(
    ("function", "kwargs", "message"),
    BAD_ARGUMENTS,
    ids=[f"{f.__name__}-{'-'.join(k)}" for f, k, _ in BAD_ARGUMENTS],
)
def test_bad_arguments_raise_invalid_argument_at_the_call(
    function: Callable[..., Any], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidArgument) as raised:
        function(**kwargs)
    assert message in str(raised.value)


REPRS: list[tuple[st.SearchStrategy[Any], str]] = [
    (customers(), "customers()"),
    (customers(livemode=True), "customers(livemode=True)"),
    (
        customers(id_prefix="XY", min_embedded=10, hidden_items=True),
        "customers(id_prefix='XY', min_embedded=10, hidden_items=True)",
    ),
    (customers(email=emails(min_size=512)), "customers(email=emails(min_size=512))"),
    (customer_lists(max_size=5), "customer_lists(max_size=5)"),
    (bank_accounts(livemode=False), "bank_accounts(livemode=False)"),
    (mandates(), "mandates()"),
    (subscriptions(), "subscriptions()"),
    (errors(status=404, envelope=False), "errors(status=404, envelope=False)"),
    (pan_numbers(), "pan_numbers()"),
    (pan_numbers(holder_types=("P",)), "pan_numbers(holder_types=('P',))"),
    (ifsc_codes(), "ifsc_codes()"),
    (mobile_numbers(), "mobile_numbers()"),
    (indian_names(scripts=("tamil",)), "indian_names(scripts=('tamil',))"),
    (metadata_maps(max_size=0), "metadata_maps(max_size=0)"),
    (customer_create_params(encoding="form"), "customer_create_params(encoding='form')"),
    (bank_account_create_params(), "bank_account_create_params()"),
    (invalid_customers(strict=True), "invalid_customers(strict=True)"),
    (
        invalid_customers(rules=["customer.email"]),
        "invalid_customers(rules=('customer.email',))",
    ),
    (invalid_customer_create_params(), "invalid_customer_create_params()"),
    (invalid_bank_account_create_params(), "invalid_bank_account_create_params()"),
]


@pytest.mark.parametrize(("strategy", "expected"), REPRS, ids=[r for _, r in REPRS])
def test_reprs_read_like_the_call(strategy: st.SearchStrategy[Any], expected: str) -> None:
    assert repr(strategy) == expected


def test_strategies_never_import_conformance() -> None:
    """The dependency direction is schemas <- strategies <- conformance."""
    import pathlib

    root = pathlib.Path(strategies.__file__).parent
    for path in root.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+conformance\b", source, re.M), path.name


def test_invalid_document_levels_are_plain_strings() -> None:
    case = find(invalid_customers(strict=True, rules=["metadata.limits"]), lambda c: True)
    assert case.level == "MAY"
    assert set(case.rule) <= set(string.ascii_lowercase + "._")


@pytest.mark.parametrize("seed", range(40))
def test_indian_values_have_the_formats_the_strategies_draw(seed: int) -> None:
    values = strategies.IndianValues(random.Random(seed))
    _given, surname = values.given_and_surname()
    assert PAN.match(values.pan(surname=surname))
    assert MOBILE.match(values.mobile())
    assert re.fullmatch(r"\+91[0-9]{10}", values.phone())
    params = values.bank_account_params(("savings", "current"))
    assert IFSC.match(params["account_ifsc"])
    assert strategies.bank_name(params["account_ifsc"])  # every drawn bank code is named
    assert params["account_type"] in {"savings", "current"}
    assert re.fullmatch(r"[0-9]{12,15}", params["account_number"])


def test_indian_values_repeat_from_a_seed_and_take_the_surname_initial() -> None:
    draw = [strategies.IndianValues(random.Random(3)).name() for _ in range(2)]
    assert draw[0] == draw[1]
    assert strategies.IndianValues(random.Random(0)).pan(surname="Verma")[4] == "V"
    latin = strategies.IndianValues(random.Random(0))
    assert all(latin.name(scripts=("latin",)).isascii() for _ in range(50))
    with pytest.raises(ValueError, match="names none of"):
        latin.name(scripts=("klingon",))


def test_bank_name_knows_the_bank_codes_and_nothing_else() -> None:
    assert strategies.bank_name("SBIN0001234") == "State Bank of India"
    assert strategies.bank_name("ZZZZ0001234") is None
