"""One instance of the guest: its wasmtime store, the ``host`` imports
linked to a Vm, the exports by name, the guest clock, and forced stops.

Everything here runs on the Vm's guest thread.
"""

from __future__ import annotations

import ctypes
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime import component as wc

from . import _component, _fastwit
from ._bridge import record
from ._limits import Meter

if TYPE_CHECKING:  # pragma: no cover
    from .vm import Vm

HOST = "jsvm:vm/host@0.1.0"
VM = "jsvm:vm/vm@0.1.0"

#: Fuel a tank holds when no limit applies (effectively unlimited).
UNLIMITED_TANK = (1 << 62)

_EPOCH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_size_t, ctypes.POINTER(ffi.wasmtime_context_t), ctypes.c_void_p,
                                   ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_uint8))
_NO_FINALIZER = ctypes.cast(0, ctypes.CFUNCTYPE(None, ctypes.c_void_p))

#: The guest's stderr carries only a Rust panic message; this much is kept.
STDERR_KEPT = 64 << 10


def soft_memory_limit(hard: int) -> int:
    """The guest's own limit under a hard cap: three quarters of it, so the
    cap itself (a trap) is only met by one allocation too large for the rest."""
    return hard // 4 * 3


def link(vm: "Vm", fuel: bool) -> wc.Linker:
    """A linker whose ``host`` imports serve ``vm`` (its current state)."""
    _fastwit.apply()
    linker = wc.Linker(_component.engine(fuel))
    linker.add_wasip2()
    root = linker.root()
    host = root.add_instance(HOST)

    def bridge_op(name: str) -> Callable[..., Any]:
        return lambda _store, *args: getattr(vm._bridge, name)(*args)

    def add(name: str, func: Callable[..., Any]) -> None:
        _fastwit.add_func(host, name, func)

    add("console", lambda _store, level, text: vm._console_line(level, text))
    add("call", bridge_op("host_call"))
    add("construct", lambda _store, target, args: vm._bridge.error_to_wit(
        TypeError("a host function is not a constructor")))
    add("get", bridge_op("host_get"))
    add("set", bridge_op("host_set"))
    add("has", bridge_op("host_has"))
    add("delete-property", bridge_op("host_delete"))
    add("own-keys", bridge_op("host_own_keys"))
    add("get-own-property", bridge_op("host_get_own_property"))
    add("define-property", bridge_op("host_define_property"))
    add("drop-host-object", bridge_op("drop_host_object"))
    add("enter-run", lambda _store, timeout_ms, sigint: vm._instance.enter_run(timeout_ms, sigint))
    add("leave-run", lambda _store, scope: vm._instance.leave_run(scope))
    add("checkpoint", lambda _store: vm._instance.checkpoint())
    add("load-module", lambda _store, referrer, specifier: vm._load_module(referrer, specifier))
    host.close()
    root.close()
    return linker


class Instance:
    """A guest instance and its store."""

    def __init__(self, vm: "Vm", linker: wc.Linker, fuel: bool, memory_limit: Optional[int]) -> None:
        self.vm = vm
        self.fuel = fuel
        self.limits = vm._limits
        self.stderr: List[bytes] = []
        self.store = wasmtime.Store(_component.engine(fuel))
        wasi = wasmtime.WasiConfig()
        wasi.stderr_custom = self._stderr
        self.store.set_wasi(wasi)
        if memory_limit is not None:
            self.store.set_limits(memory_size=memory_limit)
        # Every epoch tick, check whether the guest must be stopped by force.
        self._epoch_callback = _EPOCH_CALLBACK(self._on_epoch)
        ffi.wasmtime_store_epoch_deadline_callback(self.store.ptr(), self._epoch_callback, None, _NO_FINALIZER)
        self.store.set_epoch_deadline(1)
        self.fuel_base = 0
        self.fuel_tank = UNLIMITED_TANK
        #: Whether the tank is the unlimited one (no hard limit applies).
        self.unlimited = True
        if fuel:
            self.store.set_fuel(UNLIMITED_TANK)
        try:
            self.instance = linker.instantiate(self.store, _component.component(fuel))
        except wasmtime.WasmtimeError as error:
            if memory_limit is not None:
                raise ValueError(f"jsvm: the memory limit of {memory_limit} bytes is below what the guest "
                                 f"starts with ({error})") from None
            raise
        self._vm_index = self.instance.get_export_index(self.store, VM)
        self._funcs: Dict[str, wc.Func] = {}
        if memory_limit is not None:
            self.export("configure")(self.store, record(defer_jobs=False, memory_limit=soft_memory_limit(memory_limit)))

    def export(self, name: str) -> wc.Func:
        """A function the guest's ``vm`` interface exports, by WIT name."""
        func = self._funcs.get(name)
        if func is None:
            index = self.instance.get_export_index(self.store, name, self._vm_index)
            func = self.instance.get_func(self.store, index) if index is not None else None
            if func is None:
                raise LookupError(f"jsvm: the guest exports no {name}")
            self._funcs[name] = func
        return func

    def _stderr(self, data: bytes) -> None:
        if sum(map(len, self.stderr)) < STDERR_KEPT:
            self.stderr.append(data)

    def guest_panic(self) -> Optional[str]:
        """The last line the guest wrote to stderr (its panic message)."""
        text = b"".join(self.stderr).decode("utf-8", "replace").strip()
        return text.splitlines()[-1] if text else None

    # -- the guest clock -------------------------------------------------

    def meter(self) -> Meter:
        """Fuel consumed so far (when metering) and the time."""
        fuel = None
        if self.fuel:
            try:
                left = self.store.get_fuel()
            except wasmtime.WasmtimeError:
                left = 0
            fuel = self.fuel_base + max(self.fuel_tank - left, 0)
        return Meter(fuel, time.monotonic())

    def refuel(self) -> None:
        """Sizes the fuel tank so it runs dry at the tightest hard limit."""
        if not self.fuel:
            return
        limit = self.limits.hard_fuel_limit()
        if limit is None and self.unlimited:
            return  # an unlimited tank never runs dry: nothing to resize
        consumed = self.meter().fuel or 0
        tank = max((limit if limit is not None else consumed + UNLIMITED_TANK) - consumed, 1)
        tank = min(tank, UNLIMITED_TANK)
        self.store.set_fuel(tank)
        self.fuel_base, self.fuel_tank = consumed, tank
        self.unlimited = limit is None

    def enter_run(self, timeout_ms: Optional[int], sigint: bool) -> int:
        scope = self.limits.enter(self.meter(), timeout_ms, sigint)
        self.refuel()
        return scope

    def leave_run(self, scope: int) -> None:
        self.limits.leave(scope)
        self.refuel()

    def checkpoint(self) -> Any:
        stop = self.limits.checkpoint(self.meter())
        return None if stop is None else record(scope=stop[0], reason=stop[1])

    def _on_epoch(self, _context: Any, _data: Any, delta: Any, kind: Any) -> int:
        try:
            forced = self.limits.must_force_stop(time.monotonic(), time.thread_time())
        except BaseException:
            forced = False
        if forced:
            return ctypes.cast(ffi.wasmtime_error_new(b"jsvm: forced stop"), ctypes.c_void_p).value or 0
        delta[0] = 1
        kind[0] = 0  # continue
        return 0


class Ticker:
    """One thread for the process advances every engine's epoch every
    ``TICK`` seconds while some guest call runs, so stores can check
    forced-stop deadlines while the guest runs."""

    TICK = 0.005

    def __init__(self) -> None:
        self._active = 0
        self._condition = threading.Condition()
        self._thread: Optional[threading.Thread] = None

    def begin(self) -> None:
        """A guest call starts."""
        with self._condition:
            self._active += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="jsvm-epoch", daemon=True)
                self._thread.start()
            self._condition.notify()

    def end(self) -> None:
        """A guest call ended."""
        with self._condition:
            self._active -= 1

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._active == 0:
                    self._condition.wait()
            time.sleep(self.TICK)
            for engine in list(_component._ENGINES.values()):
                engine.increment_epoch()


#: The process's ticker.
TICKER = Ticker()
