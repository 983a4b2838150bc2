"""The ``lotuspay-contract`` command: one sub-command per job, each in its own module.

Each module listed in ``_COMMANDS`` has ``register(subparsers)``, which adds its parser and sets
``handler``; heavy imports stay inside the handlers so ``--help`` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ..settings import SettingsError
from ._options import OneLineParser, usage_error

__all__ = ["build_parser", "main"]

_COMMANDS = (
    "lotuspay_contract.conformance.cli._validate",
    "lotuspay_contract.conformance.cli._mock",
    "lotuspay_contract.conformance.cli._run",
    "lotuspay_contract.conformance.cli._checks",
    "lotuspay_contract.conformance.cli._report",
    "lotuspay_contract.conformance.cli._generate",
    "lotuspay_contract.conformance.cli._diff",
    "lotuspay_contract.conformance.cli._config",
    "lotuspay_contract.conformance.cli._triggers",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every sub-command registered."""
    # Sub-parsers take the parser's class: every usage error, a sub-command's too, is one line.
    parser = OneLineParser(
        prog="lotuspay-contract",
        description="Contract and conformance testing for the LotusPay Customers API.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in _COMMANDS:
        importlib.import_module(module_name).register(subparsers)
    for sub in subparsers.choices.values():  # an unknown argument is its command's error
        sub.set_defaults(command_parser=sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 findings, 2 usage or input error)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        status: int = args.handler(args)
    except SettingsError as exc:  # a bad option value, from any layer: one line, exit 2
        return usage_error(args.command, str(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``... | head``): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return status


if __name__ == "__main__":
    sys.exit(main())
