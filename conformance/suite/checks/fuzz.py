"""The fuzz phase as a check: Schemathesis generates requests from the OpenAPI document and our
response checks judge every answer. Imported only when the check runs (Schemathesis is heavy).

Spec: every endpoint of the OpenAPI document (schemas/openapi.yaml).
"""

from __future__ import annotations

from ...validation import Level
from .._context import CheckContext
from .._registry import scenario_check

__all__ = ["check_fuzz"]


@scenario_check(
    "CUS-FUZZ-001",
    Level.MUST,
    "Schemathesis-generated requests get documented, well-formed answers",
    "[doc] endpoints, errors; schemas/openapi.yaml",
)
def check_fuzz(ctx: CheckContext) -> None:
    from .._fuzz import run_fuzz

    run_fuzz(ctx)
