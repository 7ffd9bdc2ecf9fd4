"""Async host functions and the asyncio driver, as the Rust host's
(host/src/async_host.rs).

A host function that returns an awaitable (an ``async def`` function's
coroutine) gives the guest a pending promise of its own: a host promise
(WIT: a ``host-object`` of kind ``promise``). :func:`resolve` awaits a
guest promise on the running asyncio loop: it starts each pending host
awaitable as a task and, as each finishes, settles its guest promise
(``vm.settle-host-promise``), which runs the guest's jobs that follow. So
calls settle in completion order, and nothing spins while it waits.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Dict, Optional

from ._bridge import Bridge
from ._limits import INTERRUPTED, INTERRUPTED_MESSAGE, TIMEOUT
from .errors import JsError
from .values import JsObject, JsPromise

if TYPE_CHECKING:  # pragma: no cover
    from .vm import Vm

#: How long the guest may run to handle the rejections of cancelled calls.
CANCEL_GRACE = 0.1

_SUBSCRIBE = "promise.then((value) => { sink(true, value); }, (error) => { sink(false, error); });"


def error_from_guest(reason: Any) -> JsError:
    """A rejection reason as :class:`JsError` (name, message, stack, code
    read from an error object; other values as their text)."""
    if isinstance(reason, JsObject):
        def text(key: str) -> Optional[str]:
            value = reason.get(key)
            return value if isinstance(value, str) else None
        name, message = text("name") or "Error", text("message") or ""
        return JsError(name, message, code=text("code"), stack=text("stack"), thrown=reason)
    return JsError("Error", str(reason), thrown=reason)


class _Driver:
    """The pending host awaitables of one Vm state and their tasks."""

    def __init__(self, vm: "Vm", bridge: Bridge, loop: asyncio.AbstractEventLoop) -> None:
        self.vm, self.bridge, self.loop = vm, bridge, loop
        self.tasks: Dict[int, "asyncio.Future[Any]"] = {}
        self.woken = asyncio.Event()

    def start_pending(self) -> None:
        for handle in [h for h in self.tasks if h not in self.bridge.pending]:
            self.tasks.pop(handle).cancel()  # ended with the run that started it
        for handle, awaitable in list(self.bridge.pending.items()):
            if handle not in self.tasks:
                self.tasks[handle] = asyncio.ensure_future(awaitable)
                self.tasks[handle].add_done_callback(lambda _t: self.woken.set())

    def settle(self, handle: int, outcome: Any, budget_seconds: Optional[float]) -> None:
        def work() -> None:
            if self.vm._bridge is self.bridge:  # not a state lost meanwhile
                self.vm._settle(handle, outcome, self.vm._budget(budget_seconds, None) if budget_seconds else None)
        self.vm._run(work)

    def cancel_all(self, error: JsError) -> None:
        for handle, task in list(self.tasks.items()):
            task.cancel()
            self.settle(handle, error, CANCEL_GRACE)
        self.tasks.clear()


async def resolve(vm: "Vm", value: Any, timeout: Optional[float]) -> Any:
    """``Vm.resolve``: see there."""
    if not isinstance(value, JsPromise):
        return value
    loop = asyncio.get_running_loop()
    bridge = vm._bridge
    driver = _Driver(vm, bridge, loop)
    # The sink runs on the guest thread while the loop's thread waits for
    # that guest call, so it can record the outcome directly.
    outcome: list = []

    def sink(ok: bool, result: Any) -> None:
        outcome.append((ok, result if ok else error_from_guest(result)))
        loop.call_soon_threadsafe(driver.woken.set)

    def wake() -> None:
        loop.call_soon_threadsafe(driver.woken.set)

    vm._interrupt.wake = wake
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        if bridge.subscriber is None:
            bridge.subscriber = vm.compile_function(_SUBSCRIBE, ["promise", "sink"])
        vm.call(bridge.subscriber, value, sink, timeout=timeout)
        while not outcome:
            if vm._bridge is not bridge:
                raise JsError("Error", "the Vm's state was lost while awaiting")
            driver.start_pending()
            finished = [h for h, t in driver.tasks.items() if t.done()]
            for handle in finished:
                task = driver.tasks.pop(handle)
                result = task.exception() if not task.cancelled() else JsError("Error", "the host call was cancelled")
                remaining = None if deadline is None else max(deadline - time.monotonic(), 0.001)
                driver.settle(handle, result if result is not None else task.result(), remaining)
            if outcome:
                break
            if finished:
                continue
            if not driver.tasks:
                raise JsError("Error", "the promise can never settle: no host call it could wait for is pending",
                              code="ERR_JSVM_PROMISE_NEVER_SETTLES")
            if vm._interrupt.take():
                error = JsError("Error", INTERRUPTED_MESSAGE, code=INTERRUPTED)
                driver.cancel_all(error)
                raise error
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                error = JsError("Error", f"Script execution timed out after {round((timeout or 0) * 1000)}ms",
                                code=TIMEOUT)
                driver.cancel_all(error)
                raise error
            driver.woken.clear()
            try:
                await asyncio.wait_for(driver.woken.wait(), remaining)
            except asyncio.TimeoutError:
                pass
    finally:
        vm._interrupt.wake = lambda: None
    ok, settled = outcome[0]
    if ok:
        return settled
    raise settled
