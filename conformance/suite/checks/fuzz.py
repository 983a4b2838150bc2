"""The fuzz phase as a check: Schemathesis generates requests from the OpenAPI document and our
response checks judge every answer. Imported only when the check runs (Schemathesis is heavy).

The check itself fails on a server error, on a request that gets no answer, and on a request
generated as valid that is refused. Contract: errors.no_5xx, request.valid_accepted.
"""

from __future__ import annotations

from .._context import CheckContext
from .._registry import scenario_check

__all__ = ["check_fuzz"]


@scenario_check(
    "CUS-FUZZ-001",
    "Schemathesis-generated requests get documented, well-formed answers",
    ("errors.no_5xx", "request.valid_accepted"),
)
def check_fuzz(ctx: CheckContext) -> None:
    from .._fuzz import run_fuzz

    run_fuzz(ctx)
