//! The engine primitives the JavaScript bootstrap is built on: realms,
//! compiling and running scripts and functions, console output and host
//! objects. Everything Node-specific (validation, options) lives in `js/`.

use std::path::Path;

use boa_engine::{
    Context, JsArgs, JsData, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction, Script,
    Source, js_string,
    object::{ObjectInitializer, builtins::JsArray},
    property::Attribute,
    realm::Realm,
};
use boa_gc::{Finalize, Trace};

use crate::hooks::RealmSettings;
use crate::jsvm::vm::host;
use crate::{errors, limits, memory, source, values};

/// A realm held by JavaScript (a context record's `realm`).
#[derive(Trace, Finalize, JsData)]
pub struct RealmBox(pub Realm);

/// A script compiled for one realm, reusable across runs.
#[derive(Trace, Finalize, JsData)]
struct CompiledScript(Script);

/// Engine identity, part of every cached-data stamp.
pub const ENGINE_VERSION: &str = concat!("boa_engine 0.22.0; jsvm ", env!("CARGO_PKG_VERSION"));

/// Builds the `native` object given to the bootstrap.
pub fn make(context: &mut Context) -> JsResult<JsObject> {
    let main_realm = JsObject::from_proto_and_data(None, RealmBox(context.realm().clone()));
    let functions: [(&str, usize, fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>); 22] = [
        ("contextify", 2, contextify),
        ("createRealm", 4, create_realm),
        ("checkScript", 1, check_script),
        ("compileFunction", 8, compile_function),
        ("memoryUsage", 0, memory_usage),
        ("print", 2, print),
        ("hostGetOwnProperty", 2, host_get_own_property),
        ("hostSet", 3, host_set),
        ("hostHas", 2, host_has),
        ("hostDeleteProperty", 2, host_delete_property),
        ("hostOwnKeys", 1, host_own_keys),
        ("hostDefineProperty", 3, host_define_property),
        ("hostCall", 3, host_call),
        ("hostConstruct", 2, host_construct),
        ("gc", 0, gc),
        ("realmShims", 4, crate::shims::realm_shims),
        ("promiseState", 1, promise_state),
        ("proxyDetails", 1, proxy_details),
        ("isClass", 1, is_class),
        ("runScriptIn", 5, crate::fast_run::run_script_in),
        ("fastScriptRunInContext", 1, crate::fast_run::script_run_in_context),
        ("fastRunInContext", 1, crate::fast_run::run_in_context),
    ];
    let mut init = ObjectInitializer::new(context);
    init.property(js_string!("mainRealm"), main_realm, Attribute::READONLY)
        .property(js_string!("engineVersion"), js_string!(ENGINE_VERSION), Attribute::READONLY);
    for (name, length, f) in functions.into_iter().chain(crate::modules::NATIVES) {
        init.function(NativeFunction::from_fn_ptr(f), JsString::from(name), length);
    }
    Ok(init.build())
}

pub(crate) fn realm_arg(value: &JsValue) -> JsResult<Realm> {
    value
        .as_object()
        .and_then(|o| o.downcast_ref::<RealmBox>().map(|r| r.0.clone()))
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: expected a realm").into())
}

fn string_arg(args: &[JsValue], index: usize, context: &mut Context) -> JsResult<String> {
    Ok(args.get_or_undefined(index).to_string(context)?.to_std_string_lossy())
}

fn i32_arg(args: &[JsValue], index: usize, context: &mut Context) -> JsResult<i32> {
    args.get_or_undefined(index).to_i32(context)
}

/// Runs `f` with `realm` as the current realm, restoring the previous one.
pub(crate) fn in_realm<T>(realm: &Realm, context: &mut Context, f: impl FnOnce(&mut Context) -> T) -> T {
    let previous = context.enter_realm(realm.clone());
    let result = f(context);
    context.enter_realm(previous);
    result
}

/// Parses `src` in the current realm; an error the parse raises (nesting
/// past the stack: validation already reported syntax errors) is
/// materialised there, so it is the context's own `RangeError` as in Node.
fn parse_here<R: boa_parser::source::ReadChar>(
    src: Source<'_, R>,
    defined: boa_engine::HostDefined,
    context: &mut Context,
) -> JsResult<Script> {
    Script::parse_with_host_defined(src, None, defined, context)
        .map_err(|error| match error.into_opaque(context) {
            Ok(value) => JsError::from_opaque(value),
            Err(error) => error,
        })
}

/// A native error materialised as an object of `realm` (so `instanceof`
/// works against that realm's constructors).
fn error_in_realm(error: JsNativeError, realm: &Realm, context: &mut Context) -> JsError {
    let object = in_realm(realm, context, |context| error.into_opaque(context));
    JsError::from_opaque(object.into())
}

/// `createRealm(contextified, allowStrings, ownJobQueue, record)`
/// → `[realm, global, objectPrototype]`.
///
/// A `contextified` realm's global is a contextified global
/// (`contextify.rs`), ordinary until `contextify` gives it its context
/// object. `record` answers `import()` from code that has no script or
/// module (the context's own callback).
fn create_realm(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let contextified = args.get_or_undefined(0).to_boolean();
    let allow_strings = args.get_or_undefined(1).to_boolean();
    let own_job_queue = args.get_or_undefined(2).to_boolean();
    let hooks = crate::component::hooks();
    hooks.set_next_contextified(contextified);
    let realm = context.create_realm();
    hooks.set_next_contextified(false);
    let realm = realm?;
    realm.host_defined_mut().insert(RealmSettings { allow_strings, own_job_queue });
    if let Some(record) = args.get_or_undefined(3).as_object() {
        realm.host_defined_mut().insert(crate::modules::ReferrerRecord(record));
    }
    let real_global = in_realm(&realm, context, |context| context.global_object());
    let root = realm.intrinsics().constructors().object().prototype();
    let boxed = JsObject::from_proto_and_data(None, RealmBox(realm));
    Ok(JsArray::from_iter([boxed.into(), real_global.into(), root.into()], context).into())
}

/// `checkScript(code)` → `null`, or `[message, line, column]` of its SyntaxError.
fn check_script(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let code = string_arg(args, 0, context)?;
    Ok(match source::check_script(&code) {
        Ok(()) => JsValue::null(),
        Err(problem) => JsArray::from_iter(
            [
                JsString::from(problem.message.as_str()).into(),
                problem.line.into(),
                problem.column.into(),
            ],
            context,
        )
        .into(),
    })
}

/// Compiles a script for a realm: `[realm, code, filename, lineOffset,
/// columnOffset, record]` → compiled script (`fast_run` passes a script
/// state's fields).
pub(crate) fn compile_script(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let realm = realm_arg(args.get_or_undefined(0))?;
    let code = string_arg(args, 1, context)?;
    let filename = string_arg(args, 2, context)?;
    let padded = source::pad(&code, i32_arg(args, 3, context)?, i32_arg(args, 4, context)?);
    let defined = crate::modules::host_defined(args.get_or_undefined(5));
    let script = in_realm(&realm, context, |context| {
        let src = Source::from_bytes(&padded).with_path(Path::new(&filename));
        parse_here(src, defined, context)
    })?;
    Ok(JsObject::from_proto_and_data(None, CompiledScript(script)).into())
}

/// Runs a compiled script: `[compiled, realm, timeout, breakOnSigint,
/// afterEvaluate]` → completion value.
///
/// `timeout` is in ms (-1: none). The run's limits cover the script and,
/// with `afterEvaluate`, the promise jobs it queued in its context.
pub(crate) fn run_script(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let script = args
        .get_or_undefined(0)
        .as_object()
        .and_then(|o| o.downcast_ref::<CompiledScript>().map(|s| s.0.clone()))
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: expected a compiled script"))?;
    limits::run_with_limits(args.get(1..).unwrap_or_default(), context, |context| script.evaluate(context))
}

/// `compileFunction(realm, body, params, filename, lineOffset, columnOffset, extensions, record)`.
fn compile_function(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let realm = realm_arg(args.get_or_undefined(0))?;
    let body = string_arg(args, 1, context)?;
    let mut params = Vec::new();
    for param in elements(args.get_or_undefined(2), context)? {
        params.push(param.to_string(context)?.to_std_string_lossy());
    }
    let filename = string_arg(args, 3, context)?;
    let line_offset = i32_arg(args, 4, context)?;
    let column_offset = i32_arg(args, 5, context)?;
    let extensions = args.get_or_undefined(6).clone();
    let extension_count = elements(&extensions, context)?.len();
    if let Err(problem) = source::check_function(&params, &body) {
        return Err(error_in_realm(JsNativeError::syntax().with_message(problem.message), &realm, context));
    }
    let wrapper = source::function_wrapper(&body, &params, extension_count, line_offset, column_offset);
    let defined = crate::modules::host_defined(args.get_or_undefined(7));
    let value = in_realm(&realm, context, |context| {
        let src = Source::from_bytes(&wrapper).with_path(Path::new(&filename));
        parse_here(src, defined, context)?.evaluate(context)
    })?;
    if extension_count == 0 {
        return Ok(value);
    }
    let outer = value.as_callable().ok_or_else(|| JsNativeError::typ().with_message("jsvm: wrapper is not callable"))?;
    outer.call(&JsValue::undefined(), &[extensions], context)
}

/// `contextify(global, sandbox)`: makes a contextified realm's global
/// forward to its context object.
fn contextify(_: &JsValue, args: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let (Some(global), Some(sandbox)) = (args.get_or_undefined(0).as_object(), args.get_or_undefined(1).as_object()) else {
        return Err(JsNativeError::typ().with_message("jsvm: contextify needs a global and an object").into());
    };
    if !crate::contextify::install(&global, sandbox) {
        return Err(JsNativeError::typ().with_message("jsvm: not a contextified global").into());
    }
    Ok(JsValue::undefined())
}

fn memory_usage(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Ok(JsValue::from(memory::live_bytes() as f64))
}

/// `promiseState(promise)` → `['pending']`, `['fulfilled', value]` or
/// `['rejected', reason]` (for `console.log`, as Node's inspect shows it).
fn promise_state(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    use boa_engine::builtins::promise::PromiseState;
    let promise = args
        .get_or_undefined(0)
        .as_object()
        .and_then(|o| boa_engine::object::builtins::JsPromise::from_object(o).ok())
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: expected a promise"))?;
    let entries: Vec<JsValue> = match promise.state() {
        PromiseState::Pending => vec![js_string!("pending").into()],
        PromiseState::Fulfilled(value) => vec![js_string!("fulfilled").into(), value],
        PromiseState::Rejected(reason) => vec![js_string!("rejected").into(), reason],
    };
    Ok(JsArray::from_iter(entries, context).into())
}

/// `proxyDetails(value)` → `[target, handler]` of a Proxy, `null` for a
/// revoked Proxy, `undefined` for anything else; no trap runs (the console
/// shows a Proxy as its target, as Node's util.inspect does).
fn proxy_details(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let Some(object) = args.get_or_undefined(0).as_object() else { return Ok(JsValue::undefined()) };
    let Some(proxy) = object.downcast_ref::<boa_engine::builtins::proxy::Proxy>() else {
        return Ok(JsValue::undefined());
    };
    let Some((target, handler)) = proxy.target_and_handler() else { return Ok(JsValue::null()) };
    drop(proxy);
    Ok(JsArray::from_iter([target.into(), handler.into()], context).into())
}

/// `isClass(value)`: whether `value` is a class constructor (Boa's
/// `Function.prototype.toString` does not show a class's source, so the
/// console cannot tell by the text as Node does).
fn is_class(_: &JsValue, args: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let class = args.get_or_undefined(0).as_object().is_some_and(|object| {
        object
            .downcast_ref::<boa_engine::builtins::function::OrdinaryFunction>()
            .is_some_and(|function| function.is_class_constructor())
    });
    Ok(JsValue::from(class))
}

fn gc(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    boa_gc::force_collect();
    Ok(JsValue::undefined())
}

/// `print(level, text)`: one console line to the host.
fn print(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let level = match string_arg(args, 0, context)?.as_str() {
        "info" => host::ConsoleLevel::Info,
        "warn" => host::ConsoleLevel::Warn,
        "error" => host::ConsoleLevel::Error,
        "debug" => host::ConsoleLevel::Debug,
        _ => host::ConsoleLevel::Log,
    };
    let text = string_arg(args, 1, context)?;
    host::console(level, &text);
    Ok(JsValue::undefined())
}

/// Turns a host-side failure into a thrown guest value.
fn host_result<T>(result: Result<T, crate::jsvm::vm::types::JsError>, context: &mut Context) -> JsResult<T> {
    result.map_err(|error| errors::from_wit(error, context))
}

/// The host handle (first argument) and property key (second) of a trap.
fn handle_and_key(args: &[JsValue], context: &mut Context) -> JsResult<(u32, crate::jsvm::vm::types::Value)> {
    Ok((args.get_or_undefined(0).to_u32(context)?, values::key_to_wit(args.get_or_undefined(1), context)))
}

/// The elements of an array argument, for the host.
fn list_arg(value: &JsValue, context: &mut Context) -> JsResult<Vec<crate::jsvm::vm::types::Value>> {
    Ok(elements(value, context)?.iter().map(|v| values::to_wit(v, context)).collect())
}

/// The elements of an array or array-like (a host array arrives as a
/// Proxy, which is no `Array` to the engine); none for a non-object.
pub(crate) fn elements(value: &JsValue, context: &mut Context) -> JsResult<Vec<JsValue>> {
    let Some(object) = value.as_object() else { return Ok(Vec::new()) };
    let length = object.get(js_string!("length"), context)?.to_length(context)?;
    (0..length).map(|i| object.get(i, context)).collect()
}

/// Runs a host-object trap's work in the realm its proxy belongs to (the
/// trap's argument `index`): the values and errors it makes are that
/// realm's, never the main realm's.
fn in_proxy_realm<T>(
    args: &[JsValue],
    index: usize,
    context: &mut Context,
    f: impl FnOnce(&mut Context) -> JsResult<T>,
) -> JsResult<T> {
    let realm = realm_arg(args.get_or_undefined(index))?;
    in_realm(&realm, context, f)
}

/// `hostGetOwnProperty(id, key, realm)` → a descriptor object or undefined.
fn host_get_own_property(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    in_proxy_realm(args, 2, context, |context| {
        let (id, key) = handle_and_key(args, context)?;
        match host_result(crate::component::calling_host(context, || host::get_own_property(id, &key)), context)? {
            Some(descriptor) => Ok(values::descriptor_from_wit(descriptor, context)?.into()),
            None => Ok(JsValue::undefined()),
        }
    })
}

/// `hostSet(id, key, value, realm)`.
fn host_set(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    in_proxy_realm(args, 3, context, |context| {
        let (id, key) = handle_and_key(args, context)?;
        let value = values::to_wit(args.get_or_undefined(2), context);
        Ok(host_result(crate::component::calling_host(context, || host::set(id, &key, &value)), context)?.into())
    })
}

/// `hostHas(id, key, realm)`.
fn host_has(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    in_proxy_realm(args, 2, context, |context| {
        let (id, key) = handle_and_key(args, context)?;
        Ok(host_result(crate::component::calling_host(context, || host::has(id, &key)), context)?.into())
    })
}

/// `hostDeleteProperty(id, key, realm)`.
fn host_delete_property(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    in_proxy_realm(args, 2, context, |context| {
        let (id, key) = handle_and_key(args, context)?;
        Ok(host_result(crate::component::calling_host(context, || host::delete_property(id, &key)), context)?.into())
    })
}

/// `hostOwnKeys(id, realm)`.
fn host_own_keys(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    in_proxy_realm(args, 1, context, |context| {
        let id = args.get_or_undefined(0).to_u32(context)?;
        let keys = host_result(crate::component::calling_host(context, || host::own_keys(id)), context)?;
        let keys = values::from_wit_list(keys, context)?;
        Ok(JsArray::from_iter(keys, context).into())
    })
}

/// `hostDefineProperty(id, key, descriptor, realm)`.
fn host_define_property(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    in_proxy_realm(args, 3, context, |context| {
        let (id, key) = handle_and_key(args, context)?;
        let Some(descriptor) = values::descriptor_to_wit(args.get_or_undefined(2), context)? else {
            return Err(JsNativeError::typ().with_message("Property description must be an object").into());
        };
        Ok(host_result(crate::component::calling_host(context, || host::define_property(id, &key, &descriptor)), context)?.into())
    })
}

/// `hostCall(id, this, args, realm)`.
fn host_call(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    in_proxy_realm(args, 3, context, |context| {
        let id = args.get_or_undefined(0).to_u32(context)?;
        let this = values::to_wit(args.get_or_undefined(1), context);
        let list = list_arg(args.get_or_undefined(2), context)?;
        let value = host_result(crate::component::calling_host(context, || host::call(id, &this, &list)), context)?;
        values::from_wit(value, context)
    })
}

/// `hostConstruct(id, args, realm)`.
fn host_construct(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    in_proxy_realm(args, 2, context, |context| {
        let id = args.get_or_undefined(0).to_u32(context)?;
        let list = list_arg(args.get_or_undefined(1), context)?;
        let value = host_result(crate::component::calling_host(context, || host::construct(id, &list)), context)?;
        values::from_wit(value, context)
    })
}
