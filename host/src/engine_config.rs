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

/// Builds the engine configuration every jsvm engine uses.
pub fn engine_config() -> wasmtime::Config {
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    // Epochs let another thread (or a SIGINT handler) interrupt the guest.
    config.epoch_interruption(true);
    config.max_wasm_stack(MAX_WASM_STACK);
    config
}
