"""lotuspay-contract: contract and conformance testing for the LotusPay Customers API.

The distribution's one import name. Its three layers import one way only, data first:

- ``lotuspay_contract.schemas``: the JSON Schemas and the OpenAPI document, as package data;
- ``lotuspay_contract.strategies``: Hypothesis strategies (imports ``schemas``);
- ``lotuspay_contract.conformance``: the validator, the reference mock, the suite, its reports,
  the CLI and the pytest plugin (imports both).

In the repository the three live in the top-level folders ``schemas/``, ``strategies/`` and
``conformance/``; setuptools' ``package-dir`` (pyproject.toml) maps each into this package, with
no link. ``lotuspay_contract/<layer>.pyi`` only tell mypy the same mapping.

>>> from lotuspay_contract import validate
>>> "customer.id" in {v.rule for v in validate({"object": "customer"}, "customer")}
True
"""

from __future__ import annotations

from .conformance import Level, Violation, validate

__all__ = ["Level", "Violation", "validate"]
__version__ = "0.1.0"
