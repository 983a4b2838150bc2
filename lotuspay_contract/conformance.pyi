# lotuspay_contract.conformance is the folder conformance/ (package-dir in pyproject.toml).
from conformance import *  # noqa: F403
from conformance import __all__ as __all__
