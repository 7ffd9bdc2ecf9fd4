//! Async host functions, and the driver that lets guest code await them.
//!
//! An async host function returns a future. The guest's call gets a host
//! promise (a `host-object` of kind `promise`), which the guest sees as a
//! pending promise of its own; the future is kept in the Vm's
//! [`PendingCalls`]. [`Vm::resolve`] awaits a guest promise on any
//! executor: it polls the pending futures and, as each finishes, settles
//! its guest promise (`vm.settle-host-promise`), which runs the guest's
//! jobs that follow. Many calls may be pending at once; they settle in the
//! order their futures finish.
//!
//! Limits: every guest slice (the call, each settlement and its jobs) runs
//! under the Vm's usual limits, and [`AwaitOptions::timeout`] bounds the
//! whole async program on the wall clock. A timeout or an
//! [`InterruptHandle`](crate::InterruptHandle) request during the await
//! drops the pending futures and rejects their guest promises with Node's
//! error (`ERR_SCRIPT_EXECUTION_TIMEOUT` / `_INTERRUPTED`), so what the
//! program started ends too; so does any guest call that a timeout or an
//! interrupt stops, for the host calls it started (`Vm::call_limited`). A
//! promise that nothing pending can settle fails at once instead of
//! waiting forever; nothing spins while the driver waits (it sleeps until
//! a future, the alarm or an interrupt wakes it).

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use pollster::block_on;

use crate::host_state::HostFn;
use crate::limits::Budget;
use crate::value::{HostFunction, Object, ObjectKind, Value};
use crate::vm::Vm;
use crate::{Error, FunctionOptions, JsException, Result};

/// An async host call's result, to come.
pub type HostFuture = Pin<Box<dyn Future<Output = std::result::Result<Value, JsException>> + Send>>;

/// An async host function as the guest calls it.
pub type AsyncHostFn = Box<dyn FnMut(Vec<Value>) -> HostFuture + Send>;

/// Host promise handles start here, apart from host function indices.
const PROMISE_HANDLES: u32 = 1 << 31;

/// The async host calls whose futures have not finished, by host promise
/// handle, in the order they started.
#[derive(Default)]
pub(crate) struct PendingCalls {
    next: u32,
    /// (host promise handle, start sequence number, future)
    calls: Vec<(u32, u32, HostFuture)>,
}

impl PendingCalls {
    /// Keeps `future`; returns the handle of the host promise the guest gets.
    pub(crate) fn start(&mut self, future: HostFuture) -> u32 {
        let sequence = self.next;
        let handle = PROMISE_HANDLES | (sequence % PROMISE_HANDLES);
        self.next = self.next.wrapping_add(1);
        self.calls.push((handle, sequence, future));
        handle
    }

    /// The sequence number the next call will get.
    pub(crate) fn next_sequence(&self) -> u32 {
        self.next
    }

    /// The calls whose futures finished at this poll (each removed).
    fn poll_finished(&mut self, cx: &mut std::task::Context<'_>) -> Vec<(u32, std::result::Result<Value, JsException>)> {
        let mut finished = Vec::new();
        self.calls.retain_mut(|(handle, _, future)| match future.as_mut().poll(cx) {
            Poll::Ready(outcome) => {
                finished.push((*handle, outcome));
                false
            }
            Poll::Pending => true,
        });
        finished
    }

    /// Drops every pending future; returns their handles.
    fn cancel_all(&mut self) -> Vec<u32> {
        self.calls.drain(..).map(|(handle, _, _)| handle).collect()
    }

    /// Drops the pending futures of calls started at `first` or later;
    /// returns their handles.
    fn cancel_since(&mut self, first: u32) -> Vec<u32> {
        let mut cancelled = Vec::new();
        self.calls.retain(|(handle, sequence, _)| {
            let later = sequence.wrapping_sub(first) < PROMISE_HANDLES;
            if later {
                cancelled.push(*handle);
            }
            !later
        });
        cancelled
    }

    fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }
}

/// Where a waiting driver leaves its waker, for other threads (an
/// interrupt, the alarm) to wake it.
#[derive(Clone, Debug, Default)]
pub(crate) struct WakeSlot(Arc<Mutex<Option<Waker>>>);

impl WakeSlot {
    fn set(&self, waker: &Waker) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(waker.clone());
    }

    pub(crate) fn wake(&self) {
        if let Some(waker) = self.0.lock().unwrap_or_else(|p| p.into_inner()).take() {
            waker.wake();
        }
    }
}

/// Wakes a slot at a deadline, from a thread of its own; dropping it ends
/// the thread early.
struct Alarm {
    thread: std::thread::Thread,
    cancelled: Arc<std::sync::atomic::AtomicBool>,
}

impl Alarm {
    fn set(deadline: Instant, slot: WakeSlot) -> Alarm {
        let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = cancelled.clone();
        let handle = std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                let now = Instant::now();
                if now >= deadline {
                    slot.wake();
                    return;
                }
                std::thread::park_timeout(deadline - now);
            }
        });
        Alarm { thread: handle.thread().clone(), cancelled }
    }
}

impl Drop for Alarm {
    fn drop(&mut self) {
        self.cancelled.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.unpark();
    }
}

/// Limits of one [`Vm::resolve_with`].
#[derive(Clone, Debug, Default)]
pub struct AwaitOptions {
    /// Wall-clock time the whole async program may take: the guest's own
    /// work and the waits on host futures together. When it passes, the
    /// pending host futures are dropped, their guest promises reject with
    /// `ERR_SCRIPT_EXECUTION_TIMEOUT`, and the await fails with that error.
    /// Default: none (each guest slice still runs under the Vm's limits).
    pub timeout: Option<Duration>,
}

/// The guest functions the driver subscribes to promises with, made once
/// per guest instance.
pub(crate) struct Awaiter {
    /// `(promise, sink, token)`: reports the promise's outcome to `sink`.
    subscribe: Object,
    /// `(error)`: throws it, so it comes back as a [`JsException`].
    rethrow: Object,
    sink: HostFunction,
    /// Outcomes reported by the sink: token → (fulfilled, value).
    outcomes: Arc<Mutex<Vec<(u32, bool, Value)>>>,
    next_token: u32,
}

/// Why an await ended early.
#[derive(Clone, Copy)]
enum Stop {
    Timeout,
    Interrupted,
}

impl Stop {
    fn exception(self, timeout: Option<Duration>) -> JsException {
        match self {
            Stop::Timeout => {
                let ms = timeout.map_or(0, |t| t.as_millis());
                JsException::new("Error", format!("Script execution timed out after {ms}ms")).with_code("ERR_SCRIPT_EXECUTION_TIMEOUT")
            }
            Stop::Interrupted => {
                JsException::new("Error", "Script execution interrupted.").with_code("ERR_SCRIPT_EXECUTION_INTERRUPTED")
            }
        }
    }
}

/// How long the guest may run to handle a stop's rejections.
const STOP_GRACE: Duration = Duration::from_millis(100);

impl Vm {
    /// Registers an async host function: guest code that calls it gets a
    /// promise, which settles when the future `f` returns settles (an
    /// `Err` rejects it with that exception: name, message and code). The
    /// futures run when the Vm is driven by [`Vm::resolve`]; they may be
    /// polled on any executor's thread.
    pub fn async_function<F, Fut>(&mut self, mut f: F) -> HostFunction
    where
        F: FnMut(Vec<Value>) -> Fut + Send + 'static,
        Fut: Future<Output = std::result::Result<Value, JsException>> + Send + 'static,
    {
        self.register(HostFn::Async(Box::new(move |args| Box::pin(f(args)))))
    }

    /// Awaits `value` as `await` would: a promise (of any context) is
    /// driven until it settles, running the async host calls it waits on;
    /// anything else is returned as it is. A rejection is an
    /// [`Error::Js`]. See [`Vm::resolve_with`] for limits.
    pub async fn resolve(&mut self, value: Value) -> Result<Value> {
        self.resolve_with(value, &AwaitOptions::default()).await
    }

    /// [`Vm::resolve`] under [`AwaitOptions`]. A promise that no pending
    /// host call can settle fails with an [`Error::Engine`] at once.
    pub async fn resolve_with(&mut self, value: Value, options: &AwaitOptions) -> Result<Value> {
        let Value::Object(object) = &value else { return Ok(value) };
        if object.kind() != ObjectKind::Promise {
            return Ok(value);
        }
        let deadline = options.timeout.map(|t| Instant::now() + t);
        let token = self.subscribe(object)?;
        let slot = self.interrupt.waker.clone();
        let _alarm = deadline.map(|d| Alarm::set(d, slot.clone()));
        loop {
            if let Some((fulfilled, value)) = self.take_outcome(token) {
                return match fulfilled {
                    true => Ok(value),
                    false => Err(self.rethrow(value)),
                };
            }
            let stop = if self.interrupt.take() {
                Some(Stop::Interrupted)
            } else if deadline.is_some_and(|d| Instant::now() >= d) {
                Some(Stop::Timeout)
            } else {
                None
            };
            if let Some(stop) = stop {
                let exception = stop.exception(options.timeout);
                self.cancel_pending(&exception)?;
                return Err(Error::Js(exception));
            }
            if self.store.data().pending.is_empty() {
                return Err(Error::Engine(
                    "the promise can never settle: no async host call it could wait on is pending".into(),
                ));
            }
            let finished = poll_fn(|cx| {
                slot.set(cx.waker());
                let finished = self.store.data_mut().pending.poll_finished(cx);
                let stopping = deadline.is_some_and(|d| Instant::now() >= d) || self.interrupt.is_requested();
                if finished.is_empty() && !stopping { Poll::Pending } else { Poll::Ready(finished) }
            })
            .await;
            for (handle, outcome) in finished {
                let budget = deadline.map(|d| Budget::Millis(d.saturating_duration_since(Instant::now()).as_millis().max(1) as u32));
                self.settle(handle, outcome, budget)?;
            }
        }
    }

    /// Settles one host promise in the guest, which runs the jobs that follow.
    fn settle(&mut self, handle: u32, outcome: std::result::Result<Value, JsException>, budget: Option<Budget>) -> Result<()> {
        let outcome = match outcome {
            Ok(value) => {
                self.check_value(&value)?;
                Ok(value.into_wit())
            }
            Err(exception) => Err(exception.into_wit()),
        };
        self.call_limited(budget, false, |g, s| block_on(g.call_settle_host_promise(s, handle, outcome.as_ref())))
    }

    /// Drops the pending host futures of calls a stopped guest call
    /// started (from sequence number `first`), rejecting their guest
    /// promises with the stop's error, so nothing the stopped run began
    /// goes on later. Failures here are the stop's own: ignored.
    pub(crate) fn cancel_started_since(&mut self, first: u32, exception: &JsException) {
        let handles = self.store.data_mut().pending.cancel_since(first);
        let _ = self.reject_all(handles, exception);
    }

    /// Drops every pending host future and rejects its guest promise with
    /// `exception`; the guest may handle the rejections for a moment.
    fn cancel_pending(&mut self, exception: &JsException) -> Result<()> {
        let handles = self.store.data_mut().pending.cancel_all();
        self.reject_all(handles, exception)
    }

    fn reject_all(&mut self, handles: Vec<u32>, exception: &JsException) -> Result<()> {
        let budget = Some(Budget::Millis(STOP_GRACE.as_millis() as u32));
        for handle in handles {
            let outcome = Err(exception.clone());
            match self.settle(handle, outcome, budget) {
                // Guest code that ran on past the grace is stopped; the
                // await's own error says what happened.
                Ok(()) | Err(Error::Js(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// Asks the guest to report `promise`'s outcome to the sink; returns
    /// the token the outcome will carry.
    fn subscribe(&mut self, promise: &Object) -> Result<u32> {
        if self.awaiter.is_none() {
            let outcomes: Arc<Mutex<Vec<(u32, bool, Value)>>> = Arc::default();
            let reports = outcomes.clone();
            let sink = self.function(move |args| {
                let mut args = args.into_iter();
                let token = match args.next() {
                    Some(Value::Number(n)) => n as u32,
                    _ => return Ok(Value::Undefined),
                };
                let fulfilled = matches!(args.next(), Some(Value::Bool(true)));
                let value = args.next().unwrap_or(Value::Undefined);
                reports.lock().unwrap_or_else(|p| p.into_inner()).push((token, fulfilled, value));
                Ok(Value::Undefined)
            });
            let options = FunctionOptions::default();
            let subscribe = self.compile_function(
                "Promise.resolve(promise).then((v) => sink(token, true, v), (e) => sink(token, false, e));",
                &["promise", "sink", "token"],
                &options,
            )?;
            let rethrow = self.compile_function("throw error;", &["error"], &options)?;
            self.awaiter = Some(Awaiter { subscribe, rethrow, sink, outcomes, next_token: 0 });
        }
        let awaiter = self.awaiter.as_mut().expect("made above");
        let token = awaiter.next_token;
        awaiter.next_token = awaiter.next_token.wrapping_add(1);
        let (subscribe, sink) = (awaiter.subscribe.clone(), awaiter.sink);
        self.call_function(&subscribe, &[Value::Object(promise.clone()), Value::HostFunction(sink), Value::Number(token.into())])?;
        Ok(token)
    }

    fn take_outcome(&mut self, token: u32) -> Option<(bool, Value)> {
        let awaiter = self.awaiter.as_ref()?;
        let mut outcomes = awaiter.outcomes.lock().unwrap_or_else(|p| p.into_inner());
        let at = outcomes.iter().position(|(t, _, _)| *t == token)?;
        let (_, fulfilled, value) = outcomes.remove(at);
        Some((fulfilled, value))
    }

    /// A rejection value as the exception a throw of it gives.
    fn rethrow(&mut self, value: Value) -> Error {
        let Some(rethrow) = self.awaiter.as_ref().map(|a| a.rethrow.clone()) else {
            return Error::Engine("jsvm: the await helper is gone".into());
        };
        match self.call_function(&rethrow, &[value]) {
            Err(error) => error,
            Ok(_) => Error::Engine("jsvm: rethrowing a rejection returned".into()),
        }
    }
}
