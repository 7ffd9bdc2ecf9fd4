//! The process-wide wasmtime engines and the precompiled guest, loaded once
//! per variant (fuel metering on or off).
//!
//! The guest is compiled by Cranelift at build time (host/build) for the
//! settings in `engine_config.rs`; here it is only deserialized, which takes
//! a millisecond instead of the seconds a compile takes (its code runs
//! where it lies in the executable: `code_in_place`).

use std::sync::OnceLock;
use std::time::Duration;

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Engine, StoreContextMut};

use crate::bindings::JsvmPre;
use crate::bindings::imported::Stop;
use crate::host_state::HostState;

include!("engine_config.rs");

/// The alignment of the embedded artifacts: a page on every platform
/// (Linux on aarch64 may use 64 KiB pages).
pub(crate) const ALIGNMENT: usize = 64 << 10;

/// A `T` at a page boundary.
#[repr(C, align(65536))]
struct PageAligned<T: ?Sized>(T);

/// The guest component precompiled for each variant of `engine_config`,
/// page-aligned so that its code runs in place on Unix (`code_in_place`).
static PRECOMPILED_FUEL: &PageAligned<[u8]> = &PageAligned(*include_bytes!(concat!(env!("OUT_DIR"), "/jsvm-fuel.cwasm")));
static PRECOMPILED_WALL: &PageAligned<[u8]> = &PageAligned(*include_bytes!(concat!(env!("OUT_DIR"), "/jsvm-wall.cwasm")));

/// How often the epoch ticks: the granularity of forced stops.
const EPOCH_TICK: Duration = Duration::from_millis(5);

/// An engine and the linked, ready-to-instantiate guest.
pub(crate) struct Shared {
    pub engine: Engine,
    pub pre: JsvmPre<HostState>,
}

static FUEL: OnceLock<Result<Shared, String>> = OnceLock::new();
static WALL: OnceLock<Result<Shared, String>> = OnceLock::new();

fn load(fuel: bool) -> wasmtime::Result<Shared> {
    let bytes: &'static [u8] = if fuel { &PRECOMPILED_FUEL.0 } else { &PRECOMPILED_WALL.0 };
    let mut config = engine_config(fuel);
    // For profiling the guest with `perf` (BENCHMARKS.md, "Profiling"):
    // wasmtime writes /tmp/perf-<pid>.map naming the guest's functions in a
    // copy of its code (perf names code inside the executable by the
    // executable's own symbols).
    let perf_map = std::env::var_os("JSVM_PERF_MAP").is_some();
    if perf_map {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    let in_place = cfg!(unix) && !perf_map;
    #[cfg(unix)]
    if in_place {
        crate::code_in_place::configure(&mut config);
    }
    let engine = Engine::new(&config)?;
    // SAFETY: the bytes were produced by `Engine::precompile_component` of
    // this same wasmtime version and configuration, in host/build, and are
    // a page-aligned static that nothing writes.
    let component = unsafe { deserialize(&engine, bytes, in_place)? };
    let mut linker = Linker::<HostState>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    crate::bindings::Jsvm::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state)?;
    link_limits(&mut linker)?;
    let pre = JsvmPre::new(linker.instantiate_pre(&component)?)?;
    start_epoch_ticker();
    Ok(Shared { engine, pre })
}

/// The component of a precompiled artifact, its code run in place or, when
/// `in_place` is false (or off Unix), in a copy.
///
/// # Safety
/// As `Component::deserialize`, and for code in place as
/// `code_in_place::deserialize`.
unsafe fn deserialize(engine: &Engine, bytes: &'static [u8], in_place: bool) -> wasmtime::Result<Component> {
    #[cfg(unix)]
    if in_place {
        // SAFETY: as the caller promises.
        return unsafe { crate::code_in_place::deserialize(engine, bytes) };
    }
    let _ = in_place; // only Unix runs code in place
    // SAFETY: as the caller promises.
    unsafe { Component::deserialize(engine, bytes) }
}

/// `enter-run` and `checkpoint` read the fuel counter, which only the store
/// has: they replace the bindgen versions (which see only `HostState`).
fn link_limits(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    let mut host = linker.instance("jsvm:vm/host@0.1.0")?;
    host.func_wrap(
        "enter-run",
        |mut store: StoreContextMut<'_, HostState>, (timeout_ms, sigint): (Option<u32>, bool)| {
            let now = crate::vm::meter(&mut store);
            let id = store.data_mut().limits.enter(now, timeout_ms, sigint);
            crate::vm::refuel(&mut store);
            Ok((id,))
        },
    )?;
    host.func_wrap("leave-run", |mut store: StoreContextMut<'_, HostState>, (id,): (u32,)| {
        store.data_mut().limits.leave(id);
        crate::vm::refuel(&mut store);
        Ok(())
    })?;
    host.func_wrap("checkpoint", |mut store: StoreContextMut<'_, HostState>, (): ()| {
        let now = crate::vm::meter(&mut store);
        let stop: Option<Stop> = store.data_mut().limits.checkpoint(now);
        Ok((stop,))
    })?;
    Ok(())
}

/// One thread for the process advances every engine's epoch, so stores
/// can check forced-stop deadlines while the guest runs.
fn start_epoch_ticker() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        std::thread::Builder::new()
            .name("jsvm-epoch".into())
            .spawn(|| {
                loop {
                    std::thread::sleep(EPOCH_TICK);
                    nudge_epochs();
                }
            })
            .expect("spawning the epoch thread");
    });
}

/// Advances the epoch of every loaded engine. Async-signal-safe (atomic
/// increments only), so the SIGINT handler calls it too.
pub(crate) fn nudge_epochs() {
    for cell in [&FUEL, &WALL] {
        if let Some(Ok(shared)) = cell.get() {
            shared.engine.increment_epoch();
        }
    }
}

/// The shared engine of a variant, loading it on first use.
pub(crate) fn shared(fuel: bool) -> Result<&'static Shared, crate::Error> {
    let cell = if fuel { &FUEL } else { &WALL };
    cell.get_or_init(|| load(fuel).map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| crate::Error::Engine(e.clone()))
}
