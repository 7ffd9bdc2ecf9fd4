// The wasmtime engine settings the guest is precompiled for. Shared, by
// `include!`, between build.rs (which precompiles the component) and the
// library (which loads it): a precompiled artifact only loads into an
// engine with the same settings, so they are written once.

/// Wasm stack the guest may use. Boa recurses deeply on nested input; the
/// guest's own shadow stack is set at link time (guest/.cargo/config.toml).
pub const MAX_WASM_STACK: usize = 8 << 20;

/// Builds the engine configuration every jsvm engine uses.
pub fn engine_config() -> wasmtime::Config {
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    // Epochs let another thread (or a SIGINT handler) interrupt the guest.
    config.epoch_interruption(true);
    config.max_wasm_stack(MAX_WASM_STACK);
    config.async_stack_size(MAX_WASM_STACK + (1 << 20));
    config
}
