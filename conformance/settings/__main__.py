"""``python -m lotuspay_contract.conformance.settings``: print the config file's JSON Schema."""

import json
import sys

from ._schema import config_schema

sys.stdout.write(json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n")
