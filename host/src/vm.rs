//! [`Vm`]: one instance of the guest component, with its own contexts,
//! bounded by its own store limits.

use pollster::block_on;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::ResourceAny;
use wasmtime::{AsContextMut, Store, UpdateDeadline};

use crate::bindings::{Jsvm, exported, wit};
use crate::engine;
use crate::host_state::{ConsoleFn, HostFn, HostState, default_console};
use crate::limits::{Budget, Clock, InterruptHandle, Limits, Meter};
use crate::module_root::ModuleRoot;
use crate::options::{ContextOptions, FunctionOptions, MicrotaskMode, ProgramKind, RunOptions, ScriptOptions};
use crate::value::{FromValue, HostFunction, Object, Releaser, Value};
use crate::{Error, JsException, Result};

/// A guest resource (context or script) owned by Rust; dropped in the
/// guest on the Vm's next call after the last clone goes.
pub(crate) struct Owned {
    resource: ResourceAny,
    releaser: Releaser,
}

impl Drop for Owned {
    fn drop(&mut self) {
        self.releaser.push_resource(self.resource);
    }
}

/// A `vm` context: a global scope of its own, with its own built-ins.
#[derive(Clone)]
pub struct Context(pub(crate) Arc<Owned>);

/// A compiled `vm.Script`, runnable in any context of its Vm.
#[derive(Clone)]
pub struct Script(Arc<Owned>);

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Context")
    }
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Script")
    }
}

/// Builds a [`Vm`]; every setting has a default.
pub struct VmBuilder {
    console: ConsoleFn,
    memory_limit: Option<usize>,
    fuel: bool,
    fuel_per_ms: Option<u64>,
    module_root: Option<PathBuf>,
}

impl Default for VmBuilder {
    fn default() -> Self {
        VmBuilder { console: default_console(), memory_limit: None, fuel: true, fuel_per_ms: None, module_root: None }
    }
}

impl VmBuilder {
    /// Where `console.*` lines go. Default: stdout, and stderr for
    /// `warn`/`error`.
    pub fn console(mut self, console: impl FnMut(crate::ConsoleLevel, &str) + Send + 'static) -> Self {
        self.console = Box::new(console);
        self
    }

    /// Caps the guest's memory (all its contexts together), in bytes. When
    /// its live heap passes three quarters of the cap, the running code
    /// stops at once with a JavaScript error whose code is
    /// `ERR_VM_MEMORY_LIMIT`; what it held is collected and the Vm keeps
    /// its contexts. Only a single allocation too large for the rest of
    /// the cap reaches the cap itself, which ends the call with
    /// [`Error::StateLost`] (code `ERR_VM_MEMORY_LIMIT`).
    /// The guest starts with its pre-initialised state, ~11 MiB of linear
    /// memory: a smaller cap fails [`VmBuilder::build`] with a clear error.
    /// Default: no cap beyond wasm32's 4 GiB.
    pub fn memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Whether wasmtime meters fuel (default `true`). Fuel gives exact
    /// budgets ([`RunOptions::fuel`]) and, with [`VmBuilder::fuel_per_ms`],
    /// deterministic timeouts; without a rate, a `timeout` is measured by
    /// the calling thread's CPU time. Metering slows the guest down (see
    /// BENCHMARKS.md). With `false`, timeouts come from the wall clock, as
    /// in Node, and the guest runs faster.
    pub fn fuel(mut self, fuel: bool) -> Self {
        self.fuel = fuel;
        self
    }

    /// How much fuel a millisecond of `timeout` buys. Setting it makes
    /// timeouts deterministic: the same script stops at the same point on
    /// every machine, though how long that takes in real time varies with
    /// the code (fuel per millisecond differs between workloads). Default:
    /// unset, and a `timeout` is measured by the calling thread's CPU time
    /// (precise from the first run, whatever the code).
    pub fn fuel_per_ms(mut self, fuel_per_ms: u64) -> Self {
        self.fuel_per_ms = Some(fuel_per_ms.max(1));
        self
    }

    /// The directory the default module loader reads from: the imports of
    /// [`Vm::run_main`] modules, and `import()` under
    /// `vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER`. Nothing outside it
    /// can be read (`..`, absolute paths and symlinks that leave it fail
    /// with `ERR_ACCESS_DENIED`). Default: none, and such imports fail with
    /// `ERR_MODULE_NOT_FOUND`.
    pub fn module_root(mut self, dir: impl Into<PathBuf>) -> Self {
        self.module_root = Some(dir.into());
        self
    }

    /// Instantiates the guest. Costs one instantiation (no compilation: the
    /// guest was compiled when this crate was built).
    pub fn build(self) -> Result<Vm> {
        let clock = if self.fuel { Clock::Fuel { fuel_per_ms: self.fuel_per_ms } } else { Clock::Wall };
        let id = NEXT_VM_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let releaser = Releaser::new(id);
        let interrupt = InterruptHandle::default();
        let limits = Limits::new(clock, interrupt.clone());
        let mut state = HostState::new(self.console, Vec::new(), self.memory_limit, releaser.clone(), limits);
        if let Some(dir) = &self.module_root {
            let root = ModuleRoot::open(dir)
                .map_err(|e| Error::Engine(format!("cannot open the module root {}: {e}", dir.display())))?;
            state.module_root = Some(root);
        }
        let (store, bindings) = instantiate(state, self.memory_limit)?;
        Ok(Vm { id, store, bindings, releaser, memory_limit: self.memory_limit, clock, interrupt, awaiter: None })
    }
}

/// Numbers Vms, so that a value of one (a host function) is refused by another.
static NEXT_VM_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Fuel a tank holds when no limit applies (effectively unlimited).
const UNLIMITED_TANK: u64 = u64::MAX / 4;

fn instantiate(state: HostState, memory_limit: Option<usize>) -> Result<(Store<HostState>, Jsvm)> {
    let fuel = matches!(state.limits.clock, Clock::Fuel { .. });
    let shared = engine::shared(fuel)?;
    let mut store = Store::new(&shared.engine, state);
    store.limiter(|state| &mut state.memory);
    // Every epoch tick, check whether the guest must be stopped by force.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|mut ctx| {
        if ctx.data_mut().limits.must_force_stop(Instant::now()) {
            Err(wasmtime::Error::msg("forced stop"))
        } else {
            Ok(UpdateDeadline::Continue(1))
        }
    });
    if fuel {
        store.set_fuel(UNLIMITED_TANK).map_err(|e| Error::Engine(format!("{e:#}")))?;
        store.data_mut().fuel_tank = UNLIMITED_TANK;
    }
    let bindings = block_on(shared.pre.instantiate_async(&mut store)).map_err(|e| match memory_limit {
        // The guest starts with the memory of its pre-initialised state
        // (host/build/preinit.rs), ~11 MiB.
        Some(limit) => Error::Engine(format!("the memory limit of {limit} bytes is below what the guest starts with ({e:#})")),
        None => Error::Engine(format!("{e:#}")),
    })?;
    if let Some(limit) = memory_limit {
        let options = exported::GuestOptions { defer_jobs: false, memory_limit: Some(soft_memory_limit(limit)) };
        block_on(bindings.jsvm_vm_vm().call_configure(&mut store, options)).map_err(|e| Error::Engine(format!("{e:#}")))?;
    }
    Ok((store, bindings))
}

/// The guest's own limit under a hard cap of `hard` bytes of linear memory:
/// three quarters of it, in live heap bytes. Past it the running code stops
/// with `ERR_VM_MEMORY_LIMIT` and the Vm keeps its state; the rest is room
/// for the allocator's overhead and for what the stop itself allocates, so
/// the hard cap (a trap, [`Error::StateLost`]) is only met by a single
/// allocation too large for what is left.
fn soft_memory_limit(hard: usize) -> u64 {
    (hard as u64 / 4) * 3
}

/// Reads the guest clock: fuel consumed (when metering) and the time.
pub(crate) fn meter(store: &mut impl AsContextMut<Data = HostState>) -> Meter {
    let store = store.as_context_mut();
    let fuel = match store.data().limits.clock {
        Clock::Fuel { .. } => {
            let left = store.get_fuel().unwrap_or(0);
            let state = store.data();
            Some(state.fuel_base + state.fuel_tank.saturating_sub(left))
        }
        Clock::Wall => None,
    };
    Meter { fuel, at: Instant::now() }
}

/// Sizes the fuel tank so it runs dry at the tightest hard limit: the
/// forced stop for a guest that reaches no checkpoint.
pub(crate) fn refuel(store: &mut impl AsContextMut<Data = HostState>) {
    let mut store = store.as_context_mut();
    let Some(consumed) = meter(&mut store).fuel else { return };
    let limit = store.data().limits.hard_fuel_limit().unwrap_or(consumed.saturating_add(UNLIMITED_TANK));
    let tank = limit.saturating_sub(consumed).max(1);
    if store.set_fuel(tank).is_ok() {
        let state = store.data_mut();
        state.fuel_base = consumed;
        state.fuel_tank = tank;
    }
}

/// One JavaScript engine instance: the Node `vm` API over a WebAssembly
/// guest with no ambient authority. Contexts, scripts and objects from a Vm
/// are only valid with that Vm.
pub struct Vm {
    /// This Vm's number (its values carry it; see `check_value`).
    pub(crate) id: u64,
    pub(crate) store: Store<HostState>,
    bindings: Jsvm,
    releaser: Releaser,
    memory_limit: Option<usize>,
    clock: Clock,
    pub(crate) interrupt: InterruptHandle,
    /// The async driver's guest helpers, made on first use (`async_host`).
    pub(crate) awaiter: Option<crate::async_host::Awaiter>,
}

impl Vm {
    /// A Vm with default settings.
    pub fn new() -> Result<Vm> {
        VmBuilder::default().build()
    }

    /// A builder for a Vm with custom settings.
    pub fn builder() -> VmBuilder {
        VmBuilder::default()
    }

    /// Releases what dropped Rust handles held, then runs one guest call;
    /// a trap rebuilds the instance and reports the lost state.
    pub(crate) fn call<T>(
        &mut self,
        f: impl FnOnce(&exported::Guest, &mut Store<HostState>) -> wasmtime::Result<Result<T, wit::JsError>>,
    ) -> Result<T> {
        self.call_limited(None, false, f)
    }

    /// One guest call under a root budget (the caller's `fuel` or program
    /// timeout) and, optionally, SIGINT.
    pub(crate) fn call_limited<T>(
        &mut self,
        budget: Option<Budget>,
        break_on_sigint: bool,
        f: impl FnOnce(&exported::Guest, &mut Store<HostState>) -> wasmtime::Result<Result<T, wit::JsError>>,
    ) -> Result<T> {
        let first_started = self.store.data().pending.next_sequence();
        let result = self.call_limited_once(budget, break_on_sigint, f);
        // A timeout or interrupt that ends the call also ends the async
        // host calls it started (see `async_host`).
        if let Err(Error::Js(exception)) = &result
            && matches!(exception.code.as_deref(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT" | "ERR_SCRIPT_EXECUTION_INTERRUPTED"))
        {
            self.cancel_started_since(first_started, exception);
        }
        result
    }

    fn call_limited_once<T>(
        &mut self,
        budget: Option<Budget>,
        break_on_sigint: bool,
        f: impl FnOnce(&exported::Guest, &mut Store<HostState>) -> wasmtime::Result<Result<T, wit::JsError>>,
    ) -> Result<T> {
        self.flush_releases()?;
        let now = meter(&mut self.store);
        self.store.data_mut().limits.begin_call(now, budget, break_on_sigint);
        refuel(&mut self.store);
        let outcome = f(self.bindings.jsvm_vm_vm(), &mut self.store);
        self.store.data_mut().limits.end_call();
        refuel(&mut self.store);
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                let mut exception = JsException::from_wit(error, &self.releaser);
                // A stop of the whole call: say what the host's budget was.
                if exception.code.as_deref() == Some("ERR_SCRIPT_EXECUTION_TIMEOUT") && exception.message == "Script execution timed out" {
                    exception.message = match budget {
                        Some(Budget::Millis(ms)) => format!("Script execution timed out after {ms}ms"),
                        Some(Budget::Fuel(fuel)) => format!("Script execution ran out of its fuel budget ({fuel})"),
                        None => exception.message,
                    };
                    exception.stack = format!("Error [ERR_SCRIPT_EXECUTION_TIMEOUT]: {}", exception.message);
                }
                Err(Error::Js(exception))
            }
            Err(trap) => {
                let forced = self.store.data_mut().limits.hard_stop.take();
                let (code, mut reason) = match (forced, trap.downcast_ref::<wasmtime::Trap>()) {
                    (Some((code, why)), _) => (Some(code), format!("stopped by force: {why}")),
                    (None, Some(wasmtime::Trap::OutOfFuel)) => (
                        Some("ERR_SCRIPT_EXECUTION_TIMEOUT"),
                        "stopped by force: the guest ran far past its fuel budget without reaching a checkpoint".to_string(),
                    ),
                    _ if self.store.data().guest_panic().is_some_and(|p| p.starts_with("memory allocation of")) => (
                        Some("ERR_VM_MEMORY_LIMIT"),
                        match self.memory_limit {
                            Some(limit) => format!("the guest reached its memory limit of {limit} bytes"),
                            None => "the guest's memory could not grow (wasm32 addresses at most 4 GiB)".to_string(),
                        },
                    ),
                    _ => (None, trap_reason(&trap)),
                };
                if let Some(panic) = self.store.data().guest_panic() {
                    reason = format!("{reason}: {panic}");
                }
                self.rebuild()?;
                Err(Error::StateLost { reason, code })
            }
        }
    }

    fn flush_releases(&mut self) -> Result<()> {
        let pending = self.releaser.take();
        for resource in pending.resources {
            if block_on(resource.resource_drop_async(&mut self.store)).is_err() {
                self.rebuild()?;
                return Ok(());
            }
        }
        if !pending.handles.is_empty() {
            let guest = self.bindings.jsvm_vm_vm();
            if block_on(guest.call_release(&mut self.store, &pending.handles)).is_err() {
                self.rebuild()?;
            }
        }
        Ok(())
    }

    /// Builds a fresh instance after a trap, keeping the console and the
    /// registered host functions. Every old handle becomes stale.
    fn rebuild(&mut self) -> Result<()> {
        let state = self.store.data_mut();
        let console = std::mem::replace(&mut state.console, Box::new(|_, _| {}));
        let functions = std::mem::take(&mut state.functions);
        let module_root = state.module_root.take();
        self.releaser = Releaser::new(self.id);
        let limits = Limits::new(self.clock, self.interrupt.clone());
        let mut state = HostState::new(console, functions, self.memory_limit, self.releaser.clone(), limits);
        state.module_root = module_root;
        let (store, bindings) = instantiate(state, self.memory_limit)?;
        self.store = store;
        self.bindings = bindings;
        self.awaiter = None;
        Ok(())
    }

    pub(crate) fn check_value(&self, value: &Value) -> Result<()> {
        match (value, value.releaser()) {
            (Value::HostFunction(f), _) if f.vm != self.id => Err(Error::Stale { what: "host function" }),
            (_, Some(r)) if !r.same(&self.releaser) => Err(Error::Stale { what: "object" }),
            _ => Ok(()),
        }
    }

    pub(crate) fn check_owned(&self, owned: &Owned, what: &'static str) -> Result<ResourceAny> {
        if owned.releaser.same(&self.releaser) { Ok(owned.resource) } else { Err(Error::Stale { what }) }
    }

    fn own(&self, resource: ResourceAny) -> Arc<Owned> {
        Arc::new(Owned { resource, releaser: self.releaser.clone() })
    }

    pub(crate) fn value(&self, value: wit::Value) -> Value {
        Value::from_wit(value, &self.releaser)
    }

    /// Runs a whole program in the main context, where `import vm from
    /// 'node:vm'` and `console` work, then its promise jobs; an unhandled
    /// rejection fails the run as in Node. When it fails, the exception's
    /// `stack` is what Node prints for an uncaught exception (the place it
    /// was thrown, then the value inspected).
    pub fn run_main(&mut self, source: &str, filename: &str, kind: ProgramKind) -> Result<Value> {
        self.run_main_with(source, filename, kind, &RunOptions::default())
    }

    /// [`Vm::run_main`] with limits on the whole program (its jobs
    /// included): `timeout` or `fuel`, and `break_on_sigint`.
    pub fn run_main_with(&mut self, source: &str, filename: &str, kind: ProgramKind, options: &RunOptions) -> Result<Value> {
        let module = kind == ProgramKind::Module;
        // A module is named by its id in the module root; a script by its
        // host path, whose id (when it lies inside the root) its relative
        // `import()`s resolve against.
        let id = match kind {
            ProgramKind::Module => Some(filename.to_string()),
            ProgramKind::Script => self.store.data().module_root.as_ref().and_then(|r| r.id_of(std::path::Path::new(filename))),
        };
        let program = exported::Program { source: source.to_string(), filename: filename.to_string(), id, module };
        let budget = self.root_budget(options, true)?;
        let value = self.call_limited(budget, options.break_on_sigint, |g, s| block_on(g.call_run_main(s, &program)))?;
        Ok(self.value(value))
    }

    /// The budget of a whole call: `fuel`, or (for programs) `timeout`.
    pub(crate) fn root_budget(&self, options: &RunOptions, with_timeout: bool) -> Result<Option<Budget>> {
        match (options.fuel, self.clock) {
            (Some(_), Clock::Wall) => Err(Error::Engine("a fuel budget needs a Vm built with fuel metering".into())),
            (Some(fuel), _) => Ok(Some(Budget::Fuel(fuel))),
            (None, _) if with_timeout => Ok(options
                .timeout
                .map(|t| Budget::Millis(timeout_ms(t).max(1)))),
            (None, _) => Ok(None),
        }
    }

    /// A handle another thread can use to stop what this Vm runs.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.interrupt.clone()
    }

    /// `vm.createContext()`: a new context with a fresh context object.
    pub fn create_context(&mut self) -> Result<Context> {
        self.create_context_with(None, &ContextOptions::default())
    }

    /// `vm.createContext(object, options)`: contextifies `object` (a fresh
    /// one when `None`), or with `dont_contextify` makes an ordinary global.
    pub fn create_context_with(&mut self, object: Option<&Object>, options: &ContextOptions) -> Result<Context> {
        let sandbox = object.map(|o| Value::Object(o.clone()));
        if let Some(sandbox) = &sandbox {
            self.check_value(sandbox)?;
        }
        let wit_options = exported::ContextOptions {
            name: options.name.clone(),
            origin: options.origin.clone(),
            allow_strings: options.allow_strings,
            allow_wasm: options.allow_wasm,
            microtask_mode: match options.microtask_mode {
                MicrotaskMode::Default => exported::MicrotaskMode::Default,
                MicrotaskMode::AfterEvaluate => exported::MicrotaskMode::AfterEvaluate,
            },
        };
        let resource = if options.dont_contextify {
            self.call(|g, s| block_on(g.context().call_create_uncontextified(s, &wit_options)))?
        } else {
            let sandbox = sandbox.map(Value::into_wit);
            self.call(|g, s| block_on(g.context().call_create(s, sandbox.as_ref(), &wit_options)))?
        };
        Ok(Context(self.own(resource)))
    }

    /// The context object of `context` (for `dont_contextify`, its global).
    pub fn context_object(&mut self, context: &Context) -> Result<Object> {
        let resource = self.check_owned(&context.0, "context")?;
        let value = self.call(|g, s| block_on(g.context().call_global(s, resource)).map(Ok))?;
        Ok(Object::from_value(self.value(value))?)
    }

    /// `vm.runInContext(code, context)`.
    pub fn run_in_context(&mut self, context: &Context, code: &str) -> Result<Value> {
        self.run_in_context_with(context, code, &RunOptions::default())
    }

    /// `vm.runInContext(code, context, options)`.
    pub fn run_in_context_with(&mut self, context: &Context, code: &str, options: &RunOptions) -> Result<Value> {
        let resource = self.check_owned(&context.0, "context")?;
        let run = wit_run_options(options);
        let budget = self.root_budget(options, false)?;
        let value = self.call_limited(budget, false, |g, s| {
            block_on(g.context().call_run(s, resource, code, options.filename.as_deref(), run))
        })?;
        Ok(self.value(value))
    }

    /// Runs `code` in `context` and converts the result:
    /// `let n: f64 = vm.eval(&ctx, "6 * 7")?`.
    pub fn eval<T: FromValue>(&mut self, context: &Context, code: &str) -> Result<T> {
        let value = self.run_in_context(context, code)?;
        Ok(T::from_value(value)?)
    }

    /// `new vm.Script(code, options)`: validates now, compiles per context
    /// when run.
    pub fn compile_script(&mut self, code: &str, options: &ScriptOptions) -> Result<Script> {
        let wit_options = exported::ScriptOptions {
            filename: options.filename.clone(),
            line_offset: options.line_offset,
            column_offset: options.column_offset,
            cached_data: options.cached_data.clone(),
            produce_cached_data: options.produce_cached_data,
        };
        let resource = self.call(|g, s| block_on(g.script().call_create(s, code, &wit_options)))?;
        Ok(Script(self.own(resource)))
    }

    /// `script.runInContext(context, options)`.
    pub fn run_script(&mut self, script: &Script, context: &Context, options: &RunOptions) -> Result<Value> {
        let script = self.check_owned(&script.0, "script")?;
        let context = self.check_owned(&context.0, "context")?;
        let run = wit_run_options(options);
        let budget = self.root_budget(options, false)?;
        let value = self.call_limited(budget, false, |g, s| block_on(g.script().call_run_in_context(s, script, context, run)))?;
        Ok(self.value(value))
    }

    /// `script.runInThisContext(options)`: runs in the main context.
    pub fn run_script_in_main_context(&mut self, script: &Script, options: &RunOptions) -> Result<Value> {
        let script = self.check_owned(&script.0, "script")?;
        let run = wit_run_options(options);
        let budget = self.root_budget(options, false)?;
        let value = self.call_limited(budget, false, |g, s| block_on(g.script().call_run_in_main_context(s, script, run)))?;
        Ok(self.value(value))
    }

    /// `script.createCachedData()`. Boa has no bytecode cache: the data is a
    /// versioned stamp of the engine and the source, accepted exactly when
    /// it matches (see `cachedDataRejected`).
    pub fn create_cached_data(&mut self, script: &Script) -> Result<Vec<u8>> {
        let script = self.check_owned(&script.0, "script")?;
        self.call(|g, s| block_on(g.script().call_create_cached_data(s, script)).map(Ok))
    }

    /// `script.cachedDataRejected`: `None` when no cached data was given.
    pub fn cached_data_rejected(&mut self, script: &Script) -> Result<Option<bool>> {
        let script = self.check_owned(&script.0, "script")?;
        self.call(|g, s| block_on(g.script().call_cached_data_rejected(s, script)).map(Ok))
    }

    /// `script.sourceMapURL`.
    pub fn source_map_url(&mut self, script: &Script) -> Result<Option<String>> {
        let script = self.check_owned(&script.0, "script")?;
        self.call(|g, s| block_on(g.script().call_source_map_url(s, script)).map(Ok))
    }

    /// `vm.compileFunction(code, params, options)`.
    pub fn compile_function(&mut self, code: &str, params: &[&str], options: &FunctionOptions) -> Result<Object> {
        let parsing_context = match &options.parsing_context {
            Some(c) => Some(self.check_owned(&c.0, "context")?),
            None => None,
        };
        for extension in &options.context_extensions {
            self.check_value(extension)?;
        }
        let wit_options = exported::FunctionOptions {
            filename: options.filename.clone(),
            line_offset: options.line_offset,
            column_offset: options.column_offset,
            parsing_context,
            context_extensions: options.context_extensions.iter().cloned().map(Value::into_wit).collect(),
        };
        let params: Vec<String> = params.iter().map(|p| (*p).to_owned()).collect();
        let value = self.call(|g, s| block_on(g.call_compile_function(s, code, &params, &wit_options)))?;
        Ok(Object::from_value(self.value(value))?)
    }

    /// `vm.isContext(value)`.
    pub fn is_context(&mut self, value: &Value) -> Result<bool> {
        self.check_value(value)?;
        let value = value.clone().into_wit();
        self.call(|g, s| block_on(g.call_is_context(s, &value)).map(Ok))
    }

    /// Reads `object[key]`.
    pub fn get(&mut self, object: &Object, key: &str) -> Result<Value> {
        self.check_value(&Value::Object(object.clone()))?;
        let key = wit::Value::String(key.to_owned());
        let value = self.call(|g, s| block_on(g.call_get(s, object.handle(), &key)))?;
        Ok(self.value(value))
    }

    /// Writes `object[key] = value`.
    pub fn set(&mut self, object: &Object, key: &str, value: impl Into<Value>) -> Result<()> {
        let value = value.into();
        self.check_value(&Value::Object(object.clone()))?;
        self.check_value(&value)?;
        let value = value.into_wit();
        let wit_key = wit::Value::String(key.to_owned());
        if self.call(|g, s| block_on(g.call_set(s, object.handle(), &wit_key, &value)))? {
            Ok(())
        } else {
            Err(Error::Js(JsException::new("TypeError", format!("Cannot assign to read only property '{key}' of object"))))
        }
    }

    /// `Object.keys(object)`.
    pub fn keys(&mut self, object: &Object) -> Result<Vec<String>> {
        self.check_value(&Value::Object(object.clone()))?;
        self.call(|g, s| block_on(g.call_keys(s, object.handle())))
    }

    /// Calls a guest function with `this` undefined.
    pub fn call_function(&mut self, function: &Object, args: &[Value]) -> Result<Value> {
        self.check_value(&Value::Object(function.clone()))?;
        for arg in args {
            self.check_value(arg)?;
        }
        let args: Vec<wit::Value> = args.iter().cloned().map(Value::into_wit).collect();
        let value = self.call(|g, s| block_on(g.call_call(s, function.handle(), &wit::Value::Undefined, &args)))?;
        Ok(self.value(value))
    }

    /// The value as Node's REPL would print it (`util.inspect`-like).
    pub fn display(&mut self, value: &Value) -> Result<String> {
        self.check_value(value)?;
        let value = value.clone().into_wit();
        self.call(|g, s| block_on(g.call_to_display_string(s, &value)))
    }

    /// Registers a Rust closure as a JavaScript function. Put the returned
    /// value on a context object to let scripts call it. The closure cannot
    /// call back into this Vm (the guest is busy running the caller).
    pub fn function(
        &mut self,
        f: impl FnMut(Vec<Value>) -> std::result::Result<Value, JsException> + Send + 'static,
    ) -> HostFunction {
        self.register(HostFn::Sync(Box::new(f)))
    }

    /// Adds a host function (sync or async) to this Vm's table.
    pub(crate) fn register(&mut self, function: HostFn) -> HostFunction {
        let functions: &mut Vec<HostFn> = &mut self.store.data_mut().functions;
        functions.push(function);
        HostFunction { index: (functions.len() - 1) as u32, vm: self.id }
    }

    /// Sets a global of `context` (a property of its context object).
    pub fn set_global(&mut self, context: &Context, name: &str, value: impl Into<Value>) -> Result<()> {
        let object = self.context_object(context)?;
        self.set(&object, name, value)
    }

    /// Bytes of linear memory the guest has grown to: what
    /// [`VmBuilder::memory_limit`] caps. WebAssembly memory never shrinks,
    /// so this is a high-water mark; memory the guest frees (dropped
    /// contexts, garbage) is reused before it grows again.
    pub fn memory_size(&self) -> usize {
        self.store.data().memory.size
    }

    /// The engine's epoch counter: another thread may call
    /// `increment_epoch` on it.
    pub fn engine(&self) -> &wasmtime::Engine {
        self.store.engine()
    }
}

/// A one-line cause of a trap: the innermost error, without the wasm
/// backtrace wasmtime prepends.
fn trap_reason(trap: &wasmtime::Error) -> String {
    let root = trap.root_cause().to_string();
    match trap.downcast_ref::<wasmtime::Trap>() {
        Some(kind) if root != kind.to_string() => format!("{kind} ({root})"),
        Some(kind) => kind.to_string(),
        None => root,
    }
}

/// node:vm's `timeout` (whole milliseconds) for a duration: rounded up, so
/// a run never stops early and only a zero duration is node:vm's invalid
/// `timeout: 0`; past `u32::MAX` ms, the maximum.
fn timeout_ms(timeout: std::time::Duration) -> u32 {
    u32::try_from(timeout.as_nanos().div_ceil(1_000_000)).unwrap_or(u32::MAX)
}

fn wit_run_options(options: &RunOptions) -> exported::RunOptions {
    exported::RunOptions {
        timeout_ms: options.timeout.map(timeout_ms),
        break_on_sigint: options.break_on_sigint,
        display_errors: options.display_errors,
    }
}
