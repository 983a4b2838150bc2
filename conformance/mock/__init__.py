"""A stateful reference mock of the LotusPay Customers API, with faults on demand.

Customers and bank accounts live in SQLite (in memory, or a WAL file that survives restarts);
each API key is its own account. Named faults (:data:`FAULTS`) make it misbehave in one
documented rule each, so the conformance suite's detection power can be measured.

>>> from lotuspay_contract.conformance.mock import create_app, running_mock, FAULTS
>>> app = create_app(faults=["created_milliseconds"])          # in-process (httpx ASGITransport)
>>> with running_mock(seed_customers=5) as url:                # doctest: +SKIP
...     ...                                                    # a real uvicorn server at url
"""

from __future__ import annotations

from ._errors import ApiError
from ._faults import FAULTS
from ._layer import Fault
from ._server import create_app, running_mock

__all__ = ["FAULTS", "ApiError", "Fault", "create_app", "running_mock"]
