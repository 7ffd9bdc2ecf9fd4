//! Runs the precompiled guest's machine code where it lies in the host's
//! executable, instead of in a copy.
//!
//! `Component::deserialize` copies the ~25 MB artifact into fresh memory and
//! makes the copy executable: every page of it is touched and resident, and
//! the copy costs milliseconds on every process start. The artifact is
//! embedded page-aligned (see `engine.rs`), and wasmtime's artifacts have no
//! relocations, so its code can run in place: the pages come from the
//! executable file as the guest first runs them, and are shared by every
//! process running the same binary. wasmtime's hook for custom code memory
//! does the one thing needed, switching the text to read+execute.

use std::ptr::NonNull;
use std::sync::Arc;

use wasmtime::component::Component;
use wasmtime::{CustomCodeMemory, Engine};

use crate::engine::ALIGNMENT;

/// Code memory whose protection is switched with `mprotect`.
struct Protect;

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096)
}

fn protect(ptr: *const u8, len: usize, protection: libc::c_int) -> wasmtime::Result<()> {
    // SAFETY: wasmtime passes a page-aligned range of code memory it owns
    // (or the embedded artifact, which nothing writes).
    if unsafe { libc::mprotect(ptr as *mut libc::c_void, len, protection) } != 0 {
        wasmtime::bail!("mprotect: {}", std::io::Error::last_os_error());
    }
    Ok(())
}

impl CustomCodeMemory for Protect {
    fn required_alignment(&self) -> usize {
        page_size()
    }

    fn publish_executable(&self, ptr: *const u8, len: usize) -> wasmtime::Result<()> {
        protect(ptr, len, libc::PROT_READ | libc::PROT_EXEC)
    }

    fn unpublish_executable(&self, ptr: *const u8, len: usize) -> wasmtime::Result<()> {
        // Read-only, not writable: in place, the pages are the executable's.
        protect(ptr, len, libc::PROT_READ)
    }
}

/// Has the engine's code memory switched by [`Protect`].
pub(crate) fn configure(config: &mut wasmtime::Config) {
    config.with_custom_code_memory(Some(Arc::new(Protect)));
}

/// The component whose artifact is `bytes`, its code run in place.
///
/// # Safety
/// `bytes` were produced by `Engine::precompile_component` of this wasmtime
/// version and the engine's configuration, start at an [`ALIGNMENT`]
/// boundary, live for the whole process and are never written.
pub(crate) unsafe fn deserialize(engine: &Engine, bytes: &'static [u8]) -> wasmtime::Result<Component> {
    assert_eq!(bytes.as_ptr().addr() % ALIGNMENT, 0, "the artifact is embedded page-aligned");
    // SAFETY: as the caller promises; wasmtime only reads the memory and
    // changes its protection through `Protect`.
    unsafe { Component::deserialize_raw(engine, NonNull::from(bytes)) }
}
