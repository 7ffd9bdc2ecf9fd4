//! What the store holds for one Vm, and the guest's imports (`host`
//! interface): console output, calls into host functions, the stop check.

use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::bindings::{imported, wit};
use crate::limits::{Limits, Meter};
use crate::module_root::ModuleRoot;
use crate::value::{Releaser, Value};
use crate::{ConsoleLevel, JsException};

/// A host function as the guest calls it: arguments in, then a value or
/// exception out, at once or (async) as a future the guest awaits.
pub enum HostFn {
    /// Answers during the call.
    Sync(Box<dyn FnMut(Vec<Value>) -> Result<Value, JsException> + Send>),
    /// Answers later: the guest gets a pending promise (see `async_host`).
    Async(crate::async_host::AsyncHostFn),
}

/// Where console lines go.
pub type ConsoleFn = Box<dyn FnMut(ConsoleLevel, &str) + Send>;

/// The default console: log/info/debug to stdout, warn/error to stderr.
/// A closed stream (`jsvm run x | head`) drops the line instead of
/// panicking, as `println!` would.
pub fn default_console() -> ConsoleFn {
    use std::io::Write;
    Box::new(|level, text| {
        let _ = match level {
            ConsoleLevel::Warn | ConsoleLevel::Error => writeln!(std::io::stderr(), "{text}"),
            _ => writeln!(std::io::stdout(), "{text}"),
        };
    })
}

/// Store data of one Vm.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) memory: GuestMemory,
    pub(crate) console: ConsoleFn,
    pub(crate) functions: Vec<HostFn>,
    /// Calls of async host functions whose futures have not finished.
    pub(crate) pending: crate::async_host::PendingCalls,
    pub(crate) releaser: Releaser,
    pub(crate) limits: Limits,
    /// Fuel accounting: consumed before the current tank, and the tank's size.
    pub(crate) fuel_base: u64,
    pub(crate) fuel_tank: u64,
    /// Where the default loader reads modules from, if anywhere.
    pub(crate) module_root: Option<ModuleRoot>,
    /// The guest's stderr: only a Rust panic message ever lands here, and
    /// it becomes part of the trap's reason.
    guest_stderr: MemoryOutputPipe,
}

impl HostState {
    /// A state with no ambient authority: no files, no network, no
    /// environment, no arguments, no standard streams but a captured stderr.
    pub(crate) fn new(
        console: ConsoleFn,
        functions: Vec<HostFn>,
        memory_limit: Option<usize>,
        releaser: Releaser,
        limits: Limits,
    ) -> Self {
        let guest_stderr = MemoryOutputPipe::new(64 << 10);
        let wasi = WasiCtx::builder().stderr(guest_stderr.clone()).build();
        // A refused growth makes `memory.grow` fail rather than trap: the
        // guest's fallible allocations (ArrayBuffers) then throw V8's
        // `RangeError: Array buffer allocation failed`, and only an
        // infallible one aborts (a trap the Vm reports as the memory limit).
        let mut limits_builder = StoreLimitsBuilder::new().trap_on_grow_failure(false);
        if let Some(bytes) = memory_limit {
            limits_builder = limits_builder.memory_size(bytes);
        }
        HostState {
            wasi,
            table: ResourceTable::new(),
            memory: GuestMemory { limits: limits_builder.build(), size: 0 },
            console,
            functions,
            pending: crate::async_host::PendingCalls::default(),
            releaser,
            limits,
            fuel_base: 0,
            fuel_tank: 0,
            module_root: None,
            guest_stderr,
        }
    }

    /// The last line the guest wrote to stderr (its panic message), if any.
    pub(crate) fn guest_panic(&self) -> Option<String> {
        let text = String::from_utf8_lossy(&self.guest_stderr.contents()).into_owned();
        text.lines().rev().find(|l| !l.trim().is_empty() && !l.starts_with("note:")).map(str::to_owned)
    }
}

/// The store's limits on the guest (wasmtime's [`StoreLimits`]), and how
/// far the guest's linear memory has grown.
pub(crate) struct GuestMemory {
    limits: StoreLimits,
    /// Bytes of linear memory (all the instance's memories). Wasm memory
    /// never shrinks; what the guest frees it reuses.
    pub(crate) size: usize,
}

impl ResourceLimiter for GuestMemory {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if allowed {
            self.size += desired.saturating_sub(current);
        }
        Ok(allowed)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.memory_grow_failed(error)
    }

    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl wit::Host for HostState {}

fn no_such_host_object(id: u32) -> wit::JsError {
    JsException::new("ReferenceError", format!("jsvm: host object {id} does not exist")).into_wit()
}

impl HostState {
    /// Checks that `id` is a registered host function.
    fn host_function(&self, id: u32) -> Result<(), wit::JsError> {
        if (id as usize) < self.functions.len() { Ok(()) } else { Err(no_such_host_object(id)) }
    }
}

impl imported::Host for HostState {
    fn console(&mut self, level: imported::ConsoleLevel, text: String) {
        (self.console)(level.into(), &text);
    }

    fn call(&mut self, target: u32, _this: wit::Value, args: Vec<wit::Value>) -> Result<wit::Value, wit::JsError> {
        let releaser = self.releaser.clone();
        let args = args.into_iter().map(|v| Value::from_wit(v, &releaser)).collect();
        let Some(function) = self.functions.get_mut(target as usize) else {
            return Err(no_such_host_object(target));
        };
        match function {
            HostFn::Sync(function) => function(args).map(Value::into_wit).map_err(JsException::into_wit),
            // The guest gets a host promise; the Vm's async driver settles
            // it when the future finishes (`Vm::resolve`).
            HostFn::Async(function) => {
                let handle = self.pending.start(function(args));
                Ok(wit::Value::HostObject(wit::HostObjectRef { handle, kind: wit::ObjectKind::Promise }))
            }
        }
    }

    // Host objects of the Rust host are functions only: they have no
    // properties the guest can see or change.

    fn construct(&mut self, target: u32, _args: Vec<wit::Value>) -> Result<wit::Value, wit::JsError> {
        self.host_function(target)?;
        Err(JsException::new("TypeError", "a host function is not a constructor").into_wit())
    }

    fn get(&mut self, target: u32, _key: wit::Value) -> Result<wit::Value, wit::JsError> {
        self.host_function(target).map(|()| wit::Value::Undefined)
    }

    fn set(&mut self, target: u32, _key: wit::Value, _value: wit::Value) -> Result<bool, wit::JsError> {
        self.host_function(target).map(|()| false)
    }

    fn has(&mut self, target: u32, _key: wit::Value) -> Result<bool, wit::JsError> {
        self.host_function(target).map(|()| false)
    }

    fn delete_property(&mut self, target: u32, _key: wit::Value) -> Result<bool, wit::JsError> {
        self.host_function(target).map(|()| true)
    }

    fn own_keys(&mut self, target: u32) -> Result<Vec<wit::Value>, wit::JsError> {
        self.host_function(target).map(|()| Vec::new())
    }

    fn get_own_property(&mut self, target: u32, _key: wit::Value) -> Result<Option<wit::PropertyDescriptor>, wit::JsError> {
        self.host_function(target).map(|()| None)
    }

    fn define_property(&mut self, target: u32, _key: wit::Value, _descriptor: wit::PropertyDescriptor) -> Result<bool, wit::JsError> {
        self.host_function(target).map(|()| false)
    }

    fn drop_host_object(&mut self, _target: u32) {}

    // `enter-run`, `leave-run` and `checkpoint` are linked by engine.rs with
    // store access (they read the fuel counter); these bindgen entries are
    // shadowed there and only keep the trait complete, with the wall clock.
    fn enter_run(&mut self, timeout_ms: Option<u32>, break_on_sigint: bool) -> u32 {
        self.limits.enter(Meter::wall(), timeout_ms, break_on_sigint)
    }

    fn leave_run(&mut self, scope: u32) {
        self.limits.leave(scope);
    }

    fn checkpoint(&mut self) -> Option<imported::Stop> {
        self.limits.checkpoint(Meter::wall())
    }

    fn load_module(&mut self, referrer: Option<String>, specifier: String) -> Result<imported::ModuleSource, wit::JsError> {
        let Some(root) = &self.module_root else {
            let message = format!("Cannot find module '{specifier}': this Vm has no module root (VmBuilder::module_root)");
            return Err(JsException::new("Error", message).with_code("ERR_MODULE_NOT_FOUND").into_wit());
        };
        match root.load(referrer.as_deref(), &specifier) {
            Ok(loaded) => Ok(imported::ModuleSource { id: loaded.id, source: loaded.source }),
            Err(exception) => Err(exception.into_wit()),
        }
    }
}
