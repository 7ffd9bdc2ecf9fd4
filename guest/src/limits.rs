//! `timeout` and `breakOnSigint` inside the guest: the cooperative stop.
//!
//! The patched Boa calls [`interrupt_handler`] every [`CHECK_INTERVAL`]
//! ticks (loop back-edges and calls). It asks the host, which keeps the
//! clock (fuel or wall time) and the interrupt flags, whether to stop. A
//! stop unwinds as an error JavaScript cannot catch; the run whose scope the
//! stop names turns it into Node's error, which from there on is ordinary
//! and catchable (so an inner timeout can be caught by an outer script, and
//! an outer timeout passes through the inner run).
//! See <https://nodejs.org/docs/latest-v20.x/api/vm.html#timeout-interactions-with-asynchronous-tasks-and-promises>.

use std::cell::Cell;

use boa_engine::{
    Context, JsError, JsNativeError, JsResult, JsValue, js_string,
    realm::Realm,
    error::{EngineError, RuntimeLimitError},
};

use crate::jsvm::vm::host::{self, Stop, StopReason};

/// Ticks between two checkpoints. ~10,000 kept stop latency to a few ms in
/// the experiment recorded in LIMITS.md; 100,000 let deep recursion overrun.
pub const CHECK_INTERVAL: u32 = 10_000;

thread_local! {
    /// The stop being unwound, until the run it names takes it.
    static PENDING: Cell<Option<Stop>> = const { Cell::new(None) };
    /// The open scopes, innermost last, with their timeouts (so a stop that
    /// reaches the top of a nested host call still says how long its run's
    /// timeout was). Runs without a timeout or breakOnSigint have a scope
    /// of the guest's own (ids from [`LOCAL_SCOPE`] up), which the host
    /// never hears of: the memory limit stops the innermost run.
    static SCOPES: std::cell::RefCell<Vec<(u32, Option<u32>)>> = const { std::cell::RefCell::new(Vec::new()) };
    static NEXT_LOCAL: Cell<u32> = const { Cell::new(LOCAL_SCOPE) };
    /// False while the guest is pre-initialised at build time, when there
    /// is no host to ask.
    static HOST_CHECKS: Cell<bool> = const { Cell::new(true) };
}

/// Runs `f` with the checkpoint's host call off (pre-initialisation).
pub fn without_host<T>(f: impl FnOnce() -> T) -> T {
    HOST_CHECKS.set(false);
    let result = f();
    HOST_CHECKS.set(true);
    result
}

/// The first id of the guest's own scopes (host ids stay below it).
const LOCAL_SCOPE: u32 = 0x8000_0000;

/// Installed on the Boa context: checks the heap limit, then asks the host
/// whether to stop. The live heap counts garbage the collector has not
/// reached yet, so past the limit it collects first and stops only if what
/// is still reachable is past it: garbage left by earlier calls never
/// stops a run.
pub fn interrupt_handler() -> bool {
    if crate::memory::over_limit() {
        boa_gc::force_collect();
        if crate::memory::still_over_limit() {
            stop_for_memory();
            return true;
        }
    }
    if !HOST_CHECKS.get() {
        return false;
    }
    match host::checkpoint() {
        Some(stop) => {
            PENDING.set(Some(stop));
            true
        }
        None => false,
    }
}

/// Installed as Boa's memory guard (the strings patch asks it before
/// building a string): `false`, with the memory stop pending, when `bytes`
/// do not fit under the limit even after a collection.
pub fn memory_guard(bytes: usize) -> bool {
    if crate::memory::allows(bytes) {
        return true;
    }
    boa_gc::force_collect();
    if crate::memory::allows(bytes) {
        return true;
    }
    stop_for_memory();
    false
}

/// Makes the innermost run's stop the memory limit's.
fn stop_for_memory() {
    crate::memory::stopped();
    let scope = SCOPES.with_borrow(|s| s.last().map_or(0, |(id, _)| *id));
    PENDING.set(Some(Stop { scope, reason: StopReason::MemoryLimit }));
}

/// Whether an error is the uncatchable unwinding of a stop.
pub fn is_stop(error: &JsError) -> bool {
    matches!(error.as_engine(), Some(EngineError::RuntimeLimit(RuntimeLimitError::Interrupted)))
}

/// The stop being unwound, if any (without taking it).
pub fn pending() -> Option<Stop> {
    PENDING.get()
}

/// The limits of one run: its scope while it lasts (the host's, when the
/// run has a timeout or breakOnSigint; else the guest's own).
pub struct RunScope {
    id: u32,
    timeout_ms: Option<u32>,
}

impl RunScope {
    /// Opens the run's scope.
    pub fn enter(timeout_ms: Option<u32>, break_on_sigint: bool) -> RunScope {
        let id = if timeout_ms.is_some() || break_on_sigint {
            host::enter_run(timeout_ms, break_on_sigint)
        } else {
            let id = NEXT_LOCAL.get();
            NEXT_LOCAL.set(if id == u32::MAX { LOCAL_SCOPE } else { id + 1 });
            id
        };
        SCOPES.with_borrow_mut(|s| s.push((id, timeout_ms)));
        RunScope { id, timeout_ms }
    }

    /// Closes the scope and turns a stop aimed at it into Node's error (a
    /// timeout or interrupt is an `Error` of `realm`, the context the run
    /// was in, as V8 raises it there); any other outcome passes through
    /// unchanged.
    pub fn finish<T>(self, result: JsResult<T>, realm: &Realm, context: &mut Context) -> JsResult<T> {
        let id = self.id;
        if id < LOCAL_SCOPE {
            host::leave_run(id);
        }
        // This scope and any left open inside it.
        SCOPES.with_borrow_mut(|s| {
            if let Some(at) = s.iter().rposition(|(open, _)| *open == id) {
                s.truncate(at);
            }
        });
        match result {
            Err(error) if is_stop(&error) => match PENDING.get() {
                Some(stop) if stop.scope == id => {
                    PENDING.set(None);
                    if stop.reason == StopReason::MemoryLimit {
                        boa_gc::force_collect(); // what the stopped run held
                    }
                    // Node raises a timeout or an interrupt in the context
                    // that ran; the memory limit is jsvm's own, a node:vm
                    // layer error like its other ones.
                    Err(match stop.reason {
                        StopReason::MemoryLimit => node_error(stop.reason, self.timeout_ms, context),
                        _ => crate::natives::in_realm(realm, context, |context| node_error(stop.reason, self.timeout_ms, context)),
                    })
                }
                _ => Err(error),
            },
            other => other,
        }
    }
}

/// Runs `f` as one node:vm run: `limits` are the native arguments
/// `(realm, timeout, breakOnSigint, afterEvaluate)` (timeout in ms, -1 for
/// none). The scope covers `f` and, with `afterEvaluate`, the promise jobs
/// it queued in that realm's own queue.
pub fn run_with_limits<T>(
    limits: &[JsValue],
    context: &mut Context,
    f: impl FnOnce(&mut Context) -> JsResult<T>,
) -> JsResult<T> {
    let arg = |i: usize| limits.get(i).cloned().unwrap_or_default();
    let realm = crate::natives::realm_arg(&arg(0))?;
    let timeout = arg(1).to_number(context)?;
    let timeout_ms = (timeout > 0.0).then_some(timeout as u32);
    let scope = RunScope::enter(timeout_ms, arg(2).to_boolean());
    let mut result = f(context);
    if arg(3).to_boolean()
        && result.is_ok()
        && let Err(error) = crate::jobs::drain_realm(&realm, context)
    {
        result = Err(error);
    }
    // A stop ends what the run queued in the context's own queue too, as
    // V8 clears a microtask queue that termination interrupted: the next
    // run (perhaps without a timeout) must not pick up a runaway chain.
    if arg(3).to_boolean()
        && let Err(error) = &result
        && is_stop(error)
    {
        crate::jobs::discard_realm(&realm, context);
    }
    scope.finish(result, &realm, context)
}

/// Node's error for a stop: an `Error` of the current realm with `code`.
pub fn node_error(reason: StopReason, timeout_ms: Option<u32>, context: &mut Context) -> JsError {
    let (code, message) = match (reason, timeout_ms) {
        (StopReason::Timeout, Some(ms)) => ("ERR_SCRIPT_EXECUTION_TIMEOUT", format!("Script execution timed out after {ms}ms")),
        (StopReason::Timeout, None) => ("ERR_SCRIPT_EXECUTION_TIMEOUT", "Script execution timed out".to_string()),
        (StopReason::Interrupted, _) => ("ERR_SCRIPT_EXECUTION_INTERRUPTED", "Script execution interrupted.".to_string()),
        (StopReason::MemoryLimit, _) => (
            "ERR_VM_MEMORY_LIMIT",
            format!("jsvm: the VM's memory limit ({} bytes) was reached", crate::memory::limit().unwrap_or_default()),
        ),
    };
    let error = JsNativeError::error().with_message(message).into_opaque(context);
    let _ = error.set(js_string!("code"), js_string!(code), false, context);
    JsError::from_opaque(error.into())
}

/// A stop that reached the top of a host call (scope 0, or a scope whose
/// run was left without taking it): Node's error for its reason.
pub fn take_unclaimed(context: &mut Context) -> Option<JsError> {
    let stop = PENDING.take()?;
    if stop.reason == StopReason::MemoryLimit {
        // What the stopped code held is garbage now: collect it, so the
        // next call does not meet the limit again.
        boa_gc::force_collect();
    }
    let timeout_ms = SCOPES.with_borrow(|s| s.iter().find(|(id, _)| *id == stop.scope).and_then(|(_, ms)| *ms));
    Some(node_error(stop.reason, timeout_ms, context))
}
