//! Pre-initialisation of the guest with wasmtime-wizer: instantiates the
//! freshly built component, runs its `wizer-initialize` export (which builds
//! Boa's context and evaluates the node:vm layer) and writes the instance's
//! memory and globals back as the component's initial state. A Vm made from
//! the result starts where that call ended, so its first call pays no
//! bootstrap (~15 ms of guest CPU before).
//!
//! The initialiser calls one import only: the seed of the standard
//! library's hash maps (`wasi:random/insecure-seed`), which it reads once
//! per thread, when the first map is built. Here it gets fresh random bits
//! from the build machine, so every Vm of a build shares those keys (Boa's
//! own maps use a fixed hasher anyway). Every other import is linked as a
//! trap, so an accidental call fails the build instead of snapshotting
//! host state.

use anyhow::{Context, anyhow};
use std::future::Future;
use std::pin::pin;
use std::task::{Poll, Waker};

use wasmtime::component::{Component, Instance, Linker, Lift, WasmList};
use wasmtime::{Config, Engine, Store};
use wasmtime_wizer::{ComponentInstanceState, Wizer};

/// The guest's initialiser (`world jsvm-preinit` in wit/vm.wit).
const INIT_FUNC: &str = "wizer-initialize";

/// Returns the pre-initialised component for `wasm`.
pub fn preinitialize(wasm: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut wizer = Wizer::new();
    wizer.init_func(INIT_FUNC);
    // Removing the export breaks the component: wizer 48 drops it from the
    // core module but leaves the component's alias of it. The guest makes
    // a second call do nothing.
    wizer.keep_init_func(true);
    let (cx, instrumented) = wizer.instrument_component(wasm).map_err(|e| anyhow!("{e:#}"))?;

    let mut config = Config::new();
    config.wasm_component_model(true);
    // The initialiser runs once: compile quickly rather than well.
    config.cranelift_opt_level(wasmtime::OptLevel::None);
    let engine = Engine::new(&config).map_err(|e| anyhow!("{e:#}"))?;
    let component = Component::new(&engine, &instrumented).map_err(|e| anyhow!("compiling the guest to pre-initialise it: {e:#}"))?;
    let mut linker = Linker::new(&engine);
    link_insecure_seed(&engine, &component, &mut linker)?;
    linker.define_unknown_imports_as_traps(&component).map_err(|e| anyhow!("{e:#}"))?;
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).map_err(|e| anyhow!("{e:#}"))?;
    let init = instance
        .get_typed_func::<(), ()>(&mut store, INIT_FUNC)
        .map_err(|e| anyhow!("the guest's `{INIT_FUNC}` export: {e:#}"))?;
    init.call(&mut store, ()).map_err(|e| anyhow!("the guest's `{INIT_FUNC}` trapped: {e:#}"))?;

    let mut state = Snapshotted { store, instance };
    block_on(wizer.snapshot_component(&cx, &mut state))
        .map_err(|e| anyhow!("{e:#}"))
        .context("snapshotting the pre-initialised guest")
}

/// Links `insecure-seed`, at whatever WASI version the guest imports it.
fn link_insecure_seed(engine: &Engine, component: &Component, linker: &mut Linker<()>) -> anyhow::Result<()> {
    use std::hash::{BuildHasher, RandomState};
    let seed = (RandomState::new().hash_one(1u8), RandomState::new().hash_one(2u8));
    for (name, _) in component.component_type().imports(engine) {
        if name.starts_with("wasi:random/insecure-seed@") {
            let mut instance = linker.instance(name).map_err(|e| anyhow!("{e:#}"))?;
            instance
                .func_wrap("insecure-seed", move |_, ()| Ok((seed,)))
                .map_err(|e| anyhow!("{e:#}"))?;
        }
    }
    Ok(())
}

/// The instance wizer reads the state from, through the accessor functions
/// its instrumentation added. (wasmtime-wizer has the same for async stores
/// behind its `wasmtime` feature, which would also turn on wasmtime's GC
/// and threads in this build script.)
struct Snapshotted {
    store: Store<()>,
    instance: Instance,
}

impl Snapshotted {
    /// Calls an accessor and reads its result.
    fn call<R: Lift + Send + Sync + 'static, T>(&mut self, instance: &str, func: &str, read: impl FnOnce(&Store<()>, R) -> T) -> T {
        let (_, exported) = self.instance.get_export(&mut self.store, None, instance).expect("wizer's accessor instance");
        let (_, func_index) = self.instance.get_export(&mut self.store, Some(&exported), func).expect("wizer's accessor");
        let func = self
            .instance
            .get_typed_func::<(), (R,)>(&mut self.store, func_index)
            .expect("wizer's accessor type");
        let (result,) = func.call(&mut self.store, ()).expect("wizer's accessor runs");
        read(&self.store, result)
    }
}

impl ComponentInstanceState for Snapshotted {
    async fn call_func_ret_list_u8(&mut self, instance: &str, func: &str, contents: impl FnOnce(&[u8]) + Send) {
        self.call(instance, func, |store, list: WasmList<u8>| contents(list.as_le_slice(store)));
    }

    async fn call_func_ret_s32(&mut self, instance: &str, func: &str) -> i32 {
        self.call(instance, func, |_, value| value)
    }

    async fn call_func_ret_s64(&mut self, instance: &str, func: &str) -> i64 {
        self.call(instance, func, |_, value| value)
    }

    async fn call_func_ret_f32(&mut self, instance: &str, func: &str) -> u32 {
        self.call(instance, func, |_, value: f32| value.to_bits())
    }

    async fn call_func_ret_f64(&mut self, instance: &str, func: &str) -> u64 {
        self.call(instance, func, |_, value: f64| value.to_bits())
    }
}

/// Polls a future that never waits (every call above is synchronous).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = std::task::Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}
