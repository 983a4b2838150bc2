"""The error answers of the mock: one exception carrying the spec's status and error type.

The spec (errors) maps status to type: 400 and 404 -> ``invalid_request_error``, 401 ->
``authentication_error``, 5xx -> ``api_error``; every error is JSON in the ``{"error": {...}}``
envelope with a human-readable ``message`` and, for a bad parameter, the ``param`` at fault.
"""

from __future__ import annotations

from typing import Any

from ..errors import LotusPayContractError

__all__ = ["ApiError", "error_document", "param_from_pointer"]

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    406: "invalid_request_error",
    408: "invalid_request_error",
    413: "invalid_request_error",
    431: "invalid_request_error",
    429: "rate_limit_error",
}


class ApiError(LotusPayContractError):
    """A request the mock refuses: raised anywhere, rendered once as a JSON error answer."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.headers = headers or {}

    @property
    def document(self) -> dict[str, Any]:
        """The JSON body of this error."""
        return error_document(self.status, self.message, param=self.param)


def error_document(status: int, message: str, *, param: str | None = None) -> dict[str, Any]:
    """Return the ``{"error": {...}}`` body for ``status`` with the spec's error type."""
    body: dict[str, Any] = {"type": _TYPES.get(status, "api_error"), "message": message}
    if param is not None:
        body["param"] = param
    return {"error": body}


def param_from_pointer(pointer: str) -> str | None:
    """Name the request parameter a JSON pointer points at, in bracket notation.

    >>> param_from_pointer("/metadata/plan")
    'metadata[plan]'
    >>> param_from_pointer("") is None
    True
    """
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    if not tokens:
        return None
    return tokens[0] + "".join(f"[{t}]" for t in tokens[1:])
