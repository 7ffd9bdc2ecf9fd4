//! Options of the Vm calls, mirroring node:vm's option objects. Defaults are
//! Node's. They are checked once, by the same code that checks node:vm's
//! options inside the guest.

use std::time::Duration;

use crate::{Context, Value};

/// `microtaskMode` of a context.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MicrotaskMode {
    /// Promise jobs run when the host's call returns (Node's default).
    #[default]
    Default,
    /// Promise jobs queued by a run are drained before the run returns.
    AfterEvaluate,
}

/// Options of [`crate::Vm::create_context_with`] (`vm.createContext`).
#[derive(Clone, Debug)]
pub struct ContextOptions {
    /// The context's name (shown to inspectors only).
    pub name: Option<String>,
    /// The context's origin (shown to inspectors only).
    pub origin: Option<String>,
    /// `codeGeneration.strings`: whether `eval` and `new Function` work. Default true.
    pub allow_strings: bool,
    /// `codeGeneration.wasm`. Default true (the engine has no WebAssembly yet).
    pub allow_wasm: bool,
    /// `microtaskMode`.
    pub microtask_mode: MicrotaskMode,
    /// `vm.constants.DONT_CONTEXTIFY`: an ordinary global object instead of
    /// a context object that the global forwards to. Default false.
    pub dont_contextify: bool,
}

impl Default for ContextOptions {
    fn default() -> Self {
        ContextOptions {
            name: None,
            origin: None,
            allow_strings: true,
            allow_wasm: true,
            microtask_mode: MicrotaskMode::Default,
            dont_contextify: false,
        }
    }
}

/// Options of a run (`runInContext`, `script.runInContext`, ...).
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The file name shown in stack traces (code given as a string only).
    pub filename: Option<String>,
    /// `timeout`: ends the run with `ERR_SCRIPT_EXECUTION_TIMEOUT`.
    pub timeout: Option<Duration>,
    /// `breakOnSigint`: Ctrl-C ends the run with `ERR_SCRIPT_EXECUTION_INTERRUPTED`.
    pub break_on_sigint: bool,
    /// `displayErrors`: decorate the stack of an error the run threw with
    /// the source line. Default true.
    pub display_errors: bool,
    /// An exact fuel budget for the whole call (jobs included): the same
    /// cut-off on every machine. Needs a Vm with fuel metering (the default);
    /// running out fails with `ERR_SCRIPT_EXECUTION_TIMEOUT`.
    pub fuel: Option<u64>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { filename: None, timeout: None, break_on_sigint: false, display_errors: true, fuel: None }
    }
}

/// Options of [`crate::Vm::compile_script`] (`new vm.Script`).
#[derive(Clone, Debug, Default)]
pub struct ScriptOptions {
    /// File name for stack traces; Node's default is `evalmachine.<anonymous>`.
    pub filename: Option<String>,
    /// Added to every line number reported.
    pub line_offset: i32,
    /// Added to every column number on the first line.
    pub column_offset: i32,
    /// Data from [`crate::Vm::create_cached_data`]; see `cachedDataRejected`.
    pub cached_data: Option<Vec<u8>>,
    /// Whether to produce cached data at once.
    pub produce_cached_data: bool,
}

/// Options of [`crate::Vm::compile_function`] (`vm.compileFunction`).
#[derive(Clone, Debug, Default)]
pub struct FunctionOptions {
    /// File name for stack traces.
    pub filename: Option<String>,
    /// Added to every line number reported.
    pub line_offset: i32,
    /// Added to every column number on the first line.
    pub column_offset: i32,
    /// The context whose globals the function sees (default: the main one).
    pub parsing_context: Option<Context>,
    /// Objects whose properties the function sees as variables, first to last.
    pub context_extensions: Vec<Value>,
}

/// How [`crate::Vm::run_main`] treats a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgramKind {
    /// An ES module: `import`, top-level `await`.
    Module,
    /// A classic script.
    Script,
}

impl ProgramKind {
    /// Node's choice for a file name: `.mjs` is a module, `.cjs` a script;
    /// other files are modules when they contain `import`/`export` statements.
    pub fn for_file(name: &str, source: &str) -> ProgramKind {
        if name.ends_with(".mjs") {
            return ProgramKind::Module;
        }
        if name.ends_with(".cjs") {
            return ProgramKind::Script;
        }
        let looks_like_module = source.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with("import ") || line.starts_with("import{") || line.starts_with("export ")
        });
        if looks_like_module { ProgramKind::Module } else { ProgramKind::Script }
    }
}
