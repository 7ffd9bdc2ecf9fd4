"""The exceptions a Vm raises."""

from __future__ import annotations

from typing import Any, Optional


class JsError(Exception):
    """A JavaScript exception, as Node describes it: what a script threw, or
    one of node:vm's own errors (``code`` ``ERR_SCRIPT_EXECUTION_TIMEOUT``,
    ``ERR_INVALID_ARG_TYPE``, ...).

    Raise one from a host function to throw an error with this ``name``,
    ``message`` and ``code`` in the guest.
    """

    def __init__(self, name: str, message: str, *, code: Optional[str] = None,
                 stack: Optional[str] = None, thrown: Any = None) -> None:
        super().__init__(stack or _first_line(name, message, code))
        #: The error's ``name`` (``TypeError``, ...); ``Error`` for thrown non-errors.
        self.name = name
        #: The error's ``message``, or the thrown value as a string.
        self.message = message
        #: Node's error ``code``, when there is one.
        self.code = code
        #: The Node-style stack: ``Name: message`` then ``    at ...`` lines.
        self.stack = stack or _first_line(name, message, code)
        #: The thrown value itself (a live ``JsObject`` for an error object).
        self.thrown = thrown

    def __str__(self) -> str:
        return self.stack


def _first_line(name: str, message: str, code: Optional[str]) -> str:
    return f"{name} [{code}]: {message}" if code else f"{name}: {message}"


class StateLostError(Exception):
    """The guest trapped (a native stuck past its timeout, an allocation
    past the memory cap, an engine failure). The Vm was rebuilt from
    scratch and is usable; its contexts, scripts and objects are gone.

    ``code`` is Node's code for the cause where there is one:
    ``ERR_VM_MEMORY_LIMIT``, or ``ERR_SCRIPT_EXECUTION_TIMEOUT`` /
    ``ERR_SCRIPT_EXECUTION_INTERRUPTED`` for a stop that had to be forced.
    """

    def __init__(self, reason: str, code: Optional[str] = None) -> None:
        super().__init__(f"the VM's state was lost and rebuilt after a trap: {reason}")
        self.reason = reason
        self.code = code


class StaleError(Exception):
    """A context, script or object of another Vm, or of a state that was
    lost, was used."""

    def __init__(self, what: str) -> None:
        super().__init__(f"this {what} belongs to another VM, or to a VM state that no longer exists")
        self.what = what
