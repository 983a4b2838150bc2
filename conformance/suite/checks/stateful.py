"""The stateful phase as a check: a Hypothesis state machine against a model of the API.

Spec: create-a-customer, retrieve-a-customer, list-all-customers, create-a-bank-account.
The machine lives in :mod:`conformance._stateful`; it is imported only when the check runs.
"""

from __future__ import annotations

from ...validation import Level
from .._context import CheckContext
from .._registry import scenario_check

__all__ = ["check_state_machine"]


@scenario_check(
    "CUS-STATE-001",
    Level.MUST,
    "Random sequences of creates, retrieves, lists and pages agree with a model",
    "[doc] endpoints: create, retrieve, list; list-all-customers: newest first",
)
def check_state_machine(ctx: CheckContext) -> None:
    from .._stateful import run_state_machine

    run_state_machine(ctx)
