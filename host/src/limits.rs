//! Run limits on the host side: the clock guest time is measured with, the
//! stack of run scopes the guest opens (`enter-run`/`leave-run`), which
//! stop a checkpoint reports, and when to stop by force.
//!
//! Soft stops are the normal way: the guest asks at its checkpoints and
//! unwinds cleanly, so the context survives. Hard stops (a trap, after which
//! the Vm is rebuilt) are the last line of defence for a guest stuck where
//! no checkpoint runs (a catastrophic regex, a giant sort): fuel runs out
//! at twice the budget, or the epoch callback sees a deadline long past.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::bindings::imported::{Stop, StopReason};
use crate::sigint;

/// How guest time is measured.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Clock {
    /// Fuel metering on. A `fuel` budget is exact; a millisecond `timeout`
    /// becomes fuel at `fuel_per_ms` when the embedder set a rate
    /// (deterministic across machines), and is otherwise measured by the
    /// calling thread's CPU time (precise on every workload, from the first
    /// run in a process, and unaffected by other load on the machine).
    Fuel { fuel_per_ms: Option<u64> },
    /// By the wall clock; fuel metering is off (faster).
    Wall,
}

/// A reading of the clock.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Meter {
    /// Fuel consumed since the Vm's call began (None when fuel is off).
    pub fuel: Option<u64>,
    pub at: Instant,
}

impl Meter {
    /// A reading without fuel.
    pub fn wall() -> Meter {
        Meter { fuel: None, at: Instant::now() }
    }
}

/// What a scope may use.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Budget {
    Millis(u32),
    Fuel(u64),
}

#[derive(Debug)]
struct Scope {
    id: u32,
    start: Meter,
    /// The thread's CPU time at the start, for a millisecond budget that
    /// the CPU clock measures.
    start_cpu: Option<Duration>,
    budget: Option<Budget>,
    sigint: bool,
}

/// Slack added to every hard limit: how long a guest may go without a
/// checkpoint before it is stopped by force.
const HARD_STOP_SLACK: Duration = Duration::from_millis(250);

/// The least fuel a guest may run past a budget before a forced stop. It
/// must exceed what the guest burns between two checkpoints: 10,000 ticks
/// can be cheap loop edges or costly calls (a write to a contextified
/// global runs a JavaScript Proxy trap: 50 million fuel was seen to be too
/// little for one interval of `for (;;) n++` in a context).
const HARD_STOP_MIN_FUEL: u64 = 500_000_000;

/// A request to stop a Vm from another thread.
#[derive(Clone, Debug, Default)]
pub struct InterruptHandle {
    requested: Arc<AtomicBool>,
    /// Wakes the Vm's async driver when it waits on host futures.
    pub(crate) waker: crate::async_host::WakeSlot,
}

impl InterruptHandle {
    /// Asks the Vm to stop what it is running: the current call fails with
    /// `ERR_SCRIPT_EXECUTION_INTERRUPTED` and the Vm keeps its state. A
    /// request made while nothing runs applies to the next call; one made
    /// while [`crate::Vm::resolve`] awaits host futures ends that await.
    pub fn interrupt(&self) {
        self.requested.store(true, Ordering::SeqCst);
        crate::engine::nudge_epochs();
        self.waker.wake();
    }

    /// Whether a stop was asked for and not yet taken.
    pub(crate) fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    pub(crate) fn take(&self) -> bool {
        self.requested.swap(false, Ordering::SeqCst)
    }
}

/// Per-Vm limit state.
#[derive(Debug)]
pub(crate) struct Limits {
    pub clock: Clock,
    scopes: Vec<Scope>,
    next_id: u32,
    pub interrupt: InterruptHandle,
    pending: Option<Stop>,
    stop_requested_at: Option<Instant>,
    /// Why the last forced stop happened (Node's code and a sentence), for
    /// the error the caller gets.
    pub hard_stop: Option<(&'static str, String)>,
}

impl Limits {
    pub fn new(clock: Clock, interrupt: InterruptHandle) -> Limits {
        Limits { clock, scopes: Vec::new(), next_id: 1, interrupt, pending: None, stop_requested_at: None, hard_stop: None }
    }

    /// A host call begins: its root scope (id 0) carries the caller's budget.
    pub fn begin_call(&mut self, now: Meter, budget: Option<Budget>, sigint: bool) {
        self.end_call();
        if sigint {
            sigint::enter();
        }
        let start_cpu = self.cpu_start(budget);
        self.scopes.push(Scope { id: 0, start: now, start_cpu, budget, sigint });
        self.next_id = 1;
        self.pending = None;
        self.stop_requested_at = None;
        self.hard_stop = None;
    }

    /// The host call ended: no scope is left.
    pub fn end_call(&mut self) {
        for scope in self.scopes.drain(..) {
            if scope.sigint {
                sigint::leave();
            }
        }
        self.pending = None;
        self.stop_requested_at = None;
    }

    /// Whether millisecond budgets are measured by the thread's CPU time.
    fn cpu_clock(&self) -> bool {
        matches!(self.clock, Clock::Fuel { fuel_per_ms: None })
    }

    /// The CPU reading a scope with `budget` starts from, if it needs one.
    fn cpu_start(&self, budget: Option<Budget>) -> Option<Duration> {
        (self.cpu_clock() && matches!(budget, Some(Budget::Millis(_)))).then(work_clock)
    }

    /// `enter-run`: a run with a timeout and/or breakOnSigint starts.
    pub fn enter(&mut self, now: Meter, timeout_ms: Option<u32>, sigint: bool) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        if sigint {
            sigint::enter();
        }
        let budget = timeout_ms.map(Budget::Millis);
        let start_cpu = self.cpu_start(budget);
        self.scopes.push(Scope { id, start: now, start_cpu, budget, sigint });
        id
    }

    /// `leave-run`: the run `id` and every run inside it ended.
    pub fn leave(&mut self, id: u32) {
        while self.scopes.last().is_some_and(|s| s.id >= id && s.id != 0) {
            if self.scopes.pop().is_some_and(|s| s.sigint) {
                sigint::leave();
            }
        }
        if self.pending.is_some_and(|p| p.scope >= id) {
            self.pending = None;
            self.stop_requested_at = None;
        }
    }

    fn budget_fuel(&self, budget: Budget) -> Option<u64> {
        match (budget, self.clock) {
            (Budget::Fuel(fuel), _) => Some(fuel),
            (Budget::Millis(ms), Clock::Fuel { fuel_per_ms: Some(rate) }) => Some(u64::from(ms) * rate),
            (Budget::Millis(_), _) => None,
        }
    }

    /// Whether `scope` used up its budget. `cpu` is the thread's CPU time
    /// now, read once per check by the caller when some scope needs it.
    fn expired(&self, scope: &Scope, now: Meter, cpu: Option<Duration>) -> bool {
        let Some(budget) = scope.budget else { return false };
        if let (Budget::Millis(ms), Some(start), Some(cpu)) = (budget, scope.start_cpu, cpu) {
            return cpu.saturating_sub(start) > Duration::from_millis(u64::from(ms));
        }
        match (self.budget_fuel(budget), now.fuel, scope.start.fuel) {
            (Some(allowed), Some(used), Some(start)) => used.saturating_sub(start) > allowed,
            _ => match budget {
                Budget::Millis(ms) => now.at.duration_since(scope.start.at) > Duration::from_millis(u64::from(ms)),
                Budget::Fuel(_) => false,
            },
        }
    }

    /// `checkpoint`: the stop the guest must unwind for, if any. Interrupts
    /// end the innermost breakOnSigint run (SIGINT) or the whole call (the
    /// interrupt handle); timeouts end the outermost expired run.
    pub fn checkpoint(&mut self, now: Meter) -> Option<Stop> {
        if self.pending.is_some() {
            return self.pending;
        }
        let stop = if self.interrupt.take() {
            Some(Stop { scope: 0, reason: StopReason::Interrupted })
        } else if let Some(scope) = self.scopes.iter().rev().find(|s| s.sigint)
            && sigint::take()
        {
            Some(Stop { scope: scope.id, reason: StopReason::Interrupted })
        } else {
            let cpu = self.scopes.iter().any(|s| s.start_cpu.is_some()).then(work_clock);
            self.scopes.iter().find(|s| self.expired(s, now, cpu)).map(|s| Stop { scope: s.id, reason: StopReason::Timeout })
        };
        if stop.is_some() {
            self.pending = stop;
            self.stop_requested_at = Some(now.at);
        }
        stop
    }

    /// Fuel consumed (since the call began) at which to stop by force: twice
    /// the tightest budget, plus slack.
    pub fn hard_fuel_limit(&self) -> Option<u64> {
        let Clock::Fuel { fuel_per_ms } = self.clock else { return None };
        // At least HARD_STOP_MIN_FUEL: fuel between two checkpoints varies
        // with the code (a tick can be a cheap loop edge or a costly call).
        let slack = (fuel_per_ms.unwrap_or(0) * HARD_STOP_SLACK.as_millis() as u64).max(HARD_STOP_MIN_FUEL);
        self.scopes
            .iter()
            .filter_map(|s| {
                let budget = self.budget_fuel(s.budget?)?;
                Some(s.start.fuel.unwrap_or(0) + budget.saturating_mul(2) + slack)
            })
            .min()
    }

    /// Whether the epoch callback must stop the guest by force now: a
    /// requested stop not honoured in time, or a wall-clock deadline long past.
    pub fn must_force_stop(&mut self, now: Instant) -> bool {
        if let Some(requested) = self.stop_requested_at
            && now.duration_since(requested) > HARD_STOP_SLACK * 2
        {
            let code = match self.pending {
                Some(Stop { reason: StopReason::Timeout, .. }) => "ERR_SCRIPT_EXECUTION_TIMEOUT",
                _ => "ERR_SCRIPT_EXECUTION_INTERRUPTED",
            };
            self.hard_stop = Some((code, "the guest did not stop at a checkpoint after being asked to".into()));
            return true;
        }
        // The interrupt handle and SIGINT are noticed here too, so a guest
        // that never reaches a checkpoint is still stopped.
        if self.stop_requested_at.is_none() && self.pending.is_none() {
            let interrupted = self.interrupt.is_requested()
                || (self.scopes.iter().any(|s| s.sigint) && sigint::seen());
            if interrupted {
                self.stop_requested_at = Some(now);
            }
        }
        let cpu = self.scopes.iter().any(|s| s.start_cpu.is_some()).then(work_clock);
        let past_deadline = self.scopes.iter().any(|s| {
            let Some(Budget::Millis(ms)) = s.budget else { return false };
            let deadline = Duration::from_millis(u64::from(ms)) * 2 + HARD_STOP_SLACK;
            match (s.start_cpu, cpu) {
                (Some(start), Some(cpu)) => cpu.saturating_sub(start) > deadline,
                _ => matches!(self.clock, Clock::Wall) && now.duration_since(s.start.at) > deadline,
            }
        });
        if past_deadline {
            self.hard_stop =
                Some(("ERR_SCRIPT_EXECUTION_TIMEOUT", "the timeout passed long ago and the guest reached no checkpoint".into()));
        }
        past_deadline
    }
}

/// The calling thread's CPU time where the platform has it (wasmtime runs
/// the guest on the thread that calls the Vm), else the wall clock.
pub(crate) fn work_clock() -> Duration {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: clock_gettime writes one timespec into `ts`.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32);
        }
    }
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed()
}
