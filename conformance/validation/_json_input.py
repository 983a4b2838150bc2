"""Strict JSON from outside: files, standard input, request and response bodies.

Python's json module accepts ``NaN`` and ``Infinity``, which are not JSON; every parse of input
the toolkit did not write goes through here, so all of them reject those the same way and turn
every failure (bad UTF-8, bad syntax, pathological nesting) into one ``ValueError``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ..errors import LotusPayContractError

__all__ = ["UnreadableInput", "loads_strict", "read_json"]


class UnreadableInput(LotusPayContractError):
    """A file or stream that cannot be read, or is not JSON; the message is a one-line reason."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(data: str | bytes) -> Any:
    """Parse JSON text or UTF-8 bytes; raise ``ValueError`` for anything that is not JSON."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc  # UnicodeDecodeError is a ValueError


def read_json(name: str) -> Any:
    """Read and parse the file ``name`` (``-``: standard input).

    Raises:
        UnreadableInput: with "cannot read: ..." or "not JSON: ...".
    """
    try:
        if name == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as f:
                raw = f.read()
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror or exc}") from exc
    try:
        return loads_strict(raw)
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"cannot read: {exc}") from exc
    except ValueError as exc:
        raise UnreadableInput(f"not JSON: {exc}") from exc
