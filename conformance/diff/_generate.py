"""Drawing sequences of operations: the list workout first, then Hypothesis' sequences.

See :mod:`._operations` for what an operation is and why lists are scoped to a sequence.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ._operations import ACCOUNT_TYPES, BAD_REQUESTS, Operation

__all__ = ["list_workout", "operations", "sequences"]


def _op(kind: str, variant: str = "", **args: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    names = sorted(args)
    return st.tuples(*(args[n] for n in names)).map(
        lambda values: Operation(kind, tuple(zip(names, values, strict=True)), variant)
    )


def sequences(*, max_size: int) -> st.SearchStrategy[list[Operation]]:
    """Return a strategy for sequences of operations: up to three customers created first (so
    that the rest has objects to work on), then up to ``max_size`` operations of any kind.

    >>> len(sequences(max_size=4).example()) <= 7  # doctest: +SKIP
    True
    """
    pause = Operation("pause")
    # A pause before a setup create now and then: the list that follows can then be ordered.
    paused = st.tuples(st.sampled_from([False, True]), operations(creates_only=True))
    setup = st.lists(paused, max_size=3).map(
        lambda pairs: [
            op for wait, create in pairs for op in ([pause, create] if wait else [create])
        ]
    )
    rest = st.lists(operations(), min_size=1, max_size=max_size)
    return st.tuples(setup, rest).map(lambda parts: [*parts[0], *parts[1]])


def list_workout() -> list[Operation]:
    """Every list rule on objects only this sequence created: three customers sharing one
    address, the last a second later (so ``created`` orders it first), then the list filtered
    by it whole, by ``limit``, page by page and past the end (``list.order``, ``list.limit``,
    ``list.page``, ``list.past_end``, ``list.email_filter``, ``customer_list.total_count``); an
    address nobody
    has (``list.email_no_match``); two bank accounts a second apart, listed whole and by
    ``limit`` (``endpoints.list_bank_accounts``); and the whole account (``list.default_limit``).

    >>> [op.kind for op in list_workout()][:3]
    ['create_customer', 'create_customer', 'pause']
    """
    pause = Operation("pause")

    def listing(**args: Any) -> Operation:
        return Operation("list_customers", tuple(sorted({"email": 0, **args}.items())))

    create = Operation("create_customer", (("email", 0),))
    bank = Operation(
        "create_bank_account",
        tuple(
            sorted(
                {
                    "customer": 0,
                    "holder": "Asha Verma",
                    "ifsc": "HDFC0001234",
                    "number": "50100012345678",
                    "account_type": "savings",
                }.items()
            )
        ),
    )
    pages = [listing(limit=limit, page=page) for limit, page in ((2, 1), (2, 2), (1, 2), (1, 3))]
    return [
        create,
        create,
        pause,
        create,
        listing(),
        listing(limit=1),
        *pages,
        listing(limit=1, page=4),
        Operation("list_customers", (("unmatched", True),)),
        bank,
        pause,
        bank,
        Operation("list_bank_accounts", (("customer", 0),)),
        Operation("list_bank_accounts", (("customer", 0), ("limit", 1))),
        Operation("list_customers"),
    ]


def operations(*, creates_only: bool = False) -> st.SearchStrategy[Operation]:
    """Return a strategy for one operation of a sequence (the simplest first, for shrinking);
    with ``creates_only``, customer creates only.

    >>> operations().example().kind in _BUILDERS  # doctest: +SKIP
    True
    """
    from lotuspay_contract.strategies import ifsc_codes, indian_names, mobile_numbers

    maybe = st.none
    index = st.integers(0, 3)
    slot = st.integers(0, 2)
    # Creates share slot 0 most often: a list filtered by it then holds several objects.
    shared = st.sampled_from([0, 0, 0, 1, 2])
    names = st.one_of(
        st.sampled_from(["Asha Verma", "Ravi Kumar"]),
        indian_names(),
        indian_names().map(lambda n: n + " Venkatanarasimharajuvaripeta"),  # past 32 chars
    )
    metadata = st.dictionaries(
        st.sampled_from(["plan", "region", "ref"]), st.sampled_from(["gold", "south", "", "७"])
    ).map(lambda d: tuple(sorted(d.items())))
    customers = _op(
        "create_customer",
        name=st.one_of(maybe(), names),
        email=st.sampled_from([0, 0, 0, None]) if creates_only else st.one_of(maybe(), shared),
        mobile=st.one_of(maybe(), mobile_numbers()),
        phone=maybe(),
        metadata=metadata,
        form=st.booleans(),
        idempotency=st.one_of(maybe(), slot),
    )
    if creates_only:
        return customers
    bank_accounts = _op(
        "create_bank_account",
        customer=index,
        holder=st.one_of(st.just("Asha Verma"), indian_names()),
        ifsc=st.one_of(st.just("HDFC0001234"), ifsc_codes()),
        number=st.from_regex(r"\A[0-9]{5,18}\Z"),
        account_type=st.sampled_from(ACCOUNT_TYPES),
        idempotency=st.one_of(maybe(), slot),
    )
    lists = _op(
        "list_customers",
        limit=st.one_of(maybe(), st.integers(1, 3)),
        page=st.one_of(maybe(), st.integers(1, 3)),
        email=st.one_of(maybe(), shared, shared, shared),
        unmatched=st.sampled_from([False, False, False, True]),
    )
    # The whole account, without limit: the default page size shows once the run holds more.
    whole = st.just(Operation("list_customers"))
    bad = st.sampled_from(sorted(BAD_REQUESTS)).flatmap(
        lambda variant: _op("bad_request", variant, customer=index)
    )
    # Weighted towards creating: most operations need objects to work on.
    return st.one_of(
        customers,
        customers,
        customers,
        bank_accounts,
        bank_accounts,
        lists,
        lists,
        lists,
        whole,
        st.just(Operation("pause")),
        _op("retrieve_customer", customer=index),
        _op("list_bank_accounts", customer=index, limit=st.one_of(maybe(), st.integers(1, 2))),
        _op("list_bank_accounts", customer=index, limit=st.integers(1, 2)),
        _op("retrieve_bank_account", customer=index, account=index),
        _op("retrieve_unknown", arbitrary=st.booleans()),
        bad,
    )
