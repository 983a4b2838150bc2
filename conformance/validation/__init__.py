"""Judging documents offline: the validator, its violations, strict JSON input, HAR files.

May import ``redact`` and the ``schemas`` data package; nothing above it (``client``, ``suite``,
``report``, ``cli``, ``mock``, ``plugin``).
"""

from ._har import EntryResult, HarError, validate_har
from ._json_input import UnreadableInput, loads_strict, read_json
from ._request_contract import RequestFinding, SentRequest, judge_requests
from ._rule_tags import CONTRACT_PATH, RULE_TAGS, level_of_tags
from ._semantics import CLOCK_SKEW_SECONDS
from ._validator import validate
from ._violation import Level, Violation, join_pointer

__all__ = [
    "CLOCK_SKEW_SECONDS",
    "CONTRACT_PATH",
    "RULE_TAGS",
    "EntryResult",
    "HarError",
    "Level",
    "RequestFinding",
    "SentRequest",
    "UnreadableInput",
    "Violation",
    "join_pointer",
    "judge_requests",
    "level_of_tags",
    "loads_strict",
    "read_json",
    "validate",
    "validate_har",
]
