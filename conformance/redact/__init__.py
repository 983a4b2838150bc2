"""What may reach a person or a file: API keys masked wherever they appear.

The bottom room of ``conformance``: it imports nothing from the rooms above it
(``validation``, ``client``, ``suite``, ``report``, ``cli``, ``mock``, ``plugin``).
"""

from ._secrets import mask_key, redact

__all__ = ["mask_key", "redact"]
