"""What may reach a person or a file: API keys masked in every form, text made safe to show.

The bottom room of ``conformance``: it imports nothing from the rooms above it
(``validation``, ``client``, ``suite``, ``report``, ``cli``, ``mock``, ``plugin``).
"""

from ._safe import safe_text
from ._secrets import mask_key, redact, redact_data, remember_secret

__all__ = ["mask_key", "redact", "redact_data", "remember_secret", "safe_text"]
