"""The thread every guest call of a Vm runs on.

wasmtime runs wasm on the calling thread's stack, and the guest may use up
to ``MAX_WASM_STACK`` of it (deep recursion must end in the guest's own
RangeError, not in a crash). Python's threads have 8 MiB, so each Vm owns
one thread with a stack large enough, and its public methods hand their
work to it. Host functions run there too; a call made from that thread
(a host function using the Vm) runs directly.
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Callable, Optional

from ._component import GUEST_THREAD_STACK

_STACK_LOCK = threading.Lock()


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
        self._jobs: "queue.SimpleQueue[Optional[_Job]]" = queue.SimpleQueue()
        with _STACK_LOCK:
            previous = threading.stack_size(GUEST_THREAD_STACK)
            try:
                self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
                self._thread.start()
            finally:
                threading.stack_size(previous)

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job.result = job.work()
            except BaseException as error:  # handed to the caller
                job.error = error
            job.done.set()

    def on_thread(self) -> bool:
        """Whether the caller is this thread (a host function)."""
        return threading.current_thread() is self._thread

    def run(self, work: Callable[[], Any], on_interrupt: Callable[[], bool]) -> Any:
        """Runs ``work`` on the thread and returns what it returns.

        A KeyboardInterrupt that reaches the waiting thread is passed to
        ``on_interrupt``, which asks the guest to stop; the wait goes on
        until the guest has stopped. It is raised afterwards unless
        ``on_interrupt`` returned True (a ``break_on_sigint`` run took it).
        """
        if self.on_thread():
            return work()
        job = _Job(work)
        self._jobs.put(job)
        interrupted = False
        while True:
            try:
                job.done.wait()
                break
            except KeyboardInterrupt:
                if not on_interrupt():
                    interrupted = True
        if interrupted:
            raise KeyboardInterrupt
        if job.error is not None:
            raise job.error
        return job.result

    def close(self) -> None:
        """Ends the thread once its queued jobs ran."""
        self._jobs.put(None)
