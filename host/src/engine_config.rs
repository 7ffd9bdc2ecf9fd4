// The wasmtime engine settings the guest is precompiled for. Shared, by
// `include!`, between build.rs (which precompiles the component) and the
// library (which loads it): a precompiled artifact only loads into an
// engine with the same settings, so they are written once.

/// Native stack the guest's wasm frames may use before they trap. wasmtime
/// runs a sync call on the calling thread's stack, so this must stay well
/// below the smallest stack a caller has: 1 MiB leaves room on any thread
/// with Rust's default 2 MiB (and on the 8 MiB main thread). Callers on
/// threads with less than 2 MiB of stack risk a native stack overflow.
/// (The guest's shadow stack in linear memory is separate: 8 MiB, set at
/// link time in guest/.cargo/config.toml.)
pub const MAX_WASM_STACK: usize = 1 << 20;

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
    config
}
