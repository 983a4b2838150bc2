"""A stateful reference mock of the LotusPay Customers API, with faults on demand.

Customers and bank accounts live in SQLite (in memory, or a WAL file that survives restarts);
each API key it issued is its own account. Named faults (:data:`FAULTS`) make it misbehave in
one documented rule each, so the conformance suite's detection power can be measured; named
quirks (:data:`QUIRKS`) make it differ from us where the contract leaves servers free, so the
suite's fairness can be measured too. For teams testing their own client: transient failures
(:data:`TRANSIENTS`), reserved inputs that answer chosen errors (:data:`TRIGGERS`, off unless
asked for) and a :class:`Recorder` of what the client sent.

>>> from lotuspay_contract.conformance.mock import create_app, running_mock, FAULTS
>>> app = create_app(faults=["created_milliseconds"])          # in-process (httpx ASGITransport)
>>> with running_mock(seed_customers=5) as url:                # doctest: +SKIP
...     key = url.api_keys[0]                                  # a real uvicorn server at url
"""

from __future__ import annotations

from ._errors import ApiError
from ._faults import FAULTS
from ._layer import Fault
from ._quirks import QUIRKS, Quirk
from ._recording import Recorder
from ._server import (
    MockURL,
    ServerLimits,
    base_url,
    bind_socket,
    create_app,
    issue_keys,
    running_mock,
    uvicorn_config,
)
from ._transient import TRANSIENTS, Transient
from ._triggers import TRIGGER_DOMAIN, TRIGGER_METADATA_KEY, TRIGGERS, Trigger
from ._workers import WORKERS_SUPPORTED, serve_workers

__all__ = [
    "FAULTS",
    "QUIRKS",
    "TRANSIENTS",
    "TRIGGERS",
    "TRIGGER_DOMAIN",
    "TRIGGER_METADATA_KEY",
    "WORKERS_SUPPORTED",
    "ApiError",
    "Fault",
    "MockURL",
    "Quirk",
    "Recorder",
    "ServerLimits",
    "Transient",
    "Trigger",
    "base_url",
    "bind_socket",
    "create_app",
    "issue_keys",
    "running_mock",
    "serve_workers",
    "uvicorn_config",
]
