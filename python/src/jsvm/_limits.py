"""Run limits on the host side, as the Rust host keeps them
(host/src/limits.rs): the clock guest time is measured with, the stack of
run scopes the guest opens (``enter-run``/``leave-run``), the stop a
checkpoint reports, and when to stop by force.

Soft stops are the normal way: the guest asks at its checkpoints and
unwinds cleanly, so the context survives. A forced stop (a trap, after
which the Vm is rebuilt) is the last line of defence for a guest stuck
where no checkpoint runs: fuel runs out at twice the budget, or the epoch
callback sees a deadline long past.
"""

from __future__ import annotations

import threading
import time
from typing import List, NamedTuple, Optional, Tuple

#: How long a guest may go without honouring a stop before it is forced.
HARD_STOP_SLACK = 0.25

#: The least fuel a guest may run past a budget before a forced stop (it
#: must exceed what the guest burns between two checkpoints).
HARD_STOP_MIN_FUEL = 500_000_000

TIMEOUT = "ERR_SCRIPT_EXECUTION_TIMEOUT"
INTERRUPTED = "ERR_SCRIPT_EXECUTION_INTERRUPTED"
#: Node's message for an interrupted run.
INTERRUPTED_MESSAGE = "Script execution interrupted."


class Budget(NamedTuple):
    """What a scope may use: milliseconds of time, or an exact fuel amount."""

    millis: Optional[int] = None
    fuel: Optional[int] = None


class Meter(NamedTuple):
    """A reading of the guest clock: fuel consumed (None without metering)
    and the wall time."""

    fuel: Optional[int]
    at: float


class _Scope(NamedTuple):
    id: int
    start: Meter
    start_cpu: Optional[float]
    budget: Optional[Budget]
    sigint: bool


class InterruptHandle:
    """Stops a Vm from another thread: the running call fails with
    ``ERR_SCRIPT_EXECUTION_INTERRUPTED`` and the Vm keeps its state. A
    request made while nothing runs applies to the next call."""

    def __init__(self) -> None:
        self._requested = threading.Event()
        #: Wakes an awaiting ``Vm.resolve`` (set by the async driver).
        self.wake = lambda: None

    def interrupt(self) -> None:
        """Asks the Vm to stop what it is running."""
        self._requested.set()
        self.wake()

    def is_requested(self) -> bool:
        """Whether a stop was asked for and not yet taken."""
        return self._requested.is_set()

    def take(self) -> bool:
        """Takes a pending request."""
        if self._requested.is_set():
            self._requested.clear()
            return True
        return False


class Limits:
    """Per-Vm limit state. ``clock`` is ``"cpu"`` (the guest thread's CPU
    time), ``"fuel"`` (fuel at ``fuel_per_ms``) or ``"wall"``."""

    def __init__(self, clock: str, fuel_per_ms: Optional[int], interrupt: InterruptHandle) -> None:
        self.clock = clock
        self.fuel_per_ms = fuel_per_ms
        self.interrupt = interrupt
        self._scopes: List[_Scope] = []
        self._next_id = 1
        self._pending: Optional[Tuple[int, str]] = None
        self._stop_requested_at: Optional[float] = None
        #: A SIGINT seen while a ``break_on_sigint`` run was active.
        self.sigint_seen = False
        #: Why the last forced stop happened: Node's code and a sentence.
        self.hard_stop: Optional[Tuple[str, str]] = None

    # -- calls and scopes ------------------------------------------------

    def begin_call(self, now: Meter, budget: Optional[Budget], sigint: bool) -> None:
        """A host call begins: its root scope (id 0) carries the caller's budget."""
        self.end_call()
        self._scopes.append(_Scope(0, now, self._cpu_start(budget), budget, sigint))
        self._next_id = 1
        self.hard_stop = None
        self.sigint_seen = False

    def end_call(self) -> None:
        """The host call ended: no scope is left."""
        self._scopes.clear()
        self._pending = None
        self._stop_requested_at = None

    def enter(self, now: Meter, timeout_ms: Optional[int], sigint: bool) -> int:
        """``enter-run``: a run with a timeout and/or breakOnSigint starts."""
        scope_id = self._next_id
        self._next_id += 1
        budget = Budget(millis=timeout_ms) if timeout_ms is not None else None
        self._scopes.append(_Scope(scope_id, now, self._cpu_start(budget), budget, sigint))
        return scope_id

    def leave(self, scope_id: int) -> None:
        """``leave-run``: the run ``scope_id`` and every run inside it ended."""
        while self._scopes and self._scopes[-1].id >= scope_id and self._scopes[-1].id != 0:
            self._scopes.pop()
        if self._pending is not None and self._pending[0] >= scope_id:
            self._pending = None
            self._stop_requested_at = None

    def sigint_active(self) -> bool:
        """Whether a ``break_on_sigint`` run is active (SIGINT is its to take)."""
        return any(s.sigint for s in self._scopes)

    # -- clocks ----------------------------------------------------------

    def _cpu_clock(self) -> bool:
        return self.clock == "cpu"

    def _cpu_start(self, budget: Optional[Budget]) -> Optional[float]:
        if self._cpu_clock() and budget is not None and budget.millis is not None:
            return time.thread_time()
        return None

    def _budget_fuel(self, budget: Budget) -> Optional[int]:
        if budget.fuel is not None:
            return budget.fuel
        if budget.millis is not None and self.clock == "fuel" and self.fuel_per_ms:
            return budget.millis * self.fuel_per_ms
        return None

    def _expired(self, scope: _Scope, now: Meter, cpu: Optional[float]) -> bool:
        budget = scope.budget
        if budget is None:
            return False
        if budget.millis is not None and scope.start_cpu is not None and cpu is not None:
            return (cpu - scope.start_cpu) * 1000 > budget.millis
        allowed = self._budget_fuel(budget)
        if allowed is not None and now.fuel is not None and scope.start.fuel is not None:
            return now.fuel - scope.start.fuel > allowed
        if budget.millis is not None:
            return (now.at - scope.start.at) * 1000 > budget.millis
        return False

    # -- checks ----------------------------------------------------------

    def checkpoint(self, now: Meter) -> Optional[Tuple[int, str]]:
        """``checkpoint``: the stop ``(scope, reason)`` the guest must unwind
        for, if any. The interrupt handle ends the whole call; SIGINT the
        innermost breakOnSigint run; a timeout the outermost expired run."""
        if self._pending is not None:
            return self._pending
        stop: Optional[Tuple[int, str]] = None
        if self.interrupt.take():
            stop = (0, "interrupted")
        else:
            sigint_scope = next((s for s in reversed(self._scopes) if s.sigint), None)
            if sigint_scope is not None and self.sigint_seen:
                self.sigint_seen = False
                stop = (sigint_scope.id, "interrupted")
            else:
                cpu = time.thread_time() if any(s.start_cpu is not None for s in self._scopes) else None
                expired = next((s for s in self._scopes if self._expired(s, now, cpu)), None)
                if expired is not None:
                    stop = (expired.id, "timeout")
        if stop is not None:
            self._pending = stop
            self._stop_requested_at = now.at
        return stop

    def hard_fuel_limit(self) -> Optional[int]:
        """Fuel consumed (since the call began) at which to stop by force."""
        if self.clock == "wall":
            return None
        slack = max((self.fuel_per_ms or 0) * int(HARD_STOP_SLACK * 1000), HARD_STOP_MIN_FUEL)
        limits = []
        for scope in self._scopes:
            if scope.budget is None:
                continue
            allowed = self._budget_fuel(scope.budget)
            if allowed is not None:
                limits.append((scope.start.fuel or 0) + allowed * 2 + slack)
        return min(limits) if limits else None

    def must_force_stop(self, now: float, cpu: float) -> bool:
        """Whether the epoch callback must stop the guest by force now: a
        requested stop not honoured in time, or a deadline long past.
        ``cpu`` is the guest thread's CPU time (read by the callback, which
        runs on that thread)."""
        if self._stop_requested_at is not None and now - self._stop_requested_at > HARD_STOP_SLACK * 2:
            code = TIMEOUT if self._pending is not None and self._pending[1] == "timeout" else INTERRUPTED
            self.hard_stop = (code, "the guest did not stop at a checkpoint after being asked to")
            return True
        if self._stop_requested_at is None and self._pending is None:
            if self.interrupt.is_requested() or (self.sigint_active() and self.sigint_seen):
                self._stop_requested_at = now
        for scope in self._scopes:
            if scope.budget is None or scope.budget.millis is None:
                continue
            deadline = scope.budget.millis / 1000 * 2 + HARD_STOP_SLACK
            if scope.start_cpu is not None:
                past = cpu - scope.start_cpu > deadline
            else:
                past = self.clock == "wall" and now - scope.start.at > deadline
            if past:
                self.hard_stop = (TIMEOUT, "the timeout passed long ago and the guest reached no checkpoint")
                return True
        return False
