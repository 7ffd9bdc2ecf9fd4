//! # jsvm
//!
//! The Node.js [`vm`](https://nodejs.org/api/vm.html) API, served by the Boa
//! JavaScript engine inside a WebAssembly component and run by wasmtime.
//! Unlike node:vm this is a sandbox: the guest has no file system, network
//! or environment, and the host bounds its memory.
//!
//! ```text
//! let mut vm = Vm::new()?;
//! let ctx = vm.create_context()?;
//! vm.set_global(&ctx, "x", 40)?;
//! let answer: f64 = vm.eval(&ctx, "x + 2")?;   // 42.0
//! ```
//!
//! `examples/embed.rs` is the runnable version (it runs under `cargo test`).
//!
//! ES modules: [`Vm::import_module`] loads a module graph from the
//! directory given to [`VmBuilder::module_root`] (nothing outside it is
//! readable); [`Vm::create_module`], [`Vm::link_module`] and
//! [`Vm::evaluate_module`] build graphs from the host's own sources.
//! `examples/plugin_host.rs` runs plugins that way, each in its own Vm with
//! a memory limit and a timeout per call.
//!
//! Calls run the guest on the calling thread's stack: call a [`Vm`] from a
//! thread with at least 2 MiB of stack (Rust's default for spawned threads).

mod async_host;
mod bindings;
#[cfg(unix)]
mod code_in_place;
mod engine;
mod error;
mod host_state;
mod limits;
mod module_root;
mod modules;
mod sigint;
mod options;
mod value;
mod vm;

pub use async_host::AwaitOptions;
pub use error::{Error, JsException, Result};
pub use limits::InterruptHandle;
pub use modules::{Module, ModuleOptions};
pub use options::{ContextOptions, FunctionOptions, MicrotaskMode, ProgramKind, RunOptions, ScriptOptions};
pub use value::{ByteKind, Bytes, FromValue, HostFunction, Object, ObjectKind, Symbol, TypeMismatch, Value};
pub use vm::{Context, Script, Vm, VmBuilder};

/// Console levels of the guest's `console` methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsoleLevel {
    /// `console.log`.
    Log,
    /// `console.info`.
    Info,
    /// `console.warn`.
    Warn,
    /// `console.error`.
    Error,
    /// `console.debug`.
    Debug,
}

impl From<bindings::imported::ConsoleLevel> for ConsoleLevel {
    fn from(level: bindings::imported::ConsoleLevel) -> Self {
        use bindings::imported::ConsoleLevel as L;
        match level {
            L::Log => ConsoleLevel::Log,
            L::Info => ConsoleLevel::Info,
            L::Warn => ConsoleLevel::Warn,
            L::Error => ConsoleLevel::Error,
            L::Debug => ConsoleLevel::Debug,
        }
    }
}
