//! The process-wide wasmtime engine and the precompiled guest, loaded once.
//!
//! The guest is compiled by Cranelift at build time (host/build.rs) for the
//! settings in `engine_config.rs`; here it is only deserialized, which takes
//! milliseconds instead of the seconds a compile takes.

use std::sync::OnceLock;

use wasmtime::Engine;
use wasmtime::component::{Component, HasSelf, Linker};

use crate::bindings::JsvmPre;
use crate::host_state::HostState;

include!("engine_config.rs");

/// The guest component precompiled for `engine_config()`.
static PRECOMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jsvm.cwasm"));

/// The engine and the linked, ready-to-instantiate guest.
pub(crate) struct Shared {
    pub engine: Engine,
    pub pre: JsvmPre<HostState>,
}

static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();

fn load() -> wasmtime::Result<Shared> {
    let engine = Engine::new(&engine_config())?;
    // SAFETY: the bytes were produced by `Engine::precompile_component` of
    // this same wasmtime version and configuration, in host/build.rs.
    let component = unsafe { Component::deserialize(&engine, PRECOMPILED)? };
    let mut linker = Linker::<HostState>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    crate::bindings::Jsvm::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state)?;
    let pre = JsvmPre::new(linker.instantiate_pre(&component)?)?;
    Ok(Shared { engine, pre })
}

/// The shared engine, loading it on first use.
pub(crate) fn shared() -> Result<&'static Shared, crate::Error> {
    SHARED
        .get_or_init(|| load().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| crate::Error::Engine(e.clone()))
}
