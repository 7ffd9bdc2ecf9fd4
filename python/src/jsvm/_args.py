"""Argument checks at the Python edge, with Node's error codes. The WIT
types already make the guest's own node:vm validation unreachable for a
wrong Python type (a number where code is expected cannot cross as a
string), so the Python API says it first, in Node's words."""

from __future__ import annotations

from typing import Any

from .errors import JsError


def _received(value: Any) -> str:
    if value is None:
        return "Received None"
    shown = repr(value)
    if len(shown) > 28:
        shown = shown[:25] + "..."
    return f"Received type {type(value).__name__} ({shown})"


def expect_str(name: str, value: Any, optional: bool = False) -> None:
    """``value`` must be a ``str`` (or None when ``optional``)."""
    if isinstance(value, str) or (optional and value is None):
        return
    raise JsError("TypeError", f'The "{name}" argument must be of type string. {_received(value)}',
                  code="ERR_INVALID_ARG_TYPE")


def expect_int(name: str, value: Any) -> None:
    """``value`` must be an ``int`` (offsets)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return
    raise JsError("TypeError", f'The "{name}" argument must be of type number. {_received(value)}',
                  code="ERR_INVALID_ARG_TYPE")


def expect_instance(name: str, value: Any, cls: type, what: str, optional: bool = False) -> None:
    """``value`` must be a ``cls`` (``what`` names it as Node does)."""
    if isinstance(value, cls) or (optional and value is None):
        return
    raise JsError("TypeError", f'The "{name}" argument must be an instance of {what}. {_received(value)}',
                  code="ERR_INVALID_ARG_TYPE")
