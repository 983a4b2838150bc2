"""A project's own ``conformance`` module: the name lotuspay-contract must never take."""

NAMES = "the other project's conformance"
