//! The bound on native recursion: the parser and the engine's natives that
//! recurse on their input (nested arrays in a source, `JSON.stringify` of a
//! deep object, a long prototype or Proxy chain) end in `RangeError:
//! Maximum call stack size exceeded` before the stack runs out.
//!
//! The patched parser and engine compare the address of a local with a
//! limit (`boa_parser::stack`); on wasm32 that address is in the shadow
//! stack, which the linker places below the data (`--stack-first`, the
//! default), so an overflow past it would trap rather than overwrite the
//! heap. The limit leaves [`MARGIN`] bytes of the shadow stack for what
//! runs between two checks and for building the error. The host bounds the
//! native wasm stack far enough above the shadow stack that the shadow stack
//! is always the one that runs out (host/src/engine_config.rs).

unsafe extern "C" {
    /// The lowest address of the shadow stack (defined by wasm-ld).
    static __stack_low: u8;
}

/// Shadow-stack bytes below the limit: the deepest stretch between two
/// checks (one nesting level of the parser takes ~16 KB) with room to
/// spare, plus what creating the RangeError needs.
const MARGIN: usize = 256 << 10;

/// Sets the limit the parser's and the engine's checks compare against.
pub fn install() {
    // Only the address of the linker's symbol is taken (safe since 2024).
    let low = core::ptr::addr_of!(__stack_low) as usize;
    boa_parser::stack::set_limit(low + MARGIN);
}
