"""The Python API: a :class:`Vm` is one JavaScript engine (a guest
instance) serving the Node.js ``vm`` API, with :class:`Context`,
:class:`Script` and :class:`Module` as in node:vm.

Timeouts are in seconds, as Python's are (node:vm's are milliseconds).
"""

from __future__ import annotations

import json
import math
import sys
import weakref
from typing import Any, Callable, Iterable, List, Optional, Sequence

import wasmtime
from wasmtime.component import Variant

from ._args import expect_instance, expect_int, expect_str
from ._bridge import MAX_COPY_OBJECTS, Bridge, close_awaitable, field, is_js_error, record
from ._instance import TICKER, Instance, link
from ._limits import INTERRUPTED, TIMEOUT, Budget, InterruptHandle, Limits
from ._module_root import ModuleRoot
from ._thread import GuestThread
from .errors import JsError, StaleError, StateLostError
from .context import Context, Script
from .module import Module
from .values import JsFunction, JsObject, undefined

#: Pass as the sandbox of :meth:`Vm.create_context` for
#: ``vm.constants.DONT_CONTEXTIFY``: the context's global is an ordinary one.
DONT_CONTEXTIFY = object()

ConsoleFn = Callable[[str, str], None]


def default_console(level: str, text: str) -> None:
    """Prints ``console.log``/``info``/``debug`` to stdout, ``warn``/``error`` to stderr."""
    stream = sys.stderr if level in ("warn", "error") else sys.stdout
    print(text, file=stream, flush=True)


def _millis(timeout: Optional[float]) -> Optional[int]:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise JsError("RangeError", f'The value of "timeout" is out of range. It must be > 0 seconds. Received {timeout!r}',
                      code="ERR_OUT_OF_RANGE")
    return min(max(1, math.ceil(timeout * 1000)), 2**32 - 1)


class Vm:
    """One JavaScript engine: the Node.js ``vm`` API over a WebAssembly
    guest with no ambient authority. Contexts, scripts and objects of a Vm
    are only valid with that Vm.

    :param memory_limit: bytes the guest may use (all its contexts). Past
        three quarters of it the running code stops with
        ``ERR_VM_MEMORY_LIMIT`` and the Vm keeps its state; the cap itself
        is the backstop (:class:`StateLostError`). The guest starts with
        ~11 MiB. Default: no cap beyond wasm32's 4 GiB.
    :param fuel: meter fuel (default). It gives exact ``fuel`` budgets and,
        with ``fuel_per_ms``, deterministic timeouts; without a rate a
        ``timeout`` is measured by the guest thread's CPU time. ``False``
        measures timeouts by the wall clock, as Node does, and runs faster.
    :param fuel_per_ms: how much fuel a millisecond of ``timeout`` buys.
    :param module_root: the directory the default module loader reads
        (``import_module``, the imports of ``run_main`` programs). Nothing
        outside it is readable.
    :param console: ``console(level, text)`` for the guest's console lines;
        default prints them.
    """

    def __init__(self, *, memory_limit: Optional[int] = None, fuel: bool = True,
                 fuel_per_ms: Optional[int] = None, module_root: Optional[Any] = None,
                 console: Optional[ConsoleFn] = None) -> None:
        if memory_limit is not None and (isinstance(memory_limit, bool) or not isinstance(memory_limit, int)
                                         or memory_limit <= 0):
            raise ValueError(f"jsvm: memory_limit is a positive number of bytes, not {memory_limit!r}")
        if fuel_per_ms is not None and (isinstance(fuel_per_ms, bool) or not isinstance(fuel_per_ms, int)):
            raise ValueError(f"jsvm: fuel_per_ms is an int, not {fuel_per_ms!r}")
        self._fuel = bool(fuel)
        self._memory_limit = memory_limit
        self._console = console or default_console
        self._module_root = ModuleRoot(module_root) if module_root is not None else None
        self._interrupt = InterruptHandle()
        clock = ("fuel" if fuel_per_ms else "cpu") if fuel else "wall"
        self._limits = Limits(clock, max(1, int(fuel_per_ms)) if fuel_per_ms else None, self._interrupt)
        self._thread = GuestThread("jsvm-guest")
        self._closed = False
        self._depth = 0
        self._poisoned: Optional[BaseException] = None
        self._run(self._build)
        weakref.finalize(self, self._thread.close)

    # -- the guest thread and the instance ---------------------------------

    def _build(self) -> None:
        self._bridge = Bridge(self)
        if not hasattr(self, "_linker"):
            self._linker = link(self, self._fuel)
        self._instance = Instance(self, self._linker, self._fuel, self._memory_limit)

    def _run(self, work: Callable[[], Any]) -> Any:
        if self._closed:
            raise RuntimeError("jsvm: this Vm is closed")
        return self._thread.run(work, self._on_keyboard_interrupt)

    def _on_keyboard_interrupt(self, take_only: bool = False) -> bool:
        """Ctrl-C during a call: a ``break_on_sigint`` run takes it (True);
        otherwise, unless ``take_only``, the call is stopped, and
        KeyboardInterrupt comes once it has."""
        if self._limits.sigint_active():
            self._limits.sigint_seen = True
            return True
        if not take_only:
            self._interrupt.interrupt()
        return False

    def _call(self, name: str, *args: Any, budget: Optional[Budget] = None, sigint: bool = False) -> Any:
        """One call of a guest export on the guest thread, under a root
        budget; a trap rebuilds the instance and raises StateLostError."""
        if self._depth > 0:
            # A host function using the Vm: a nested call, inside the
            # outer call's limits. A trap here ends the outer call too.
            instance = self._instance
            self._depth += 1
            try:
                result = instance.export(name)(instance.store, *args)
            except (wasmtime.WasmtimeError, wasmtime.Trap) as trap:
                self._poisoned = trap
                raise StateLostError("the guest trapped inside a host function's call") from None
            finally:
                self._depth -= 1
            return self._result(result, budget)
        self._flush_releases()  # may rebuild the instance
        instance = self._instance
        limits = self._limits
        first_started = self._bridge.next_promise
        limits.begin_call(instance.meter(), budget, sigint)
        instance.refuel()
        TICKER.begin()
        self._depth = 1
        try:
            result = instance.export(name)(instance.store, *args)
            if self._poisoned is not None:
                raise self._poisoned
        except (wasmtime.WasmtimeError, wasmtime.Trap) as trap:
            self._poisoned = None
            self._lost(trap)
        finally:
            self._depth = 0
            TICKER.end()
            limits.end_call()
        instance.refuel()
        if self._bridge.deferred_interrupt:
            self._bridge.deferred_interrupt = False
            raise KeyboardInterrupt
        try:
            return self._result(result, budget)
        except JsError as error:
            # A timeout or interrupt that ends the call also ends the async
            # host calls it started, as in the Rust host.
            if error.code in (TIMEOUT, INTERRUPTED):
                self._cancel_started_since(first_started, error)
            raise

    def _cancel_started_since(self, first: int, stop: JsError) -> None:
        """Drops the host awaitables started since ``first`` and rejects
        their guest promises with the stop's error."""
        bridge = self._bridge
        for handle in [h for h in bridge.pending if h >= first]:
            close_awaitable(bridge.pending[handle])
            try:
                self._settle(handle, JsError(stop.name, stop.message, code=stop.code), Budget(millis=100))
            except (JsError, StateLostError):
                pass

    def _settle(self, handle: int, outcome: Any, budget: Optional[Budget]) -> None:
        """Settles the host promise ``handle`` in the guest with a value, or
        an exception's error, and runs the jobs that follow under ``budget``."""
        bridge = self._bridge
        bridge.take_pending(handle)
        wit = bridge.error_to_wit(outcome) if isinstance(outcome, BaseException) else bridge.to_wit(outcome)
        self._call("settle-host-promise", handle, wit, budget=budget)

    def _result(self, result: Any, budget: Optional[Budget]) -> Any:
        """A guest export's result: the value, or its js-error raised."""
        if isinstance(result, Variant) and result.tag in ("ok", "err"):
            if result.tag == "err":
                self._raise(result.payload, budget)
            return result.payload
        if is_js_error(result):
            self._raise(result, budget)
        return result

    def _raise(self, error: Any, budget: Optional[Budget]) -> None:
        # A stop of the whole call: say what the host's budget was.
        if error.code == TIMEOUT and error.message == "Script execution timed out" and budget is not None:
            if budget.millis is not None:
                error.message = f"Script execution timed out after {budget.millis}ms"
            else:
                error.message = f"Script execution ran out of its fuel budget ({budget.fuel})"
            error.stack = f"Error [{TIMEOUT}]: {error.message}"
        self._bridge.raise_error(error)

    def _lost(self, trap: BaseException) -> None:
        limits, panic = self._limits, self._instance.guest_panic()
        code: Optional[str] = None
        if limits.hard_stop is not None:
            code, why = limits.hard_stop
            reason = f"stopped by force: {why}"
        elif isinstance(trap, wasmtime.Trap) and trap.trap_code == wasmtime.TrapCode.OUT_OF_FUEL:
            code = TIMEOUT
            reason = "stopped by force: the guest ran far past its fuel budget without reaching a checkpoint"
        elif (panic or "").startswith("memory allocation of"):
            code = "ERR_VM_MEMORY_LIMIT"
            reason = (f"the guest reached its memory limit of {self._memory_limit} bytes" if self._memory_limit
                      else "the guest's memory could not grow (wasm32 addresses at most 4 GiB)")
        else:
            reason = str(trap).strip().splitlines()[0] if str(trap).strip() else type(trap).__name__
        if panic:
            reason = f"{reason}: {panic}"
        self._rebuild()
        raise StateLostError(reason, code)

    def _rebuild(self) -> None:
        for awaitable in self._bridge.pending.values():
            close_awaitable(awaitable)
        self._limits.end_call()
        self._build()

    def _flush_releases(self) -> None:
        bridge, instance = self._bridge, self._instance
        while bridge.dropped_resources:
            resource = bridge.dropped_resources.popleft()
            try:
                resource.drop(instance.store)
            except (wasmtime.WasmtimeError, wasmtime.Trap):
                self._rebuild()
                return
        if bridge.releases:
            handles = [bridge.releases.popleft() for _ in range(len(bridge.releases))]
            try:
                instance.export("release")(instance.store, handles)
            except (wasmtime.WasmtimeError, wasmtime.Trap):
                self._rebuild()

    def _console_line(self, level: str, text: str) -> None:
        try:
            self._console(level, text)
        except BaseException:
            pass  # a console that fails loses the line, never the call

    def _load_module(self, referrer: Optional[str], specifier: str) -> Any:
        try:
            if self._module_root is None:
                raise JsError("Error", f"Cannot find module '{specifier}': this Vm has no module root "
                              "(Vm(module_root=...))", code="ERR_MODULE_NOT_FOUND")
            module_id, source = self._module_root.load(referrer, specifier)
            return Variant("ok", record(id=module_id, source=source))
        except BaseException as error:
            return Variant("err", self._bridge.error_to_wit(error))

    def _check(self, owner: Any, what: str) -> None:
        if owner._bridge is not self._bridge:
            raise StaleError(what)

    def _budget(self, timeout: Optional[float], fuel: Optional[int]) -> Optional[Budget]:
        if fuel is not None and not self._fuel:
            raise ValueError("jsvm: a fuel budget needs a Vm with fuel metering (Vm(fuel=True), the default)")
        if fuel is not None:
            if isinstance(fuel, bool) or not isinstance(fuel, int) or fuel < 0:
                raise ValueError(f"jsvm: a fuel budget is a non-negative int, not {fuel!r}")
            return Budget(fuel=fuel)
        millis = _millis(timeout)
        return Budget(millis=millis) if millis is not None else None

    @staticmethod
    def _run_options(timeout: Optional[float], break_on_sigint: bool, display_errors: bool) -> Any:
        return record(timeout_ms=_millis(timeout), break_on_sigint=bool(break_on_sigint),
                      display_errors=bool(display_errors))

    # -- objects -----------------------------------------------------------

    def _object_op(self, op: str, obj: JsObject, *args: Any) -> Any:
        def work() -> Any:
            self._check(obj, "object")
            bridge = self._bridge
            if op in ("get", "set", "has", "delete"):
                key = bridge.to_wit(args[0]) if not isinstance(args[0], str) else Variant("string", args[0])
                if op == "get":
                    return bridge.from_wit(self._call("get", obj._handle, key))
                if op == "set":
                    return self._call("set", obj._handle, key, bridge.to_wit(args[1]))
                return self._call("has" if op == "has" else "delete-property", obj._handle, key)
            if op == "keys":
                return self._call("keys", obj._handle)
            if op == "copy":
                return self._copy_out(obj._handle, release=False)
            if op == "construct":
                wit_args = [bridge.to_wit(a) for a in args[0]]
                return bridge.from_wit(self._call("construct", obj._handle, wit_args))
            raise ValueError(op)
        return self._run(work)

    def _copy_out(self, handle: int, release: bool = True) -> Any:
        """A guest array or ordinary object as a list or dict, with the
        arrays and ordinary objects it reaches, from one ``copy-out`` (flat
        JSON, parsed natively; wit/vm.wit says the format). Shared and
        cyclic references stay shared; objects past ``MAX_COPY_OBJECTS``
        and all other objects are live proxies. The crossing of ``handle``
        is released when ``release``."""
        bridge = self._bridge
        try:
            copied = self._call("copy-out", handle, MAX_COPY_OBJECTS)
        finally:
            if release:
                bridge.releases.append(handle)
        containers = json.loads(field(copied, "containers"))
        values = field(copied, "values")
        built: List[Any] = [[] if container[0] == 0 else {} for container in containers]

        def item(raw: Any) -> Any:
            if type(raw) is list:
                return built[raw[1]] if raw[0] == 3 else bridge.from_wit(values[raw[1]], copy=False)
            return float(raw) if type(raw) is int else raw

        for container, target in zip(containers, built):
            if container[0] == 0:
                target.extend(item(raw) for raw in container[1:])
            else:
                for index in range(1, len(container), 2):
                    target[container[index]] = item(container[index + 1])
        return built[0]

    # -- the node:vm API ---------------------------------------------------

    def create_context(self, sandbox: Any = None, *, name: Optional[str] = None, origin: Optional[str] = None,
                       allow_strings: bool = True, allow_wasm: bool = True,
                       microtask_mode: Optional[str] = None) -> "Context":
        """``vm.createContext(sandbox, options)``. With no ``sandbox``, a fresh
        guest object (fastest: globals live in the guest). A ``dict`` is
        contextified as node:vm does: the context's globals read and write
        it (each access crosses into Python). :data:`DONT_CONTEXTIFY` gives
        an ordinary global. ``microtask_mode`` may be ``"afterEvaluate"``."""
        if not (sandbox is None or sandbox is DONT_CONTEXTIFY or isinstance(sandbox, (dict, JsObject))):
            raise JsError("TypeError", 'The "contextObject" argument must be of type object (a dict). '
                          f"Received type {type(sandbox).__name__}", code="ERR_INVALID_ARG_TYPE")
        expect_str("options.name", name, optional=True)
        expect_str("options.origin", origin, optional=True)
        if microtask_mode not in (None, "afterEvaluate"):
            raise JsError("TypeError", 'The property \'options.microtaskMode\' must be one of: \'afterEvaluate\', '
                          f"undefined. Received {microtask_mode!r}", code="ERR_INVALID_ARG_VALUE")
        options = record(name=name, origin=origin, allow_strings=bool(allow_strings), allow_wasm=bool(allow_wasm),
                         microtask_mode="after-evaluate" if microtask_mode else "default")

        def work() -> Context:
            if sandbox is DONT_CONTEXTIFY:
                resource = self._call("[static]context.create-uncontextified", options)
            else:
                given = None if sandbox is None else self._bridge.to_wit(sandbox)
                resource = self._call("[static]context.create", given, options)
            return Context(self, resource)
        return self._run(work)

    def run_in_context(self, code: str, context: "Context", *, filename: Optional[str] = None,
                       timeout: Optional[float] = None, break_on_sigint: bool = False,
                       display_errors: bool = True) -> Any:
        """``vm.runInContext(code, context, options)``: the completion value."""
        expect_str("code", code)
        expect_instance("contextifiedObject", context, Context, "vm.Context")
        expect_str("options.filename", filename, optional=True)
        options = self._run_options(timeout, break_on_sigint, display_errors)

        def work() -> Any:
            context._check_owner(self)
            value = self._call("[method]context.run", context._resource, code, filename, options, sigint=False)
            return self._bridge.from_wit(value)
        return self._run(work)

    def run_in_new_context(self, code: str, sandbox: Any = None, **options: Any) -> Any:
        """``vm.runInNewContext(code, sandbox, options)``."""
        return self.run_in_context(code, self.create_context(sandbox), **options)

    def compile_script(self, code: str, *, filename: Optional[str] = None, line_offset: int = 0,
                       column_offset: int = 0, cached_data: Optional[bytes] = None,
                       produce_cached_data: bool = False) -> "Script":
        """``new vm.Script(code, options)``."""
        expect_str("code", code)
        expect_str("options.filename", filename, optional=True)
        expect_int("options.lineOffset", line_offset)
        expect_int("options.columnOffset", column_offset)
        options = record(filename=filename, line_offset=int(line_offset), column_offset=int(column_offset),
                         cached_data=bytes(cached_data) if cached_data is not None else None,
                         produce_cached_data=bool(produce_cached_data))
        return self._run(lambda: Script(self, self._call("[static]script.create", code, options)))

    def compile_function(self, code: str, params: Sequence[str] = (), *, filename: Optional[str] = None,
                         line_offset: int = 0, column_offset: int = 0, parsing_context: Optional["Context"] = None,
                         context_extensions: Iterable[Any] = ()) -> JsFunction:
        """``vm.compileFunction(code, params, options)``: the function."""
        expect_str("code", code)
        for index, param in enumerate(params):
            expect_str(f"params[{index}]", param)
        expect_str("options.filename", filename, optional=True)
        expect_int("options.lineOffset", line_offset)
        expect_int("options.columnOffset", column_offset)
        expect_instance("options.parsingContext", parsing_context, Context, "vm.Context", optional=True)

        def work() -> JsFunction:
            if parsing_context is not None:
                parsing_context._check_owner(self)
            options = record(filename=filename, line_offset=int(line_offset), column_offset=int(column_offset),
                             parsing_context=parsing_context._resource if parsing_context is not None else None,
                             context_extensions=[self._bridge.to_wit(e) for e in context_extensions])
            return self._bridge.from_wit(self._call("compile-function", code, list(params), options), copy=False)
        return self._run(work)

    def is_context(self, value: Any) -> bool:
        """``vm.isContext(value)``."""
        if isinstance(value, Context):
            value = value.globals
        return bool(self._run(lambda: self._call("is-context", self._bridge.to_wit(value))))

    def call(self, function: JsFunction, *args: Any, this: Any = undefined, timeout: Optional[float] = None,
             fuel: Optional[int] = None, break_on_sigint: bool = False) -> Any:
        """Calls a guest function under a ``timeout`` (seconds) or an exact
        ``fuel`` budget, covering the jobs it queues."""
        expect_instance("function", function, JsFunction, "a JavaScript function (JsFunction)")
        budget = self._budget(timeout, fuel)

        def work() -> Any:
            self._check(function, "object")
            bridge = self._bridge
            wit_args = [bridge.to_wit(a) for a in args]
            return bridge.from_wit(self._call("call", function._handle, bridge.to_wit(this), wit_args,
                                              budget=budget, sigint=break_on_sigint))
        return self._run(work)

    def run_main(self, source: str, filename: str = "main.js", *, module: Optional[bool] = None,
                 module_id: Optional[str] = None, timeout: Optional[float] = None, fuel: Optional[int] = None,
                 break_on_sigint: bool = False) -> Any:
        """Runs a whole program in the main context, where ``import vm from
        'node:vm'`` and ``console`` work, then its promise jobs; an unhandled
        rejection fails it as in Node. ``module`` defaults to the file's
        extension (``.mjs``) or an ``import``/``export`` statement. When it
        fails, the :class:`JsError`'s ``stack`` is what Node prints for an
        uncaught exception."""
        expect_str("source", source)
        expect_str("filename", filename)
        if module is None:
            module = is_module_program(filename, source)
        if module_id is None:
            # A module is named by its id in the module root; a script's
            # relative import()s resolve against its id when it lies there.
            module_id = filename if module else (self._module_root.id_of(filename) if self._module_root else None)
        program = record(source=source, filename=filename, id=module_id, module=bool(module))
        budget = self._budget(timeout, fuel)
        return self._run(lambda: self._bridge.from_wit(self._call("run-main", program, budget=budget,
                                                                  sigint=break_on_sigint)))

    def import_module(self, specifier: str, *, timeout: Optional[float] = None, fuel: Optional[int] = None,
                      break_on_sigint: bool = False) -> JsObject:
        """``import(specifier)`` through the default loader: reads the module
        graph from ``module_root``, links and evaluates it, and returns its
        namespace. Importing it again returns the same namespace."""
        expect_str("specifier", specifier)
        budget = self._budget(timeout, fuel)
        return self._run(lambda: self._bridge.from_wit(self._call("import-module", specifier, budget=budget,
                                                                  sigint=break_on_sigint), copy=False))

    def create_module(self, source: str, *, context: Optional["Context"] = None, identifier: Optional[str] = None,
                      line_offset: int = 0, column_offset: int = 0) -> "Module":
        """``new vm.SourceTextModule(source, options)`` in ``context`` (default:
        the main context)."""
        expect_str("sourceText", source)
        expect_str("options.identifier", identifier, optional=True)
        expect_int("options.lineOffset", line_offset)
        expect_int("options.columnOffset", column_offset)
        expect_instance("options.context", context, Context, "vm.Context", optional=True)
        options = record(identifier=identifier, line_offset=int(line_offset), column_offset=int(column_offset))

        def work() -> Module:
            if context is not None:
                context._check_owner(self)
            value = self._call("create-module", source, context._resource if context is not None else None, options)
            return Module(self, self._bridge.from_wit(value, copy=False))
        return self._run(work)

    def display(self, value: Any) -> str:
        """The value as Node's REPL prints it (``util.inspect``; strings as they are)."""
        return str(self._run(lambda: self._call("to-display-string", self._bridge.to_wit(value))))

    def interrupt_handle(self) -> InterruptHandle:
        """A handle another thread can use to stop what this Vm runs."""
        return self._interrupt

    def interrupt(self) -> None:
        """Stops what this Vm runs (from any thread)."""
        self._interrupt.interrupt()

    async def resolve(self, value: Any, *, timeout: Optional[float] = None) -> Any:
        """Awaits a guest promise (or any value), driving the Vm: pending
        async host functions run on the running asyncio loop and settle
        their guest promises as they finish. ``timeout`` (seconds) bounds
        the whole async program; on timeout or interrupt the pending host
        calls are cancelled and their guest promises reject with Node's
        error."""
        from ._async import resolve

        return await resolve(self, value, timeout)

    def close(self) -> None:
        """Ends the Vm's guest thread; the Vm cannot be used afterwards."""
        if not self._closed:
            self._closed = True
            self._thread.close()

    def __enter__(self) -> "Vm":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def is_module_program(filename: str, source: str) -> bool:
    """Node's choice for a file: ``.mjs`` is a module, ``.cjs`` a script,
    and any other file a module when it has an ``import``/``export``
    statement."""
    if filename.endswith((".mjs", ".cjs")):
        return filename.endswith(".mjs")
    return any(line.lstrip().startswith(("import ", "import{", "export ")) for line in source.splitlines())
