"""A web app's own ``schemas`` module: the name lotuspay-contract must never take."""

NAMES = "the other project's schemas"
