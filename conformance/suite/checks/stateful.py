"""The stateful phase as a check: a Hypothesis state machine against a model of the API.

Contract: endpoints.create_customer, endpoints.retrieve_customer, list.order (ties in any
order), request.stored [conv], child_list.total_count.
The machine lives in :mod:`conformance._stateful`; it is imported only when the check runs.
"""

from __future__ import annotations

from .._context import CheckContext
from .._registry import scenario_check

__all__ = ["check_state_machine"]


@scenario_check(
    "CUS-STATE-001",
    "Random sequences of creates, retrieves, lists and pages agree with a model",
    ("endpoints.create_customer", "endpoints.retrieve_customer", "list.order"),
)
def check_state_machine(ctx: CheckContext) -> None:
    from .._stateful import run_state_machine

    run_state_machine(ctx)
