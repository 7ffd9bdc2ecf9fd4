//! The WIT exports. Each call converts its arguments, calls the same
//! `node:vm` JavaScript function the in-guest API uses (so validation and
//! semantics are shared), runs the promise jobs it queued, and converts the
//! result back.

use std::cell::RefCell;
use std::rc::Rc;

use boa_engine::{
    Context, JsNativeError, JsObject, JsResult, JsString, JsValue, js_string,
    object::builtins::{JsArray, JsUint8Array},
};

use crate::exports::jsvm::vm::vm::{
    ContextBorrow, ContextOptions, Copied, FunctionOptions, Guest, GuestContext, GuestScript, MicrotaskMode, ModuleLink,
    GuestOptions, ModuleOptions, Program, RunOptions, ScriptOptions,
};
use boa_engine::optimizer::OptimizerOptions;

use crate::hooks::Hooks;
use crate::jsvm::vm::types::{JsError as WitError, PropertyDescriptor, Value};
use crate::{bootstrap, errors, fast_run, host_modules, limits, main_program, values};

/// Frames of JavaScript recursion before `Maximum call stack size exceeded`.
const RECURSION_LIMIT: usize = 2_000;

/// The component's export implementation.
pub struct Component;

thread_local! {
    static HOOKS: Rc<Hooks> = Rc::new(Hooks::default());
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
}

/// The guest's host hooks (shared with natives that create realms).
pub fn hooks() -> Rc<Hooks> {
    HOOKS.with(Rc::clone)
}

fn new_context() -> Context {
    let mut context = Context::builder()
        .host_hooks(hooks())
        .job_executor(Rc::new(crate::jobs::Jobs::new()))
        .module_loader(Rc::new(crate::modules::Loader))
        .clock(Rc::new(crate::performance::LazyClock))
        .build()
        .expect("the Boa context builds");
    context.set_interrupt_handler(Some(limits::interrupt_handler), limits::CHECK_INTERVAL);
    boa_engine::vm::set_memory_guard(limits::memory_guard);
    boa_engine::set_global_lookup_redirect(crate::contextify::lookup_redirect);
    boa_engine::set_read_only_message(crate::contextify::read_only_message);
    // Dead-code elimination rewrites `if (false) x;` and `while (false);` to
    // empty statements, which changes a script's completion value (ECMA-262
    // gives such statements `undefined`; node:vm users read it).
    let optimizations = OptimizerOptions::OPTIMIZE_ALL.difference(OptimizerOptions::DEAD_CODE_ELIMINATION);
    context.set_optimizer_options(optimizations);
    // Recursion ends in a catchable RangeError at this depth (Boa's default
    // is 512; V8 allows ~10,000 frames, Boa's JS-to-JS calls use no native
    // stack). The value stack limit is set far above what that depth needs,
    // so the recursion limit is always the one that triggers.
    let limits = context.runtime_limits_mut();
    limits.set_recursion_limit(RECURSION_LIMIT);
    limits.set_stack_size_limit(1 << 20);
    crate::modules::install(&mut context);
    crate::stack::install();
    bootstrap::install(&mut context).expect("the jsvm bootstrap evaluates");
    context
}

thread_local! {
    /// The context lent to the host while a host import runs (see
    /// [`calling_host`]): null when no import is running.
    static LENT: std::cell::Cell<*mut Context> = const { std::cell::Cell::new(std::ptr::null_mut()) };
}

/// Runs `f` on the guest's one Boa context, creating it on first use. A
/// call the host makes while one of its imports runs (a host function
/// reading a property of a guest object it was given) runs on the context
/// lent to that import.
pub fn with_context<T>(f: impl FnOnce(&mut Context) -> T) -> T {
    let lent = LENT.get();
    if !lent.is_null() {
        // SAFETY: `calling_host` set this from a live `&mut Context` whose
        // owner is blocked in the host import until the host returns; the
        // host's nested call is the only user meanwhile, as when a native
        // function calls back into JavaScript.
        return f(unsafe { &mut *lent });
    }
    crate::performance::start();
    CONTEXT.with_borrow_mut(|slot| f(slot.get_or_insert_with(new_context)))
}

/// Whether this is a nested call, made by the host from one of its imports.
fn nested() -> bool {
    !LENT.get().is_null()
}

thread_local! {
    /// `guest-options.defer-jobs`.
    static DEFER_JOBS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Calls a host import with `context` lent out, so the host may call back
/// into the guest (re-entering `with_context`) before it returns.
pub fn calling_host<T>(context: &mut Context, f: impl FnOnce() -> T) -> T {
    let previous = LENT.replace(context as *mut Context);
    let result = f();
    LENT.set(previous);
    result
}

/// Runs `f`, then the promise jobs it queued, and converts a JS failure.
/// A stop that no run claimed (the host's own limit on the whole call)
/// becomes Node's error here, and the jobs queued so far are dropped.
fn run<T>(f: impl FnOnce(&mut Context) -> JsResult<T>) -> Result<T, WitError> {
    with_context(|context| {
        let mut result = f(context);
        let stopped = matches!(&result, Err(e) if limits::is_stop(e));
        // Jobs run when the outermost call ends, as microtasks run when the
        // host's stack empties; a nested call leaves them queued.
        if !stopped && !nested() && !DEFER_JOBS.get() && let Err(error) = context.run_jobs() {
            result = Err(error);
        }
        if stopped && !nested() {
            crate::jobs::discard_queued(context);
        }
        result.map_err(|error| {
            let error = match limits::is_stop(&error) {
                true => limits::take_unclaimed(context).unwrap_or(error),
                false => error,
            };
            errors::to_wit(error, context)
        })
    })
}

/// `Reflect[name](...args)` of the main realm.
fn reflect(name: &str, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let reflect = context.intrinsics().objects().reflect();
    method(&reflect, name, args, context)
}

/// A plain object of the main realm with the given properties.
fn object(pairs: Vec<(&str, JsValue)>, context: &mut Context) -> JsResult<JsObject> {
    let object = JsObject::with_object_proto(context.intrinsics());
    for (key, value) in pairs {
        if !value.is_undefined() {
            object.set(JsString::from(key), value, true, context)?;
        }
    }
    Ok(object)
}

fn opt_string(value: Option<String>) -> JsValue {
    value.map_or(JsValue::undefined(), |s| JsString::from(s.as_str()).into())
}

fn run_options(options: &RunOptions, filename: Option<String>, context: &mut Context) -> JsResult<JsObject> {
    object(
        vec![
            ("filename", opt_string(filename)),
            ("timeout", options.timeout_ms.map_or(JsValue::undefined(), JsValue::from)),
            ("breakOnSigint", options.break_on_sigint.into()),
            ("displayErrors", options.display_errors.into()),
        ],
        context,
    )
}

/// The run options as the fast paths take them, when they need no
/// validation (a timeout of 0 is Node's ERR_OUT_OF_RANGE: the layer says so).
fn fast_limits(options: &RunOptions) -> Option<fast_run::Limits> {
    (options.timeout_ms != Some(0)).then_some(fast_run::Limits {
        timeout_ms: options.timeout_ms,
        break_on_sigint: options.break_on_sigint,
        display_errors: options.display_errors,
    })
}

fn call_vm(name: &str, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    bootstrap::vm_function(name, context)?.call(&JsValue::undefined(), args, context)
}

fn method(target: &JsObject, name: &str, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let function = target.get(JsString::from(name), context)?;
    let function = function.as_callable().ok_or_else(|| {
        JsNativeError::typ().with_message(format!("jsvm: {name} is not a function"))
    })?;
    function.call(&target.clone().into(), args, context)
}

/// A `vm` context: its context object (for DONT_CONTEXTIFY, its global).
pub struct VmContext {
    object: JsObject,
}

/// Runs `f` (conversions of what the host hands to `target`) in the realm
/// `target` belongs to, so host objects arrive as that realm's. Finding
/// the realm costs a JavaScript call, so it is skipped unless `needed`: a
/// value handed in makes a realm's object (see [`values::made_in_realm`]).
fn in_realm_of<T>(target: &JsObject, needed: bool, context: &mut Context, f: impl FnOnce(&mut Context) -> T) -> T {
    if !needed {
        return f(context);
    }
    let realm = bootstrap::realm_of(target, context);
    crate::natives::in_realm(&realm, context, f)
}

fn create_context(sandbox: JsValue, options: ContextOptions) -> Result<crate::exports::jsvm::vm::vm::Context, WitError> {
    run(|context| {
        let code_generation = object(
            vec![("strings", options.allow_strings.into()), ("wasm", options.allow_wasm.into())],
            context,
        )?;
        let microtask_mode = match options.microtask_mode {
            MicrotaskMode::Default => JsValue::undefined(),
            MicrotaskMode::AfterEvaluate => js_string!("afterEvaluate").into(),
        };
        let options = object(
            vec![
                ("name", opt_string(options.name)),
                ("origin", opt_string(options.origin)),
                ("codeGeneration", code_generation.into()),
                ("microtaskMode", microtask_mode),
            ],
            context,
        )?;
        let created = call_vm("createContext", &[sandbox, options.into()], context)?;
        Ok(VmContext { object: created.as_object().expect("createContext returns an object") })
    })
    .map(crate::exports::jsvm::vm::vm::Context::new)
}

impl GuestContext for VmContext {
    fn create(sandbox: Option<Value>, options: ContextOptions) -> Result<crate::exports::jsvm::vm::vm::Context, WitError> {
        let Some(value) = sandbox else {
            // The host's own new context object: a plain object of the
            // context's realm (node:vm's `{}` would be the main realm's,
            // which nothing in the context should reach).
            let sandbox = JsObject::with_null_proto();
            let created = create_context(sandbox.clone().into(), options)?;
            with_context(|context| {
                let realm = bootstrap::realm_of(&sandbox, context);
                sandbox.set_prototype(Some(realm.intrinsics().constructors().object().prototype()));
            });
            return Ok(created);
        };
        let sandbox = run(|context| values::from_wit(value, context))?;
        create_context(sandbox, options)
    }

    fn create_uncontextified(options: ContextOptions) -> Result<crate::exports::jsvm::vm::vm::Context, WitError> {
        let marker = run(|context| {
            let constants = bootstrap::get().vm.get(js_string!("constants"), context)?;
            constants.as_object().expect("vm.constants").get(js_string!("DONT_CONTEXTIFY"), context)
        })?;
        create_context(marker, options)
    }

    fn global(&self) -> Value {
        with_context(|context| values::to_wit(&self.object.clone().into(), context))
    }

    fn run(&self, code: String, filename: Option<String>, options: RunOptions) -> Result<Value, WitError> {
        run(|context| {
            let code = JsString::from(code.as_str());
            if let Some(limits) = fast_limits(&options) {
                let filename = filename.as_deref().map(JsString::from);
                if let Some(result) = fast_run::run_source(&code, filename.as_ref(), &self.object, limits, context)? {
                    return Ok(values::to_wit(&result?, context));
                }
            }
            let options = run_options(&options, filename, context)?;
            let (run_in_context, _) = fast_run::slow_paths();
            let args = [code.into(), self.object.clone().into(), options.into()];
            let result = run_in_context.call(&JsValue::undefined(), &args, context)?;
            Ok(values::to_wit(&result, context))
        })
    }
}

/// A `vm.Script` instance of the main realm.
pub struct VmScript {
    script: JsObject,
}

impl GuestScript for VmScript {
    fn create(code: String, options: ScriptOptions) -> Result<crate::exports::jsvm::vm::vm::Script, WitError> {
        run(|context| {
            let cached = match options.cached_data {
                Some(bytes) => JsUint8Array::from_iter(bytes, context)?.into(),
                None => JsValue::undefined(),
            };
            let options = object(
                vec![
                    ("filename", opt_string(options.filename)),
                    ("lineOffset", options.line_offset.into()),
                    ("columnOffset", options.column_offset.into()),
                    ("cachedData", cached),
                    ("produceCachedData", options.produce_cached_data.into()),
                ],
                context,
            )?;
            let constructor = bootstrap::get().vm.get(js_string!("Script"), context)?;
            let constructor = constructor.as_constructor().expect("vm.Script is a constructor");
            let script = constructor.construct(&[JsString::from(code.as_str()).into(), options.into()], None, context)?;
            Ok(VmScript { script })
        })
        .map(crate::exports::jsvm::vm::vm::Script::new)
    }

    fn run_in_context(&self, target: ContextBorrow<'_>, options: RunOptions) -> Result<Value, WitError> {
        let target = target.get::<VmContext>().object.clone();
        run(|context| {
            if let Some(limits) = fast_limits(&options)
                && let Some(result) = fast_run::run_script(&self.script, &target, limits, context)?
            {
                return Ok(values::to_wit(&result?, context));
            }
            let options = run_options(&options, None, context)?;
            let (_, run_in_context) = fast_run::slow_paths();
            let result = run_in_context.call(&self.script.clone().into(), &[target.into(), options.into()], context)?;
            Ok(values::to_wit(&result, context))
        })
    }

    fn run_in_main_context(&self, options: RunOptions) -> Result<Value, WitError> {
        run(|context| {
            let options = run_options(&options, None, context)?;
            let result = method(&self.script, "runInThisContext", &[options.into()], context)?;
            Ok(values::to_wit(&result, context))
        })
    }

    fn create_cached_data(&self) -> Vec<u8> {
        run(|context| {
            let data = method(&self.script, "createCachedData", &[], context)?;
            JsUint8Array::from_object(data.as_object().expect("cached data is a Uint8Array"))?.to_vec(context)
        })
        .unwrap_or_default()
    }

    fn cached_data_rejected(&self) -> Option<bool> {
        with_context(|context| {
            let value = self.script.get(js_string!("cachedDataRejected"), context).ok()?;
            value.as_boolean()
        })
    }

    fn source_map_url(&self) -> Option<String> {
        with_context(|context| {
            let value = self.script.get(js_string!("sourceMapURL"), context).ok()?;
            value.as_string().map(|s| s.to_std_string_lossy())
        })
    }
}

impl crate::Guest for Component {
    /// Builds the engine and the node:vm layer. host/build runs this once,
    /// under wasmtime-wizer, and snapshots the guest after it: every Vm
    /// starts from that snapshot, ready, and its first call costs what any
    /// call costs. It calls no host import (the snapshot cannot hold one).
    /// The export stays in the built component; later calls do nothing.
    fn wizer_initialize() {
        if CONTEXT.with_borrow(Option::is_some) {
            return;
        }
        limits::without_host(|| CONTEXT.with_borrow_mut(|slot| *slot = Some(new_context())));
        boa_gc::force_collect();
    }
}

impl Guest for Component {
    type Context = VmContext;
    type Script = VmScript;

    fn compile_function(code: String, params: Vec<String>, options: FunctionOptions) -> Result<Value, WitError> {
        let parsing_context = options.parsing_context.map(|c| c.get::<VmContext>().object.clone());
        run(|context| {
            let params = JsArray::from_iter(params.iter().map(|p| JsString::from(p.as_str()).into()), context);
            // Host objects among the extensions become the parsing context's.
            let extensions = match &parsing_context {
                Some(target) => in_realm_of(target, options.context_extensions.iter().any(values::made_in_realm), context, |context| values::from_wit_list(options.context_extensions, context))?,
                None => values::from_wit_list(options.context_extensions, context)?,
            };
            let extensions = JsArray::from_iter(extensions, context);
            let options = object(
                vec![
                    ("filename", opt_string(options.filename)),
                    ("lineOffset", options.line_offset.into()),
                    ("columnOffset", options.column_offset.into()),
                    ("parsingContext", parsing_context.map_or(JsValue::undefined(), JsValue::from)),
                    ("contextExtensions", extensions.into()),
                ],
                context,
            )?;
            let function = call_vm(
                "compileFunction",
                &[JsString::from(code.as_str()).into(), params.into(), options.into()],
                context,
            )?;
            Ok(values::to_wit(&function, context))
        })
    }

    fn is_context(object: Value) -> bool {
        run(|context| {
            let value = values::from_wit(object, context)?;
            if !value.is_object() {
                return Ok(false);
            }
            Ok(call_vm("isContext", &[value], context)?.to_boolean())
        })
        .unwrap_or(false)
    }

    fn run_main(program: Program) -> Result<Value, WitError> {
        let mut report = None;
        let result = run(|context| {
            let value = main_program::run(&program, context).map_err(|(error, text)| {
                report = text;
                error
            })?;
            Ok(values::to_wit(&value, context))
        });
        result.map_err(|mut error| {
            if let Some(text) = report {
                error.stack = text;
            }
            error
        })
    }

    fn configure(options: GuestOptions) {
        DEFER_JOBS.set(options.defer_jobs);
        crate::memory::set_limit(options.memory_limit);
    }

    fn run_jobs() -> Result<(), WitError> {
        run(|context| if nested() { Ok(()) } else { context.run_jobs() })
    }

    fn use_host_global(global: Value) -> Result<(), WitError> {
        run(|context| {
            let Value::HostObject(reference) = global else {
                return Err(JsNativeError::typ().with_message("jsvm: use-host-global takes a host object").into());
            };
            let global = values::from_wit(Value::HostObject(reference), context)?;
            let made = bootstrap::get().use_host_global.call(&JsValue::undefined(), &[global], context)?;
            let made = made.as_object().expect("useHostGlobal returns [Error.prototype, Promise.prototype, global]");
            let error = made.get(0, context)?.as_object().expect("an Error.prototype");
            let promise = made.get(1, context)?.as_object().expect("a Promise.prototype");
            let proxy = made.get(2, context)?.as_object().expect("a global");
            values::add_main_prototypes(error, promise);
            values::set_this_global(proxy, reference);
            Ok(())
        })
    }

    fn node_vm() -> Value {
        with_context(|context| values::to_wit(&bootstrap::get().vm.into(), context))
    }

    fn get(target: u32, key: Value) -> Result<Value, WitError> {
        run(|context| {
            let key = values::key_from_wit(key, context)?;
            Ok(values::to_wit(&values::object(target)?.get(key, context)?, context))
        })
    }

    fn set(target: u32, key: Value, value: Value) -> Result<bool, WitError> {
        run(|context| {
            let target = values::object(target)?;
            let key = values::key_to_js(key, context)?;
            let value = in_realm_of(&target, values::made_in_realm(&value), context, |context| values::from_wit(value, context))?;
            Ok(reflect("set", &[target.into(), key, value], context)?.to_boolean())
        })
    }

    fn has(target: u32, key: Value) -> Result<bool, WitError> {
        run(|context| {
            let key = values::key_from_wit(key, context)?;
            values::object(target)?.has_property(key, context)
        })
    }

    fn delete_property(target: u32, key: Value) -> Result<bool, WitError> {
        run(|context| {
            let key = values::key_to_js(key, context)?;
            Ok(reflect("deleteProperty", &[values::object(target)?.into(), key], context)?.to_boolean())
        })
    }

    fn own_keys(target: u32) -> Result<Vec<Value>, WitError> {
        run(|context| {
            let keys = reflect("ownKeys", &[values::object(target)?.into()], context)?;
            let keys = JsArray::from_object(keys.as_object().expect("Reflect.ownKeys returns an array"))?;
            (0..keys.length(context)?).map(|i| Ok(values::to_wit(&keys.get(i, context)?, context))).collect()
        })
    }

    fn get_own_property(target: u32, key: Value) -> Result<Option<PropertyDescriptor>, WitError> {
        run(|context| {
            let key = values::key_to_js(key, context)?;
            let descriptor = reflect("getOwnPropertyDescriptor", &[values::object(target)?.into(), key], context)?;
            values::descriptor_to_wit(&descriptor, context)
        })
    }

    fn define_property(target: u32, key: Value, descriptor: PropertyDescriptor) -> Result<bool, WitError> {
        run(|context| {
            let target = values::object(target)?;
            let key = values::key_to_js(key, context)?;
            let needed = values::descriptor_values(&descriptor).any(values::made_in_realm);
            let descriptor = in_realm_of(&target, needed, context, |context| values::descriptor_from_wit(descriptor, context))?;
            Ok(reflect("defineProperty", &[target.into(), key, descriptor.into()], context)?.to_boolean())
        })
    }

    fn get_prototype_of(target: u32) -> Result<Value, WitError> {
        run(|context| Ok(values::to_wit(&reflect("getPrototypeOf", &[values::object(target)?.into()], context)?, context)))
    }

    fn construct(target: u32, args: Vec<Value>) -> Result<Value, WitError> {
        run(|context| {
            let constructor = values::object(target)?;
            let args = in_realm_of(&constructor, args.iter().any(values::made_in_realm), context, |context| values::from_wit_list(args, context))?;
            let args = JsArray::from_iter(args, context);
            Ok(values::to_wit(&reflect("construct", &[constructor.into(), args.into()], context)?, context))
        })
    }

    fn keys(target: u32) -> Result<Vec<String>, WitError> {
        run(|context| {
            let keys = values::enumerable_keys(&values::object(target)?, context)?;
            Ok(keys.iter().map(JsString::to_std_string_lossy).collect())
        })
    }

    fn call(target: u32, this: Value, args: Vec<Value>) -> Result<Value, WitError> {
        run(|context| {
            let function = values::function(target)?;
            let (this, args) = in_realm_of(&function, std::iter::once(&this).chain(&args).any(values::made_in_realm), context, |context| {
                Ok::<_, boa_engine::JsError>((values::from_wit(this, context)?, values::from_wit_list(args, context)?))
            })?;
            Ok(values::to_wit(&function.call(&this, &args, context)?, context))
        })
    }

    fn to_display_string(value: Value) -> Result<String, WitError> {
        run(|context| {
            let value = values::from_wit(value, context)?;
            let text = bootstrap::get().display.call(&JsValue::undefined(), &[value], context)?;
            Ok(text.to_string(context)?.to_std_string_lossy())
        })
    }

    fn create_module(source: String, target: Option<ContextBorrow<'_>>, options: ModuleOptions) -> Result<Value, WitError> {
        let object = target.map(|c| c.get::<VmContext>().object.clone());
        run(|context| host_modules::create(&source, object, options, context))
    }

    fn link_module(module: Value, links: Vec<ModuleLink>) -> Result<(), WitError> {
        run(|context| host_modules::link(module, links, context))
    }

    fn evaluate_module(module: Value) -> Result<Value, WitError> {
        run(|context| host_modules::evaluate(module, context))
    }

    fn import_module(specifier: String) -> Result<Value, WitError> {
        run(|context| host_modules::import(&specifier, context))
    }

    fn release(handles: Vec<u32>) {
        values::release(&handles);
    }

    fn copy_out(target: u32, max_objects: u32) -> Result<Copied, WitError> {
        run(|context| crate::copy_out::copy_out(target, max_objects, context))
    }

    fn settle_host_promise(target: u32, outcome: Result<Value, WitError>) -> Result<(), WitError> {
        run(|context| crate::host_promises::settle(target, outcome, context))
    }
}
