# lotuspay_contract.strategies is the folder strategies/ (package-dir in pyproject.toml).
from strategies import *  # noqa: F403
from strategies import __all__ as __all__
