"""The example client's fixtures: ``client`` talks to ``lotuspay_mock`` (from the plugin).

``LOTUSPAY_EXAMPLE_CLIENT`` picks the class under test (``robust``, the default, or one of the
deliberately fragile ones): the project's own tests run these same tests against each.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the example is a folder, not an installed package

from fragile_clients import ExactShapeClient, NoKeyRetryClient
from lotuspay_client import LotusPayClient

from lotuspay_contract.conformance.plugin import ClientMock

CLIENTS = {
    "robust": LotusPayClient,
    "exact_shape": ExactShapeClient,
    "no_key_retry": NoKeyRetryClient,
}


@pytest.fixture
def client(lotuspay_mock: ClientMock) -> Iterator[LotusPayClient]:
    chosen = CLIENTS[os.environ.get("LOTUSPAY_EXAMPLE_CLIENT", "robust")]
    made = chosen(lotuspay_mock, lotuspay_mock.api_keys[0])
    yield made
    made.close()
