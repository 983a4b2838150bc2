"""The ``lotuspay-contract`` command: one module per subcommand.

The top room: it may import every other room, and nothing imports it (the console script and
``python -m lotuspay_contract.conformance.cli`` are its only callers).
"""

from ._main import build_parser, main

__all__ = ["build_parser", "main"]
