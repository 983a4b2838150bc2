"""A mutation score for the conformance suite: how many bugs planted in the mock does it catch?

Not a test (it takes about 20 minutes): cosmic-ray (a well-kept mutation tool; its operators,
its mutate-and-restore and its session database are used as they are) plants one bug at a time in
the mock's request handling, store and rendering; the suite is the test: ``lotuspay-contract run``
against the embedded (mutated) mock, the smoke tier first, then the standard tier for survivors.
A run that exits non-zero (a failing check, MUST or, with the default --strict, SHOULD; a crash; a
mock that no longer starts) kills the
mutant; a run past the time-out kills it as "timed out".

It samples: a seeded subset of the mutation sites (a site is a module and a position; one operator
is drawn per site, so the sample spreads over the code rather than over the ten ways to mutate a
single ``+``), sized from the unmutated run's time so that the run fits ``--minutes`` on
``--workers`` processes. Each worker has its own copy of the package, so two mutants never share a
file.

Survivors are reviewed by a person: a mutant no client could ever observe (a log line, a cache
size, a fast path whose result equals the slow one) is recorded in
``bench/mutation_equivalents.toml`` with a one-line reason, matched by module, operator and the
changed line; every other survivor is a bug class the suite misses. The score counts only
non-equivalent mutants.

Usage::

    pip install 'cosmic-ray==8.7.0'
    python bench/mutation.py [--minutes 20] [--workers 2] [--seed 1] [--sample N]
        [--out survivors.txt] [--session mutation.sqlite]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

try:
    from cosmic_ray.commands import init as cr_init
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import MutationSpec, TestOutcome, WorkerOutcome, WorkItem, WorkResult
except ModuleNotFoundError:  # pragma: no cover - a usage message, not a crash
    sys.exit("bench/mutation.py needs cosmic-ray: pip install 'cosmic-ray==8.7.0'")

ROOT = Path(__file__).resolve().parent.parent
#: The mock's request handling, store and rendering (issue 19).
MODULES = (
    "conformance/mock/_app.py",
    "conformance/mock/_requests.py",
    "conformance/mock/_store.py",
    "conformance/mock/_render.py",
    "conformance/mock/_errors.py",
)
EQUIVALENTS = ROOT / "bench" / "mutation_equivalents.toml"
#: What is copied into each worker's package tree (the import name is laid out by hand, so the
#: copy imports ahead of the installed one through PYTHONPATH).
LAYERS = ("schemas", "strategies", "conformance")


@dataclass(frozen=True)
class Outcome:
    """One mutant's fate, in the words of the summary."""

    item: WorkItem
    status: str  # killed | timed out | survived | equivalent | incompetent | no mutation
    diff: str
    reason: str = ""


#: A SHOULD finding is a detection too: the suite runs with --strict (``--no-strict`` counts only
#: MUST failures as kills). MAY findings never fail a run, so they never kill a mutant.
STRICT = ["--strict"]


def _suite_command(copy: Path, tier: str, seed: int) -> str:
    """The test command cosmic-ray runs: the suite against the copy's embedded mock."""
    return (
        f"env --chdir={copy} PYTHONPATH={copy} PYTHONDONTWRITEBYTECODE=1 {sys.executable} -m "
        f"lotuspay_contract.conformance.cli run --tier {tier} --seed {seed} -q {' '.join(STRICT)}"
    )


def _make_copy(into: Path) -> Path:
    """A package tree ``into/lotuspay_contract`` with real folders for the three layers."""
    package = into / "lotuspay_contract"
    package.mkdir(parents=True)
    for name in ("__init__.py", "py.typed"):
        if (ROOT / "lotuspay_contract" / name).is_file():
            shutil.copy2(ROOT / "lotuspay_contract" / name, package / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for layer in LAYERS:
        shutil.copytree(ROOT / layer, package / layer, ignore=ignore)
    shutil.copytree(ROOT / "docs", into / "docs", ignore=ignore)
    return into


def _rebased(item: WorkItem, copy: Path) -> list[MutationSpec]:
    """The item's mutations, pointed at one worker's copy of the module."""
    out = []
    for m in item.mutations:
        relative = Path(m.module_path).relative_to(ROOT)
        out.append(
            MutationSpec(
                module_path=copy / "lotuspay_contract" / relative,
                operator_name=m.operator_name,
                occurrence=m.occurrence,
                start_pos=m.start_pos,
                end_pos=m.end_pos,
                operator_args=m.operator_args,
                definition_name=m.definition_name,
            )
        )
    return out


def _sample(items: list[WorkItem], count: int, seed: int) -> list[WorkItem]:
    """``count`` sites drawn with ``seed``, one operator drawn per site."""
    sites: dict[tuple[str, tuple[int, int]], list[WorkItem]] = defaultdict(list)
    for item in items:
        m = item.mutations[0]
        sites[(str(m.module_path), tuple(m.start_pos))].append(item)
    rng = random.Random(seed)
    keys = sorted(sites)
    chosen = rng.sample(keys, min(count, len(keys)))
    return [
        rng.choice(sorted(sites[k], key=lambda i: i.mutations[0].operator_name)) for k in chosen
    ]


def _changed_lines(diff: str) -> tuple[str, str]:
    """The removed and added lines of a one-mutation diff, stripped (the equivalence key)."""
    removed = [
        ln[1:].strip()
        for ln in diff.splitlines()
        if ln.startswith("-") and not ln.startswith("---")
    ]
    added = [
        ln[1:].strip()
        for ln in diff.splitlines()
        if ln.startswith("+") and not ln.startswith("+++")
    ]
    return " / ".join(removed), " / ".join(added)


def load_equivalents(path: Path = EQUIVALENTS) -> list[dict[str, str]]:
    """The reviewed equivalent mutants: each with module, operator, before, after and reason."""
    if not path.is_file():
        return []
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", [])
    for entry in entries:
        missing = {"module", "operator", "before", "after", "reason"} - set(entry)
        if missing or not str(entry.get("reason", "")).strip():
            raise SystemExit(f"{path}: an entry lacks {sorted(missing) or ['a reason']}: {entry}")
    return entries


def _equivalent_reason(item: WorkItem, diff: str, entries: Iterable[dict[str, str]]) -> str:
    m = item.mutations[0]
    module = Path(m.module_path).relative_to(ROOT).as_posix()
    before, after = _changed_lines(diff)
    for entry in entries:
        if (entry["module"], entry["operator"], entry["before"], entry["after"]) == (
            module,
            m.operator_name,
            before,
            after,
        ):
            return entry["reason"]
    return ""


class _Workers:
    """One package copy per worker thread; a copy is used by one mutant at a time."""

    def __init__(self, count: int, scratch: Path) -> None:
        self.free = [_make_copy(scratch / f"w{i}") for i in range(count)]

    def run(self, item: WorkItem, tier: str, seed: int, timeout: float) -> WorkResult:
        copy = self.free.pop()  # list.pop/append are atomic: no lock needed
        try:
            return mutate_and_test(_rebased(item, copy), _suite_command(copy, tier, seed), timeout)
        finally:
            self.free.append(copy)


def _classify(item: WorkItem, result: WorkResult, entries: list[dict[str, str]]) -> Outcome:
    diff = result.diff or ""
    if result.worker_outcome == WorkerOutcome.NO_TEST:
        return Outcome(item, "no mutation", diff)
    if result.worker_outcome != WorkerOutcome.NORMAL:
        return Outcome(item, "incompetent", diff, (result.output or "")[-300:])
    if result.test_outcome == TestOutcome.KILLED:
        return Outcome(item, "timed out" if result.output == "timeout" else "killed", diff)
    if result.test_outcome == TestOutcome.SURVIVED:
        reason = _equivalent_reason(item, diff, entries)
        return Outcome(item, "equivalent" if reason else "survived", diff, reason)
    return Outcome(item, "incompetent", diff)


def _baseline(workers: _Workers, seed: int) -> float:
    """Time the unmutated smoke run in a copy; it must pass, or no score means anything."""
    copy = workers.free[0]
    where = subprocess.run(
        [
            "env",
            f"--chdir={copy}",
            f"PYTHONPATH={copy}",
            sys.executable,
            "-c",
            "import lotuspay_contract.conformance.mock._app as m; print(m.__file__)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    if not where.startswith(str(copy)):
        raise SystemExit(f"the copy is not what runs: the mock was imported from {where}")
    start = time.monotonic()
    done = subprocess.run(
        _suite_command(copy, "smoke", seed).split(), capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise SystemExit(
            f"the unmutated suite fails (exit {done.returncode}):\n{done.stdout[-2000:]}"
        )
    return time.monotonic() - start


def _run_all(
    workers: _Workers, items: list[WorkItem], tier: str, seed: int, timeout: float, jobs: int
) -> list[tuple[WorkItem, WorkResult]]:
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda i: workers.run(i, tier, seed, timeout), items))
    return list(zip(items, results, strict=True))


def _print_summary(outcomes: list[Outcome], elapsed: float) -> None:
    counts: dict[str, int] = defaultdict(int)
    for o in outcomes:
        counts[o.status] += 1
    judged = counts["killed"] + counts["timed out"] + counts["survived"]
    score = (counts["killed"] + counts["timed out"]) / judged if judged else 0.0
    print(f"mutants: {len(outcomes)} sampled in {elapsed:.0f} s")
    for status in ("killed", "timed out", "survived", "equivalent", "incompetent", "no mutation"):
        print(f"  {status:12} {counts[status]}")
    print(f"score (killed + timed out) / non-equivalent: {score:.1%}")


def _write_survivors(outcomes: list[Outcome], out: Path) -> None:
    lines = []
    for o in outcomes:
        if o.status != "survived":
            continue
        m = o.item.mutations[0]
        before, after = _changed_lines(o.diff)
        lines += [
            "[[equivalent]]  # review: keep only if no client could ever observe it",
            f'module = "{Path(m.module_path).relative_to(ROOT).as_posix()}"',
            f'operator = "{m.operator_name}"',
            f"before = {json.dumps(before, ensure_ascii=False)}",  # a JSON string is a TOML one
            f"after = {json.dumps(after, ensure_ascii=False)}",
            'reason = ""',
            *(f"# {ln}" for ln in o.diff.splitlines()),
            "",
        ]
    out.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="time budget (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="mutants at a time (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="sample and suite seed (default 1)")
    parser.add_argument("--sample", type=int, help="sites to sample (default: from --minutes)")
    parser.add_argument("--session", type=Path, help="cosmic-ray session file (default: temp)")
    parser.add_argument("--out", type=Path, default=Path("mutation-survivors.toml"))
    parser.add_argument("--modules", nargs="*", default=list(MODULES))
    parser.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a SHOULD finding kills a mutant too (default); --no-strict: MUST failures only",
    )
    args = parser.parse_args(argv)
    STRICT[:] = ["--strict"] if args.strict else []

    entries = load_equivalents()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lotuspay-mutation-") as scratch:
        session = args.session or Path(scratch) / "session.sqlite"
        with use_db(str(session), WorkDB.Mode.create) as db:
            cr_init([ROOT / m for m in args.modules], db, {})
            items = list(db.pending_work_items)
        workers = _Workers(args.workers, Path(scratch))
        per_run = _baseline(workers, args.seed)
        count = args.sample or max(1, int(args.minutes * 60 * args.workers / (per_run * 1.25)))
        sample = _sample(items, count, args.seed)
        sites = {(i.mutations[0].module_path, tuple(i.mutations[0].start_pos)) for i in items}
        print(
            f"{len(items)} mutants at {len(sites)} sites in {len(args.modules)} modules; "
            f"unmutated smoke run {per_run:.1f} s; sampling {len(sample)} sites",
            flush=True,
        )
        timeout = max(30.0, per_run * 4)
        first = _run_all(workers, sample, "smoke", args.seed, timeout, args.workers)
        outcomes = {o.item.job_id: o for o in (_classify(i, r, entries) for i, r in first)}
        survivors = [o.item for o in outcomes.values() if o.status == "survived"]
        if survivors:
            print(f"{len(survivors)} survived smoke; running the standard tier on them", flush=True)
            again = _run_all(workers, survivors, "standard", args.seed, timeout * 3, args.workers)
            outcomes.update({i.job_id: _classify(i, r, entries) for i, r in again})
        with use_db(str(session), WorkDB.Mode.open) as db:  # cr-report can read the session too
            sampled = {i.job_id for i in sample}
            for item in items:
                if item.job_id not in sampled:
                    db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
            for item, result in first:
                db.set_result(item.job_id, result)
    results = list(outcomes.values())
    _print_summary(results, time.monotonic() - started)
    _write_survivors(results, args.out)
    for o in results:
        if o.status == "survived":
            print(f"\nSURVIVED {o.item.mutations[0].operator_name}\n{o.diff}")
    print(f"\nsurvivors written to {args.out} (review; move equivalents to {EQUIVALENTS})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
