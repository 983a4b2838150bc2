"""A project's own ``strategies`` module: the name lotuspay-contract must never take."""

NAMES = "the other project's strategies"
