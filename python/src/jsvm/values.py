"""JavaScript values on the Python side.

Primitives cross by value: ``undefined`` is :data:`undefined`, ``null`` is
``None``, numbers are ``float``, BigInts ``int``, strings ``str``. A plain
JavaScript object or array reaching Python becomes a ``dict`` or ``list``
(a copy, made when it crosses); functions, promises and every other object
arrive as live proxies (:class:`JsFunction`, :class:`JsPromise`,
:class:`JsObject`) whose operations run in the guest.

Going the other way, ``int`` becomes a number (a BigInt past 2**53), a
``dict`` or ``list`` becomes a live view the guest reads and writes
through, a callable becomes a host function, and an awaitable (a coroutine)
becomes a promise the guest can await.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, List, NamedTuple, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from .vm import Vm
    from ._bridge import Bridge


class Undefined:
    """The type of :data:`undefined`: JavaScript's ``undefined``. Falsy."""

    _instance: Optional["Undefined"] = None

    def __new__(cls) -> "Undefined":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "undefined"


#: JavaScript's ``undefined`` (``null`` is ``None``).
undefined = Undefined()


class JsSymbol:
    """A JavaScript symbol. ``JsSymbol("desc")`` makes a new symbol owned by
    Python; :meth:`for_key` is ``Symbol.for``; :meth:`well_known` names
    ``Symbol.iterator`` and its kind. Symbols from the guest keep their
    identity: the same symbol arrives as an equal ``JsSymbol``."""

    __slots__ = ("description", "_kind", "_key", "_guest", "__weakref__")

    def __init__(self, description: Optional[str] = None) -> None:
        #: The symbol's description.
        self.description = description
        self._kind = "host"
        self._key: Any = None
        self._guest: Any = None

    @classmethod
    def for_key(cls, key: str) -> "JsSymbol":
        """``Symbol.for(key)``: the same symbol on both sides."""
        symbol = cls(key)
        symbol._kind, symbol._key = "registered", key
        return symbol

    @classmethod
    def well_known(cls, name: str) -> "JsSymbol":
        """``Symbol[name]`` (``"iterator"``, ``"toPrimitive"``, ...)."""
        symbol = cls(f"Symbol.{name}")
        symbol._kind, symbol._key = "well-known", name
        return symbol

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JsSymbol):
            return NotImplemented
        if self._kind != other._kind:
            return False
        if self._kind in ("registered", "well-known"):
            return bool(self._key == other._key)
        if self._kind == "guest":
            return bool(self._key == other._key)
        return self is other

    def __hash__(self) -> int:
        return hash((self._kind, self._key)) if self._kind != "host" else id(self)

    def __repr__(self) -> str:
        return f"Symbol({self.description or ''})"


class Bytes(NamedTuple):
    """An ``ArrayBuffer``, ``DataView`` or typed array, by value: ``kind`` is
    the WIT byte kind (``"float64-array"``, ...), ``data`` its bytes.
    ``Uint8Array`` and ``ArrayBuffer`` arrive as plain ``bytes``."""

    kind: str
    data: bytes


class JsObject:
    """A live guest object: item access reads and writes its properties
    (``obj["x"]``, ``obj["x"] = 1``, ``del obj["x"]``, ``"x" in obj``).
    Keys are strings or :class:`JsSymbol`; values convert as the module
    says. The object stays alive in the guest while this proxy lives."""

    __slots__ = ("_bridge", "_handle", "kind", "__weakref__")

    def __init__(self, bridge: "Bridge", handle: int, kind: str) -> None:
        self._bridge = bridge
        self._handle = handle
        #: The WIT object kind (``plain``, ``array``, ``function``, ``error``, ``promise``, ``other``...).
        self.kind = kind

    @property
    def vm(self) -> "Vm":
        """The Vm this object lives in."""
        return self._bridge.vm

    def __getitem__(self, key: Any) -> Any:
        return self._bridge.vm._object_op("get", self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        if not self._bridge.vm._object_op("set", self, key, value):
            raise TypeError(f"cannot set property {key!r} of this object")

    def __delitem__(self, key: Any) -> None:
        if not self._bridge.vm._object_op("delete", self, key):
            raise TypeError(f"cannot delete property {key!r} of this object")

    def __contains__(self, key: Any) -> bool:
        return bool(self._bridge.vm._object_op("has", self, key))

    def get(self, key: Any, default: Any = None) -> Any:
        """The property, or ``default`` when the object has none."""
        return self[key] if key in self else default

    def keys(self) -> List[str]:
        """``Object.keys(obj)``."""
        return list(self._bridge.vm._object_op("keys", self))

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def items(self) -> List[Tuple[str, Any]]:
        """``Object.entries(obj)``."""
        return [(key, self[key]) for key in self.keys()]

    def to_py(self) -> Any:
        """A copy as plain Python data: arrays as lists, other objects as
        dicts of their own enumerable properties, functions and promises
        as they are."""
        return self._bridge.vm._object_op("copy", self)

    def __repr__(self) -> str:
        try:
            shown = self._bridge.vm.display(self)
        except Exception:
            shown = f"handle {self._handle}"
        return f"<{type(self).__name__} {shown}>"


class JsFunction(JsObject):
    """A live guest function: calling it calls the function (``this`` is
    ``undefined``); :meth:`call` takes limits; :meth:`new` constructs."""

    __slots__ = ()

    def __call__(self, *args: Any) -> Any:
        return self._bridge.vm.call(self, *args)

    def call(self, *args: Any, this: Any = undefined, timeout: Optional[float] = None,
             fuel: Optional[int] = None, break_on_sigint: bool = False) -> Any:
        """Calls the function with ``this`` under a ``timeout`` (seconds) or
        an exact ``fuel`` budget."""
        return self._bridge.vm.call(self, *args, this=this, timeout=timeout, fuel=fuel,
                                    break_on_sigint=break_on_sigint)

    def new(self, *args: Any) -> Any:
        """``new fn(...args)``."""
        return self._bridge.vm._object_op("construct", self, list(args))


class JsPromise(JsObject):
    """A guest promise. ``await promise`` (or ``await vm.resolve(promise)``)
    drives the Vm until it settles: its value, or :class:`JsError`."""

    __slots__ = ()

    def __await__(self) -> Any:
        return self._bridge.vm.resolve(self).__await__()
