"""The threads guest calls run on.

wasmtime runs wasm on the calling thread's stack, and the guest may use up
to ``MAX_WASM_STACK`` of it (deep recursion must end in the guest's own
RangeError, not in a crash). Python's threads have 8 MiB. So:

- On Linux, the main thread's stack grows on demand up to the soft
  ``RLIMIT_STACK``; jsvm raises that limit to ``GUEST_THREAD_STACK`` when
  the hard limit allows (no memory is committed until used), and calls
  from the main thread run there directly.
- Every other call is handed to a thread the Vm owns, whose stack is large
  enough (a hand-off costs tens of microseconds).

Host functions run on the thread of the call; a call made from a host
function runs directly. One call runs at a time per Vm.
"""

from __future__ import annotations

import queue
import signal
import sys

try:  # the C module: signal.signal's enum conversions cost more than the call
    import _signal as _sig
except ImportError:  # pragma: no cover - other Pythons
    _sig = signal  # type: ignore[misc]
import threading
from typing import Any, Callable, List, Optional

from ._component import GUEST_THREAD_STACK

_STACK_LOCK = threading.Lock()


def _main_thread_stack_suffices() -> bool:
    """Whether the main thread's stack may grow to ``GUEST_THREAD_STACK``
    (raising the soft limit to that when the hard limit allows)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
        if soft == resource.RLIM_INFINITY or soft >= GUEST_THREAD_STACK:
            return True
        if hard == resource.RLIM_INFINITY or hard >= GUEST_THREAD_STACK:
            resource.setrlimit(resource.RLIMIT_STACK, (GUEST_THREAD_STACK, hard))
            return True
    except (ImportError, OSError, ValueError):
        pass
    return False


_MAIN_DIRECT = None


class _Job:
    __slots__ = ("work", "done", "result", "error")

    def __init__(self, work: Callable[[], Any]) -> None:
        self.work = work
        self.done = threading.Event()
        self.result: Any = None
        self.error: Optional[BaseException] = None


class GuestThread:
    """A worker thread with a large stack that runs jobs one at a time."""

    def __init__(self, name: str) -> None:
        global _MAIN_DIRECT
        self._jobs: "queue.SimpleQueue[Optional[_Job]]" = queue.SimpleQueue()
        #: Held while a call runs (on any thread): one call at a time.
        self.lock = threading.RLock()
        with _STACK_LOCK:
            if _MAIN_DIRECT is None:
                _MAIN_DIRECT = _main_thread_stack_suffices()
        self._main_direct = _MAIN_DIRECT
        self._guarding = False
        self._name = name
        self._thread: Optional[threading.Thread] = None

    def _start(self) -> None:
        """Starts the thread, on the first call that needs it."""
        with _STACK_LOCK:
            if self._thread is not None:
                return
            previous = threading.stack_size(GUEST_THREAD_STACK)
            try:
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()
            finally:
                threading.stack_size(previous)

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                with self.lock:
                    job.result = job.work()
            except BaseException as error:  # handed to the caller
                job.error = error
            job.done.set()

    def on_thread(self) -> bool:
        """Whether the caller is this thread (a host function)."""
        return threading.current_thread() is self._thread

    def run(self, work: Callable[[], Any], on_interrupt: Callable[[bool], bool]) -> Any:
        """Runs ``work`` (directly, or on the Vm's thread) and returns what
        it returns.

        On the main thread, SIGINT is only noted while the call runs
        (``_run_guarded``). ``on_interrupt(take_only)`` is told of it: a
        ``break_on_sigint`` run takes it (True); otherwise, unless
        ``take_only``, the call is asked to stop, and the SIGINT goes to
        the handler that was there once it has.
        """
        if self.on_thread():
            with self.lock:
                return work()
        if threading.current_thread() is threading.main_thread():
            if self._guarding:
                return self._run_here(work, on_interrupt)  # a host function's call, inside a guarded one
            return self._run_guarded(lambda: self._run_here(work, on_interrupt), on_interrupt)
        return self._run_here(work, on_interrupt)

    def _run_here(self, work: Callable[[], Any], on_interrupt: Callable[[bool], bool]) -> Any:
        """Runs ``work`` on this thread when its stack suffices, else hands
        it to the Vm's thread and waits."""
        if self._main_direct and threading.current_thread() is threading.main_thread():
            with self.lock:
                return work()
        self._start()
        job = _Job(work)
        self._jobs.put(job)
        interrupted = False
        while True:
            try:
                job.done.wait()
                break
            except KeyboardInterrupt:  # a waiting thread's own (not from SIGINT: noted)
                if not on_interrupt(False):
                    interrupted = True
        if interrupted:
            raise KeyboardInterrupt
        if job.error is not None:
            raise job.error
        return job.result

    def _run_guarded(self, work: Callable[[], Any], on_interrupt: Callable[[bool], bool]) -> Any:
        """Runs ``work`` from the main thread with SIGINT only noted:
        Python's handler would raise KeyboardInterrupt inside a host import,
        which must not unwind through wasmtime. A SIGINT goes to a
        ``break_on_sigint`` run when one is active (as Node's breakOnSigint,
        even where SIGINT was ignored); otherwise it stops the call and,
        after it, goes to the handler that was there (an ignored SIGINT
        stays ignored and stops nothing)."""
        previous = _sig.getsignal(signal.SIGINT)
        ignored = previous == signal.SIG_IGN
        seen: List[bool] = []

        def note(_signum: int, _frame: Any) -> None:
            if not on_interrupt(ignored) and not ignored:
                seen.append(True)

        try:
            _sig.signal(signal.SIGINT, note)
        except (ValueError, TypeError):  # not settable here: run unguarded
            return work()
        self._guarding = True
        try:
            return work()
        finally:
            self._guarding = False
            _sig.signal(signal.SIGINT, previous)
            if seen:
                if callable(previous):
                    previous(signal.SIGINT, None)
                elif previous == signal.SIG_DFL:
                    signal.raise_signal(signal.SIGINT)

    def close(self) -> None:
        """Ends the thread once its queued jobs ran."""
        if self._thread is not None:
            self._jobs.put(None)
