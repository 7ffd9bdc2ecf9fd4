"""One state of a Vm as the host sees it: how values cross the WIT
boundary (``values.py`` says the mapping), the table of host objects the
guest holds, the guest handles Python holds, and the ``host`` interface's
object operations (``call``, ``get``, ``own-keys``, ...).

A trap replaces the whole state (``Vm._rebuild``): a new Bridge, so
every proxy of the old one fails with :class:`StaleError`.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from wasmtime.component import Record, Variant

from ._limits import INTERRUPTED, INTERRUPTED_MESSAGE
from .errors import JsError, StaleError
from .values import Bytes, JsFunction, JsObject, JsPromise, JsSymbol, undefined

if TYPE_CHECKING:  # pragma: no cover
    from .vm import Vm

#: Integers up to this magnitude cross as numbers; larger ones as BigInts.
MAX_SAFE_INTEGER = 2**53 - 1

#: Handles of host promises start here, apart from other host objects.
HOST_PROMISES = 1 << 31

#: How many guest arrays and objects one value's copy into lists and dicts
#: takes at most; the rest stay live proxies.
MAX_COPY_OBJECTS = 1_000_000

_ERROR_NAMES = {"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"}


def record(**fields: Any) -> Record:
    """A WIT record; field names are written with ``_`` for ``-``."""
    result = Record()
    for name, value in fields.items():
        setattr(result, name.replace("_", "-"), value)
    return result


def field(rec: Record, name: str) -> Any:
    """A field of a WIT record, by its WIT name."""
    return getattr(rec, name)


def is_js_error(value: Any) -> bool:
    """Whether a result is the ``js-error`` arm (the only record with ``thrown``)."""
    return isinstance(value, Record) and hasattr(value, "thrown")


class Bridge:
    """Values, handles and host objects of one Vm state."""

    def __init__(self, vm: "Vm") -> None:
        self.vm = vm
        #: Host objects the guest holds: handle -> Python object.
        self.host_objects: Dict[int, Any] = {}
        self._host_ids: Dict[int, int] = {}
        self._next_host = 1
        #: The handle the next host promise gets (they only grow).
        self.next_promise = HOST_PROMISES
        #: Live proxies of guest objects, by handle.
        self._proxies: "weakref.WeakValueDictionary[int, JsObject]" = weakref.WeakValueDictionary()
        #: Guest handle crossings to release before the next call (a deque:
        #: finalizers append from any thread while a call drains it).
        self.releases: "deque[int]" = deque()
        #: Guest resources (contexts, scripts) whose Python owners are gone.
        self.dropped_resources: "deque[Any]" = deque()
        #: Host promises not yet settled: handle -> awaitable.
        self.pending: Dict[int, Any] = {}
        #: A KeyboardInterrupt a host function met, raised after the call.
        self.deferred_interrupt = False
        #: The guest helper ``Vm.resolve`` subscribes to promises with,
        #: made on first use (``_async``).
        self.subscriber: Optional[JsFunction] = None

    # -- Python -> WIT -----------------------------------------------------

    def to_wit(self, value: Any) -> Variant:
        """A Python value as a WIT ``value``."""
        if value is undefined:
            return Variant("undefined")
        if value is None:
            return Variant("null")
        if isinstance(value, bool):
            return Variant("boolean", value)
        if isinstance(value, int):
            if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
                return Variant("number", float(value))
            return Variant("bigint", str(value))
        if isinstance(value, float):
            return Variant("number", value)
        if isinstance(value, str):
            return Variant("string", value)
        if isinstance(value, JsObject):
            if value._bridge is not self:
                raise StaleError("object")
            return Variant("object", record(handle=value._handle, kind=value.kind))
        if isinstance(value, JsSymbol):
            return self._symbol_to_wit(value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            return Variant("bytes", record(kind="uint8-array", data=bytes(value)))
        if isinstance(value, Bytes):
            return Variant("bytes", record(kind=value.kind, data=bytes(value.data)))
        if isinstance(value, dict):
            return Variant("host-object", record(handle=self._host_handle(value), kind="plain"))
        if isinstance(value, (list, tuple)):
            return Variant("host-object", record(handle=self._host_handle(value), kind="array"))
        if isinstance(value, Awaitable):
            return Variant("host-object", record(handle=self.start_promise(value), kind="promise"))
        if callable(value):
            return Variant("host-object", record(handle=self._host_handle(value), kind="function"))
        raise TypeError(f"jsvm: a {type(value).__name__} cannot cross into JavaScript "
                        "(pass None, bool, int, float, str, bytes, dict, list, a callable or an awaitable)")

    def _symbol_to_wit(self, symbol: JsSymbol) -> Variant:
        if symbol._kind == "well-known":
            return Variant("well-known-symbol", symbol._key)
        if symbol._kind == "registered":
            return Variant("registered-symbol", symbol._key)
        if symbol._kind == "guest":
            if symbol._guest is not self:
                raise StaleError("symbol")
            return Variant("symbol", record(handle=symbol._key, description=symbol.description))
        return Variant("host-symbol", record(handle=self._host_handle(symbol), description=symbol.description))

    def _host_handle(self, obj: Any) -> int:
        handle = self._host_ids.get(id(obj))
        if handle is None or self.host_objects.get(handle) is not obj:
            handle = self._next_host
            self._next_host += 1
            self.host_objects[handle] = obj
            self._host_ids[id(obj)] = handle
        return handle

    def start_promise(self, awaitable: Any) -> int:
        """Registers a host promise: the guest sees a pending promise that
        the async driver settles (``Vm.resolve``)."""
        handle = self.next_promise
        self.next_promise += 1
        self.pending[handle] = awaitable
        self.host_objects[handle] = awaitable
        return handle

    def take_pending(self, handle: int) -> Any:
        """Forgets a host promise that is being settled or dropped: its
        awaitable, or None."""
        self.host_objects.pop(handle, None)
        return self.pending.pop(handle, None)

    def error_to_wit(self, error: BaseException) -> Record:
        """A Python exception as a WIT ``js-error``: a :class:`JsError` keeps
        its fields; any other exception becomes an ``Error`` (or the JS
        error of the same name) with ``str(error)`` as its message."""
        if isinstance(error, JsError):
            thrown: Any = undefined
            if isinstance(error.thrown, JsObject) and error.thrown._bridge is self:
                thrown = error.thrown
            return record(name=error.name, message=error.message, stack=error.stack,
                          code=error.code, thrown=self.to_wit(thrown))
        name = type(error).__name__ if type(error).__name__ in _ERROR_NAMES else "Error"
        message = str(error)
        code = getattr(error, "code", None)
        code = code if isinstance(code, str) else None
        head = f"{name} [{code}]: {message}" if code else f"{name}: {message}"
        return record(name=name, message=message, stack=head, code=code, thrown=Variant("undefined"))

    # -- WIT -> Python -----------------------------------------------------

    def from_wit(self, value: Variant, copy: bool = True) -> Any:
        """A WIT ``value`` as Python: plain objects and arrays copied into
        dicts and lists when ``copy``, other objects as live proxies."""
        tag, payload = value.tag, value.payload  # type: str, Any
        if tag == "number" or tag == "string" or tag == "boolean":
            return payload
        if tag == "undefined":
            return undefined
        if tag == "null":
            return None
        if tag == "bigint":
            return int(payload)
        if tag == "object":
            if copy and payload.kind in ("plain", "array"):
                return self.vm._copy_out(payload.handle)
            return self.proxy(payload.handle, payload.kind)
        if tag == "host-object":
            return self.host_objects.get(payload.handle, undefined)
        if tag == "symbol":
            symbol = JsSymbol(payload.description)
            symbol._kind, symbol._key, symbol._guest = "guest", payload.handle, self
            weakref.finalize(symbol, self.releases.append, payload.handle)  # this crossing
            return symbol
        if tag == "well-known-symbol":
            return JsSymbol.well_known(payload)
        if tag == "registered-symbol":
            return JsSymbol.for_key(payload)
        if tag == "host-symbol":
            return self.host_objects.get(payload.handle, JsSymbol(payload.description))
        if tag == "bytes":
            data = bytes(payload.data)
            return data if payload.kind in ("uint8-array", "array-buffer") else Bytes(payload.kind, data)
        raise ValueError(f"jsvm: unknown value kind {tag!r}")

    def proxy(self, handle: int, kind: str) -> JsObject:
        """The live proxy of a guest object that just crossed (one crossing,
        released when the proxy goes, or now when a proxy already exists)."""
        existing = self._proxies.get(handle)
        if existing is not None:
            self.releases.append(handle)
            return existing
        cls = JsFunction if kind == "function" else JsPromise if kind in ("promise", "vm-promise") else JsObject
        proxy = cls(self, handle, kind)
        self._proxies[handle] = proxy
        weakref.finalize(proxy, self.releases.append, handle)
        return proxy

    def raise_error(self, error: Record) -> None:
        """Raises a WIT ``js-error`` as :class:`JsError`."""
        thrown = self.from_wit(field(error, "thrown"), copy=False)
        raise JsError(field(error, "name"), field(error, "message"), code=field(error, "code"),
                      stack=field(error, "stack"), thrown=thrown)

    # -- the host interface's object operations ----------------------------

    def host_call(self, target: int, this: Variant, args: List[Variant]) -> Any:
        function = self.host_objects.get(target)
        if function is None:
            return _no_such_object(target, self)
        if isinstance(function, (dict, list, tuple)) or not callable(function):
            return self.error_to_wit(JsError("TypeError", "this host object is not a function"))
        try:
            result = function(*[self.from_wit(arg) for arg in args])
            return self.to_wit(undefined if result is None else result)
        except KeyboardInterrupt:
            # Ctrl-C while Python ran: the call stops, and KeyboardInterrupt
            # is raised when it returns.
            self.deferred_interrupt = True
            self.vm.interrupt_handle().interrupt()
            return self.error_to_wit(JsError("Error", INTERRUPTED_MESSAGE, code=INTERRUPTED))
        except BaseException as error:
            return self.error_to_wit(error)

    def host_get(self, target: int, key: Variant) -> Any:
        def read(obj: Any) -> Variant:
            value = _get(obj, self._key(key))
            return self.to_wit(undefined if value is _MISSING else value)
        return self._guarded(target, read)

    def host_set(self, target: int, key: Variant, value: Variant) -> Any:
        return self._guarded(target, lambda obj: _set(obj, self._key(key), lambda: self.from_wit(value)))

    def host_has(self, target: int, key: Variant) -> Any:
        return self._guarded(target, lambda obj: _get(obj, self._key(key)) is not _MISSING)

    def host_delete(self, target: int, key: Variant) -> Any:
        return self._guarded(target, lambda obj: _delete(obj, self._key(key)))

    def host_own_keys(self, target: int) -> Any:
        return self._guarded(target, lambda obj: [Variant("string", k) for k in _own_keys(obj)])

    def host_get_own_property(self, target: int, key: Variant) -> Any:
        def describe(obj: Any) -> Any:
            name = self._key(key)
            if isinstance(obj, (list, tuple)) and name == "length":
                return record(value=Variant("number", float(len(obj))), writable=isinstance(obj, list),
                              getter=None, setter=None, enumerable=False, configurable=False)
            value = _get(obj, name)
            if value is _MISSING or name == "length":
                return None
            return record(value=self.to_wit(value), writable=not isinstance(obj, tuple), getter=None,
                          setter=None, enumerable=True, configurable=not isinstance(obj, tuple))
        outcome = self._guarded(target, describe)
        return _tag_option_result(outcome)

    def host_define_property(self, target: int, key: Variant, descriptor: Record) -> Any:
        def define(obj: Any) -> bool:
            value = field(descriptor, "value")
            if value is None or field(descriptor, "getter") is not None or field(descriptor, "setter") is not None:
                return False
            return _set(obj, self._key(key), lambda: self.from_wit(value))
        return self._guarded(target, define)

    def _key(self, key: Variant) -> Any:
        return key.payload if key.tag == "string" else self.from_wit(key)

    def _guarded(self, target: int, operation: Any) -> Any:
        obj = self.host_objects.get(target)
        if obj is None:
            return _no_such_object(target, self)
        try:
            return operation(obj)
        except BaseException as error:
            return self.error_to_wit(error)

    def drop_host_object(self, target: int) -> None:
        obj = self.host_objects.pop(target, None)
        if obj is not None and self._host_ids.get(id(obj)) == target:
            del self._host_ids[id(obj)]


_MISSING = object()


def close_awaitable(awaitable: Any) -> None:
    """Ends a host awaitable that will not be awaited: closes a coroutine,
    cancels a future."""
    close = getattr(awaitable, "close", None) or getattr(awaitable, "cancel", None)
    if close is not None:
        close()


def _no_such_object(target: int, bridge: Bridge) -> Record:
    return bridge.error_to_wit(JsError("ReferenceError", f"jsvm: host object {target} does not exist"))


def _tag_option_result(outcome: Any) -> Variant:
    """``result<option<property-descriptor>, js-error>`` is a tagged variant
    in wasmtime-py (both arms can be records)."""
    return Variant("err", outcome) if is_js_error(outcome) else Variant("ok", outcome)


def _array_index(key: Any) -> Optional[int]:
    """The array index a property key names (``"0"``, ``"12"``; not ``"01"``)."""
    if isinstance(key, str) and key.isascii() and key.isdigit() and (key == "0" or key[0] != "0"):
        return int(key)
    return None


def _index(obj: Any, key: Any) -> Optional[int]:
    """The element of ``obj`` a property key names, if it has one."""
    index = _array_index(key)
    return index if index is not None and index < len(obj) else None


def _get(obj: Any, key: Any) -> Any:
    """A property of a dict (its string keys) or a list (indices and
    ``length``); functions show no properties."""
    if isinstance(obj, dict):
        return obj.get(key, _MISSING) if isinstance(key, str) else _MISSING
    if isinstance(obj, (list, tuple)):
        if key == "length":
            return len(obj)
        index = _index(obj, key)
        return obj[index] if index is not None else _MISSING
    return _MISSING


def _set(obj: Any, key: Any, value: Any) -> bool:
    if isinstance(obj, dict) and isinstance(key, str):
        obj[key] = value()
        return True
    if isinstance(obj, list) and isinstance(key, str):
        if key == "length":
            length = value()
            if not isinstance(length, float) or length < 0 or length != int(length):
                return False
            del obj[int(length):]
            obj.extend([undefined] * (int(length) - len(obj)))
            return True
        index = _array_index(key)
        if index is not None:
            if index < len(obj):
                obj[index] = value()
            else:
                obj.extend([undefined] * (index - len(obj)))
                obj.append(value())
            return True
    return False


def _delete(obj: Any, key: Any) -> bool:
    if isinstance(obj, dict):
        if isinstance(key, str):
            obj.pop(key, None)
        return True
    if isinstance(obj, list):
        index = _index(obj, key)
        if index is not None:
            obj[index] = undefined
        return key != "length"
    return not isinstance(obj, tuple)


def _own_keys(obj: Any) -> List[str]:
    if isinstance(obj, dict):
        return [key for key in obj if isinstance(key, str)]
    if isinstance(obj, (list, tuple)):
        return [str(i) for i in range(len(obj))] + ["length"]
    return []
