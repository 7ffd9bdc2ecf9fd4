//! Jobs: promise jobs, `microtaskMode`, and the module loader's futures.
//!
//! Jobs of ordinary contexts share the main queue, drained when the host's
//! call ends, as Node drains microtasks after the main script. A context
//! created with `microtaskMode: 'afterEvaluate'` gets a queue of its own,
//! drained at the end of every run in that context, inside the run's
//! timeout.
//!
//! Module loading runs as futures (Boa's `NativeAsyncJob`s). Boa's own
//! executor polls a pending future forever, so a dynamic-import callback
//! whose promise never settles would hang the call; here a drain ends when
//! neither a promise job nor a future can make progress. The futures still
//! pending wait, parked, for a later drain: a JavaScript host's callback
//! promise settles only after the call that started the import has
//! returned to the host's event loop. A loader that never answers leaves
//! one parked future, polled once per drain and never spinning.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Poll, Wake, Waker};

use boa_engine::{
    Context, JsNativeError, JsResult, JsValue,
    job::{GenericJob, Job, JobExecutor, NativeAsyncJob, PromiseJob},
    realm::Realm,
};

/// The guest's [`JobExecutor`].
pub struct Jobs {
    promise: RefCell<VecDeque<PromiseJob>>,
    generic: RefCell<VecDeque<GenericJob>>,
    futures: RefCell<Vec<NativeAsyncJob>>,
    /// Started futures that were still pending when a drain ended.
    parked: RefCell<Vec<Running<'static>>>,
    /// The pending jobs of `afterEvaluate` contexts, by realm. A realm is
    /// listed only while it has jobs, so a dropped context is not kept alive.
    isolated: RefCell<Vec<(Realm, VecDeque<PromiseJob>)>>,
}

type Running<'a> = Pin<Box<dyn Future<Output = JsResult<JsValue>> + 'a>>;

impl Jobs {
    pub fn new() -> Self {
        Jobs {
            promise: RefCell::default(),
            generic: RefCell::default(),
            futures: RefCell::default(),
            parked: RefCell::default(),
            isolated: RefCell::default(),
        }
    }

    fn pop(&self, realm: &Realm) -> Option<PromiseJob> {
        let mut isolated = self.isolated.borrow_mut();
        let index = isolated.iter().position(|(r, _)| r == realm)?;
        let job = isolated[index].1.pop_front();
        if isolated[index].1.is_empty() {
            isolated.swap_remove(index);
        }
        job
    }

    fn clear(&self) {
        self.promise.borrow_mut().clear();
        self.generic.borrow_mut().clear();
        self.futures.borrow_mut().clear();
        self.parked.borrow_mut().clear();
    }

    /// Runs every job until nothing can make progress.
    fn drain(&self, context: &mut Context) -> JsResult<()> {
        if LASTING.get().is_some_and(|cell| cell.try_borrow_mut().is_err()) {
            return Ok(()); // a drain inside a job of the running drain: it goes on
        }
        let context = lasting_context(context);
        let mut running = std::mem::take(&mut *self.parked.borrow_mut());
        let result = self.drain_with(context, &mut running);
        self.parked.borrow_mut().extend(running);
        result
    }

    fn drain_with(&self, context: &'static RefCell<&'static mut Context>, running: &mut Vec<Running<'static>>) -> JsResult<()> {
        loop {
            let started: Vec<NativeAsyncJob> = std::mem::take(&mut *self.futures.borrow_mut());
            let mut progressed = !started.is_empty();
            running.extend(started.into_iter().map(|job| Box::pin(job.call(context)) as Running<'static>));
            progressed |= poll_all(running)?;
            loop {
                let job = self.promise.borrow_mut().pop_front();
                let Some(job) = job else { break };
                progressed = true;
                job.call(&mut context.borrow_mut())?;
                resume_stop()?;
                // A job that queued a future (an `import()`), or settled a
                // promise a running future waits on, gets that future
                // started or polled now, not after the whole queue: in Node
                // an import() settles within a few microtask turns, and
                // code that awaits in a loop waits for it.
                if !self.futures.borrow().is_empty() || WOKEN.with(|flag| flag.0.swap(false, Ordering::Relaxed)) {
                    break;
                }
            }
            loop {
                let job = self.generic.borrow_mut().pop_front();
                let Some(job) = job else { break };
                progressed = true;
                job.call(&mut context.borrow_mut())?;
            }
            context.borrow_mut().clear_kept_objects();
            if !progressed && self.futures.borrow().is_empty() {
                return Ok(());
            }
        }
    }
}

thread_local! {
    /// The context as the parked futures borrow it (see [`lasting_context`]).
    static LASTING: std::cell::Cell<Option<&'static RefCell<&'static mut Context>>> = const { std::cell::Cell::new(None) };
}

/// The guest's one context in a `RefCell` that lives as long as the
/// program, for futures that outlive the drain that started them.
///
/// SAFETY: the guest's context lives in a thread-local for the whole
/// program and is never moved (`component::with_context`), so the pointer
/// stays valid. A future only uses it while it is polled, and polling
/// happens only inside a drain, which holds the context's `&mut` and does
/// nothing else with it meanwhile: the same discipline as Boa's own
/// `RefCell<&mut Context>` for a drain, stretched over several drains.
fn lasting_context(context: &mut Context) -> &'static RefCell<&'static mut Context> {
    let pointer: *mut Context = context;
    // SAFETY: see above.
    let fresh = || unsafe { &mut *pointer };
    match LASTING.get() {
        Some(cell) => {
            *cell.borrow_mut() = fresh();
            cell
        }
        None => {
            let cell: &'static RefCell<&'static mut Context> = Box::leak(Box::new(RefCell::new(fresh())));
            LASTING.set(Some(cell));
            cell
        }
    }
}

/// Polls each running future once, removing the finished ones; whether any
/// finished.
/// Set when a running future is woken (a promise it awaits settled).
struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Relaxed);
    }
}

thread_local! {
    /// The waker's flag, read by the drain between promise jobs.
    static WOKEN: Arc<Woken> = Arc::new(Woken(AtomicBool::new(false)));
}

fn poll_all<'a>(running: &mut Vec<Running<'a>>) -> JsResult<bool> {
    let waker = WOKEN.with(|flag| {
        flag.0.store(false, Ordering::Relaxed);
        Waker::from(Arc::clone(flag))
    });
    let mut waker = std::task::Context::from_waker(&waker);
    let mut finished = false;
    let mut index = 0;
    while index < running.len() {
        match running[index].as_mut().poll(&mut waker) {
            Poll::Ready(result) => {
                drop(running.remove(index));
                finished = true;
                result?;
            }
            Poll::Pending => index += 1,
        }
    }
    Ok(finished)
}

impl JobExecutor for Jobs {
    fn enqueue_job(self: Rc<Self>, job: Job, _context: &mut Context) {
        match job {
            Job::PromiseJob(promise_job) => match promise_job.realm().filter(|realm| has_own_queue(realm)).cloned() {
                Some(realm) => {
                    let mut isolated = self.isolated.borrow_mut();
                    match isolated.iter_mut().find(|(r, _)| r == &realm) {
                        Some((_, queue)) => queue.push_back(promise_job),
                        None => isolated.push((realm, VecDeque::from([promise_job]))),
                    }
                }
                None => self.promise.borrow_mut().push_back(promise_job),
            },
            Job::AsyncJob(job) | Job::FinalizationRegistryCleanupJob(job) => self.futures.borrow_mut().push(job),
            Job::GenericJob(job) => self.generic.borrow_mut().push_back(job),
            // The guest has no timers: nothing enqueues these.
            Job::TimeoutJob(_) | Job::IntervalJob(_) => {}
            _ => {}
        }
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        let result = self.drain(context);
        if result.is_err() {
            self.clear();
        }
        result
    }
}

/// Drops the queued jobs of the shared queue: a call the host's own limit
/// stopped ends with what it started, so a job flood it queued cannot run
/// on in the next call (which may have no limit at all). The same as a
/// drain that fails.
pub fn discard_queued(context: &mut Context) {
    if let Some(jobs) = context.downcast_job_executor::<Jobs>() {
        jobs.clear();
    }
}

/// Drops the queued jobs of an `afterEvaluate` realm (a run in it was
/// stopped).
pub fn discard_realm(realm: &Realm, context: &mut Context) {
    if let Some(jobs) = context.downcast_job_executor::<Jobs>() {
        jobs.isolated.borrow_mut().retain(|(r, _)| r != realm);
    }
}

/// A stop the handler asked for that a job swallowed (a completion the
/// engine dropped) goes on unwinding once the job returns.
fn resume_stop() -> JsResult<()> {
    match crate::limits::pending() {
        Some(_) => Err(boa_engine::error::RuntimeLimitError::Interrupted.into()),
        None => Ok(()),
    }
}

/// Whether `realm` belongs to an `afterEvaluate` context.
fn has_own_queue(realm: &Realm) -> bool {
    realm.host_defined().get::<crate::hooks::RealmSettings>().is_some_and(|s| s.own_job_queue)
}

/// Runs the queued jobs of an `afterEvaluate` realm, including jobs they
/// queue, until its queue is empty. A realm without its own queue has
/// nothing to drain here.
pub fn drain_realm(realm: &Realm, context: &mut Context) -> JsResult<()> {
    let Some(jobs) = context.downcast_job_executor::<Jobs>() else { return Ok(()) };
    while let Some(job) = jobs.pop(realm) {
        job.call(context)?;
        resume_stop()?;
    }
    Ok(())
}

/// The number of loader futures queued so far: a mark for [`finish_loads`].
pub fn loads_mark(context: &mut Context) -> usize {
    context.downcast_job_executor::<Jobs>().map_or(0, |jobs| jobs.futures.borrow().len())
}

/// Runs to completion the loader futures queued after `mark` (a static
/// `link`'s loads, which the guest's loader answers without waiting), and
/// those they queue in turn, without running any promise job.
pub fn finish_loads(mark: usize, context: &mut Context) -> JsResult<()> {
    let Some(jobs) = context.downcast_job_executor::<Jobs>() else { return Ok(()) };
    let context = RefCell::new(context);
    loop {
        let started: Vec<NativeAsyncJob> = {
            let mut futures = jobs.futures.borrow_mut();
            if futures.len() <= mark {
                return Ok(());
            }
            futures.drain(mark..).collect()
        };
        let mut running: Vec<Running<'_>> =
            started.into_iter().map(|job| Box::pin(job.call(&context)) as Running<'_>).collect();
        poll_all(&mut running)?;
        if !running.is_empty() {
            return Err(JsNativeError::error().with_message("jsvm: a static module load did not complete").into());
        }
    }
}
