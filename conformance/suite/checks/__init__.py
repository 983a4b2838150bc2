"""The built-in checks: one small module of plain check functions per family.

Importing this package registers every built-in check in the suite's registry
(``lotuspay_contract.conformance.suite``); a family module imports only the suite's context,
registry and operations, the client and the validator.

>>> from lotuspay_contract.conformance.suite import get_check
>>> get_check("CUS-HTTP-003").level.value
'MUST'
"""

from __future__ import annotations

from . import (  # noqa: F401  (importing a family module registers its checks)
    auth,
    bank_accounts,
    boundaries,
    errors,
    fuzz,
    idempotency,
    isolation,
    lists,
    request_rules,
    robustness,
    roundtrip,
    semantics,
    shape,
    stateful,
    transport,
)
