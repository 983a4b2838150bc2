"""Benchmark: our validator vs raw jsonschema-rs vs pure-Python jsonschema, one 100-customer page.

    python bench/validate.py [--rounds 15]

All run in this one process, interleaved round by round; each round times a batch of calls and
the script prints the median per call and the ratios. Target (issue 2): ours >= 0.8x raw
jsonschema-rs on the shipped schema files. Ours checks more than that baseline (the two semantic
rules are compiled in), so a fourth line runs the engine on the schemas exactly as ours compiles
them: the gap to that line is the cost of the wrapper alone.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from collections.abc import Callable
from typing import Any

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource

from lotuspay_contract import schemas
from lotuspay_contract.conformance import validate


def make_page(size: int = 100) -> dict[str, Any]:
    """A realistic page: customers with bank accounts, a mandate and metadata."""
    customer = schemas.load("customer")["examples"][0]
    bank_account = schemas.load("bank_account")["examples"][0]
    mandate = schemas.load("mandate")["examples"][0]
    data = []
    for i in range(size):
        c = copy.deepcopy(customer)
        c["id"] = f"CU{i:012d}"
        c["created"] = 1_700_000_000 - i
        c["metadata"] = {"plan": "gold", "branch": f"pune-{i}"}
        c["bank_accounts"]["data"] = [dict(bank_account, id=f"BA{i:010d}{j:02d}") for j in range(2)]
        c["bank_accounts"]["total_count"] = 2
        c["mandates"]["data"] = [mandate]
        c["mandates"]["total_count"] = 1
        data.append(c)
    return {"object": "list", "data": data, "total_count": 1234, "url": "/v1/customers"}


def per_call(fn: Callable[[], object], batch: int) -> float:
    start = time.perf_counter()
    for _ in range(batch):
        fn()
    return (time.perf_counter() - start) / batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    page = make_page()
    assert validate(page, "customer_list") == []
    resources = schemas.resources_for_registry()
    raw = jsonschema_rs.validator_for(
        schemas.load("customer_list"), registry=jsonschema_rs.Registry(resources)
    )
    pure = jsonschema.Draft202012Validator(
        schemas.load("customer_list"),
        registry=Registry().with_resources((u, Resource.from_contents(d)) for u, d in resources),
    )
    # The same engine on the schemas as ours compiles them (the rules the files leave to prose
    # compiled in): the difference from ours is then the wrapper alone.
    from lotuspay_contract.conformance.validation._validator import _validator

    same_rules = _validator("customer_list", False, int(time.time()) // 3600)
    contenders: dict[str, tuple[Callable[[], object], int]] = {
        "ours: validate(page, 'customer_list')": (lambda: validate(page, "customer_list"), 200),
        "raw jsonschema-rs: list(iter_errors(page))": (lambda: list(raw.iter_errors(page)), 200),
        "raw jsonschema-rs: is_valid(page)": (lambda: raw.is_valid(page), 200),
        "raw jsonschema-rs, same rules as ours: is_valid": (lambda: same_rules.is_valid(page), 200),
        "pure jsonschema: list(iter_errors(page))": (lambda: list(pure.iter_errors(page)), 2),
    }
    timings: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, (fn, batch) in contenders.items():
            timings[name].append(per_call(fn, batch))

    medians = {name: statistics.median(t) for name, t in timings.items()}
    ours = medians["ours: validate(page, 'customer_list')"]
    print(f"100-customer page, median of {args.rounds} rounds")
    for name, median in medians.items():
        print(f"  {name:<48} {median * 1e6:10.1f} us/call")
    for raw_name in [n for n in medians if n.startswith("raw")]:
        ratio = medians[raw_name] / ours
        print(f"speed of ours relative to {raw_name}: {ratio:.2f}x (target >= 0.8x)")
    slower = medians["pure jsonschema: list(iter_errors(page))"] / ours
    print(f"pure jsonschema is {slower:.0f}x slower than ours")


if __name__ == "__main__":
    main()
