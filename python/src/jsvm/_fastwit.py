"""Speed for wasmtime-py's component values (pinned: wasmtime 51).

wasmtime-py converts every value by asking the C API for its type's
structure again (a variant's cases, a record's fields), call after call:
a trivial guest call spent ~250 µs there. A component type never changes,
so this module memoizes those questions on the type objects, the type of
each exported function, and the types of each host function's parameters.
It changes no result, only how often the C API is asked.

Applied once, when jsvm is imported; the pin in pyproject.toml keeps it
matched to the wasmtime-py it was written for.
"""

from __future__ import annotations

import ctypes
from typing import Any, Callable, Dict, Tuple

from wasmtime import WasmtimeError
from wasmtime import _ffi as ffi
from wasmtime.component import _types as types
from wasmtime.component._enter import catch_exceptions
from wasmtime.component._func import Func
from wasmtime.component._linker import FUNCTIONS, LinkerInstance

_APPLIED = False


def _memoized(compute: Callable[[Any], Any], slot: str) -> Callable[[Any], Any]:
    """``compute(self)``, computed once per object and kept in its ``slot``."""
    def cached(self: Any) -> Any:
        found = self.__dict__.get(slot, _MISSING)
        if found is _MISSING:
            found = self.__dict__[slot] = compute(self)
        return found
    return cached


def _memoize_property(cls: type, name: str) -> None:
    getter = cls.__dict__[name].fget
    setattr(cls, name, property(_memoized(getter, f"_jsvm_{name}"), doc=getter.__doc__))


def _memoize_method(cls: type, name: str) -> None:
    setattr(cls, name, _memoized(cls.__dict__[name], f"_jsvm_{name}"))


_MISSING = object()


def apply() -> None:
    """Memoizes the type queries (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    _APPLIED = True
    for cls, name in [(types.ListType, "element"), (types.RecordType, "fields"), (types.TupleType, "elements"),
                      (types.VariantType, "cases"), (types.EnumType, "names"), (types.FlagsType, "names"),
                      (types.OptionType, "payload"), (types.ResultType, "ok"), (types.ResultType, "err"),
                      (types.FuncType, "params"), (types.FuncType, "result")]:
        _memoize_property(cls, name)
    for cls in (types.VariantType, types.OptionType, types.ResultType):
        _memoize_method(cls, "_cases")
    _memoize_method(types.VariantLikeType, "_tagged")
    original_type = Func.type

    def func_type(self: Func, store: Any) -> Any:
        found = self.__dict__.get("_jsvm_type")
        if found is None:
            found = self.__dict__["_jsvm_type"] = original_type(self, store)
        return found

    Func.type = func_type  # type: ignore[method-assign]


#: Parameter and result types of each host function, by its slab index.
_HOST_TYPES: Dict[int, Tuple[Any, Any]] = {}


@ffi.wasmtime_component_func_callback_t  # type: ignore[misc]
def _host_func(idx, context, ty_raw, args, nargs, results, nresults):  # type: ignore[no-untyped-def]
    """wasmtime-py's host-function trampoline, with the function's types
    read once instead of on every call."""
    def run(store: Any) -> None:
        key = idx or 0
        known = _HOST_TYPES.get(key)
        if known is None:
            fty = types.FuncType._from_ptr(ty_raw, owner=store)
            known = _HOST_TYPES[key] = ([ty for _, ty in fty.params], fty.result)
        param_types, result_type = known
        values = [ty.convert_from_c(args[i]) for i, ty in zip(range(nargs), param_types)]
        try:
            result = FUNCTIONS.get(key)(store, *values)
        except Exception:
            raise
        except BaseException as error:
            # Not an Exception (KeyboardInterrupt, SystemExit): it must not
            # unwind through ctypes, which would leave the result unwritten.
            # jsvm's imports never raise one; this makes it a trap.
            raise WasmtimeError(f"jsvm: a host import raised {type(error).__name__}") from None
        if result_type is not None:
            result_type.convert_to_c(store, result, results)
    return catch_exceptions(context, run)


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _host_func_finalize(idx):  # type: ignore[no-untyped-def]
    """Frees the function's slab slot, and forgets its types with it."""
    _HOST_TYPES.pop(idx or 0, None)
    if FUNCTIONS:
        FUNCTIONS.deallocate(idx or 0)


def add_func(instance: LinkerInstance, name: str, func: Callable[..., Any]) -> None:
    """``LinkerInstance.add_func`` through the caching trampoline."""
    instance._assert_not_locked()
    encoded = name.encode("utf-8")
    idx = FUNCTIONS.allocate(func)
    error = ffi.wasmtime_component_linker_instance_add_func(instance.ptr(), ctypes.create_string_buffer(encoded),
                                                           len(encoded), _host_func, idx, _host_func_finalize)
    if error:
        raise WasmtimeError._from_ptr(error)
