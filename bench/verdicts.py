"""The same verdicts however a run is spread: issue 11's matrix, printed as a table.

Not a test (it takes minutes): for the clean mock and each fault below, the standard tier runs
as ``--jobs 1``, ``--jobs 8``, two shards merged (``report merge``), ``pytest -n 4`` (the plugin
under pytest-xdist, the controller's merged report) and ``--jobs 1`` while another client of the
same key creates a customer every 20 ms. Each mode's check ids and statuses are compared with
``--jobs 1``; a differing check is printed. Then ``pytest -n 2`` runs ``--xdist-repeats`` times on
the clean mock: its failures, and whether its JSON report agrees with pytest's outcome counts.
Every mock is served on 127.0.0.1; the background client is bounded (at most 3,000 creates).

Usage::

    python bench/verdicts.py [--tier standard] [--seed 7] [--xdist-repeats 5]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from lotuspay_contract.conformance.mock import running_mock
from lotuspay_contract.conformance.report import merge_reports, report_data
from lotuspay_contract.conformance.suite import (
    TIERS,
    RunSettings,
    new_run_id,
    run_suite,
    select_checks,
    shard_checks,
)

KEYS = ("sk_test_benchVerdicts0123456789ab", "sk_test_benchVerdicts0123456789cd")
FAULTS = (
    "page_ignored",
    "limit_ignored",
    "default_limit_10",
    "idempotency_ignored",
    "errors_plain_text",
    "email_no_match_empty",
)
# A slow-answer note (CUS-HTTP-004, MAY) is timing, which load and threads change: not a verdict.
_TIMING = "the answer took"

Verdicts = dict[str, str]


def _verdicts(report: dict[str, Any]) -> Verdicts:
    found = {}
    for check in report["checks"]:
        timing = check["status"] == "noted" and all(
            f["message"].startswith(_TIMING) for f in check["failures"]
        )
        found[check["id"]] = "passed" if timing and check["failures"] else check["status"]
    return found


def _settings(url: str, args: argparse.Namespace) -> RunSettings:
    return RunSettings(
        base_url=url,
        api_key=KEYS[0],
        second_key=KEYS[1],
        tier=TIERS[args.tier],
        seed=args.seed,
        run_id=new_run_id(),
    )


def _jobs(jobs: int) -> Callable[[str, argparse.Namespace], Verdicts]:
    def mode(url: str, args: argparse.Namespace) -> Verdicts:
        return _verdicts(report_data(run_suite(_settings(url, args), jobs=jobs)))

    return mode


def _shards(url: str, args: argparse.Namespace) -> Verdicts:
    parts = []
    settings = _settings(url, args)
    for index in (1, 2):
        checks = shard_checks(select_checks(None, args.tier), index, 2, args.tier)
        part = report_data(run_suite(settings, checks=checks))
        part["shard"] = {"index": index, "count": 2}
        parts.append(part)
    return _verdicts(merge_reports(parts))


def _background(url: str, args: argparse.Namespace) -> Verdicts:
    stop = threading.Event()

    def creates() -> None:
        with httpx.Client(base_url=url, auth=(KEYS[0], ""), timeout=5.0) as client:
            for n in range(3000):
                if stop.wait(0.02):
                    return
                client.post("/v1/customers", json={"name": "Other", "email": f"o{n}@example.in"})

    thread = threading.Thread(target=creates, daemon=True)
    thread.start()
    try:
        return _jobs(1)(url, args)
    finally:
        stop.set()
        thread.join(timeout=10)


def pytest_run(url: str, args: argparse.Namespace, workers: int) -> tuple[Verdicts, str, bool]:
    """Run the plugin under ``-n workers``; return its verdicts, pytest's summary line, and
    whether the merged report's counts agree with pytest's."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            str(workers),
            "--lotuspay-url",
            url,
            "--lotuspay-key",
            KEYS[0],
            "--lotuspay-second-key",
            KEYS[1],
            "--lotuspay-tier",
            args.tier,
            "--lotuspay-seed",
            str(args.seed),
            "--lotuspay-report-json",
            str(report),
        ]
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=900)
        data = json.loads(report.read_text())
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
    counted = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|skipped)", summary)}
    outcome = {"passed": 0, "failed": 0, "skipped": 0}
    for status in _verdicts(data).values():
        key = {"failed": "failed", "error": "failed", "not_exercised": "skipped"}.get(status)
        outcome[key or ("skipped" if status == "skipped" else "passed")] += 1
    agrees = all(counted.get(k, 0) == n for k, n in outcome.items())
    return _verdicts(data), summary, agrees


def _xdist(url: str, args: argparse.Namespace) -> Verdicts:
    return pytest_run(url, args, 4)[0]


MODES: dict[str, Callable[[str, argparse.Namespace], Verdicts]] = {
    "--jobs 8": _jobs(8),
    "2 shards merged": _shards,
    "pytest -n 4": _xdist,
    "background creates": _background,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tier", default="standard", choices=sorted(TIERS))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--xdist-repeats", type=int, default=5)
    args = parser.parse_args()
    differing = 0
    print(f"| target | failing at --jobs 1 | {' | '.join(MODES)} |")
    print(f"|---|---|{'---|' * len(MODES)}")
    for fault in (None, *FAULTS):
        cells = []
        with running_mock(api_keys=list(KEYS), faults=(fault,) if fault else ()) as url:
            base = _jobs(1)(str(url), args)
            for mode in MODES.values():
                got = mode(str(url), args)
                diff = sorted(i for i in base.keys() | got.keys() if base.get(i) != got.get(i))
                differing += bool(diff)
                cells.append("same" if not diff else "differs: " + ", ".join(diff))
        failing = sorted(i for i, s in base.items() if s in ("failed", "error"))
        print(f"| {fault or 'clean'} | {', '.join(failing) or '-'} | {' | '.join(cells)} |")
    with running_mock(api_keys=list(KEYS)) as url:
        for n in range(1, args.xdist_repeats + 1):
            started = time.monotonic()
            verdicts, summary, agrees = pytest_run(str(url), args, 2)
            failed = sorted(i for i, s in verdicts.items() if s in ("failed", "error"))
            print(
                f"pytest -n 2, clean mock, run {n}: {summary} ({time.monotonic() - started:.0f} s);"
                f" failed {failed or 'none'}; report agrees with pytest: {agrees}"
            )
            differing += bool(failed) + (not agrees)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
