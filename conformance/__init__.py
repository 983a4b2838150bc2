"""Conformance testing for the LotusPay Customers API: validator, mock server, suite, reports.

The public facade: import from here, not from the private modules.
"""

from __future__ import annotations

from ._validator import validate
from ._violation import Level, Violation

__all__ = ["Level", "Violation", "validate"]
