"""Strategies for realistic Indian values: PANs, IFSCs, +91 mobiles, names in Latin and Indic
scripts, emails, drawn from the tables of ``_indian`` (the one home of that data).

The strategies compose ``sampled_from``
and fixed-size ``text`` rather than ``from_regex``: the same shapes, many times faster.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Collection

from hypothesis import strategies as st

from ._check import check_size_bounds, check_strings, check_subset, named
from ._indian import (
    BANKS,
    DIGITS,
    EMAIL_DOMAINS,
    MOBILE_FIRST_DIGITS,
    NAMES,
    PAN_HOLDER_TYPES,
    SCRIPTS,
    STD_CODES,
    UPPER,
    UPPER_ALNUM,
)

__all__ = [
    "emails",
    "fixed_strings",
    "ifsc_codes",
    "indian_names",
    "mobile_numbers",
    "pan_numbers",
    "phone_numbers",
]

_SHORTEST_EMAIL = "a@b.in"
_ONE_DRAW_LIMIT = 24  # longer fixed strings are drawn as text, character by character


@functools.cache
def fixed_strings(alphabet: str, size: int) -> st.SearchStrategy[str]:
    """Strings of exactly ``size`` characters of ``alphabet``, drawn as one integer.

    One integer draw instead of one per character makes ids, PANs and IFSCs several times
    cheaper to generate; it shrinks, like text, towards ``alphabet[0] * size``.
    """
    if size > _ONE_DRAW_LIMIT:
        return st.text(alphabet=alphabet, min_size=size, max_size=size)
    base = len(alphabet)

    def spell(number: int) -> str:
        letters = []
        for _ in range(size):
            number, digit = divmod(number, base)
            letters.append(alphabet[digit])
        return "".join(reversed(letters))

    return st.integers(0, base**size - 1).map(spell)


_MAX_LOCAL_PART = 64  # RFC 5321
_MAX_LABEL = 63  # RFC 1035


def _full_names(given: tuple[str, ...], surnames: tuple[str, ...]) -> st.SearchStrategy[str]:
    first, last = st.sampled_from(given), st.sampled_from(surnames)
    return st.one_of(
        st.tuples(first, last).map(" ".join),  # Asha Verma
        st.tuples(first, first, last).map(" ".join),  # Venkata Sai Reddy
        st.tuples(st.sampled_from(surnames), first).map(lambda p: f"{p[0][0]}. {p[1]}"),
        first,  # a single name is common on Indian documents
    )


_SCRIPT_NAMES: dict[str, st.SearchStrategy[str]] = {
    script: _full_names(*parts) for script, parts in NAMES.items()
}


def pan_numbers(
    *, holder_types: Collection[str] = tuple(PAN_HOLDER_TYPES)
) -> st.SearchStrategy[str]:
    """Return a strategy for PANs: ``[A-Z]{5}[0-9]{4}[A-Z]``, fourth letter the holder type.

    Args:
        holder_types: the allowed fourth letters, among ``P C H F A T B L J G`` (P person,
            C company, H Hindu undivided family, F firm, ...).

    >>> pan_numbers(holder_types=("P",)).example()[3]
    'P'
    """
    types = check_subset("holder_types", holder_types, tuple(PAN_HOLDER_TYPES))
    return _pan_numbers() if types == tuple(PAN_HOLDER_TYPES) else _pan_numbers(holder_types=types)


@st.composite
@named("pan_numbers")
def _pan_numbers(
    draw: st.DrawFn, *, holder_types: tuple[str, ...] = tuple(PAN_HOLDER_TYPES)
) -> str:
    return (
        draw(_THREE_LETTERS)
        + draw(st.sampled_from(holder_types))
        + draw(_LETTER)  # the holder's surname initial
        + draw(_FOUR_DIGITS)
        + draw(_LETTER)  # check letter
    )


_LETTER = st.sampled_from(UPPER)
_THREE_LETTERS = fixed_strings(UPPER, 3)
_FOUR_DIGITS = fixed_strings(DIGITS, 4)
# Real branch codes are mostly digits; letters occur, so both shapes are drawn.
_BRANCH_CODES = st.one_of(
    fixed_strings(DIGITS, 6),
    fixed_strings(UPPER_ALNUM, 6),
)


def ifsc_codes(*, bank_codes: Collection[str] | None = None) -> st.SearchStrategy[str]:
    """Return a strategy for IFSCs: ``[A-Z]{4}0[A-Z0-9]{6}`` with real bank prefixes.

    Args:
        bank_codes: the four-letter bank codes to use; by default those of ``BANKS``
            (HDFC, ICIC, SBIN, UTIB, ...).

    >>> ifsc_codes(bank_codes=("SBIN",)).example()[:5]
    'SBIN0'
    """
    if bank_codes is None:
        return _ifsc_codes()
    codes = check_strings("bank_codes", bank_codes, _is_bank_code, "four upper-case letters")
    return _ifsc_codes(bank_codes=codes)


def _is_bank_code(code: str) -> bool:
    return len(code) == 4 and all(c in UPPER for c in code)


@st.composite
@named("ifsc_codes")
def _ifsc_codes(draw: st.DrawFn, *, bank_codes: tuple[str, ...] | None = None) -> str:
    code = draw(_BANK_CODES if bank_codes is None else st.sampled_from(bank_codes))
    return f"{code}0{draw(_BRANCH_CODES)}"


_BANK_CODES = st.sampled_from(tuple(BANKS))


@st.composite
@named("mobile_numbers")
def mobile_numbers(draw: st.DrawFn) -> str:
    """Return a strategy for Indian mobiles with country code: ``+91`` then 10 digits, 6-9 first.

    >>> mobile_numbers().example()[:3]
    '+91'
    """
    return f"+91{draw(_MOBILE_FIRST)}{draw(_NINE_DIGITS)}"


_MOBILE_FIRST = st.sampled_from(MOBILE_FIRST_DIGITS)
_NINE_DIGITS = fixed_strings(DIGITS, 9)
_STD_CODES = st.sampled_from(STD_CODES)
_EIGHT_DIGITS = fixed_strings(DIGITS, 8)


@st.composite
def _phone_numbers(draw: st.DrawFn) -> str:
    """Landlines: +91, an STD code of a large city, eight digits."""
    return f"+91{draw(_STD_CODES)}{draw(_EIGHT_DIGITS)}"


phone_numbers = _phone_numbers()


def indian_names(*, scripts: Collection[str] = SCRIPTS) -> st.SearchStrategy[str]:
    """Return a strategy for personal names, in Latin and native Indic scripts.

    Full names (given name and surname, sometimes a middle name or an initial) and single names.

    Args:
        scripts: which of ``SCRIPTS`` to write names in: latin, devanagari, tamil, bengali,
            telugu, gujarati, kannada, malayalam, gurmukhi.

    >>> indian_names(scripts=("latin",)).example().isascii()
    True
    """
    chosen = check_subset("scripts", scripts, SCRIPTS)
    return _indian_names() if chosen == SCRIPTS else _indian_names(scripts=chosen)


@st.composite
@named("indian_names")
def _indian_names(draw: st.DrawFn, *, scripts: tuple[str, ...] = SCRIPTS) -> str:
    if scripts == SCRIPTS:
        return draw(_ALL_NAMES)
    script: str = draw(st.sampled_from(scripts))
    return draw(_SCRIPT_NAMES[script])


_ALL_NAMES: st.SearchStrategy[str] = st.one_of(*_SCRIPT_NAMES.values())
latin_names = _SCRIPT_NAMES["latin"]

_LOCAL_WORDS = st.sampled_from(
    tuple(
        "".join(c for c in word.lower() if c.isalnum())
        for parts in NAMES["latin"]
        for word in parts
    )
)
_SEPARATORS = st.sampled_from((".", "_", ""))
_EMAIL_SUFFIXES = st.one_of(st.just(""), st.integers(1, 9999).map(str))
_DOMAINS = st.sampled_from(EMAIL_DOMAINS)
_FILL = st.sampled_from(string.ascii_lowercase)


def emails(*, min_size: int = len(_SHORTEST_EMAIL), max_size: int = 512) -> st.SearchStrategy[str]:
    """Return a strategy for realistic email addresses, ``min_size`` to ``max_size`` long.

    Addresses look like ``asha.verma92@gmail.com``. To meet a large ``min_size`` the local part
    is lengthened up to 64 characters and then sub-domain labels of up to 63 characters are
    added: ``emails(min_size=512)`` gives addresses of exactly 512 characters, the documented
    maximum (such an address is longer than RFC 5321 allows, but it is what the API must take).

    Args:
        min_size: at least 6 (``a@b.in``).
        max_size: at least ``min_size``; values above 512 break the API's limit.

    >>> len(emails(min_size=512).example())
    512
    """
    check_size_bounds(min_size, max_size, lowest=len(_SHORTEST_EMAIL), highest=10**6)
    return _emails(min_size=min_size, max_size=max_size)


@st.composite
@named("emails")
def _emails(draw: st.DrawFn, *, min_size: int = len(_SHORTEST_EMAIL), max_size: int = 512) -> str:
    local = draw(_LOCAL_WORDS) + draw(_SEPARATORS) + draw(_LOCAL_WORDS) + draw(_EMAIL_SUFFIXES)
    domain = draw(_DOMAINS)
    if len(local) + 1 + len(domain) > max_size:
        if len(domain) + 2 > max_size:
            domain = _SHORTEST_EMAIL[2:]
        local = local[: max_size - len(domain) - 1].rstrip("._")
    missing = min_size - (len(local) + 1 + len(domain))
    if missing > 0:
        fill = draw(_FILL)
        grow = min(missing, max(0, _MAX_LOCAL_PART - len(local)))
        local += fill * grow
        missing -= grow
        labels: list[str] = []
        while missing > 1:
            size = min(missing, _MAX_LABEL + 1)  # a label and its dot
            if missing - size == 1:
                size -= 1  # never leave a single character: a label needs two with its dot
            labels.append(fill * (size - 1))
            missing -= size
        if missing == 1:  # lengthen the first label of the domain instead
            domain = fill + domain
        domain = ".".join([*labels, domain])
    return f"{local}@{domain}"
