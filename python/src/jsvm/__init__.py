"""jsvm: the Node.js ``vm`` API in a WebAssembly sandbox, from Python.

The Boa JavaScript engine, compiled to a WebAssembly component, run by
wasmtime: the guest has no file system, network or environment, and the
host bounds its memory, CPU and time.

>>> from jsvm import Vm
>>> vm = Vm(memory_limit=64 << 20)
>>> context = vm.create_context()
>>> context.globals["x"] = 40
>>> vm.run_in_context("x + 2", context, timeout=0.05)
42.0
"""

from .errors import JsError, StaleError, StateLostError
from ._limits import InterruptHandle
from .values import Bytes, JsFunction, JsObject, JsPromise, JsSymbol, Undefined, undefined
from .vm import DONT_CONTEXTIFY, Context, Module, Script, Vm

__all__ = [
    "Bytes", "Context", "DONT_CONTEXTIFY", "InterruptHandle", "JsError", "JsFunction", "JsObject", "JsPromise",
    "JsSymbol", "Module", "Script", "StaleError", "StateLostError", "Undefined", "Vm", "undefined",
]
