//! SIGINT for `breakOnSigint` runs. As in Node, a handler is installed only
//! while at least one such run is active, and the previous disposition is
//! restored when the last one ends; outside them Ctrl-C does what it did
//! before (by default, ends the process).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// A SIGINT arrived during a breakOnSigint run and was not consumed yet.
static SEEN: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
mod imp {
    use super::*;

    /// Active breakOnSigint runs (all Vms), and the disposition to restore.
    static ACTIVE: Mutex<(usize, Option<libc::sigaction>)> = Mutex::new((0, None));

    extern "C" fn on_sigint(_signal: libc::c_int) {
        // Async-signal-safe: an atomic store and atomic epoch increments.
        SEEN.store(true, Ordering::SeqCst);
        crate::engine::nudge_epochs();
    }

    pub fn enter() {
        let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        if active.0 == 0 {
            SEEN.store(false, Ordering::SeqCst);
            // SAFETY: plain sigaction calls with zeroed, then filled structs.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut action.sa_mask);
                action.sa_flags = libc::SA_RESTART;
                let mut previous: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(libc::SIGINT, &action, &mut previous) == 0 {
                    active.1 = Some(previous);
                }
            }
        }
        active.0 += 1;
    }

    pub fn leave() {
        let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        active.0 = active.0.saturating_sub(1);
        if active.0 == 0
            && let Some(previous) = active.1.take()
        {
            // SAFETY: restores the disposition saved by `enter`.
            unsafe {
                libc::sigaction(libc::SIGINT, &previous, std::ptr::null_mut());
            }
            SEEN.store(false, Ordering::SeqCst);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn enter() {}
    pub fn leave() {}
}

/// A breakOnSigint run starts.
pub(crate) fn enter() {
    imp::enter();
}

/// A breakOnSigint run ended.
pub(crate) fn leave() {
    imp::leave();
}

/// Consumes a pending SIGINT.
pub(crate) fn take() -> bool {
    SEEN.swap(false, Ordering::SeqCst)
}

/// Whether a SIGINT is pending.
pub(crate) fn seen() -> bool {
    SEEN.load(Ordering::SeqCst)
}
