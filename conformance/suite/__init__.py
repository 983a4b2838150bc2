"""The conformance run: the check registry and context, the checks, the phases, the runner.

``checks/`` holds one module of plain check functions per family; ``_fuzz`` and ``_stateful``
are the phases two of those checks drive, and import only the context and registry (never the
``checks`` package), so there is no circle. May import ``redact``, ``validation``, ``client`` and
the ``strategies``/``schemas`` packages; never ``report``, ``cli``, ``plugin`` or the ``mock``.
"""

from . import checks as _builtin_checks  # noqa: F401  (registers the built-in checks)
from ._context import (
    RUN_METADATA_KEY,
    TIERS,
    CheckContext,
    NotExercised,
    RunSettings,
    Session,
    Tier,
)
from ._coverage import RuleCoverage, coverage_matrix, render_matrix
from ._failure import CheckFailure
from ._operations import OPERATION_IDS, check_operations, unknown_operations
from ._packs import ENTRY_POINT_GROUP, CheckPackError, load_checks
from ._registry import (
    CONTRACT_URL,
    FAMILIES,
    RULE_TAGS,
    TIER_NAMES,
    Check,
    Rule,
    all_checks,
    get_check,
    response_check,
    rule_tags,
    scenario_check,
)
from ._runner import (
    ADAPTIVE_JOBS,
    DEADLINE_REASON,
    DEFAULT_MAX_DURATION,
    INTERRUPTED_REASON,
    NO_EVIDENCE_REASON,
    CheckResult,
    MainKeyRefused,
    RunResult,
    TargetUnreachable,
    close_session,
    max_duration_for,
    new_run_id,
    notices_for,
    open_session,
    response_result,
    run_check,
    run_suite,
    run_traffic,
    select_checks,
    shard_checks,
)

__all__ = [
    "ADAPTIVE_JOBS",
    "CONTRACT_URL",
    "DEADLINE_REASON",
    "DEFAULT_MAX_DURATION",
    "ENTRY_POINT_GROUP",
    "FAMILIES",
    "INTERRUPTED_REASON",
    "NO_EVIDENCE_REASON",
    "OPERATION_IDS",
    "RULE_TAGS",
    "RUN_METADATA_KEY",
    "TIERS",
    "TIER_NAMES",
    "Check",
    "CheckContext",
    "CheckFailure",
    "CheckPackError",
    "CheckResult",
    "MainKeyRefused",
    "NotExercised",
    "Rule",
    "RuleCoverage",
    "RunResult",
    "RunSettings",
    "Session",
    "TargetUnreachable",
    "Tier",
    "all_checks",
    "check_operations",
    "close_session",
    "coverage_matrix",
    "get_check",
    "load_checks",
    "max_duration_for",
    "new_run_id",
    "notices_for",
    "open_session",
    "render_matrix",
    "response_check",
    "response_result",
    "rule_tags",
    "run_check",
    "run_suite",
    "run_traffic",
    "scenario_check",
    "select_checks",
    "shard_checks",
    "unknown_operations",
]
