"""Benchmark the client harness: what recording and judging, and the variation matrix, cost a test.

In-process first (the figures to quote; rounds alternate, medians count, so other load on the
machine hits both sides alike):

- recording: one client sends ``--requests`` create+retrieve pairs to ``running_mock()`` and
  to the fixture's configuration (``triggers=True`` and a ``Recorder``); the difference per
  request, plus ``judge_requests`` over the recorded requests, is what a test pays;
- matrix: starting and stopping one mock per legal quirk (what the marker adds per variation:
  the session fixture is made once per variation and worker).

With ``--end-to-end``, also a generated test file run by pytest (a subprocess each, ``-n 0``)
three ways, every test creating a customer and retrieving it (``--requests`` pairs); on a
shared machine these session times vary by tens of percent between runs:

- ``plain``: a session fixture of its own over ``running_mock()`` (no recorder, no triggers);
- ``recorded``: the plugin's ``lotuspay_mock`` (every request recorded, judged after the test);
- ``matrix``: one test marked ``lotuspay_variations("legal")``, i.e. one test per legal quirk,
  each quirk its own mock (started and stopped once), against as many ``plain`` tests.

It reports pytest's own session time (start-up excluded), best of ``--repeat`` rounds.

    python bench/client_harness.py [--requests 3] [--rounds 15] [--end-to-end --tests 100]

Not a test: it prints a table and exits 0.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from lotuspay_contract.conformance.mock import QUIRKS, Recorder, running_mock
from lotuspay_contract.conformance.validation import judge_requests

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


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _pairs_seconds(client: httpx.Client, pairs: int) -> float:
    started = time.perf_counter()
    for _ in range(pairs):
        created = client.post("/v1/customers", json={"name": "Asha"}).json()
        client.get(f"/v1/customers/{created['id']}")
    return time.perf_counter() - started


def recording_overhead(pairs: int, rounds: int) -> tuple[float, float, float]:
    """Per request: plain ms, recorded ms, judging ms (medians over alternating rounds)."""
    recorder = Recorder()
    plain: list[float] = []
    recorded: list[float] = []
    judged: list[float] = []
    with running_mock() as bare, running_mock(triggers=True, recorder=recorder) as fixture:
        clients = [
            httpx.Client(base_url=u, auth=(u.api_keys[0], ""), timeout=10) for u in (bare, fixture)
        ]
        for client in clients:
            _pairs_seconds(client, 5)  # warm both
        for _ in range(rounds):
            recorder.begin()
            plain.append(_pairs_seconds(clients[0], pairs) / (2 * pairs))
            recorded.append(_pairs_seconds(clients[1], pairs) / (2 * pairs))
            started = time.perf_counter()
            judge_requests(recorder.requests())
            judged.append((time.perf_counter() - started) / (2 * pairs))
        for client in clients:
            client.close()
    return _median_ms(plain), _median_ms(recorded), _median_ms(judged)


def matrix_overhead(rounds: int) -> float:
    """Milliseconds to start and stop a mock showing one quirk (median over the quirks)."""
    samples: list[float] = []
    for _ in range(max(1, rounds // 5)):
        for name in QUIRKS:
            started = time.perf_counter()
            with running_mock(quirks=[name], triggers=True, recorder=Recorder()):
                pass
            samples.append(time.perf_counter() - started)
    return _median_ms(samples)


def end_to_end(tests: int, requests: int, repeat: int) -> None:
    quirks = len(QUIRKS)
    cases = {
        "plain": PLAIN.format(tests=tests, requests=requests),
        "recorded": RECORDED.format(tests=tests, requests=requests),
        "plain (as many as quirks)": PLAIN.format(tests=quirks, requests=requests),
        "matrix (legal)": MATRIX.format(requests=requests),
    }
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            for name, source in cases.items():
                seconds = session_seconds(source, Path(folder))
                best[name] = min(best.get(name, seconds), seconds)
    print(f"\nend to end (pytest session time, best of {repeat}):")
    print(f"{'run':<28} {'tests':>5} {'session s':>10} {'per test ms':>12}")
    counts = {"plain": tests, "recorded": tests}
    for name, seconds in best.items():
        count = counts.get(name, quirks)
        print(f"{name:<28} {count:>5} {seconds:>10.2f} {seconds / count * 1000:>12.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3, help="create+retrieve pairs per test")
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds (medians)")
    parser.add_argument("--end-to-end", action="store_true", help="also run pytest subprocesses")
    parser.add_argument("--tests", type=int, default=100, help="tests of the end-to-end runs")
    parser.add_argument("--repeat", type=int, default=3, help="end-to-end rounds; the best counts")
    args = parser.parse_args()
    plain, recorded, judged = recording_overhead(args.requests, args.rounds)
    per_test = (recorded - plain + judged) * 2 * args.requests
    print(
        f"per request: plain mock {plain:.2f} ms, fixture's mock (recorder, triggers) "
        f"{recorded:.2f} ms, judging {judged:.3f} ms"
    )
    print(f"recording and judging: {per_test:+.2f} ms per test of {2 * args.requests} requests")
    start_stop = matrix_overhead(args.rounds)
    print(
        f"matrix: {start_stop:.0f} ms per variation (a mock started and stopped), once per "
        "variation and worker, shared by every test under it"
    )
    if args.end_to_end:
        end_to_end(args.tests, args.requests, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
