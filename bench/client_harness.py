"""Benchmark the client harness: what recording and judging, and the variation matrix, cost a test.

A generated test file is run by pytest (a subprocess each, ``-n 0``) three ways; every test
creates a customer and retrieves it (``--requests`` pairs):

- ``plain``: a session fixture of its own over ``running_mock()`` (no recorder, no triggers);
- ``recorded``: the plugin's ``lotuspay_mock`` (every request recorded, judged after the test);
- ``matrix``: one test marked ``lotuspay_variations("legal")``, i.e. one test per legal quirk,
  each quirk its own mock (started and stopped once), against as many ``plain`` tests.

It reports pytest's own session time (start-up excluded), best of ``--repeat`` rounds, and the
overhead per test: (recorded - plain) / tests, and (matrix - plain tests of the same count) /
tests.

    python bench/client_harness.py [--tests 40] [--requests 3] [--repeat 3]

Not a test: it prints a table and exits 0.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from lotuspay_contract.conformance.mock import QUIRKS

BODY = """
    key = {mock}.api_keys[0]
    with httpx.Client(base_url={mock}, auth=(key, ""), timeout=10) as http:
        for _ in range({requests}):
            created = http.post("/v1/customers", json={{"name": "Asha"}}).json()
            if "id" in created:  # a quirk may answer 429 to some requests: this is no client
                http.get(f"/v1/customers/{{created['id']}}")
"""

PLAIN = """
import httpx, pytest
from lotuspay_contract.conformance.mock import running_mock

@pytest.fixture(scope="session")
def plain():
    with running_mock() as url:
        yield url

@pytest.mark.parametrize("n", range({tests}))
def test_plain(plain, n):""" + BODY.replace("{mock}", "plain")

RECORDED = """
import httpx, pytest

@pytest.mark.parametrize("n", range({tests}))
def test_recorded(lotuspay_mock, n):""" + BODY.replace("{mock}", "lotuspay_mock")

MATRIX = """
import httpx, pytest

@pytest.mark.lotuspay_variations("legal")
def test_matrix(lotuspay_mock):""" + BODY.replace("{mock}", "lotuspay_mock")


def session_seconds(source: str, folder: Path) -> float:
    """Run ``source`` as a test file; pytest's own session time (what it prints last)."""
    path = folder / "test_bench.py"
    path.write_text(source)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, "-n", "0", str(path)], cwd=folder, capture_output=True, text=True, timeout=600
    )
    last = done.stdout.strip().splitlines()[-1]
    match = re.search(r"passed in ([0-9.]+)s", last)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"the benchmark's tests failed:\n{done.stdout[-3000:]}")
    return float(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tests", type=int, default=40, help="tests of the plain and recorded runs"
    )
    parser.add_argument("--requests", type=int, default=3, help="create+retrieve pairs per test")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best counts")
    args = parser.parse_args()
    quirks = len(QUIRKS)
    cases = {
        "plain": PLAIN.format(tests=args.tests, requests=args.requests),
        "recorded": RECORDED.format(tests=args.tests, requests=args.requests),
        "plain (as many as quirks)": PLAIN.format(tests=quirks, requests=args.requests),
        "matrix (legal)": MATRIX.format(requests=args.requests),
    }
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            for name, source in cases.items():
                seconds = session_seconds(source, Path(folder))
                best[name] = min(best.get(name, seconds), seconds)
    print(f"{'run':<28} {'tests':>5} {'session s':>10} {'per test ms':>12}")
    counts = {"plain": args.tests, "recorded": args.tests}
    for name, seconds in best.items():
        tests = counts.get(name, quirks)
        print(f"{name:<28} {tests:>5} {seconds:>10.2f} {seconds / tests * 1000:>12.1f}")
    recording = (best["recorded"] - best["plain"]) / args.tests * 1000
    matrix = (best["matrix (legal)"] - best["plain (as many as quirks)"]) / quirks * 1000
    print(f"recording and judging: {recording:+.1f} ms per test ({2 * args.requests} requests)")
    print(f"matrix: {matrix:+.1f} ms per test (a mock per variation: start, stop, quirk layers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
