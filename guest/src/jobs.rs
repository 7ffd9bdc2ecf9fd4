//! Promise jobs and `microtaskMode`. Jobs of ordinary contexts share the
//! main queue (Boa's own executor), drained when the host's call ends, as
//! Node drains microtasks after the main script. A context created with
//! `microtaskMode: 'afterEvaluate'` gets a queue of its own, drained at the
//! end of every run in that context, inside the run's timeout.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use boa_engine::{
    Context, JsResult,
    job::{Job, JobExecutor, PromiseJob, SimpleJobExecutor},
    realm::Realm,
};

/// The guest's [`JobExecutor`].
pub struct Jobs {
    shared: Rc<SimpleJobExecutor>,
    /// Per-realm queues of `afterEvaluate` contexts.
    isolated: RefCell<Vec<(Realm, VecDeque<PromiseJob>)>>,
}

impl Jobs {
    pub fn new() -> Self {
        Jobs { shared: Rc::new(SimpleJobExecutor::new()), isolated: RefCell::new(Vec::new()) }
    }

    /// Gives `realm` a queue of its own (`microtaskMode: 'afterEvaluate'`).
    pub fn isolate(&self, realm: Realm) {
        self.isolated.borrow_mut().push((realm, VecDeque::new()));
    }

    fn pop(&self, realm: &Realm) -> Option<PromiseJob> {
        let mut isolated = self.isolated.borrow_mut();
        isolated.iter_mut().find(|(r, _)| r == realm).and_then(|(_, queue)| queue.pop_front())
    }
}

impl JobExecutor for Jobs {
    fn enqueue_job(self: Rc<Self>, job: Job, context: &mut Context) {
        let job = match job {
            Job::PromiseJob(promise_job) => {
                let mut isolated = self.isolated.borrow_mut();
                let queue = promise_job
                    .realm()
                    .and_then(|realm| isolated.iter_mut().find(|(r, _)| r == realm));
                match queue {
                    Some((_, queue)) => {
                        queue.push_back(promise_job);
                        return;
                    }
                    None => Job::PromiseJob(promise_job),
                }
            }
            other => other,
        };
        self.shared.clone().enqueue_job(job, context);
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        self.shared.clone().run_jobs(context)
    }
}

/// Runs the queued jobs of an `afterEvaluate` realm, including jobs they
/// queue, until its queue is empty. A realm without its own queue has
/// nothing to drain here.
pub fn drain_realm(realm: &Realm, context: &mut Context) -> JsResult<()> {
    let Some(jobs) = context.downcast_job_executor::<Jobs>() else { return Ok(()) };
    while let Some(job) = jobs.pop(realm) {
        job.call(context)?;
    }
    Ok(())
}
