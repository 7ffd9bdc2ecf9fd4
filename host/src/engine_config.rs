// The wasmtime engine settings the guest is precompiled for. Shared, by
// `include!`, between build.rs (which precompiles the component) and the
// library (which loads it): a precompiled artifact only loads into an
// engine with the same settings, so they are written once.

/// Native stack the guest's wasm frames may use before they trap. Every
/// call into the guest runs on a fiber of its own (an async call, driven to
/// completion at once), so this does not depend on the caller's thread. It
/// is sized so that the guest's shadow stack (8 MiB in linear memory, set in
/// guest/.cargo/config.toml) always runs out first: deep recursion in the
/// parser or the engine's natives then ends in the guest's own `RangeError`
/// (guest/src/stack.rs) instead of a trap. The worst ratio of native to
/// shadow stack measured over ~40 recursive shapes is ~3.8 (`Array.prototype
/// .flat`), so 64 MiB leaves room; the fiber's pages are only committed when
/// touched.
pub const MAX_WASM_STACK: usize = 64 << 20;

/// The fiber stack: the wasm stack plus room for the host functions the
/// guest calls (wasmtime requires `async_stack_size > max_wasm_stack`).
pub const ASYNC_STACK: usize = MAX_WASM_STACK + (2 << 20);

/// The two engine variants: with fuel metering (deterministic timeouts; fuel
/// changes the generated code and costs speed) or without (timeouts from the
/// wall clock). Both use epochs, for interrupts and forced stops.
#[allow(dead_code, reason = "read by build.rs; the library names the files in include_bytes!")]
pub const VARIANTS: [(bool, &str); 2] = [(true, "jsvm-fuel.cwasm"), (false, "jsvm-wall.cwasm")];

/// Builds the engine configuration of one variant.
pub fn engine_config(fuel: bool) -> wasmtime::Config {
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    config.consume_fuel(fuel);
    // Epochs let another thread (or a SIGINT handler) interrupt the guest.
    config.epoch_interruption(true);
    config.max_wasm_stack(MAX_WASM_STACK);
    config.async_stack_size(ASYNC_STACK);
    config
}
