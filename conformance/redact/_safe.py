"""Text a server sent, made fit for a terminal and a file: encodable, with no live control codes.

A hostile (or broken) server can answer a lone surrogate (``"\\ud800"`` in JSON), which no UTF-8
writer can encode, and control sequences (ESC, NUL, a right-to-left override) that a terminal
would act on. :func:`safe_text` spells each of them out as an escape (``\\x1b``, ``\\u202e``), so
the reader sees what was sent and nothing acts on it. Newlines and tabs stay: findings are laid
out with them.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["safe_text"]

# C0 controls but tab and newline, DEL and C1, lone surrogates, the bidirectional controls
# (Trojan Source, CVE-2021-42574), line/paragraph separators, and the XML non-characters.
_UNSAFE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028-\u202e"
    "\u2066-\u2069\ufeff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """Return ``text`` with every character a terminal or an encoder trips on spelled out.

    >>> safe_text("ok\\x1b[31m\\ud800")
    'ok\\\\x1b[31m\\\\ud800'
    """
    return _UNSAFE.sub(_escape, text)
