"""Answers that change between identical requests: a verdict, never a check error.

Hypothesis replays a failing example to confirm it; against a server whose state moves on (a
create acknowledged, then lost) the replay may pass, and Hypothesis raises "unreliable
results" (``Flaky``). The failure it saw first is what the server did: that is the finding.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._failure import CheckFailure

if TYPE_CHECKING:
    from ._context import CheckContext

__all__ = ["unreliable_as_findings"]


@contextlib.contextmanager
def unreliable_as_findings(ctx: CheckContext) -> Iterator[None]:
    """Turn Hypothesis' "unreliable results" into the finding behind them: a server whose
    answers change between identical requests (a create acknowledged, then lost) failed an
    example that passed when replayed. That first failure is the verdict, never a check error."""
    from hypothesis.errors import Flaky

    try:
        yield
    except Flaky as error:
        found = list(_failures_in(error))
        if not found:
            ctx.fail(
                "identical requests got different answers: an example failed once and not when "
                f"replayed ({type(error).__name__})",
                expected="the same answer to the same request",
                actual=str(error)[:300],
            )
        for failure in found[1:]:
            ctx.add(failure)
        raise found[0] from None


def _failures_in(error: BaseException) -> Iterator[CheckFailure]:
    if isinstance(error, CheckFailure):
        yield error
    for inner in getattr(error, "exceptions", ()):
        yield from _failures_in(inner)
    if error.__cause__ is not None:
        yield from _failures_in(error.__cause__)
