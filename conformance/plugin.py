"""The pytest plugin (entry point ``pytest11: lotuspay``).

Inert until its options are given: it registers nothing heavy at import time.
"""

from __future__ import annotations
