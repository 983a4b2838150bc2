# lotuspay_contract.schemas is the folder schemas/ (package-dir in pyproject.toml).
from schemas import *  # noqa: F403
from schemas import __all__ as __all__
