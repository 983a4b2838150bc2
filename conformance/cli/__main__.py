"""``python -m lotuspay_contract.conformance.cli``: the same as the console script."""

import sys

from ._main import main

sys.exit(main())
