"""Benchmark: ``strategies.customers()`` vs hypothesis-jsonschema ``from_schema(customer schema)``.

Both generate customers for the same contract; the figure is examples per second, the median of
several rounds, the two measured alternately so drift in the machine's load hits both alike.
Target: ours >= 10x the baseline.

hypothesis-jsonschema 0.23.1 fails with Hypothesis >= 6.170.10, so the baseline runs in a
subprocess with its own virtual environment::

    python3 -m venv .bench-venv
    .bench-venv/bin/pip install hypothesis==6.170.9 hypothesis-jsonschema==0.23.1 jsonschema

Run from the repository root::

    python bench/generate.py [--rounds 5] [--ours 2000] [--baseline 200] [--baseline-python PATH]

``--baseline-python`` defaults to ``$LOTUSPAY_BENCH_PYTHON`` or ``.bench-venv/bin/python``.
from_schema cannot resolve the schemas' https ``$id`` references, so the customer schema is
bundled first: each ``$ref`` to another file is inlined (with its siblings, as ``allOf``).
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lotuspay_contract import schemas  # noqa: E402

DEFAULT_BASELINE_PYTHON = ".bench-venv/bin/python"
_DROPPED = {"$schema", "$id", "title", "description", "examples"}
_SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "dependentSchemas"}

# Runs in the baseline's environment: reads the bundled schema and a count on stdin, prints
# "<examples> <seconds>" after each example, so the parent can stop it at its time budget (on
# some schemas from_schema takes minutes for one example).
_BASELINE_SCRIPT = """
import json, sys, time
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis_jsonschema import from_schema

job = json.load(sys.stdin)
strategy = from_schema(job["schema"])
count = 0

@settings(max_examples=job["n"], database=None, phases=[Phase.generate], deadline=None,
          suppress_health_check=list(HealthCheck))
@given(strategy)
def run(document):
    global count
    count += 1
    print(count, time.perf_counter() - started, flush=True)

print(0, 0.0, flush=True)
started = time.perf_counter()
run()
"""


def bundle(node: Any) -> Any:
    """Return schema ``node`` with every cross-file ``$ref`` inlined and annotations dropped."""
    if isinstance(node, list):
        return [bundle(item) for item in node]
    if not isinstance(node, dict):
        return node
    rest: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" or key in _DROPPED or key.startswith("x-"):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):  # keys are names, not keywords
            rest[key] = {name: bundle(schema) for name, schema in value.items()}
        else:
            rest[key] = bundle(value)
    ref = node.get("$ref")
    if not isinstance(ref, str) or ref.startswith("#"):
        return rest if ref is None else {**rest, "$ref": ref}
    target = bundle(schemas.load(Path(ref).stem))
    return {"allOf": [target, rest]} if rest else target


def measure_ours(n: int) -> tuple[int, float]:
    """Generate ``n`` customers with our strategy; return (examples, seconds)."""
    from hypothesis import HealthCheck, Phase, given, settings

    from lotuspay_contract.strategies import customers

    count = 0

    @settings(
        max_examples=n,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(customers())
    def run(document: dict[str, Any]) -> None:
        nonlocal count
        count += 1

    started = time.perf_counter()
    run()
    return count, time.perf_counter() - started


def measure_baseline(
    python: str, schema: dict[str, Any], n: int, budget: float
) -> tuple[int, float]:
    """Generate up to ``n`` documents with from_schema, for at most ``budget`` seconds.

    Returns (examples, seconds); when the budget runs out first, seconds is the budget.
    """
    process = subprocess.Popen(
        [python, "-c", _BASELINE_SCRIPT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(json.dumps({"schema": schema, "n": n}))
    process.stdin.close()
    count, seconds, deadline = 0, 0.0, None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            timeout = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                process.kill()
                process.wait()
                return count, budget
            if not selector.select(timeout):
                continue
            line = process.stdout.readline()
            if not line:
                break
            count, seconds = int(line.split()[0]), float(line.split()[1])
            if deadline is None:  # the first line: from_schema is built, generation starts
                deadline = time.monotonic() + budget
    if process.wait() != 0:
        error = process.stderr.read().strip() if process.stderr else ""
        sys.exit(f"the baseline failed (exit {process.returncode}):\n{error}")
    return count, seconds


def strip_count_chain(node: Any) -> Any:
    """Drop ``allOf`` members made of ``if`` chains (child_list's total_count >= len(data))."""
    if isinstance(node, list):
        return [strip_count_chain(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "allOf" and isinstance(value, list):
            value = [v for v in value if not (isinstance(v, dict) and "if" in v)]
            if not value:
                continue
        out[key] = strip_count_chain(value)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument("--ours", type=int, default=2000, help="customers() examples per round")
    parser.add_argument("--baseline", type=int, default=200, help="from_schema examples per round")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds per from_schema round (default 30)"
    )
    parser.add_argument(
        "--without-count-chain",
        action="store_true",
        help="give from_schema the schema without child_list's if-chain for total_count "
        ">= len(data) (our strategy still follows that rule)",
    )
    parser.add_argument(
        "--baseline-python",
        default=os.environ.get("LOTUSPAY_BENCH_PYTHON", DEFAULT_BASELINE_PYTHON),
        help="python of the environment with hypothesis-jsonschema "
        "(default $LOTUSPAY_BENCH_PYTHON or %(default)s)",
    )
    args = parser.parse_args(argv)
    if not Path(args.baseline_python).exists():
        print(
            f"No baseline interpreter at {args.baseline_python}. Create it with:\n"
            f"  python3 -m venv .bench-venv && .bench-venv/bin/pip install "
            f"hypothesis==6.170.9 hypothesis-jsonschema==0.23.1 jsonschema\n"
            f"or point --baseline-python (or LOTUSPAY_BENCH_PYTHON) at one.",
            file=sys.stderr,
        )
        return 2
    schema = bundle(schemas.load("customer"))
    if args.without_count_chain:
        schema = strip_count_chain(schema)
    measure_ours(50)  # warm up: imports, schema loading, strategy caches
    ours: list[float] = []
    baseline: list[float] = []
    print(f"{'round':>5}  {'customers() ex/s':>17}  {'from_schema ex/s':>17}")
    for index in range(1, args.rounds + 1):
        count, seconds = measure_baseline(args.baseline_python, schema, args.baseline, args.budget)
        baseline.append(count / seconds)
        count, seconds = measure_ours(args.ours)
        ours.append(count / seconds)
        print(f"{index:>5}  {ours[-1]:>17.2f}  {baseline[-1]:>17.2f}")
    ours_median, baseline_median = statistics.median(ours), statistics.median(baseline)
    ratio = ours_median / baseline_median if baseline_median else float("inf")
    print(f"median customers():  {ours_median:.2f} examples/s")
    print(f"median from_schema:  {baseline_median:.2f} examples/s")
    print(f"ratio: {ratio:.1f}x (target >= 10x): {'met' if ratio >= 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
