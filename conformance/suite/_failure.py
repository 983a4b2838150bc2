"""What a check reports: a finding with everything needed to understand and reproduce it."""

from __future__ import annotations

import json
from typing import Any

from ..errors import LotusPayContractError
from ..redact import redact, redact_data
from ..validation import Level

__all__ = ["CheckFailure"]

_MAX_VALUE_CHARS = 300


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


class CheckFailure(LotusPayContractError, AssertionError):
    """A check found the target breaking a rule.

    An ``AssertionError`` so pytest and Schemathesis treat it as a test failure. ``level`` is the
    finding's own level (a MUST check may also note SHOULD findings); ``request`` is the request
    as a curl line with the key masked; ``pointer`` is a JSON pointer into the response body.

    >>> print(CheckFailure("CUS-HTTP-003", "No server error", Level.MUST, "got 500",
    ...                    request="curl -X GET 'http://x/v1/customers'", seed=1))
    ... # doctest: +ELLIPSIS
    [CUS-HTTP-003] No server error (MUST): got 500
    ...
    Reproduce with:
        curl -X GET 'http://x/v1/customers'
    """

    def __init__(
        self,
        check_id: str,
        title: str,
        level: Level,
        message: str,
        *,
        request: str | None = None,
        pointer: str = "",
        expected: Any = None,
        actual: Any = None,
        seed: int | None = None,
        rule: str | None = None,
        status: int | None = None,
    ) -> None:
        self.check_id = check_id
        self.title = title
        self.level = level
        self.message = redact(message)
        self.request = None if request is None else redact(request)
        self.pointer = pointer
        self.expected = expected
        self.actual = actual
        self.seed = seed
        self.rule = rule
        self.status = status
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"[{self.check_id}] {self.title} ({self.level.value}): {self.message}"]
        if self.status is not None:
            lines.append(f"    status: {self.status}")
        if self.pointer:
            lines.append(f"    at: {self.pointer}")
        if self.rule:
            lines.append(f"    rule: {self.rule}")
        if self.expected is not None or self.actual is not None:
            lines.append(f"    expected: {redact(_show(self.expected))}")
            lines.append(f"    actual:   {redact(_show(self.actual))}")
        if self.seed is not None:
            lines.append(f"    seed: {self.seed} (rerun with --seed {self.seed})")
        if self.request:
            lines += ["Reproduce with:", f"    {self.request}"]
        # The pointer and rule may quote the server's field names: the whole text is made safe.
        return redact("\n".join(lines))

    def signature(self) -> tuple[str, str, str, str]:
        """Return what makes two findings the same, to report each once."""
        return (self.check_id, self.rule or self.message, self.pointer, self.level.value)

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data, secrets masked."""
        # Through JSON first so any value becomes JSON data, then every string is redacted (a
        # pass over the JSON text would turn an escaped lone surrogate back into one).
        data: dict[str, Any] = redact_data(
            json.loads(
                json.dumps(
                    {
                        "check": self.check_id,
                        "title": self.title,
                        "level": self.level.value,
                        "message": self.message,
                        "status": self.status,
                        "pointer": self.pointer,
                        "rule": self.rule,
                        "expected": self.expected,
                        "actual": self.actual,
                        "seed": self.seed,
                        "request": self.request,
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
        )
        return data
