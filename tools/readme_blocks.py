"""Keep the README's counts true: each is a generated block, filled from the catalogue it counts.

A block is ``<!-- BEGIN generated: NAME -->…<!-- END generated: NAME -->``, inline or over
several lines; its content is what ``BLOCKS[NAME]`` computes from the code (the fault and quirk
catalogues of the mock, the check registry, the bad-input corpus of the mock's tests). Measured
figures (times, ratios) are never generated: they depend on the machine, and the README points
to the bench that prints them instead.

Usage::

    python tools/readme_blocks.py --check   # exit 1 and name each stale block (CI, a test)
    python tools/readme_blocks.py --write   # rewrite the stale blocks in place
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(?P<begin><!-- BEGIN generated: (?P<name>[a-z-]+) -->)(?P<body>.*?)"
    r"(?P<end><!-- END generated: (?P=name) -->)",
    re.DOTALL,
)


def fault_count() -> str:
    """How many bugs the mock can simulate (``lotuspay-contract faults``)."""
    from lotuspay_contract.conformance.mock import FAULTS

    return str(len(FAULTS))


def quirk_count() -> str:
    """How many legal variations the mock can show (``lotuspay-contract quirks``)."""
    from lotuspay_contract.conformance.mock import QUIRKS

    return str(len(QUIRKS))


def check_count() -> str:
    """How many checks the suite has (``lotuspay-contract checks``)."""
    from lotuspay_contract.conformance.suite import all_checks

    return str(len(all_checks()))


def bad_input_count() -> str:
    """How many kinds of bad request ``tests/mock/test_bad_input.py`` sends the mock."""
    folder = ROOT / "tests" / "mock"
    sys.path.insert(0, str(folder))  # the test module imports its helpers by bare name
    try:
        spec = importlib.util.spec_from_file_location("_bad_input", folder / "test_bad_input.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("_bad_input", None)
    return str(sum(1 for _ in module._cases("CU0000AAAABBBB")))


#: Every block the README may hold, by name.
BLOCKS: dict[str, Callable[[], str]] = {
    "fault-count": fault_count,
    "quirk-count": quirk_count,
    "check-count": check_count,
    "bad-input-count": bad_input_count,
}


def _fresh_body(name: str, body: str) -> str:
    value = BLOCKS[name]()
    # A block over several lines keeps its line breaks around the value.
    return f"\n{value}\n" if body.startswith("\n") else value


def refresh(text: str) -> tuple[str, list[str]]:
    """Return ``text`` with every block filled afresh, and the names of the stale ones.

    Raises:
        ValueError: a block names no generator of ``BLOCKS``.
    """
    stale: list[str] = []
    values: dict[str, str] = {}

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in BLOCKS:
            raise ValueError(f"unknown generated block {name!r}: expected one of {sorted(BLOCKS)}")
        if name not in values:
            values[name] = _fresh_body(name, match["body"])
        if match["body"] != values[name] and name not in stale:
            stale.append(name)
        return f"{match['begin']}{values[name]}{match['end']}"

    return BLOCK.sub(fill, text), stale


def main(argv: list[str] | None = None) -> int:
    """Check or rewrite the generated blocks of a file (README.md by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="exit 1 if a block is stale")
    mode.add_argument("--write", action="store_true", help="rewrite the stale blocks")
    parser.add_argument("--file", type=Path, default=README, help="default: README.md")
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    try:
        fresh, stale = refresh(text)
    except ValueError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    if args.write:
        if stale:
            args.file.write_text(fresh, encoding="utf-8")
        print(f"{args.file}: rewrote {', '.join(stale) or 'nothing'}")
        return 0
    if stale:
        print(
            f"{args.file}: stale generated blocks: {', '.join(stale)}; "
            "run `python tools/readme_blocks.py --write`",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
