//! The two runs node:vm code makes most, in Rust: `script.runInContext(ctx)`
//! and `vm.runInContext(code, ctx)` of a source that ran before. In Boa's
//! interpreter the JavaScript layer's own steps for them (five calls, a
//! spread, a cache key, option checks) cost twice what running `n += 1`
//! does.
//!
//! A fast path only takes calls whose arguments need no validation: a
//! Script (or a cached source) and a context, with the default options or
//! options the host already typed (the WIT edge). Anything else goes to the
//! JavaScript implementation in `js/vm.js`, which stays the one place that
//! validates and says what is wrong; the fast path reads that layer's own
//! tables (context records, script states, the run cache), so both paths
//! share the state and behave the same.

use std::cell::RefCell;

use boa_engine::{
    Context, JsArgs, JsError, JsObject, JsResult, JsString, JsValue, NativeFunction, js_string,
    object::{
        FunctionObjectBuilder,
        builtins::{JsFunction, JsMap, JsWeakMap},
    },
};

use crate::{limits, natives};

/// The layer's tables (`fast` in js/vm.js).
#[derive(Clone)]
struct Tables {
    /// Context records by context object.
    contexts: JsWeakMap,
    /// Script states by `vm.Script`.
    script_state: JsWeakMap,
    /// Script states of sources run before, by "filename\ncode".
    run_cache: JsMap,
    /// `decorateError(error, filename, code, lineOffset)`: the arrow
    /// message that `displayErrors` adds.
    decorate_error: JsFunction,
    /// The default file name (`evalmachine.<anonymous>`).
    default_filename: JsString,
    /// The layer's `vm.runInContext`, behind the fast path.
    slow_run_in_context: JsFunction,
    /// The layer's `Script.prototype.runInContext`, behind the fast path.
    slow_script_run_in_context: JsFunction,
}

thread_local! {
    static TABLES: RefCell<Option<Tables>> = const { RefCell::new(None) };
}

/// A run's limits and error display, as the run options give them.
#[derive(Clone, Copy)]
pub struct Limits {
    /// `timeout` in ms; `None` for none.
    pub timeout_ms: Option<u32>,
    /// `breakOnSigint`.
    pub break_on_sigint: bool,
    /// `displayErrors`.
    pub display_errors: bool,
}

impl Default for Limits {
    /// Node's defaults (js/vm.js `kDefaultRunOptions`).
    fn default() -> Self {
        Limits { timeout_ms: None, break_on_sigint: false, display_errors: true }
    }
}

/// Keeps the layer's tables (called once the bootstrap has run).
pub fn install(fast: &JsObject, context: &mut Context) -> JsResult<()> {
    let object = |key: &str, context: &mut Context| -> JsResult<JsObject> {
        Ok(fast.get(JsString::from(key), context)?.as_object().expect("a fast-path table"))
    };
    let weak_map = |object: JsObject| JsWeakMap::from_object(object).expect("a WeakMap");
    let function = |object: JsObject| JsFunction::from_object(object).expect("a function");
    let tables = Tables {
        contexts: weak_map(object("contexts", context)?),
        script_state: weak_map(object("scriptState", context)?),
        run_cache: JsMap::from_object(object("runCache", context)?)?,
        decorate_error: function(object("decorateError", context)?),
        slow_run_in_context: function(object("runInContext", context)?),
        slow_script_run_in_context: function(object("scriptRunInContext", context)?),
        default_filename: fast
            .get(js_string!("defaultFilename"), context)?
            .as_string()
            .expect("the default file name")
            .clone(),
    };
    TABLES.with_borrow_mut(|t| *t = Some(tables));
    Ok(())
}

/// The layer's `vm.runInContext` and `Script.prototype.runInContext`, for
/// a host's call that the fast path does not take (called directly, they
/// leave no frame of the fast path's in stacks).
pub fn slow_paths() -> (JsFunction, JsFunction) {
    let tables = tables();
    (tables.slow_run_in_context, tables.slow_script_run_in_context)
}

fn tables() -> Tables {
    TABLES.with_borrow(|t| t.clone().expect("the bootstrap installed the fast paths"))
}

/// `fastScriptRunInContext(slow)`: `Script.prototype.runInContext`, which
/// runs a Script in a context when no options are given, else calls `slow`.
pub fn script_run_in_context(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let slow = slow_arg(args)?;
    let method = NativeFunction::from_copy_closure_with_captures(
        |this, args, slow: &JsFunction, context| {
            if args.get_or_undefined(1).is_undefined()
                && let (Some(script), Some(target)) = (this.as_object(), args.get_or_undefined(0).as_object())
                && let Some(result) = run_script(&script, &target, Limits::default(), context)?
            {
                return result;
            }
            slow.call(this, args, context)
        },
        slow,
    );
    Ok(FunctionObjectBuilder::new(context.realm(), method).name(js_string!("runInContext")).length(2).build().into())
}

/// `fastRunInContext(slow)`: `vm.runInContext`, which runs a source that
/// ran before (under the default file name, with no options), else calls
/// `slow`.
pub fn run_in_context(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let slow = slow_arg(args)?;
    let function = NativeFunction::from_copy_closure_with_captures(
        |this, args, slow: &JsFunction, context| {
            if args.get_or_undefined(2).is_undefined()
                && let (Some(code), Some(target)) = (args.get_or_undefined(0).as_string(), args.get_or_undefined(1).as_object())
                && let Some(result) = run_source(&code, None, &target, Limits::default(), context)?
            {
                return result;
            }
            slow.call(this, args, context)
        },
        slow,
    );
    Ok(FunctionObjectBuilder::new(context.realm(), function).name(js_string!("runInContext")).length(3).build().into())
}

fn slow_arg(args: &[JsValue]) -> JsResult<JsFunction> {
    args.get_or_undefined(0)
        .as_object()
        .and_then(JsFunction::from_object)
        .ok_or_else(|| boa_engine::JsNativeError::typ().with_message("jsvm: a fast path needs its slow path").into())
}

/// Runs `script` (a `vm.Script`) in the context of `target`: `None` when
/// `script` is no Script or `target` no context.
pub fn run_script(script: &JsObject, target: &JsObject, limits: Limits, context: &mut Context) -> JsResult<Option<JsResult<JsValue>>> {
    let tables = tables();
    let state = tables.script_state.get(script, context)?;
    let (Some(state), Some(record)) = (state.as_object(), record(&tables, target, context)?) else {
        return Ok(None);
    };
    Ok(Some(run(&tables, &state, &record, limits, context)))
}

/// Runs a source that `runInContext` ran before, in the context of
/// `target`: `None` when it did not run before (under that file name) or
/// `target` is no context.
pub fn run_source(
    code: &JsString,
    filename: Option<&JsString>,
    target: &JsObject,
    limits: Limits,
    context: &mut Context,
) -> JsResult<Option<JsResult<JsValue>>> {
    let tables = tables();
    let Some(record) = record(&tables, target, context)? else { return Ok(None) };
    let filename = filename.unwrap_or(&tables.default_filename);
    let newline = js_string!("\n");
    let key = JsString::concat_array(&[filename.as_str(), newline.as_str(), code.as_str()]);
    let Some(state) = tables.run_cache.get(key, context)?.as_object() else { return Ok(None) };
    Ok(Some(run(&tables, &state, &record, limits, context)))
}

/// `runScriptIn(state, record, timeout, breakOnSigint, displayErrors)`:
/// js/vm.js's run of a script state in a context record, with its checked
/// options (`timeout` in ms, -1 for none).
pub fn run_script_in(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (Some(state), Some(record)) = (args.get_or_undefined(0).as_object(), args.get_or_undefined(1).as_object()) else {
        return Err(boa_engine::JsNativeError::typ().with_message("jsvm: runScriptIn needs a script state and a context record").into());
    };
    let timeout = args.get_or_undefined(2).to_number(context)?;
    let options = Limits {
        timeout_ms: (timeout > 0.0).then_some(timeout as u32),
        break_on_sigint: args.get_or_undefined(3).to_boolean(),
        display_errors: args.get_or_undefined(4).to_boolean(),
    };
    run(&tables(), &state, &record, options, context)
}

/// The context record of `target`, if it is a context object.
fn record(tables: &Tables, target: &JsObject, context: &mut Context) -> JsResult<Option<JsObject>> {
    Ok(tables.contexts.get(target, context)?.as_object())
}

/// Runs a script state in a context record (js/vm.js `runScriptIn` for both
/// paths): compiles it for the record's realm the first time, runs it
/// under the limits, and decorates a thrown error.
fn run(tables: &Tables, state: &JsObject, record: &JsObject, options: Limits, context: &mut Context) -> JsResult<JsValue> {
    let realm = record.get(js_string!("realm"), context)?;
    let realm_object = realm.as_object().expect("a context record's realm");
    let compiled_by_realm = state.get(js_string!("compiled"), context)?.as_object().and_then(|o| JsWeakMap::from_object(o).ok());
    let compiled_by_realm = compiled_by_realm.expect("a script state's compiled scripts");
    let mut compiled = compiled_by_realm.get(&realm_object, context)?;
    if compiled.is_undefined() {
        let mut args = vec![realm.clone()];
        for key in [js_string!("code"), js_string!("filename"), js_string!("lineOffset"), js_string!("columnOffset"), js_string!("importRecord")] {
            args.push(state.get(key, context)?);
        }
        compiled = natives::compile_script(&JsValue::undefined(), &args, context)?;
        compiled_by_realm.set(&realm_object, compiled.clone(), context)?;
    }
    let after_evaluate = record.get(js_string!("microtaskMode"), context)? == js_string!("afterEvaluate").into();
    let timeout = options.timeout_ms.map_or(-1.0, f64::from);
    let args = [compiled, realm, timeout.into(), options.break_on_sigint.into(), after_evaluate.into()];
    match natives::run_script(&JsValue::undefined(), &args, context) {
        // As the layer's `catch`: stops are not caught, everything else is.
        Err(error) if options.display_errors && !limits::is_stop(&error) => match error.into_opaque(context) {
            Ok(value) => {
                let mut args = vec![value.clone()];
                for key in [js_string!("filename"), js_string!("code"), js_string!("lineOffset")] {
                    args.push(state.get(key, context)?);
                }
                tables.decorate_error.call(&JsValue::undefined(), &args, context)?;
                Err(JsError::from_opaque(value))
            }
            Err(error) => Err(error),
        },
        result => result,
    }
}
